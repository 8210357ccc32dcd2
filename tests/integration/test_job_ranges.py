"""Ranges and heartbeats: a job split into ranges answered by several runners, read in
input order; a range whose runner went silent is taken over without an operator.

Both backends (the ``app`` fixture). The processes killed for real are in
tests/system/test_job_takeover.py.
"""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import text, update

from app import job_processing, job_ranges, job_runners, jobs
from app.db import get_engine, get_session
from app.models import JobRange

from .test_jobs import CORRECT, MOSCOW_IN_PARIS, RELATIVE, UNRELATED, ndjson, results, submit, wait_for

CLAIMS = [MOSCOW_IN_PARIS, UNRELATED, CORRECT, RELATIVE, UNRELATED, CORRECT, MOSCOW_IN_PARIS]  # 7


@pytest.fixture(autouse=True)
def _no_jobs_left(app):
    with get_engine(app).begin() as conn:
        conn.execute(text("DELETE FROM job_ranges"))
        conn.execute(text("DELETE FROM job_items"))
        conn.execute(text("DELETE FROM jobs"))
    yield


def stored_job(app, claims) -> str:
    with app.app_context():
        session = get_session()
        job, _ = jobs.create_job(session, jobs.iter_ndjson(ndjson(*claims).splitlines()), max_claims=100)
        session.commit()
        return job.id


def ranges(app, job_id):
    with get_engine(app).connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT start, stop, done, owner FROM job_ranges WHERE job_id = :j ORDER BY start"), {"j": job_id})]


def counting(monkeypatch):
    """Count the claims the engine is asked about (by text)."""
    seen: list[str] = []
    real = job_processing._verify_one
    lock = threading.Lock()

    def counted(session, claim, limit):
        with lock:
            seen.append(claim["text"])
        return real(session, claim, limit)

    monkeypatch.setattr(job_processing, "_verify_one", counted)
    return seen


def test_results_stay_in_input_order_when_a_later_range_finishes_first(app, demo, client):
    app.config.update(JOBS_RANGE_SIZE=3, JOBS_CHUNK_SIZE=2)
    job_id = stored_job(app, CLAIMS)
    assert job_ranges.offer(app, job_id) == 3
    assert [r[:3] for r in ranges(app, job_id)] == [(0, 3, 0), (3, 6, 0), (6, 7, 0)]
    first, second, last = "runner-a", "runner-b", "runner-c"
    assert job_ranges.claim(app, job_id, first) == (0, 3)
    assert job_ranges.claim(app, job_id, second) == (3, 6)
    assert job_ranges.claim(app, job_id, last) == (6, 7)
    assert job_ranges.claim(app, job_id, "runner-d") is None  # all held, heartbeats fresh

    # The middle range finishes first: nothing of it is readable yet.
    assert job_processing._answer_range(app, job_id, (3, 6), second, [None], None) == "complete"
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "running" and status["done"] == 0 and status["answered"] == 3
    assert status["summary"] == {"verified": 0, "mismatch": 0, "unverified": 0, "error": 0}
    r, answers = results(client, job_id)
    assert answers == [] and r.headers["X-Job-Done"] == "0"

    # The first range, one chunk: the prefix is its two answers.
    assert job_processing._answer_range(app, job_id, (0, 3), first, [1], None) == "stopped"
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["done"] == 2 and status["answered"] == 5
    assert sum(status["summary"].values()) == 2
    assert [a["line"] for a in results(client, job_id)[1]] == [1, 2]

    # The rest of the first range: the prefix runs on through the finished middle one.
    assert job_processing._answer_range(app, job_id, (0, 3), first, [None], None) == "complete"
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["done"] == 6 and status["answered"] == 6 and status["status"] == "running"
    assert [a["line"] for a in results(client, job_id)[1]] == [1, 2, 3, 4, 5, 6]

    assert job_processing._answer_range(app, job_id, (6, 7), last, [None], None) == "complete"
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "finished" and status["done"] == status["answered"] == 7
    assert status["summary"] == {"verified": 3, "mismatch": 2, "unverified": 2, "error": 0}
    assert [a["line"] for a in results(client, job_id)[1]] == list(range(1, 8))


def test_a_runner_that_lost_its_range_stores_nothing_more(app, demo, client):
    """The compare-and-set on the range's `done` (and its holder): a runner whose range was taken
    over cannot store the chunk it was working on."""
    app.config.update(JOBS_RANGE_SIZE=10, JOBS_CHUNK_SIZE=2)
    job_id = stored_job(app, CLAIMS)
    job_ranges.offer(app, job_id)
    assert job_ranges.claim(app, job_id, "old") == (0, 7)
    job_ranges.offer(app, job_id)  # `jobs resume` while "old" still runs
    assert job_ranges.claim(app, job_id, "new") == (0, 7)
    assert job_processing._answer_range(app, job_id, (0, 7), "old", [None], None) == "lost"
    assert client.get(f"/api/v1/jobs/{job_id}").get_json()["answered"] == 0
    assert job_processing._answer_range(app, job_id, (0, 7), "new", [None], None) == "complete"
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "finished" and status["done"] == 7


def test_several_runners_share_a_job_and_answer_each_claim_once(app, demo, client, monkeypatch):
    app.config.update(JOBS_RANGE_SIZE=2, JOBS_CHUNK_SIZE=1)
    seen = counting(monkeypatch)
    job_id = stored_job(app, CLAIMS * 3)  # 21 claims, 11 ranges
    job_ranges.offer(app, job_id)
    threads = [threading.Thread(target=job_processing.process_job, args=(app, job_id)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(seen) == 21 and sorted(seen) == sorted(c["text"] for c in CLAIMS * 3)
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "finished" and status["done"] == status["answered"] == 21
    assert status["summary"] == {"verified": 9, "mismatch": 6, "unverified": 6, "error": 0}
    assert [a["line"] for a in results(client, job_id)[1]] == list(range(1, 22))
    assert len({r[3] for r in ranges(app, job_id)}) >= 2  # more than one runner answered ranges


def test_a_range_whose_heartbeat_is_stale_is_taken_over_by_the_sweep(app, demo, client, monkeypatch):
    """A runner claimed a range, answered a chunk and died (no heartbeat since): the in-process
    runners' sweep finishes the job from where it stopped, without `jobs resume`."""
    app.config.update(JOBS_RANGE_SIZE=4, JOBS_CHUNK_SIZE=2, JOBS_STALE_AFTER=60, JOBS_THREADS=2)
    job_id = stored_job(app, CLAIMS)
    job_ranges.offer(app, job_id)
    dead = "dead-runner"
    assert job_ranges.claim(app, job_id, dead) == (0, 4)
    assert job_processing._answer_range(app, job_id, (0, 4), dead, [1], None) == "stopped"  # then killed
    assert client.get(f"/api/v1/jobs/{job_id}").get_json()["done"] == 2

    seen = counting(monkeypatch)
    assert job_runners.sweep(app) == {}  # fresh heartbeats: nothing to take over
    with get_engine(app).begin() as conn:  # a minute and more later
        conn.execute(update(JobRange).where(JobRange.job_id == job_id).values(
            heartbeat_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)))
    assert job_runners.sweep(app) == {job_id: 2}  # the dead runner's range and the unclaimed one
    assert job_runners.sweep(app) == {}  # once
    status = wait_for(client, job_id)
    assert status["status"] == "finished" and status["done"] == 7
    assert len(seen) == 5  # the two answered before were not asked again
    assert status["summary"] == {"verified": 3, "mismatch": 2, "unverified": 2, "error": 0}
    assert [a["line"] for a in results(client, job_id)[1]] == list(range(1, 8))
    assert dead not in {r[3] for r in ranges(app, job_id)}


def test_failed_jobs_are_left_to_an_operator(app, demo, client):
    app.config.update(JOBS_STALE_AFTER=0)
    job_id = stored_job(app, CLAIMS)
    job_ranges.offer(app, job_id)
    with app.app_context():
        session = get_session()
        session.execute(text("UPDATE jobs SET status = 'failed' WHERE id = :j"), {"j": job_id})
        session.execute(update(JobRange).where(JobRange.job_id == job_id).values(owner="gone"))
        session.commit()
    assert job_ranges.release_stale(app, claimed_only=False) == {}
    assert job_processing.process_job(app, job_id) == "failed"


def test_a_job_stored_before_ranges_keeps_its_answered_prefix(app, demo, client, monkeypatch):
    """A job begun by the old runner (done = 2, no ranges) continues at claim 3."""
    app.config.update(JOBS_RANGE_SIZE=2)
    job_id = stored_job(app, CLAIMS)
    with get_engine(app).begin() as conn:
        conn.execute(text("UPDATE jobs SET done = 2, answered = 2, mismatch = 1, unverified = 1, "
                          "status = 'running' WHERE id = :j"), {"j": job_id})
    seen = counting(monkeypatch)
    assert job_processing.process_job(app, job_id) == "finished"
    assert len(seen) == 5
    assert [r[:3] for r in ranges(app, job_id)] == [(0, 2, 2), (2, 4, 2), (4, 6, 2), (6, 7, 1)]
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["done"] == 7 and status["summary"]["mismatch"] == 2 and sum(status["summary"].values()) == 7


def test_a_submitted_job_uses_every_thread(app, demo, client, write_headers, monkeypatch):
    app.config.update(JOBS_RANGE_SIZE=2, JOBS_CHUNK_SIZE=1, JOBS_THREADS=2)
    names: set[str] = set()
    real = job_processing._verify_one

    def named(session, claim, limit):
        names.add(threading.current_thread().name)
        time.sleep(0.01)
        return real(session, claim, limit)

    monkeypatch.setattr(job_processing, "_verify_one", named)
    job_id = submit(client, write_headers, ndjson(*CLAIMS * 2)).get_json()["id"]
    status = wait_for(client, job_id)
    assert status["status"] == "finished" and status["done"] == 14
    assert len(names) == 2


def test_jobs_resume_takes_the_range_of_a_runner_that_just_died(app, demo, client, runner):
    """Its heartbeat is still fresh: an operator's `jobs resume` does not wait for it to go stale."""
    app.config.update(JOBS_CHUNK_SIZE=2)
    job_id = stored_job(app, CLAIMS)
    job_ranges.offer(app, job_id)
    assert job_ranges.claim(app, job_id, "just-died") == (0, 7)
    assert job_processing._answer_range(app, job_id, (0, 7), "just-died", [1], None) == "stopped"
    out = runner.invoke(args=["jobs", "resume", job_id])
    assert out.exit_code == 0 and "from claim 3 of 7" in out.output and "finished" in out.output, out.output
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "finished" and status["done"] == 7
    assert [a["line"] for a in results(client, job_id)[1]] == list(range(1, 8))


def test_a_job_stored_but_never_handed_to_a_runner_is_taken_over(app, demo, client):
    """The process died between storing the job and queuing it: the sweep offers it."""
    app.config.update(JOBS_STALE_AFTER=60, JOBS_THREADS=1)
    job_id = stored_job(app, CLAIMS)
    assert job_runners.sweep(app) == {}  # just stored: not stale yet
    with get_engine(app).begin() as conn:
        conn.execute(text("UPDATE jobs SET updated_at = :t WHERE id = :j"),
                     {"t": "2020-01-01 00:00:00", "j": job_id})
    assert job_runners.sweep(app) == {job_id: 1}
    status = wait_for(client, job_id)
    assert status["status"] == "finished" and status["done"] == 7


def test_an_idle_process_takes_a_share_of_another_ones_job(app, second_app, demo, client):
    """Embedded default with several web processes: the free ranges of a job another process runs
    are answered by an idle one too (one job on every core)."""
    app.config.update(JOBS_RANGE_SIZE=2, JOBS_CHUNK_SIZE=1)
    second_app.config.update(JOBS_RANGE_SIZE=2, JOBS_CHUNK_SIZE=1, JOBS_THREADS=2)
    job_id = stored_job(app, CLAIMS)
    job_ranges.offer(app, job_id)
    assert job_ranges.claim(app, job_id, "first-process") == (0, 2)  # busy elsewhere, alive
    assert job_runners.help_out(second_app) == {job_id: 3}
    wait_until = time.monotonic() + 30
    while client.get(f"/api/v1/jobs/{job_id}").get_json()["answered"] < 5:
        assert time.monotonic() < wait_until
        time.sleep(0.05)
    assert ranges(app, job_id)[0] == (0, 2, 0, "first-process")  # not taken from a live runner
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["done"] == 0 and status["status"] == "running"
    assert job_runners.help_out(second_app) == {}  # nothing free left
    assert job_processing._answer_range(app, job_id, (0, 2), "first-process", [None], None) == "complete"
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "finished" and status["done"] == 7
    assert [a["line"] for a in results(client, job_id)[1]] == list(range(1, 8))
