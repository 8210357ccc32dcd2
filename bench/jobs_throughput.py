"""Throughput of bulk verification jobs (claims/s), in-process and on an RQ worker.

    python -m bench.jobs_throughput --claims 2000                 # SQLite, both runners
    python -m bench.jobs_throughput --claims 2000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/test  # PostgreSQL (a scratch schema)

A fresh database (a temporary SQLite file, or a scratch schema on the given
PostgreSQL server) with the demo data; ``--claims`` claims cycling through a
mix of verdicts; submitted through the API. ``thread``: the embedded thread
pool of the web process. ``rq``: a real ``flask --app wsgi worker --burst``
subprocess (the forking RQ worker) on a queue of its own; needs Redis
(``--redis-url``). Reported: the submission (parse, validate, store) and the
processing time from submission to ``finished``.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CLAIMS = [
    {"text": "if Zelenskyy is ready, let him come to Moscow", "speaker": "Putin", "location": "Paris"},
    {"text": "if Zelenskyy is ready, let him come to Moscow", "speaker": "Vladimir Putin",
     "location": "Beijing", "date": "2025-09-03"},
    {"text": "The quick brown fox jumps over the lazy dog"},
    {"text": "invite me to Moscow", "speaker": "Putin"},
    {"text": "Russia has started talking about a meeting, which is already bad", "speaker": "Zelenskyy"},
    {"text": "I have never refused this, provided the meeting is well-prepared", "speaker": "Putin",
     "date": "on Wednesday", "reference_date": "2025-09-04"},
    {"text": "membership in the European Union represents essential economic, political, and "
             "geopolitical security", "speaker": "Volodymyr Zelenskyy", "date": "2025-09-04"},
    {"text": "We will build a wall along the southern border and the taxpayers will not pay for it"},
]


def body(n: int) -> bytes:
    lines = []
    for i in range(n):
        claim = dict(CLAIMS[i % len(CLAIMS)], id=f"c{i}")
        lines.append(json.dumps(claim))
    return ("\n".join(lines) + "\n").encode()


def setup(database_url: str):
    from app import create_app
    from app.db import get_engine
    from app.migrate import upgrade

    app = create_app({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"})
    upgrade(get_engine(app))
    runner = app.test_cli_runner()
    out = runner.invoke(args=["demo", "load"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(args=["keys", "create", "bench", "--scope", "write"])
    key = out.output.strip().splitlines()[-1]
    return app, {"Authorization": f"Bearer {key}", "Content-Type": "application/x-ndjson"}


def wait(client, job_id, timeout=3600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        s = client.get(f"/api/v1/jobs/{job_id}").get_json()
        if s["status"] in ("finished", "failed"):
            return s
        time.sleep(0.05)
    raise TimeoutError(job_id)


def run_thread(app, headers, n):
    client = app.test_client()
    data = body(n)
    t0 = time.perf_counter()
    r = client.post("/api/v1/jobs/verify", data=data, headers=headers)
    t1 = time.perf_counter()
    assert r.status_code == 202, r.get_json()
    s = wait(client, r.get_json()["id"])
    t2 = time.perf_counter()
    return s, t1 - t0, t2 - t1


def run_rq(app, headers, n, redis_url, database_url):
    from app import job_runners

    queue_name = f"verbatim-bench-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=redis_url, JOBS_QUEUE=queue_name)
    client = app.test_client()
    data = body(n)
    t0 = time.perf_counter()
    r = client.post("/api/v1/jobs/verify", data=data, headers=headers)
    t1 = time.perf_counter()
    assert r.status_code == 202, r.get_json()
    env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, JOBS_QUEUE=queue_name,
               LOG_LEVEL="WARNING")
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    subprocess.run([flask, "--app", "wsgi", "worker", "--burst"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    t2 = time.perf_counter()
    s = client.get(f"/api/v1/jobs/{r.get_json()['id']}").get_json()
    job_runners.rq_queue(app).delete(delete_jobs=True)
    return s, t1 - t0, t2 - t1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--database-url", help="PostgreSQL server to use (a scratch schema); default: SQLite")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--runner", choices=["thread", "rq", "both"], default="both")
    args = parser.parse_args()

    sys.path.insert(0, ROOT)
    from sqlalchemy import text

    from app.config import normalize_database_url
    from app.db import make_engine

    schema = None
    if args.database_url:
        from tests.conftest import _pg_url_with_schema

        schema = f"vb_bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(normalize_database_url(args.database_url))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        database_url = _pg_url_with_schema(args.database_url, schema)
    else:
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='vb-bench-')}/bench.db"
    try:
        app, headers = setup(database_url)
        backend = "postgresql" if schema else "sqlite"
        runners = ["thread", "rq"] if args.runner == "both" else [args.runner]
        for name in runners:
            if name == "thread":
                s, submit_s, run_s = run_thread(app, headers, args.claims)
            else:
                s, submit_s, run_s = run_rq(app, headers, args.claims, args.redis_url, database_url)
            assert s["status"] == "finished" and s["done"] == args.claims, s
            print(f"{backend:<10} {name:<6} {args.claims} claims: submit {submit_s:.2f}s "
                  f"({args.claims / submit_s:,.0f} claims/s), processing {run_s:.1f}s "
                  f"({args.claims / run_s:,.1f} claims/s); summary {json.dumps(s['summary'])}")
    finally:
        if schema:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
