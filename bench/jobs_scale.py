"""A big bulk verification job against a big store: claims/s end to end, threads and RQ workers.

    python -m bench.jobs_scale --db sqlite                      # embedded default: the web process's threads
    python -m bench.jobs_scale --db sqlite --reuse --runner gunicorn --workers 2   # ... under gunicorn
    python -m bench.jobs_scale --db postgresql --workers 1 2    # RQ workers on PostgreSQL (one, then two)

The store: ``--quotes`` quotes of the scale corpus (:func:`bench.scale.build`,
real sentences recombined), in ``bench/out/jobs-<n>.db`` (SQLite, kept for
the next run with ``--reuse``) or a PostgreSQL database of its own
(``verbatim_jobs_bench`` on ``BENCH_PG_ADMIN_URL``'s server, created and
dropped). The job: ``--claims`` labelled claims made from the stored quotes
(:func:`bench.corpus.make_claims`: fragments, typography, one-word edits,
exact, swapped speakers, dates and places, unrelated sentences, in equal
parts), submitted as JSON Lines to ``POST /api/v1/jobs/verify`` (the Flask
test client). Timed from the submission to ``finished`` (end to end: parse,
validate, store, then every claim answered).

* ``thread``: ``REDIS_URL`` unset, the in-process thread pool
  (``JOBS_THREADS``, 2), as in the web process.
* ``gunicorn``: the production server (``gunicorn.conf.py``), ``--workers``
  processes, no Redis, the job submitted over HTTP: its threads answer it,
  and idle workers take up its free ranges (``JOBS_SWEEP_INTERVAL=1``).
* ``rq``: real ``flask --app wsgi worker --burst`` processes (forking RQ
  workers) on a queue of their own, started and registered before the
  submission; the job is split in ranges (``JOBS_RANGE_SIZE``) that they
  answer at once.

The machine's load average is printed before and after (other work on the
machine slows every figure).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bench.jobs_throughput import wait

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = "verbatim_jobs_bench"


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def store_url(db: str, n: int, reuse: bool) -> tuple[str, bool]:
    """(database URL, whether it already holds the store)."""
    if db == "sqlite":
        path = ROOT / "bench" / "out" / f"jobs-{n}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        if reuse and path.exists():
            return f"sqlite:///{path}", True
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(path) + suffix)
            if p.exists():
                p.unlink()
        return f"sqlite:///{path}", False
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{PG_DB}", False


def drop_pg() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


def claims_body(app, n_quotes: int, n_claims: int, built: dict) -> bytes:
    from bench.scale import KINDS, claim_body, claims_for

    per_kind = -(-n_claims // len(KINDS))
    cases = claims_for(built["canon"], built["speakers"], per_kind, seed=1)[:n_claims]
    if len(cases) < n_claims:  # a kind can run short: cycle
        cases = [cases[i % len(cases)] for i in range(n_claims)]
    return "".join(json.dumps({**claim_body(c), "id": f"c{i}"}) + "\n" for i, c in enumerate(cases)).encode()


def _cpu(pid: str = "self") -> float:
    """CPU seconds of a process and its waited-for children (user + system)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def submit(client, headers, data: bytes) -> tuple[str, float]:
    t0 = time.perf_counter()
    r = client.post("/api/v1/jobs/verify", data=data, headers=headers)
    assert r.status_code == 202, r.get_json()
    return r.get_json()["id"], t0


def run_threads(app, headers, data: bytes) -> dict:
    app.config["REDIS_URL"] = None
    client = app.test_client()
    cpu0 = _cpu()
    job_id, t0 = submit(client, headers, data)
    s = wait(client, job_id, timeout=7200)
    return {"status": s, "seconds": time.perf_counter() - t0, "cpu": _cpu() - cpu0}


def run_gunicorn(app, headers, data: bytes, workers: int, database_url: str) -> dict:
    """The production server (gunicorn.conf.py) with ``workers`` processes, no Redis: the job runs in
    their threads; idle workers take up its free ranges at their sweep (every second here)."""
    import requests

    from bench.scale import _free_port

    port = _free_port()
    env = dict(os.environ, DATABASE_URL=database_url, VERBATIM_BIND=f"127.0.0.1:{port}",
               WEB_CONCURRENCY=str(workers), JOBS_SWEEP_INTERVAL="1", LOG_LEVEL="WARNING")
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-c", "gunicorn.conf.py",
                             "--access-logfile", "/dev/null", "wsgi:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{base}/api/v1/health", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        cpu0 = _tree_cpu(proc.pid)
        t0 = time.perf_counter()
        r = requests.post(f"{base}/api/v1/jobs/verify", data=data, headers=headers, timeout=600)
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        while True:
            s = requests.get(f"{base}/api/v1/jobs/{job_id}", timeout=60).json()
            if s["status"] in ("finished", "failed"):
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - t0
        cpu = _tree_cpu(proc.pid) - cpu0
        from sqlalchemy import text

        from app.db import get_engine

        with get_engine(app).connect() as c:
            owners = c.execute(text("SELECT owner FROM job_ranges WHERE job_id = :j"), {"j": job_id}).scalars().all()
        return {"status": s, "seconds": seconds, "cpu": cpu,
                "runners": len({o.split(":")[1] for o in owners if o})}
    finally:
        import signal

        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(60)


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its live children (gunicorn's master and workers)."""
    total = _cpu(str(pid))
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        total += _cpu(name)
            except (OSError, ValueError):
                continue
    return total


def run_rq(app, headers, data: bytes, workers: int, redis_url: str, database_url: str) -> dict:
    from redis import Redis
    from rq import Queue, Worker

    queue_name = f"verbatim-bench-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=redis_url, JOBS_QUEUE=queue_name)
    env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, JOBS_QUEUE=queue_name,
               LOG_LEVEL="WARNING")
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    # Each worker in a session of its own, as separate services run: with the
    # kernel's autogroup scheduling a session shares one CPU share, so workers
    # started in the bench's session would split one share between them.
    procs = [subprocess.Popen([flask, "--app", "wsgi", "worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True) for _ in range(workers)]
    conn = Redis.from_url(redis_url)
    queue = Queue(queue_name, connection=conn)
    try:
        deadline = time.monotonic() + 120
        while len(Worker.all(queue=queue)) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError("the RQ workers did not start")
            time.sleep(0.1)
        client = app.test_client()
        cpu0 = sum(_cpu(str(p.pid)) for p in procs)
        job_id, t0 = submit(client, headers, data)
        s = wait(client, job_id, timeout=7200)
        seconds = time.perf_counter() - t0
        time.sleep(1)  # the last work horses exit and are reaped: their CPU time is the workers' then
        cpu = sum(_cpu(str(p.pid)) for p in procs) - cpu0
        from sqlalchemy import text

        from app.db import get_engine

        with get_engine(app).connect() as c:
            owners = c.execute(text("SELECT owner FROM job_ranges WHERE job_id = :j"), {"j": job_id}).scalars().all()
        return {"status": s, "seconds": seconds, "cpu": cpu, "runners": len({o for o in owners if o})}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
        queue.delete(delete_jobs=True)
        for key in conn.scan_iter(f"*{queue_name}*"):
            conn.delete(key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--runner", choices=["thread", "gunicorn", "rq"],
                        help="default: thread on SQLite, rq on PostgreSQL")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="RQ workers, one run each")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--reuse", action="store_true", help="SQLite: keep the store of an earlier run")
    parser.add_argument("--keep", action="store_true", help="PostgreSQL: do not drop the database")
    args = parser.parse_args()
    runner = args.runner or ("thread" if args.db == "sqlite" else "rq")

    sys.path.insert(0, str(ROOT))
    from bench.scale import build, existing, make_app

    print(f"load average before: {_load()} ({os.cpu_count()} CPUs)", flush=True)
    url, ready = store_url(args.db, args.quotes, args.reuse)
    try:
        app = make_app(url)
        t = time.perf_counter()
        built = existing(app, args.quotes, 0) if ready else build(app, args.quotes, 0)
        if ready:  # an earlier run's jobs (one stopped half-way would be taken over and compete)
            from sqlalchemy import text

            from app.db import get_engine

            with get_engine(app).begin() as conn:
                conn.execute(text("DELETE FROM jobs"))
        print(f"store: {args.quotes:,} quotes on {args.db} ({'reused' if ready else 'built'} in "
              f"{time.perf_counter() - t:.0f}s)", flush=True)
        data = claims_body(app, args.quotes, args.claims, built)
        del built
        out = app.test_cli_runner().invoke(args=["keys", "create", "bench", "--scope", "write"])
        headers = {"Authorization": f"Bearer {out.output.strip().splitlines()[-1]}",
                   "Content-Type": "application/x-ndjson"}
        runs = [None] if runner == "thread" else args.workers
        for workers in runs:
            if runner == "thread":
                r = run_threads(app, headers, data)
                label = f"threads ({app.config['JOBS_THREADS']})"
            elif runner == "gunicorn":
                r = run_gunicorn(app, headers, data, workers, url)
                label = f"gunicorn x{workers} ({r['runners']} processes answered ranges)"
            else:
                r = run_rq(app, headers, data, workers, args.redis_url, url)
                label = f"rq x{workers} ({r['runners']} runner processes on ranges)"
            s = r["status"]
            assert s["status"] == "finished" and s["done"] == args.claims, s
            print(f"{args.db:<10} {label}: {args.claims:,} claims in {r['seconds']:.1f}s end to end = "
                  f"{args.claims / r['seconds']:,.0f} claims/s; CPU {r['cpu']:.0f}s "
                  f"({1000 * r['cpu'] / args.claims:.1f} ms a claim{'' if runner == 'thread' else ', workers only'}); "
                  f"summary {json.dumps(s['summary'])}; load average {_load()}", flush=True)
    finally:
        if args.db == "postgresql" and not args.keep:
            from app.db import get_engine

            try:
                get_engine(app).dispose()
            except Exception:
                pass
            drop_pg()
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
