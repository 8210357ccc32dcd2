"""Background imports: a large body is stored, answered 202, imported by the job runners."""
import json
import time

import pytest
from sqlalchemy import text

from app import job_runners, jobs
from app.db import get_engine

from .helpers import assert_error
from .test_jobs import rq_app, work  # noqa: F401 (fixtures: a real Redis and an RQ worker)

NDJSON = {"Content-Type": "application/x-ndjson"}


def body(n=60, bad=(5, 17)):
    lines = []
    for i in range(n):
        if i in bad:
            lines.append('{"text": "", "speaker": "Ann Lee"}')
        else:
            lines.append(json.dumps({"text": f"Background line {i} about the lighthouse.", "speaker": "Ann Lee",
                                     "location": "Paris, France"}))
    return "\n".join(lines) + "\n"


def wait_for(client, url, headers, timeout=60.0):
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(url, headers=headers)
        assert r.status_code == 200, r.get_data(as_text=True)[:300]
        out = r.get_json()
        if out["status"] in ("finished", "failed"):
            return out
        if time.monotonic() > deadline:
            pytest.fail(f"import still {out['status']} after {timeout}s: {out}")
        time.sleep(0.05)


def quotes(client):
    return client.get("/api/v1/health").get_json()["quotes"]


@pytest.fixture
def app_config():
    return {"IMPORT_SYNC_MAX_BYTES": 2000, "IMPORT_CHUNK_SIZE": 20, "IMPORT_WORKERS": 0}


@pytest.fixture(autouse=True)
def _no_jobs_left(app):
    with get_engine(app).begin() as conn:
        conn.execute(text("DELETE FROM jobs"))
    yield


def test_a_body_over_the_sync_limit_is_imported_in_the_background(client, write_headers):
    data = body()
    assert len(data) > 2000
    r = client.post("/api/v1/quotes/import", data=data, headers={**write_headers, **NDJSON})
    assert r.status_code == 202, r.get_data(as_text=True)[:300]
    accepted = r.get_json()
    assert accepted["status"] == "queued" and accepted["size"] == len(data)
    assert r.headers["Location"] == accepted["url"] == f"/api/v1/imports/{accepted['id']}"
    done = wait_for(client, r.headers["Location"], write_headers)
    assert done["status"] == "finished", done
    assert done["imported"] == 58 and done["rejected"] == 2 and done["read"] == len(data)
    assert [e["line"] for e in done["errors"]] == [6, 18]
    assert quotes(client) == 58
    listed = client.get("/api/v1/quotes?per_page=1").get_json()["items"][0]
    assert listed["place"]["country_code"] == "FR"


def test_prefer_respond_async_sends_any_body_to_the_background(client, write_headers):
    small = body(3, bad=())
    r = client.post("/api/v1/quotes/import", data=small,
                    headers={**write_headers, **NDJSON, "Prefer": "respond-async"})
    assert r.status_code == 202 and r.headers["Preference-Applied"] == "respond-async"
    assert wait_for(client, r.headers["Location"], write_headers)["imported"] == 3
    # Without it, a small body is imported in the request.
    r = client.post("/api/v1/quotes/import", data=small, headers={**write_headers, **NDJSON})
    assert r.status_code == 200 and r.get_json()["imported"] == 3


def test_a_retried_background_import_is_the_same_job(app, client, write_headers):
    headers = {**write_headers, **NDJSON, "Idempotency-Key": "bg-retry-1"}
    first = client.post("/api/v1/quotes/import", data=body(), headers=headers)
    again = client.post("/api/v1/quotes/import", data=body(), headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.get_json()["id"] == first.get_json()["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    wait_for(client, first.headers["Location"], write_headers)
    with get_engine(app).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM jobs")).scalar() == 1
    assert quotes(client) == 58


def test_a_file_that_cannot_be_imported_fails_and_stores_nothing(client, write_headers):
    csv = "quote,who\n" + "a,b\n" * 600
    r = client.post("/api/v1/quotes/import", data=csv, headers={**write_headers, "Content-Type": "text/csv"})
    assert r.status_code == 202
    done = wait_for(client, r.headers["Location"], write_headers)
    assert done["status"] == "failed" and "text and speaker" in done["error"]
    assert quotes(client) == 0


def test_a_job_that_dies_half_way_stored_nothing_and_resumes(app, client, write_headers, runner, monkeypatch):
    """The runner dies mid-import (here: an error from inside the import):
    nothing is stored, the job says so; `jobs resume` imports it whole."""
    from app import bulk_import, import_jobs

    monkeypatch.setattr(jobs, "enqueue", lambda app_, job_id: "test")  # nobody runs it yet
    r = client.post("/api/v1/quotes/import", data=body(), headers={**write_headers, **NDJSON})
    job_id = r.get_json()["id"]
    real = bulk_import.PlaceCache.columns
    calls = []

    def dying(self, location):
        calls.append(1)
        if len(calls) == 30:
            raise KeyboardInterrupt("worker killed")
        return real(self, location)

    monkeypatch.setattr(bulk_import.PlaceCache, "columns", dying)
    with pytest.raises(KeyboardInterrupt):
        import_jobs.process(app, job_id, runner="test")
    status = client.get(f"/api/v1/imports/{job_id}", headers=write_headers).get_json()
    assert status["status"] == "failed" and "Nothing was stored" in status["error"]
    assert quotes(client) == 0
    monkeypatch.setattr(bulk_import.PlaceCache, "columns", real)
    out = runner.invoke(args=["jobs", "resume", job_id])
    assert out.exit_code == 0, out.output
    status = client.get(f"/api/v1/imports/{job_id}", headers=write_headers).get_json()
    assert status["status"] == "finished" and status["imported"] == 58
    assert quotes(client) == 58


def test_progress_is_visible_while_it_runs(app, client, write_headers, monkeypatch):
    from app import import_jobs, repository

    monkeypatch.setattr(jobs, "enqueue", lambda app_, job_id: "test")
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY", 0)
    data = body(400, bad=())
    job_id = client.post("/api/v1/quotes/import", data=data, headers={**write_headers, **NDJSON}).get_json()["id"]
    seen = []
    real = repository.speakers_with_exact_keys

    def looking(session, keys):
        seen.append(client.get(f"/api/v1/imports/{job_id}", headers=write_headers).get_json())
        return real(session, keys)

    monkeypatch.setattr(repository, "speakers_with_exact_keys", looking)
    assert import_jobs.process(app, job_id) == "finished"
    running = [s for s in seen if s["status"] == "running"]
    assert running and all(s["imported"] is None for s in running)
    reads = [s["read"] for s in running]
    assert reads == sorted(reads) and 0 < reads[-1] <= len(data) and len(set(reads)) > 3


def test_the_status_needs_a_write_key_and_a_real_import(client, write_headers, make_key):
    r = client.post("/api/v1/quotes/import", data=body(), headers={**write_headers, **NDJSON})
    url = r.headers["Location"]
    assert_error(client.get(url), 401)
    assert_error(client.get(url, headers=make_key("read")), 403)
    assert_error(client.get("/api/v1/imports/" + "0" * 32, headers=write_headers), 404)
    assert_error(client.get("/api/v1/imports/not-a-job", headers=write_headers), 404)
    wait_for(client, url, write_headers)


def test_with_redis_an_rq_worker_imports_it(rq_app, client, write_headers):
    r = client.post("/api/v1/quotes/import", data=body(), headers={**write_headers, **NDJSON})
    assert r.status_code == 202
    assert job_runners.rq_queue(rq_app).count == 1
    assert client.get(r.headers["Location"], headers=write_headers).get_json()["status"] == "queued"
    work(rq_app)
    done = client.get(r.headers["Location"], headers=write_headers).get_json()
    assert done["status"] == "finished" and done["imported"] == 58
    assert quotes(client) == 58
