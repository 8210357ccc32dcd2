"""Bulk verification jobs: submit, follow, stream the answers; in-process and on RQ.

Runs on both backends (the ``app`` fixture). The RQ tests need a Redis at
127.0.0.1:6379 (``REDIS_TEST_URL`` to use another); each uses a queue of its
own and runs a real RQ worker in burst mode inside the test, in the test
application's context, so the worker uses the test's database.
"""
from __future__ import annotations

import json
import os
import threading
import time
import uuid

import pytest
from sqlalchemy import text

from app import job_processing, job_runners, jobs
from app.db import get_engine

from .helpers import assert_error

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")

MOSCOW_IN_PARIS = {"id": "a-1", "text": "if Zelenskyy is ready, let him come to Moscow", "speaker": "Putin",
                   "location": "Paris"}
UNRELATED = {"id": "a-2", "text": "The quick brown fox jumps over the lazy dog"}
CORRECT = {"id": 7, "text": "if Zelenskyy is ready, let him come to Moscow", "speaker": "Vladimir Putin",
           "location": "Beijing", "date": "2025-09-03"}
RELATIVE = {"text": "I have never refused this, provided the meeting is well-prepared", "speaker": "Putin",
            "date": "on Wednesday", "reference_date": "2025-09-04"}


def ndjson(*rows) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)


def submit(client, headers, body, content_type="application/x-ndjson"):
    return client.post("/api/v1/jobs/verify", data=body, headers={**headers, "Content-Type": content_type})


def wait_for(client, job_id, statuses=("finished", "failed"), timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(f"/api/v1/jobs/{job_id}")
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        if body["status"] in statuses:
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"job {job_id} still {body['status']} after {timeout}s: {body}")
        time.sleep(0.05)


def results(client, job_id, **params):
    r = client.get(f"/api/v1/jobs/{job_id}/results", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    assert r.mimetype == "application/x-ndjson"
    return r, [json.loads(line) for line in r.get_data(as_text=True).splitlines()]


def count_jobs(app):
    with get_engine(app).connect() as conn:
        return conn.execute(text("SELECT count(*) FROM jobs")).scalar()


@pytest.fixture(autouse=True)
def _no_jobs_left(app):
    """The PostgreSQL fixture empties only the quote tables; start each test without jobs."""
    with get_engine(app).begin() as conn:
        conn.execute(text("DELETE FROM job_items"))
        conn.execute(text("DELETE FROM jobs"))
    yield


# --- in-process (the embedded default) ---------------------------------------------------


def test_a_job_verifies_every_valid_line_in_order(demo, client, write_headers):
    body = ndjson(MOSCOW_IN_PARIS, "not json", UNRELATED, {"id": "x", "text": "  "}, CORRECT, [1, 2], RELATIVE)
    r = submit(client, write_headers, body)
    assert r.status_code == 202, r.get_json()
    created = r.get_json()
    assert created["status"] == "queued" and created["total"] == 4 and created["done"] == 0
    assert created["rejected"] == 3
    assert [e["line"] for e in created["errors"]] == [2, 4, 6]
    assert created["errors"][1] == {"line": 4, "id": "x", "errors": {"text": ["Must not be blank."]}}
    assert "_line" in created["errors"][0]["errors"]
    job_id = created["id"]
    assert r.headers["Location"].endswith(f"/api/v1/jobs/{job_id}")
    assert created["results"].endswith(f"/api/v1/jobs/{job_id}/results")

    status = wait_for(client, job_id)
    assert status["status"] == "finished", status
    assert status["done"] == status["total"] == 4
    assert status["summary"] == {"verified": 2, "mismatch": 1, "unverified": 1, "error": 0}
    assert status["started_at"] and status["finished_at"] and "error" not in status

    r, answers = results(client, job_id)
    assert r.headers["X-Job-Status"] == "finished" and r.headers["X-Job-Done"] == "4"
    assert [(a["line"], a["id"], a["verdict"]) for a in answers] == [
        (1, "a-1", "mismatch"), (3, "a-2", "unverified"), (5, "7", "verified"), (7, None, "verified")]
    first = answers[0]
    assert [i["type"] for i in first["issues"]] == ["wrong_location"]
    assert first["issues"][0]["canonical"] == "Beijing, China"
    assert first["match"]["quote"]["speaker"] == "Vladimir Putin"
    assert answers[1]["match"] is None
    # the same answer POST /api/v1/verify gives
    single = client.post("/api/v1/verify", json={k: v for k, v in MOSCOW_IN_PARIS.items() if k != "id"})
    assert {k: v for k, v in first.items() if k not in ("line", "id")} == single.get_json()

    _, tail = results(client, job_id, offset=2)
    assert [a["line"] for a in tail] == [5, 7]


def test_csv_and_json_array_bodies(demo, client, write_headers):
    csv_body = ("id,text,speaker,date,location\n"
                "c1,\"if Zelenskyy is ready, let him come to Moscow\",Putin,,Paris\n"
                "c2,The quick brown fox jumps over the lazy dog,,,\n"
                ",,,,\n"
                "c3,too,many,cells,here,x\n")
    r = submit(client, write_headers, csv_body, "text/csv")
    assert r.status_code == 202, r.get_json()
    created = r.get_json()
    assert created["total"] == 2 and [e["line"] for e in created["errors"]] == [5]
    wait_for(client, created["id"])
    _, answers = results(client, created["id"])
    assert [(a["line"], a["id"], a["verdict"]) for a in answers] == [(2, "c1", "mismatch"), (3, "c2", "unverified")]

    r = client.post("/api/v1/jobs/verify", json=[CORRECT, {"text": 5}], headers=write_headers)
    assert r.status_code == 202, r.get_json()
    assert r.get_json()["total"] == 1 and r.get_json()["errors"][0]["line"] == 2
    assert wait_for(client, r.get_json()["id"])["summary"]["verified"] == 1


def test_results_while_running_are_the_answered_prefix(app, demo, client, write_headers, monkeypatch):
    app.config["JOBS_CHUNK_SIZE"] = 1
    gate, calls = threading.Event(), []
    real = job_processing._verify_one

    def held(session, claim, limit):
        calls.append(claim["text"])
        if len(calls) == 3:
            assert gate.wait(20), "the test never opened the gate"
        return real(session, claim, limit)

    monkeypatch.setattr(job_processing, "_verify_one", held)
    claims = [MOSCOW_IN_PARIS, UNRELATED, CORRECT, RELATIVE, UNRELATED]
    job_id = submit(client, write_headers, ndjson(*claims)).get_json()["id"]
    try:
        status = wait_for(client, job_id, statuses=("running",))
        deadline = time.monotonic() + 20
        while status["done"] < 2:
            assert time.monotonic() < deadline, status
            time.sleep(0.02)
            status = client.get(f"/api/v1/jobs/{job_id}").get_json()
        assert status["status"] == "running" and status["done"] == 2 and status["finished_at"] is None
        r, partial = results(client, job_id)
        assert r.headers["X-Job-Status"] == "running" and r.headers["X-Job-Done"] == "2"
        assert [a["line"] for a in partial] == [1, 2]
        assert [a["verdict"] for a in partial] == ["mismatch", "unverified"]
    finally:
        gate.set()
    status = wait_for(client, job_id)
    assert status["status"] == "finished" and status["done"] == 5
    _, full = results(client, job_id)
    assert [a["line"] for a in full] == [1, 2, 3, 4, 5]
    assert full[:2] == partial


def test_one_claim_the_engine_fails_on_does_not_fail_the_job(app, demo, client, write_headers, monkeypatch):
    from app import services

    real = services.verify_claim

    def flaky(session, data, **kw):
        if data["text"].startswith("The quick"):
            raise RuntimeError("engine bug")
        return real(session, data, **kw)

    monkeypatch.setattr(services, "verify_claim", flaky)
    job_id = submit(client, write_headers, ndjson(MOSCOW_IN_PARIS, UNRELATED, CORRECT)).get_json()["id"]
    status = wait_for(client, job_id)
    assert status["status"] == "finished"
    assert status["summary"] == {"verified": 1, "mismatch": 1, "unverified": 0, "error": 1}
    _, answers = results(client, job_id)
    assert answers[1]["verdict"] == "error" and answers[1]["error"]["code"] == 500
    assert "engine bug" not in json.dumps(answers[1])
    assert [a["verdict"] for a in answers] == ["mismatch", "error", "verified"]


def test_an_interrupted_job_resumes_from_the_first_unfinished_claim(app, demo, runner, client):
    """The runner dies after the first chunk; `jobs resume` finishes it without redoing a claim."""
    app.config["JOBS_CHUNK_SIZE"] = 2
    with app.app_context():
        from app.db import get_session

        session = get_session()
        records = jobs.iter_ndjson(ndjson(MOSCOW_IN_PARIS, UNRELATED, CORRECT, RELATIVE, UNRELATED).splitlines())
        job, _ = jobs.create_job(session, records, max_claims=100)
        job_id = job.id
        session.commit()
    assert job_processing.process_job(app, job_id, max_chunks=1) == "running"  # stopped after one chunk
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "running" and status["done"] == 2
    _, partial = results(client, job_id)
    assert [a["line"] for a in partial] == [1, 2]

    seen = []
    real = job_processing._verify_one
    job_processing._verify_one = lambda s, c, n: (seen.append(c["text"]), real(s, c, n))[1]
    try:
        out = runner.invoke(args=["jobs", "resume", job_id])
    finally:
        job_processing._verify_one = real
    assert out.exit_code == 0, out.output
    assert "from claim 3 of 5" in out.output and "finished" in out.output
    assert len(seen) == 3  # only the unfinished claims were verified
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "finished" and status["done"] == 5
    assert sum(status["summary"].values()) == 5
    _, answers = results(client, job_id)
    assert [a["line"] for a in answers] == [1, 2, 3, 4, 5] and answers[:2] == partial
    assert runner.invoke(args=["jobs", "resume", job_id]).output.strip() == "No unfinished jobs."
    listing = runner.invoke(args=["jobs", "list"]).output
    assert job_id in listing and "5/5" in listing


def test_two_runners_on_one_job_store_each_claim_once(app, demo, client):
    app.config["JOBS_CHUNK_SIZE"] = 1
    with app.app_context():
        from app.db import get_session

        session = get_session()
        body = ndjson(*([MOSCOW_IN_PARIS, UNRELATED, CORRECT] * 4)).splitlines()
        job, _ = jobs.create_job(session, jobs.iter_ndjson(body), max_claims=100)
        job_id = job.id
        session.commit()
    threads = [threading.Thread(target=job_processing.process_job, args=(app, job_id)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "finished" and status["done"] == 12
    assert status["summary"] == {"verified": 4, "mismatch": 4, "unverified": 4, "error": 0}
    _, answers = results(client, job_id)
    assert [a["line"] for a in answers] == list(range(1, 13))


# --- access and errors ------------------------------------------------------------------


def test_submitting_needs_a_write_key(app, client, make_key):
    body = ndjson(UNRELATED)
    assert_error(submit(client, {}, body), 401)
    assert_error(submit(client, make_key("read"), body), 403)
    assert_error(submit(client, {"Authorization": "Bearer vbt_nope"}, body), 401)
    assert count_jobs(app) == 0


def test_reading_a_job_follows_the_read_rule(app, client, write_headers, make_key):
    job_id = submit(client, write_headers, ndjson(UNRELATED)).get_json()["id"]
    wait_for(client, job_id)
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 200  # reads are open by default
    app.config["REQUIRE_API_KEY_FOR_READ"] = True
    assert_error(client.get(f"/api/v1/jobs/{job_id}"), 401)
    assert_error(client.get(f"/api/v1/jobs/{job_id}/results"), 401)
    read = make_key("read")
    assert client.get(f"/api/v1/jobs/{job_id}", headers=read).status_code == 200
    r = client.get(f"/api/v1/jobs/{job_id}/results", headers=read)
    assert r.status_code == 200 and len(r.get_data(as_text=True).splitlines()) == 1


def test_unknown_jobs_are_404(client):
    for path in (f"/api/v1/jobs/{uuid.uuid4().hex}", f"/api/v1/jobs/{uuid.uuid4().hex}/results",
                 "/api/v1/jobs/not-a-job", "/api/v1/jobs/1%27%20or%201=1/results"):
        assert_error(client.get(path), 404)
    # /jobs/verify is the POST that submits a job, not a job id (32 hex digits).
    assert_error(client.get("/api/v1/jobs/verify"), 405)


@pytest.mark.parametrize("content_type,body,code", [
    ("text/plain", "hello", 415),
    ("application/x-ndjson", "", 422),
    ("application/x-ndjson", "\n\n", 422),
    ("application/x-ndjson", "not json\n[1]\n{\"text\": 3}\n{\"text\": \"x\", \"id\": [1]}\n", 422),
    ("application/x-ndjson", "\xff\xfe garbage", 422),
    ("text/csv", "speaker,date\nPutin,2025\n", 422),
    ("text/csv", "", 422),
    ("application/json", "{not json", 400),
    ("application/json", "{\"claims\": 3}", 422),
    ("application/json", "[]", 422),
])
def test_bad_bodies_are_json_errors_and_store_nothing(app, client, write_headers, content_type, body, code):
    r = submit(client, write_headers, body.encode("latin-1") if "\xff" in body else body, content_type)
    err = assert_error(r, code)
    if code == 422 and "not json" in body:
        assert [e["line"] for e in err["errors"]["lines"]] == [1, 2, 3, 4]
    assert count_jobs(app) == 0


def test_limits(app, client, write_headers):
    app.config["JOBS_MAX_CLAIMS"] = 2
    err = assert_error(submit(client, write_headers, ndjson(UNRELATED, UNRELATED, UNRELATED)), 422)
    assert "At most 2 claims" in err["message"]
    app.config["JOBS_MAX_CONTENT_LENGTH"] = 100
    err = assert_error(submit(client, write_headers, ndjson(*[UNRELATED] * 3)), 413)
    assert "100 bytes" in err["message"]
    assert count_jobs(app) == 0
    assert_error(client.get("/api/v1/jobs/" + "a" * 32 + "/results?offset=-1"), 422)


def test_worker_command_needs_redis(runner):
    out = runner.invoke(args=["worker", "--burst"])
    assert out.exit_code != 0 and "REDIS_URL is not set" in out.output


# --- RQ on a real Redis ----------------------------------------------------------------


@pytest.fixture
def rq_app(app):
    """The test application with REDIS_URL and a queue of its own (skips without Redis)."""
    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"RQ tests need Redis at {REDIS_TEST_URL} (set REDIS_TEST_URL); unreachable: "
                    f"{type(exc).__name__}: {exc}")
    app.config["REDIS_URL"] = REDIS_TEST_URL
    app.config["JOBS_QUEUE"] = f"verbatim-test-{uuid.uuid4().hex[:12]}"
    queue = job_runners.rq_queue(app, conn)
    yield app
    from rq.registry import FailedJobRegistry, FinishedJobRegistry

    for registry in (FailedJobRegistry(queue=queue), FinishedJobRegistry(queue=queue)):
        for rq_id in registry.get_job_ids():
            registry.remove(rq_id, delete_job=True)
    queue.delete(delete_jobs=True)
    conn.close()


def work(app):
    """A real RQ worker, in burst mode, in this process and the app's context."""
    from rq import SimpleWorker

    queue = job_runners.rq_queue(app)
    with app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_with_redis_the_job_waits_for_an_rq_worker(rq_app, demo, client, write_headers):
    job_id = submit(client, write_headers, ndjson(MOSCOW_IN_PARIS, "oops", UNRELATED, CORRECT)).get_json()["id"]
    queue = job_runners.rq_queue(rq_app)
    assert queue.count == 1
    time.sleep(0.2)
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "queued" and status["done"] == 0  # nothing runs in the web process
    work(rq_app)
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "finished", status
    assert status["summary"] == {"verified": 1, "mismatch": 1, "unverified": 1, "error": 0}
    _, answers = results(client, job_id)
    assert [(a["line"], a["id"], a["verdict"]) for a in answers] == [
        (1, "a-1", "mismatch"), (3, "a-2", "unverified"), (4, "7", "verified")]
    assert queue.count == 0


def test_the_worker_command_runs_queued_jobs(rq_app, demo, client, runner, write_headers):
    job_id = submit(client, write_headers, ndjson(UNRELATED, CORRECT)).get_json()["id"]
    out = runner.invoke(args=["worker", "--burst", "--simple"])
    assert out.exit_code == 0, out.output
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "finished" and status["summary"]["verified"] == 1


def test_an_rq_job_interrupted_midway_resumes_without_duplicates(rq_app, demo, client, runner, write_headers,
                                                                 monkeypatch):
    rq_app.config["JOBS_CHUNK_SIZE"] = 2
    real = job_processing._verify_one
    calls = []

    def dies_on_the_third(session, claim, limit):
        calls.append(claim["text"])
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real(session, claim, limit)

    monkeypatch.setattr(job_processing, "_verify_one", dies_on_the_third)
    claims = [MOSCOW_IN_PARIS, UNRELATED, CORRECT, RELATIVE, UNRELATED]
    job_id = submit(client, write_headers, ndjson(*claims)).get_json()["id"]
    work(rq_app)
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "failed" and status["done"] == 2, status
    assert "worker killed" in status["error"] and "jobs resume" in status["error"]
    _, partial = results(client, job_id)
    assert [a["line"] for a in partial] == [1, 2]

    monkeypatch.setattr(job_processing, "_verify_one", lambda s, c, n: (calls.append(c["text"]), real(s, c, n))[1])
    calls.clear()
    out = runner.invoke(args=["jobs", "resume", job_id])
    assert out.exit_code == 0 and "Queued job" in out.output, out.output
    assert client.get(f"/api/v1/jobs/{job_id}").get_json()["status"] == "queued"
    work(rq_app)
    assert len(calls) == 3  # claims 3..5 only
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "finished" and status["done"] == 5 and "error" not in status
    assert status["summary"] == {"verified": 2, "mismatch": 1, "unverified": 2, "error": 0}
    _, answers = results(client, job_id)
    assert [a["line"] for a in answers] == [1, 2, 3, 4, 5] and answers[:2] == partial


def test_redis_down_at_submission_is_503_and_stores_nothing(app, client, write_headers):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    err = assert_error(submit(client, write_headers, ndjson(UNRELATED)), 503)
    assert "Redis" in err["message"]
    assert count_jobs(app) == 0


def test_deleting_a_job(app, client, write_headers, make_key, runner):
    job_id = submit(client, write_headers, ndjson(UNRELATED, UNRELATED)).get_json()["id"]
    wait_for(client, job_id)
    assert_error(client.delete(f"/api/v1/jobs/{job_id}"), 401)
    assert_error(client.delete(f"/api/v1/jobs/{job_id}", headers=make_key("read")), 403)
    r = client.delete(f"/api/v1/jobs/{job_id}", headers=write_headers)
    assert r.status_code == 204
    assert_error(client.get(f"/api/v1/jobs/{job_id}"), 404)
    assert_error(client.delete(f"/api/v1/jobs/{job_id}", headers=write_headers), 404)
    with get_engine(app).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM job_items")).scalar() == 0

    kept = submit(client, write_headers, ndjson(UNRELATED)).get_json()["id"]
    wait_for(client, kept)
    assert runner.invoke(args=["jobs", "purge", "--days", "1"]).output.strip() == "Deleted 0 job(s)."
    assert runner.invoke(args=["jobs", "purge", "--days", "0"]).output.strip() == "Deleted 1 job(s)."
    assert count_jobs(app) == 0
