"""What the rate limiter costs a verify request, one code tree against another.

Each variant runs in a process of its own, with its own copy of the code
(``--old`` is a tree such as ``git archive 14f0844 | tar -x -C /tmp/lim-old``,
the current tree is the new one), on one small SQLite store (the demo
article's quotes), through the Flask test client, with the rate limits on and
budgets no run reaches. Each process warms up with 100 requests; then rounds
of 100 ``POST /api/v1/verify`` alternate between the variants, each request
timed with ``time.thread_time()`` (this thread's CPU, so other load on the
machine counts less) and ``perf_counter``. A third variant, the current
tree with ``RATE_LIMIT_ENABLED=False``, shows what is left of the limiter.
Each round also times the same request's hooks alone (every ``before_request``
and ``after_request`` on a fresh request context, no view), where the
limiter's share stands out from the noise of a whole request.

    .venv/bin/python bench/limiter_cost.py --old /tmp/lim-old [--rounds 30 --requests 100]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENEROUS = {"RATE_LIMIT_ANONYMOUS": "100000000 per minute", "RATE_LIMIT_PER_KEY": "100000000 per minute"}
CLAIM = {"text": "Ultimately, if Zelenskyy is ready, let him come to Moscow.", "speaker": "Vladimir Putin"}


def worker(root: str, url: str, limits_on: bool) -> None:
    """Serve rounds on stdin: each line a number of requests, each answer a JSON line of timings."""
    sys.path.insert(0, root)
    os.chdir(root)
    from app import create_app

    app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "JOBS_SWEEP_INTERVAL": 0,
                      "RATE_LIMIT_ENABLED": limits_on, **GENEROUS})
    client = app.test_client()
    for _ in range(100):
        assert client.post("/api/v1/verify", json=CLAIM).status_code == 200
    print("ready", flush=True)
    for line in sys.stdin:
        cpu, wall, hooks = [], [], []
        for _ in range(int(line)):
            c0, w0 = time.thread_time(), time.perf_counter()
            r = client.post("/api/v1/verify", json=CLAIM)
            cpu.append(time.thread_time() - c0)
            wall.append(time.perf_counter() - w0)
            assert r.status_code == 200 and ("X-RateLimit-Limit" in r.headers) == limits_on
        for _ in range(int(line)):  # the same request's hooks alone: every before_ and after_request
            c0 = time.thread_time()
            with app.test_request_context("/api/v1/verify", method="POST", json=CLAIM):
                assert app.preprocess_request() is None
                app.process_response(app.response_class())
            hooks.append(time.thread_time() - c0)
        print(json.dumps({"cpu": statistics.median(cpu) * 1e3, "wall": statistics.median(wall) * 1e3,
                          "hooks": statistics.median(hooks) * 1e3}), flush=True)


def make_store() -> str:
    sys.path.insert(0, str(ROOT))
    from app import create_app
    from app.db import get_engine, make_engine
    from app.migrate import upgrade

    url = f"sqlite:///{tempfile.mkdtemp()}/limiter-cost.db"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "JOBS_SWEEP_INTERVAL": 0})
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    get_engine(app).dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", required=True, help="the code tree to compare against")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.worker[2] == "on")
        return
    url = make_store()
    variants = {"old, limits on": (args.old, "on"), "new, limits on": (str(ROOT), "on"),
                "new, limits off": (str(ROOT), "off")}
    procs = {}
    for name, (root, on) in variants.items():
        procs[name] = subprocess.Popen([sys.executable, __file__, "--old", args.old, "--worker", root, url, on],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert procs[name].stdout.readline().strip() == "ready", name
    load = [os.getloadavg()]
    rounds: dict[str, list[dict]] = {name: [] for name in variants}
    for i in range(args.rounds):
        order = list(procs.items())
        for name, proc in order[i % 3:] + order[:i % 3]:  # each variant first in turn
            proc.stdin.write(f"{args.requests}\n")
            proc.stdin.flush()
            rounds[name].append(json.loads(proc.stdout.readline()))
    load.append(os.getloadavg())
    for proc in procs.values():
        proc.stdin.close()
        proc.wait()
    print(f"{args.rounds} rounds x {args.requests} verify requests each; load average {load[0][0]:.2f} -> "
          f"{load[1][0]:.2f}")
    for what, measure in (("whole request", "cpu"), ("hooks alone", "hooks")):
        print(f"{what}, CPU ms per request, medians over rounds: " + ", ".join(
            f"{name} {statistics.median(r[measure] for r in rs):.3f}" for name, rs in rounds.items()))
        old, new, off = (rounds[name] for name in variants)
        print(f"  the limiter (on - off, same round): old {_paired(old, off, measure):.3f}, "
              f"new {_paired(new, off, measure):.3f}; saving (old - new) {_paired(old, new, measure):.3f}")


def _paired(a: list[dict], b: list[dict], measure: str) -> float:
    return statistics.median(x[measure] - y[measure] for x, y in zip(a, b))


if __name__ == "__main__":
    main()
