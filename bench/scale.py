"""One corpus size on one database: build it, then measure everything the issue asks.

``measure(n, db)`` returns a dict of figures; :mod:`bench.run` drives sizes and
databases, writes ``bench/out/results.json``, the table and the plot.

Steps, each timed separately:

1. A fresh database (SQLite file under ``bench/out/``, or a fresh PostgreSQL
   database ``verbatim_bench``), migrated with the application's migrations.
2. The scale corpus (:func:`bench.corpus.scale_corpus`, real sentences
   recombined) serialised to JSON Lines and stored through the code path of
   ``POST /api/v1/quotes/import`` (:func:`app.importer.iter_ndjson`:
   parsing and schema validation, then :func:`app.bulk_import.import_quotes`),
   in-process: quotes per second.
3. Labelled claims (:func:`bench.corpus.make_claims`) made from the stored
   quotes: fragments, typography, one-word edits, swapped speakers, dates and
   places, unrelated sentences.
4. Verification in-process: :func:`app.services.verify_claim` in an
   application context per claim (a new session each time, like a request);
   p50/p99 latency; recall@1 (the verdict's match is a right quote) and the
   retrieval's own recall (the right quote among the candidates, and first).
5. Batch throughput: ``POST /api/v1/verify/batch`` with 100 claims through the
   Flask test client.
6. Over HTTP: gunicorn with two sync workers on 127.0.0.1; sequential
   single-client latency, then (``--load``) a bounded ``wrk`` run from a
   second process: requests/s, p99 and errors; then each worker's peak
   resident memory (VmHWM).
7. The brute-force baseline a user would write otherwise: every text in a
   Python list, ``rapidfuzz.process.extractOne`` with ``partial_ratio`` and
   with ``token_set_ratio``; texts and claims preprocessed once
   (``utils.default_process``), so only the scan is timed. At large sizes a
   scan takes seconds, so it runs on a time-boxed sample of the claims.
"""
from __future__ import annotations

import gc
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("BENCH_PG_DB", "verbatim_bench")

# Claim kinds measured, and the ones recall is computed on.
KINDS = ("fragment", "typography", "one_word_edit", "exact", "swapped_speaker", "shifted_date",
         "swapped_place", "unrelated")
RECALL_KINDS = ("fragment", "typography", "one_word_edit")


def pct(values: list[float], p: float) -> Optional[float]:
    if not values:
        return None
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def _rss_kb(pid: int, field: str = "VmHWM") -> Optional[int]:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


# --- databases ------------------------------------------------------------------------


def fresh_database(db: str, n: int) -> str:
    if db == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"scale-{n}.db"
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(path) + suffix)
            if p.exists():
                p.unlink()
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{PG_DB}"


def database_bytes(app) -> int:
    from app.db import get_engine

    engine = get_engine(app)
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar())


def make_app(url: str):
    from app import create_app

    return create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "TESTING": False})


# --- building the corpus --------------------------------------------------------------


def build(app, n: int, seed: int, rows: Optional[list[dict[str, Any]]] = None) -> dict[str, Any]:
    """A store of ``n`` quotes: ``rows``, or the scale corpus's first ``n``."""
    from app import bulk_import, importer, migrate, services
    from app.db import get_engine, get_session
    from bench.corpus import scale_corpus, scale_speakers
    from verification.model import CanonicalQuote, SpeakerRef

    migrate.upgrade(get_engine(app))
    with app.app_context():
        session = get_session()
        for sp in scale_speakers():
            services.create_speaker(session, sp["name"], sp.get("aliases") or ())
        session.commit()

    t = time.perf_counter()
    rows = rows if rows is not None else list(scale_corpus(n, seed))
    gen_s = time.perf_counter() - t
    lines = [json.dumps(r).encode() + b"\n" for r in rows]

    # The import is timed in a warm process, as in a service that has verified
    # anything: the gazetteer is loaded (about 0.8 s, once per process; a cold
    # one-off CLI import pays it on its first chunk).
    from verification.places import load_gazetteer

    load_gazetteer()
    gc.collect()
    t = time.perf_counter()
    with app.app_context():
        session = get_session()
        result = bulk_import.import_quotes(session, importer.iter_ndjson(lines),
                                        chunk_size=app.config["IMPORT_CHUNK_SIZE"],
                                        workers=app.config["IMPORT_WORKERS"])
    import_s = time.perf_counter() - t
    del lines
    if result.errors:
        raise RuntimeError(f"import errors: {result.errors[:3]}")

    with app.app_context():
        from app.models import Speaker

        refs = {s.name: SpeakerRef(id=s.id, name=s.name, aliases=tuple(s.alias_names))
                for s in get_session().query(Speaker).all()}
    canon = [CanonicalQuote(id=qid, text=r["text"], speaker=refs[r["speaker"]], spoken_at=r["spoken_at"],
                            location=r["location"], event=r["event"])
             for qid, r in zip(result.ids, rows)]
    return {"canon": canon, "speakers": list(refs.values()), "import_s": import_s, "gen_s": gen_s,
            "imported": result.imported}


def claims_for(canon, speakers, n_per_kind: int, seed: int):
    from bench.corpus import make_claims

    return make_claims(canon, speakers, n_per_kind, seed=seed, kinds=KINDS)


def claim_body(case) -> dict[str, Any]:
    c = case.claim
    body = {"text": c.text}
    if c.speaker:
        body["speaker"] = c.speaker
    if c.date:
        body["date"] = c.date
    if c.location:
        body["location"] = c.location
    return body


# --- in-process verification -----------------------------------------------------------


def verify_in_process(app, cases) -> dict[str, Any]:
    from app import engine, retrieval, services
    from app.db import get_session
    from app.schemas import QuoteSchema, VerifySchema

    vs, qs = VerifySchema(), QuoteSchema()
    limit = app.config["CANDIDATE_LIMIT"]

    def one(case):
        with app.app_context():
            data = vs.load(claim_body(case))
            return services.verify_claim(get_session(), data, candidate_limit=limit, quote_serializer=qs.dump)

    for case in cases[:20]:  # warm caches and statement caches
        one(case)
    lat: list[float] = []
    cpu: list[float] = []
    per_kind: dict[str, dict[str, int]] = {}
    load_before = os.getloadavg()[0]
    for case in cases:
        t, c = time.perf_counter(), time.thread_time()
        answer = one(case)
        lat.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
        k = per_kind.setdefault(case.kind, {"n": 0, "hit": 0, "verdict_ok": 0})
        k["n"] += 1
        match = answer.get("match")
        mid = match["quote"]["id"] if match else None
        if case.kind == "unrelated":
            k["hit"] += int(answer["verdict"] == "unverified")
        else:
            k["hit"] += int(case.accepts(mid))
        k["verdict_ok"] += int(answer["verdict"] == case.expected_verdict)

    # Retrieval alone: is a right quote among the candidates, and first?
    ret_lat: list[float] = []
    for case in cases:
        if case.kind == "unrelated":
            continue
        k = per_kind[case.kind]
        with app.app_context():
            session = get_session()
            t = time.perf_counter()
            claimed = case.claim.speaker
            refs = retrieval.speaker_refs_sharing_keys(session, claimed) if claimed else []
            prefer = [r.id for r in refs if engine.names_fit(claimed, r)]
            ids = retrieval.candidate_ids(session, case.claim.text, limit=limit, prefer_speakers=prefer)
            ret_lat.append((time.perf_counter() - t) * 1000)
        k["in_candidates"] = k.get("in_candidates", 0) + int(any(case.accepts(i) for i in ids))
        k["retrieval_top1"] = k.get("retrieval_top1", 0) + int(bool(ids) and case.accepts(ids[0]))

    rec = {kind: round(100.0 * v["hit"] / v["n"], 2) for kind, v in per_kind.items()}
    core = [per_kind[k] for k in RECALL_KINDS if k in per_kind]
    return {
        "claims": len(cases),
        "p50_ms": pct(lat, 50), "p90_ms": pct(lat, 90), "p99_ms": pct(lat, 99), "mean_ms": statistics.fmean(lat),
        # CPU time of the verifying thread: what a verify costs without the
        # other processes on this 2-core machine competing for the cores.
        "cpu_p50_ms": pct(cpu, 50), "cpu_p99_ms": pct(cpu, 99),
        "loadavg": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "retrieval_p50_ms": pct(ret_lat, 50), "retrieval_p99_ms": pct(ret_lat, 99),
        "recall_at_1": rec,
        "recall_at_1_core": round(100.0 * sum(v["hit"] for v in core) / max(1, sum(v["n"] for v in core)), 2),
        "per_kind": per_kind,
    }


def batch_throughput(app, cases, rounds: int = 3) -> dict[str, Any]:
    bodies = [claim_body(c) for c in cases]
    client = app.test_client()
    rng = random.Random(1)
    done, t0 = 0, time.perf_counter()
    for _ in range(rounds):
        batch = rng.sample(bodies, min(100, len(bodies)))
        r = client.post("/api/v1/verify/batch", json={"claims": batch})
        assert r.status_code == 200, r.status_code
        done += len(batch)
    s = time.perf_counter() - t0
    return {"batch_claims_per_s": round(done / s, 1), "batch_size": min(100, len(bodies))}


# --- over HTTP --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, url: str, workers: int = 2, cwd: Path = ROOT):
        self.port = _free_port()
        env = dict(os.environ, DATABASE_URL=url, LOG_LEVEL="WARNING")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "wsgi:app"],
            cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/health", timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError("gunicorn did not come up")

    def workers(self) -> list[int]:
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                return [int(p) for p in f.read().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def http_sequential(port: int, cases, count: int = 300) -> dict[str, Any]:
    import http.client

    bodies = [json.dumps(claim_body(c)) for c in cases]
    lat, errors = [], 0
    for i in range(count + 20):
        body = bodies[i % len(bodies)]
        t = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/api/v1/verify", body=body, headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        conn.close()
        if i >= 20:
            lat.append((time.perf_counter() - t) * 1000)
            errors += int(r.status != 200)
    return {"http_p50_ms": pct(lat, 50), "http_p99_ms": pct(lat, 99), "http_errors": errors}


WRK_LUA = r"""
local bodies = {}
local i = 0
local f = io.open(os.getenv("BENCH_BODIES"), "r")
for line in f:lines() do bodies[#bodies + 1] = line end
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, "/api/v1/verify", nil, bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("JSON {\"requests\": %d, \"duration_us\": %d, \"p50_us\": %d, \"p99_us\": %d, " ..
    "\"connect\": %d, \"read\": %d, \"write\": %d, \"status\": %d, \"timeout\": %d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def http_load(port: int, cases, seconds: int = 30, connections: int = 4) -> dict[str, Any]:
    """wrk from a second process: a fixed duration, a fixed number of connections."""
    wrk = shutil.which("wrk")
    if not wrk:
        return {"load_tool": None}
    tmp = Path(tempfile.mkdtemp(prefix="bench-wrk-"))
    (tmp / "bodies.txt").write_text("\n".join(json.dumps(claim_body(c)) for c in cases) + "\n")
    (tmp / "post.lua").write_text(WRK_LUA)
    out = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(tmp / "post.lua"),
         f"http://127.0.0.1:{port}"],
        env=dict(os.environ, BENCH_BODIES=str(tmp / "bodies.txt")), capture_output=True, text=True,
    )
    shutil.rmtree(tmp, ignore_errors=True)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("JSON ")), None)
    if line is None:
        return {"load_tool": "wrk", "load_error": out.stdout[-500:] + out.stderr[-500:]}
    s = json.loads(line[5:])
    errors = s["connect"] + s["read"] + s["write"] + s["status"] + s["timeout"]
    return {
        "load_tool": f"wrk -t1 -c{connections} -d{seconds}s",
        "load_rps": round(s["requests"] / (s["duration_us"] / 1e6), 1),
        "load_p50_ms": s["p50_us"] / 1000, "load_p99_ms": s["p99_us"] / 1000,
        "load_requests": s["requests"], "load_errors": errors,
        "load_error_detail": {k: s[k] for k in ("connect", "read", "write", "status", "timeout")},
    }


# --- brute force -------------------------------------------------------------------------


def brute_force(canon, cases, budget_s: float, max_claims: int = 200) -> dict[str, Any]:
    from rapidfuzz import fuzz, process, utils

    texts = [utils.default_process(q.text) for q in canon]
    ids = [q.id for q in canon]
    sample = [c for c in cases if c.kind in RECALL_KINDS]
    random.Random(7).shuffle(sample)
    out: dict[str, Any] = {}
    for name, scorer in (("partial_ratio", fuzz.partial_ratio), ("token_set_ratio", fuzz.token_set_ratio)):
        lat, hits, n = [], 0, 0
        t_start = time.perf_counter()
        for case in sample[:max_claims]:
            q = utils.default_process(case.claim.text)
            t = time.perf_counter()
            best = process.extractOne(q, texts, scorer=scorer, processor=None)
            lat.append((time.perf_counter() - t) * 1000)
            n += 1
            hits += int(best is not None and case.accepts(ids[best[2]]))
            if time.perf_counter() - t_start > budget_s and n >= 5:
                break
        out[name] = {"claims": n, "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99), "mean_ms": statistics.fmean(lat),
                     "recall_at_1_core": round(100.0 * hits / max(1, n), 2)}
    return out


# --- one size -------------------------------------------------------------------------------


def existing(app, n: int, seed: int) -> dict[str, Any]:
    """The corpus of a store :func:`build` made before (ids 1..n in order), without importing again."""
    from app.db import get_session
    from app.models import Speaker
    from bench.corpus import scale_corpus
    from verification.model import CanonicalQuote, SpeakerRef

    with app.app_context():
        refs = {s.name: SpeakerRef(id=s.id, name=s.name, aliases=tuple(s.alias_names))
                for s in get_session().query(Speaker).all()}
    canon = [CanonicalQuote(id=i + 1, text=r["text"], speaker=refs[r["speaker"]], spoken_at=r["spoken_at"],
                            location=r["location"], event=r["event"])
             for i, r in enumerate(scale_corpus(n, seed))]
    return {"canon": canon, "speakers": list(refs.values())}


def measure(n: int, db: str, *, seed: int = 0, n_per_kind: int = 150, http: bool = True, load: bool = False,
            brute_budget_s: float = 60.0, load_seconds: int = 30,
            reuse: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    res: dict[str, Any] = {"n": n, "db": db}
    if reuse is not None:
        # Measure the retrieval again on the store built by an earlier run
        # (same seed): import figures are that run's.
        url = reuse["url"]
        app = make_app(url)
        b = existing(app, n, seed)
        for k in ("import_s", "import_per_s", "imported", "db_bytes", "import_code"):
            if k in reuse:
                res[k] = reuse[k]
        res["remeasured"] = True
    else:
        url = fresh_database(db, n)
        app = make_app(url)
        b = build(app, n, seed)
        res.update(import_s=round(b["import_s"], 2), import_per_s=round(b["imported"] / b["import_s"], 1),
                   imported=b["imported"])
        res["db_bytes"] = database_bytes(app)
    print(f"[{db} {n}] imported {res.get('imported')} ({res.get('import_per_s')}/s), "
          f"db {res.get('db_bytes', 0) / 1e6:.1f} MB", flush=True)
    t = time.perf_counter()
    cases = claims_for(b["canon"], b["speakers"], n_per_kind, seed)
    random.Random(3).shuffle(cases)
    res["claims_s"] = round(time.perf_counter() - t, 1)
    print(f"[{db} {n}] {len(cases)} claims in {res['claims_s']}s", flush=True)
    res["verify"] = verify_in_process(app, cases)
    v = res["verify"]
    print(f"[{db} {n}] verify p50 {v['p50_ms']:.1f} ms p99 {v['p99_ms']:.1f} ms recall {v['recall_at_1']}", flush=True)
    res.update(batch_throughput(app, cases))
    from app.db import get_engine

    get_engine(app).dispose()
    if http:
        g = Gunicorn(url)
        try:
            res.update(http_sequential(g.port, cases))
            if load:
                res.update(http_load(g.port, cases, seconds=load_seconds))
            res["worker_peak_rss_mb"] = [round((_rss_kb(p) or 0) / 1024, 1) for p in g.workers()]
        finally:
            g.stop()
        print(f"[{db} {n}] http p50 {res['http_p50_ms']:.1f} p99 {res['http_p99_ms']:.1f} "
              f"load {res.get('load_rps')} rps p99 {res.get('load_p99_ms')} err {res.get('load_errors')} "
              f"rss {res['worker_peak_rss_mb']}", flush=True)
    if brute_budget_s > 0:
        res["brute_force"] = brute_force(b["canon"], cases, brute_budget_s)
        print(f"[{db} {n}] brute force {json.dumps(res['brute_force'])}", flush=True)
    return res


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--per-kind", type=int, default=150)
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--load", action="store_true")
    ap.add_argument("--brute", type=float, default=0.0)
    a = ap.parse_args()
    r = measure(a.n, a.db, n_per_kind=a.per_kind, http=not a.no_http, load=a.load, brute_budget_s=a.brute)
    print(json.dumps(r, indent=1, default=str))
