"""Jobs that finish themselves: the process answering a job is killed with SIGKILL mid-job,
another is started, and the job finishes with every claim answered exactly once, in order,
without `jobs resume`.

* Embedded default: a real gunicorn (one worker, the production config) runs
  the job in its threads; it is killed, a second gunicorn takes over once
  the dead one's heartbeat is older than JOBS_STALE_AFTER — from its start,
  with no request sent to it.
* At scale: real ``flask --app wsgi worker`` processes on the real Redis
  (a queue of this test's own) share the job in ranges; one is killed, a
  new one is started, the survivors' sweep queues the dead one's range again.

Timings are short (heartbeat 0.2 s, stale after 1.5 s) so each test takes a
few seconds.
"""
from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import requests
from sqlalchemy import text

from app.db import get_engine
from tests.integration.test_jobs import CORRECT, MOSCOW_IN_PARIS, RELATIVE, REDIS_TEST_URL, UNRELATED, ndjson

from .test_gunicorn import ROOT, free_port, healthy
from .test_helper_processes import children

CLAIMS = [MOSCOW_IN_PARIS, UNRELATED, CORRECT, RELATIVE]  # mismatch, unverified, verified, verified
N = 200
RANGE = 25
FAST = {"JOBS_HEARTBEAT_INTERVAL": "0.2", "JOBS_STALE_AFTER": "1.5", "JOBS_SWEEP_INTERVAL": "0.3",
        "JOBS_CHUNK_SIZE": "5", "JOBS_RANGE_SIZE": str(RANGE), "LOG_LEVEL": "WARNING"}
BIN = os.path.dirname(sys.executable)


def body() -> str:
    return ndjson(*[{**CLAIMS[i % 4], "id": f"c{i + 1}"} for i in range(N)])


def job_row(app, job_id):
    with get_engine(app).connect() as conn:
        return conn.execute(text("SELECT status, done, answered, total FROM jobs WHERE id = :j"),
                            {"j": job_id}).first()


def wait_until(app, job_id, ok, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        row = job_row(app, job_id)
        if ok(row):
            return row
        if time.monotonic() > deadline:
            pytest.fail(f"job {job_id}: {what} not reached in {timeout}s: {row}")
        time.sleep(0.05)


def kill_group(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(10)


def assert_answered_exactly_once_in_order(client, job_id):
    status = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert status["status"] == "finished", status
    assert status["done"] == status["answered"] == status["total"] == N
    # Each chunk is counted when it is stored: a chunk stored twice would count twice.
    assert status["summary"] == {"verified": N // 2, "mismatch": N // 4, "unverified": N // 4, "error": 0}
    r = client.get(f"/api/v1/jobs/{job_id}/results")
    answers = [json.loads(line) for line in r.get_data(as_text=True).splitlines()]
    assert [a["line"] for a in answers] == list(range(1, N + 1))
    assert [a["id"] for a in answers] == [f"c{i}" for i in range(1, N + 1)]
    expected = {0: "mismatch", 1: "unverified", 2: "verified", 3: "verified"}
    assert [a["verdict"] for a in answers] == [expected[i % 4] for i in range(N)]
    assert collections.Counter(a["line"] for a in answers).most_common(1)[0][1] == 1


# --- embedded default: gunicorn's threads ---------------------------------------------------


def gunicorn(url: str):
    port = free_port()
    env = {**os.environ, **FAST, "DATABASE_URL": url, "VERBATIM_BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": "1", "JOBS_THREADS": "2"}
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen([os.path.join(BIN, "gunicorn"), "-c", "gunicorn.conf.py", "--access-logfile",
                             "/dev/null", "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    return proc, f"http://127.0.0.1:{port}"


def wait_up(proc, base):
    if not healthy(proc, base):
        kill_group(proc)
        pytest.fail("gunicorn did not start")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_killed_web_process_job_is_finished_by_another(app, demo, client, write_headers):
    url = app.config["DATABASE_URL"]
    first, base = gunicorn(url)
    try:
        wait_up(first, base)
        r = requests.post(f"{base}/api/v1/jobs/verify", data=body().encode(),
                          headers={**write_headers, "Content-Type": "application/x-ndjson"}, timeout=30)
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        row = wait_until(app, job_id, lambda row: row.answered >= 20, 60, "20 answers")
    finally:
        kill_group(first)
    at_kill = job_row(app, job_id)
    assert at_kill.status == "running" and at_kill.answered < N, at_kill
    time.sleep(0.5)
    assert job_row(app, job_id).answered == at_kill.answered  # nobody is answering it now

    second, _ = gunicorn(url)  # no request is sent to it
    try:
        wait_until(app, job_id, lambda row: row.status == "finished", 90, "finished")
    finally:
        kill_group(second)
    assert_answered_exactly_once_in_order(client, job_id)
    assert row.answered >= 20


# --- at scale: RQ workers on the real Redis ------------------------------------------------


def family(pid: int) -> set[int]:
    """A process and its children (an RQ worker and its work horse, which has a process group
    of its own)."""
    return {pid, *children(pid)}


def holding(app, job_id, pids: set[int]) -> bool:
    with get_engine(app).connect() as conn:
        owners = conn.execute(text("SELECT owner FROM job_ranges WHERE job_id = :j AND done > 0 "
                                   "AND done < stop - start"), {"j": job_id}).scalars().all()
    return any(o and int(o.split(":")[1]) in pids for o in owners)


@pytest.fixture
def rq_env(app):
    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"needs Redis at {REDIS_TEST_URL}: {type(exc).__name__}")
    queue_name = f"verbatim-test-{uuid.uuid4().hex[:12]}"
    app.config.update(REDIS_URL=REDIS_TEST_URL, JOBS_QUEUE=queue_name, JOBS_RANGE_SIZE=RANGE)
    env = {**os.environ, **FAST, "DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": REDIS_TEST_URL,
           "JOBS_QUEUE": queue_name}
    procs: list[subprocess.Popen] = []

    def start():
        proc = subprocess.Popen([os.path.join(BIN, "flask"), "--app", "wsgi", "worker"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        kill_group(proc)
    from rq import Queue
    from rq.job import Job
    from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry

    queue = Queue(queue_name, connection=conn)
    for registry in (FailedJobRegistry(queue=queue), FinishedJobRegistry(queue=queue),
                     StartedJobRegistry(queue=queue)):
        for rq_id in registry.get_job_ids():
            try:
                Job.fetch(rq_id, connection=conn).delete()
            except Exception:  # gone already
                pass
        conn.delete(registry.key)
    queue.delete(delete_jobs=True)
    for key in conn.scan_iter(f"*{queue_name}*"):  # killed workers' registrations, RQ's bookkeeping
        conn.delete(key)
    conn.close()


def test_a_killed_rq_worker_job_is_finished_by_the_others(app, demo, client, write_headers, rq_env):
    doomed, survivor = rq_env(), rq_env()
    r = client.post("/api/v1/jobs/verify", data=body(),
                    headers={**write_headers, "Content-Type": "application/x-ndjson"})
    assert r.status_code == 202, r.get_json()
    job_id = r.get_json()["id"]
    with get_engine(app).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM job_ranges WHERE job_id = :j"),
                            {"j": job_id}).scalar() == N // RANGE
    # Wait until the doomed worker's work horse holds a range it has begun.
    deadline = time.monotonic() + 60
    while not holding(app, job_id, family(doomed.pid)):
        if time.monotonic() > deadline:
            pytest.fail(f"the first worker never answered part of a range: {job_row(app, job_id)}")
        time.sleep(0.05)
    for pid in family(doomed.pid) - {doomed.pid}:  # the work horse, mid-range
        os.kill(pid, signal.SIGKILL)
    kill_group(doomed)
    rq_env()  # a new worker joins
    wait_until(app, job_id, lambda row: row.status == "finished", 90, "finished")
    assert survivor.poll() is None
    assert_answered_exactly_once_in_order(client, job_id)
