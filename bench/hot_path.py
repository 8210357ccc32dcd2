"""The verify hot path, two versions of the code side by side on one store.

    python -m bench.hot_path --store bench/out/scale-100000.db --n 100000 \\
        --code before=/tmp/base --code after=. [--per-kind 100] [--load-seconds 20] \\
        [--phases inproc,profile,http,load] [--out bench/out/hot-100k.json] [--cases FILE]

A store built by :mod:`bench.run` (SQLite file or PostgreSQL URL; the scale
corpus of ``--n`` quotes, seed 0) and one set of labelled claims made from
it (:func:`bench.corpus.make_claims`, as :mod:`bench.scale` makes them) are
measured with each ``--code`` checkout (another one: ``git archive <commit> |
tar -x -C /tmp/base``). Each phase runs for every checkout in turn, one
child process each, before the next phase starts, so that the load of a
shared machine falls on both alike:

``inproc``
    ``services.verify_claim`` in an application context per claim, as
    :func:`bench.scale.verify_in_process` (schema load, a new session, the
    answer's quote serialised): wall p50/p99, the thread's CPU p50/p99,
    recall@1 per kind, and each claim's answer (verdict, matched quote,
    issues, alternatives), which must be the same for every checkout. The
    application is the checkout's ``wsgi.app``, prepared as its ``wsgi.py``
    prepares it for gunicorn's workers.
``profile``
    Where a verify's time goes: every claim once through the Flask test
    client (``POST /api/v1/verify``: routing, auth, rate limits, schema,
    the service, the JSON) under ``cProfile``; each function's own time is
    put in one stage by the file it is in: the engine (``verification/``),
    the service's own Python (``app/``), SQLAlchemy (statement building,
    compiling, result rows), the database driver and the database
    (``sqlite3``/``psycopg`` calls, where SQLite's query execution happens),
    serialisation (marshmallow, ``json``), the framework (Flask, Werkzeug,
    flask-smorest, the limits library) and the rest (standard library). The
    profiler slows Python code more than C code, so the shares are shown
    as such, and scaled to the unprofiled test-client p50 measured just
    before.
``http``
    gunicorn with two workers on 127.0.0.1 (the checkout's ``wsgi:app`` and
    ``gunicorn.conf.py``), one client, sequential requests: p50/p99.
``load``
    The same two workers under ``wrk -t1 -c4`` for ``--load-seconds``:
    requests/s, p50/p99, errors (any non-200 counts).

The rate limits stay on, with budgets no single client of the benchmark
reaches (``RATE_LIMIT_ANONYMOUS``), so their cost is counted and nothing is
refused.
"""
from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pickle
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
GENEROUS_LIMITS = {"RATE_LIMIT_ANONYMOUS": "100000000 per minute", "RATE_LIMIT_PER_KEY": "100000000 per minute",
                   "LOG_LEVEL": "WARNING"}

STAGES = ("engine", "service (app/)", "SQLAlchemy", "driver + database", "serialisation", "framework", "other")


def _stage(filename: str, name: str) -> str:
    f = filename.replace("\\", "/")
    if "/verification/" in f:
        return "engine"
    if "/site-packages/sqlalchemy/" in f:
        return "SQLAlchemy"
    if "/psycopg" in f or "sqlite3" in f or "sqlite3" in name or "psycopg" in name:
        return "driver + database"
    if "/marshmallow/" in f or "/json/" in f or "orjson" in name or "json" in f.rsplit("/", 1)[-1]:
        return "serialisation"
    if any(p in f for p in ("/flask/", "/werkzeug/", "/flask_smorest/", "/limits/",
                            "/webargs/", "/apispec/")):
        return "framework"
    if "/app/" in f:
        return "service (app/)"
    return "other"


# --- the claims -------------------------------------------------------------------------


def make_cases(url: str, n: int, per_kind: int, seed: int = 0) -> list[dict[str, Any]]:
    from bench import scale

    app = scale.make_app(url)
    b = scale.existing(app, n, seed)
    cases = scale.claims_for(b["canon"], b["speakers"], per_kind, seed)
    import random

    random.Random(3).shuffle(cases)
    return [{"body": scale.claim_body(c), "kind": c.kind, "accept": sorted(c.acceptable_ids),
             "expected": c.expected_verdict} for c in cases]


# --- one checkout, one phase (a child process) -------------------------------------------


def _summary(answer: dict[str, Any]) -> list[Any]:
    """The verdict, the matched quote and a digest of the whole answer (which
    must not change between checkouts)."""
    m = answer.get("match")
    digest = hashlib.sha1(json.dumps(answer, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return [answer["verdict"], m["quote"]["id"] if m else None, digest]


def _pct(v: list[float], p: float) -> float:
    s = sorted(v)
    return s[min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))]


def _worker_app(url: str):
    """The checkout's application as its gunicorn workers get it: its own
    ``wsgi.py`` (whatever that prepares before the fork), configured by the
    environment as the ``http`` and ``load`` phases' workers are."""
    os.environ.update(GENEROUS_LIMITS, DATABASE_URL=url)
    import wsgi

    return wsgi.app


def child_inproc(url: str, cases: list[dict[str, Any]]) -> dict[str, Any]:
    from app import services
    from app.db import get_session
    from app.schemas import QuoteSchema, VerifySchema

    app = _worker_app(url)
    vs, qs = VerifySchema(), QuoteSchema()
    limit = app.config["CANDIDATE_LIMIT"]

    def one(body):
        with app.app_context():
            return services.verify_claim(get_session(), vs.load(body), candidate_limit=limit,
                                         quote_serializer=qs.dump)

    for c in cases[:30]:
        one(c["body"])
    lat, cpu, answers, per_kind = [], [], [], {}
    load = os.getloadavg()[0]
    for c in cases:
        t, tc = time.perf_counter(), time.thread_time()
        a = one(c["body"])
        lat.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - tc) * 1000)
        answers.append(_summary(a))
        k = per_kind.setdefault(c["kind"], [0, 0])
        k[0] += 1
        mid = a["match"]["quote"]["id"] if a.get("match") else None
        k[1] += int(a["verdict"] == "unverified") if c["kind"] == "unrelated" else int(mid in c["accept"])
    return {"p50_ms": _pct(lat, 50), "p99_ms": _pct(lat, 99), "mean_ms": statistics.fmean(lat),
            "cpu_p50_ms": _pct(cpu, 50), "cpu_p99_ms": _pct(cpu, 99),
            "recall": {k: round(100.0 * h / n, 1) for k, (n, h) in per_kind.items()},
            "loadavg": [round(load, 2), round(os.getloadavg()[0], 2)], "answers": answers}


def child_profile(url: str, cases: list[dict[str, Any]]) -> dict[str, Any]:
    app = _worker_app(url)
    client = app.test_client()

    def post(body):
        r = client.post("/api/v1/verify", json=body)
        assert r.status_code == 200, (r.status_code, r.data[:300])

    for c in cases[:30]:
        post(c["body"])
    lat = []
    for c in cases:
        t = time.perf_counter()
        post(c["body"])
        lat.append((time.perf_counter() - t) * 1000)
    prof = cProfile.Profile()
    prof.enable()
    for c in cases:
        post(c["body"])
    prof.disable()
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    by_stage = dict.fromkeys(STAGES, 0.0)
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.items():
        by_stage[_stage(filename, name)] += tottime
    total = sum(by_stage.values())
    p50 = _pct(lat, 50)
    return {"test_client_p50_ms": p50, "test_client_mean_ms": statistics.fmean(lat),
            "profiled_ms_per_verify": 1000 * total / len(cases),
            "share": {k: round(v / total, 4) for k, v in by_stage.items()},
            # The shares applied to the unprofiled mean: an estimate per stage.
            "ms_per_verify": {k: round(statistics.fmean(lat) * v / total, 3) for k, v in by_stage.items()}}


def _gunicorn(url: str, code: Path):
    from bench import scale

    env_before = {k: os.environ.get(k) for k in GENEROUS_LIMITS}
    os.environ.update(GENEROUS_LIMITS)
    try:
        return scale.Gunicorn(url, cwd=code)
    finally:
        for k, v in env_before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def child_http(url: str, cases: list[dict[str, Any]], code: Path) -> dict[str, Any]:
    from bench import scale

    g = _gunicorn(url, code)
    try:
        wrapped = [_Body(c["body"]) for c in cases]
        return scale.http_sequential(g.port, wrapped, count=400)
    finally:
        g.stop()


def child_load(url: str, cases: list[dict[str, Any]], code: Path, seconds: int) -> dict[str, Any]:
    from bench import scale

    g = _gunicorn(url, code)
    try:
        wrapped = [_Body(c["body"]) for c in cases]
        scale.http_sequential(g.port, wrapped, count=40)  # both workers warm
        cpu_before = _tree_cpu_s(g)
        out = scale.http_load(g.port, wrapped, seconds=seconds, connections=4)
        # The workers' own CPU per request: what the throughput would be if the
        # two workers had the two cores to themselves (a shared machine's
        # requests/s says more about the other work on it).
        cpu = _tree_cpu_s(g) - cpu_before
        if out.get("load_requests"):
            out["worker_cpu_ms_per_request"] = round(1000 * cpu / out["load_requests"], 3)
            out["rps_if_two_cores_were_the_workers"] = round(2 * out["load_requests"] / cpu, 1)
        out["worker_peak_rss_mb"] = [round((scale._rss_kb(p) or 0) / 1024, 1) for p in g.workers()]
        out["loadavg"] = round(os.getloadavg()[0], 2)
        return out
    finally:
        g.stop()


def _cpu_s(pid: int, reaped: bool = False) -> float:
    """A process's user and system CPU time so far, in seconds (with its
    exited children's, if ``reaped``)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if reaped else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def _tree_cpu_s(g) -> float:
    """gunicorn's CPU time: the master, its live workers and those it
    restarted (``max_requests``)."""
    return _cpu_s(g.proc.pid, reaped=True) + sum(_cpu_s(p) for p in g.workers())


class _Body:
    """A case as :func:`bench.scale.claim_body` reads it."""

    def __init__(self, body: dict[str, Any]):
        from verification.model import Claim

        self.claim = Claim(text=body["text"], speaker=body.get("speaker"), date=body.get("date"),
                           location=body.get("location"))


def child(argv: list[str]) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--code", required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--phase", required=True)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--result", required=True)
    a = ap.parse_args(argv)
    code = Path(a.code).resolve()
    # This file's bench package (for the helpers), the checkout's app and engine.
    sys.path.insert(0, str(ROOT))
    import bench.corpus  # noqa: F401
    import bench.scale  # noqa: F401

    sys.path.insert(0, str(code))
    os.chdir(code)
    with open(a.cases, "rb") as f:
        cases = pickle.load(f)
    if a.phase == "inproc":
        res = child_inproc(a.url, cases)
    elif a.phase == "profile":
        res = child_profile(a.url, cases)
    elif a.phase == "http":
        res = child_http(a.url, cases, code)
    else:
        res = child_load(a.url, cases, code, a.seconds)
    import app as app_pkg

    res["app_from"] = str(Path(app_pkg.__file__).resolve().parents[1])
    Path(a.result).write_text(json.dumps(res))


# --- the parent -------------------------------------------------------------------------------


def _git(code: Path) -> str:
    r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=code, capture_output=True, text=True)
    return r.stdout.strip() or "(not a checkout)"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", required=True, help="SQLite file or database URL")
    ap.add_argument("--n", type=int, required=True, help="quotes in the store (the scale corpus's first n)")
    ap.add_argument("--code", action="append", required=True, help="label=path of a checkout")
    ap.add_argument("--per-kind", type=int, default=100)
    ap.add_argument("--phases", default="inproc,profile,http,load")
    ap.add_argument("--load-seconds", type=int, default=20)
    ap.add_argument("--out", default=None)
    ap.add_argument("--cases", default=None,
                    help="a file of claims: read if it exists, else made and written there (at 1M, making "
                         "the claims and their gold takes most of a run)")
    a = ap.parse_args(argv)
    url = a.store if "://" in a.store else f"sqlite:///{Path(a.store).resolve()}"
    codes = [(c.split("=", 1)[0], Path(c.split("=", 1)[1]).resolve()) for c in a.code]
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="hot-path-"))
    t = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    kept = Path(a.cases) if a.cases else None
    if kept is not None and kept.exists():
        with open(kept, "rb") as f:
            cases = pickle.load(f)
    else:
        cases = make_cases(url, a.n, a.per_kind)
        if kept is not None:
            with open(kept, "wb") as f:
                pickle.dump(cases, f)
    with open(tmp / "cases.pkl", "wb") as f:
        pickle.dump(cases, f)
    print(f"{len(cases)} claims in {time.perf_counter() - t:.0f} s", flush=True)
    results: dict[str, Any] = {"store": url, "n": a.n, "claims": len(cases), "machine_cores": os.cpu_count(),
                               "codes": {label: {"path": str(p), "commit": _git(p)} for label, p in codes},
                               "phases": {}}
    for phase in a.phases.split(","):
        for label, code in codes:
            res_file = tmp / f"{phase}-{label}.json"
            subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", "--code", str(code),
                            "--url", url, "--cases", str(tmp / "cases.pkl"), "--phase", phase,
                            "--seconds", str(a.load_seconds), "--result", str(res_file)], check=True)
            r = json.loads(res_file.read_text())
            results["phases"].setdefault(phase, {})[label] = r
            shown = {k: v for k, v in r.items() if k not in ("answers",)}
            print(f"[{phase} {label}] {json.dumps(shown)}", flush=True)
    if "inproc" in results["phases"]:
        runs = results["phases"]["inproc"]
        labels = list(runs)
        base = runs[labels[0]]["answers"]
        for label in labels[1:]:
            diff = [i for i, (x, y) in enumerate(zip(base, runs[label]["answers"])) if x != y]
            # Of those, the ones whose verdict or matched quote differ (the rest: alternatives, context...).
            judged = [i for i in diff if base[i][:2] != runs[label]["answers"][i][:2]]
            results.setdefault("answer_differences", {})[label] = {
                "count": len(diff), "verdict_or_match": len(judged),
                "first": [(cases[i]["body"], cases[i]["kind"], base[i], runs[label]["answers"][i])
                          for i in (judged + diff)[:10]]}
            print(f"answers differing from {labels[0]}: {label} {len(diff)} of {len(base)}, "
                  f"{len(judged)} in verdict or matched quote", flush=True)
        for r in runs.values():
            r.pop("answers", None)
    print(report(results))
    if a.out:
        Path(a.out).write_text(json.dumps(results, indent=1, default=str))


def report(r: dict[str, Any]) -> str:
    labels = list(r["codes"])
    ph = r["phases"]
    lines = [f"{r['n']:,} quotes, {r['store'].split('/')[-1]}, {r['claims']} claims; "
             + ", ".join(f"{k} = {v['commit']}" for k, v in r["codes"].items()), "",
             "| | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]

    def row(name, phase, fmt):
        if phase in ph:
            lines.append(f"| {name} | " + " | ".join(fmt(ph[phase][lb]) for lb in labels) + " |")

    row("in-process p50 / p99 ms", "inproc", lambda x: f"{x['p50_ms']:.2f} / {x['p99_ms']:.2f}")
    row("in-process CPU p50 / p99 ms", "inproc", lambda x: f"{x['cpu_p50_ms']:.2f} / {x['cpu_p99_ms']:.2f}")
    row("recall@1 per kind %", "inproc", lambda x: " ".join(f"{k[:6]} {v:g}" for k, v in sorted(x["recall"].items())))
    row("test client p50 ms (whole request)", "profile", lambda x: f"{x['test_client_p50_ms']:.2f}")
    row("HTTP, gunicorn, one client p50 / p99 ms", "http", lambda x: f"{x['http_p50_ms']:.2f} / {x['http_p99_ms']:.2f}")
    row("HTTP, two workers, wrk -c4: requests/s", "load", lambda x: f"{x.get('load_rps')}")
    row("  p50 / p99 ms, errors", "load",
        lambda x: f"{x.get('load_p50_ms')} / {x.get('load_p99_ms')}, {x.get('load_errors')} of {x.get('load_requests')}")
    row("  load average at the end", "load", lambda x: f"{x.get('loadavg')}")
    row("  workers' CPU per request ms (requests/s if they had both cores)", "load",
        lambda x: f"{x.get('worker_cpu_ms_per_request')} ({x.get('rps_if_two_cores_were_the_workers')})")
    if "profile" in ph:
        lines += ["", "Where a verify's time goes (test client, cProfile shares scaled to the unprofiled mean), ms:",
                  "", "| stage | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
        for s in STAGES:
            lines.append(f"| {s} | " + " | ".join(
                f"{ph['profile'][lb]['ms_per_verify'][s]:.2f} ({100 * ph['profile'][lb]['share'][s]:.0f}%)"
                for lb in labels) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
    else:
        main()
