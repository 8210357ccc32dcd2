"""Verify over HTTP with the primary alone, then with a read replica beside it.

    python -m bench.replicas [--n 100000] [--seconds 20] [--connections 4] [--workers 2]

Starts its own PostgreSQL primary and a ``pg_basebackup -R`` streaming
replica on loopback (``tests/pg_cluster.py``; the shared server on :5432 is
not used), imports the scale corpus (``bench.corpus.scale_corpus``) on the
primary, waits until the replica has replayed it, then runs the same load
twice against gunicorn (two sync workers): ``DATABASE_URL`` alone, and with
``DATABASE_REPLICA_URLS`` set to the replica. Each run: sequential
single-client latency (``bench.scale.http_sequential``), a bounded ``wrk``
run (``bench.scale.http_load``), and the CPU seconds each PostgreSQL server
(its postmaster and backends) and the gunicorn workers spent during the
``wrk`` run, per verify: where the reads went, and which share of a verify's
work a replica takes off the primary. Prints the figures as JSON.

Both servers, gunicorn and wrk share this machine's cores: the run shows the
reads moving to the replica and what the routing costs, not a scale-out.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import time
import urllib.request
from typing import Any

from bench.scale import Gunicorn, build, claims_for, http_load, http_sequential, make_app
from tests.pg_cluster import Cluster

TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    out = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
        except (OSError, IndexError, ValueError):
            pass
    return out


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    return round(sum(t - before.get(pid, 0.0) for pid, t in after.items()), 2)


def run(cluster: Cluster, cases, *, replica: bool, seconds: int, connections: int, workers: int) -> dict[str, Any]:
    if replica:
        os.environ["DATABASE_REPLICA_URLS"] = cluster.replica_url
    try:
        g = Gunicorn(cluster.primary_url, workers=workers)
    finally:
        os.environ.pop("DATABASE_REPLICA_URLS", None)
    try:
        res: dict[str, Any] = {"replica": replica}
        res.update(http_sequential(g.port, cases))
        pids = {s: cluster.server_pids(s) for s in ("primary", "replica")}
        pids["web"] = g.workers()
        before = {s: _cpu_seconds(p) for s, p in pids.items()}
        load_before = os.getloadavg()[0]
        res.update(http_load(g.port, cases, seconds=seconds, connections=connections))
        res["loadavg"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        for server in ("primary", "replica"):
            res[f"{server}_cpu_s"] = _spent(before[server], _cpu_seconds(cluster.server_pids(server)))
        res["web_cpu_s"] = _spent(before["web"], _cpu_seconds(g.workers()))
        requests = max(1, res.get("load_requests") or 0)
        res["cpu_ms_per_verify"] = {k: round(1000 * res[f"{k}_cpu_s"] / requests, 2)
                                    for k in ("web", "primary", "replica")}
        health = json.loads(urllib.request.urlopen(
            f"http://127.0.0.1:{g.port}/api/v1/health", timeout=5).read())
        res["health"] = {k: health.get(k) for k in ("status", "primary", "replicas")}
    finally:
        g.stop()
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--per-kind", type=int, default=60)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()

    # Settings of a small production server rather than of the test cluster.
    cluster = Cluster({"shared_buffers": "256MB", "fsync": "on", "full_page_writes": "on",
                       "synchronous_commit": "on"})
    try:
        cluster.start()
        app = make_app(cluster.primary_url)
        b = build(app, a.n, seed=0)
        from app.db import get_engine

        get_engine(app).dispose()
        t = time.perf_counter()
        cluster.wait_replayed(timeout=600)
        replay_wait_s = round(time.perf_counter() - t, 2)
        print(f"[replicas] {a.n} quotes imported ({a.n / b['import_s']:.0f}/s); the replica replayed them "
              f"{replay_wait_s} s after the import returned", flush=True)
        with cluster_session(cluster) as conn:
            conn.execute("VACUUM ANALYZE")
        cluster.wait_replayed(timeout=600)
        cases = claims_for(b["canon"], b["speakers"], a.per_kind, 0)
        random.Random(3).shuffle(cases)
        results = {"n": a.n, "claims": len(cases), "workers": a.workers, "connections": a.connections,
                   "seconds": a.seconds, "cores": os.cpu_count(), "import_per_s": round(a.n / b["import_s"], 1),
                   "replay_wait_s": replay_wait_s, "runs": []}
        for replica in (False, True, False, True):  # alternated: the machine's load drifts
            r = run(cluster, cases, replica=replica, seconds=a.seconds, connections=a.connections,
                    workers=a.workers)
            print(f"[replicas] replica={replica}: {r.get('load_rps')} rps, p50 {r.get('load_p50_ms')} ms, "
                  f"p99 {r.get('load_p99_ms')} ms, errors {r.get('load_errors')}; sequential p50 "
                  f"{r['http_p50_ms']:.1f} ms; CPU ms/verify {r['cpu_ms_per_verify']}; "
                  f"load {r['loadavg']}", flush=True)
            results["runs"].append(r)
        print(json.dumps(results, indent=1))
    finally:
        cluster.close()


def cluster_session(cluster: Cluster):
    import psycopg

    return psycopg.connect(host="127.0.0.1", port=cluster.primary_port, user="postgres", dbname="verbatim",
                           autocommit=True)


if __name__ == "__main__":
    main()
