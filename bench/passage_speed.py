"""Passages at archive scale: what a passage claim costs next to a single-quote claim, and a transcript's import.

    python -m bench.passage_speed --sizes 100000,1000000 --db sqlite [--per-kind 150] [--reuse]

For each size, a store of ``n`` quotes in sequences: the scale corpus
(:func:`bench.corpus.scale_corpus`, real sentences recombined, heavily
repeated) cut into speeches of 20 consecutive quotes, each speech one
speaker, one date, place and event, and one source URL, imported through
the code behind ``POST /api/v1/quotes/import`` in that order (so the import
makes each URL's sequence, as an archive loaded line by line). Then, through
``services.verify_claim`` in an application context per claim, as
``bench/scale.py`` measures single claims:

* ``single``: 8-20 words of one quote (what a reporter usually quotes);
* ``passage``: the end of one quote and the start of the next one in its
  speech (at least 5 words of each), the speaker named;
* ``passage_edit``: the same with one word of the second quote replaced by
  another real word (a mismatch: the dearest path, since the passage is not
  found word for word).

Latency (wall clock and the verifying thread's CPU) per kind, the ratio of
passage to single (the target: at most 2x), and how often each comes back
right: verified against a quote or passage of the claimed speaker that holds
the claimed words (sentences repeat across the corpus, so not necessarily
the one the claim was made from), or for an edited passage, a mismatch with
altered wording only. Then a 10,000-word transcript (the
first presidential debate of 2016 from ``../shared/data/speeches``, three
speakers and their moderator, cut to 10,000 words) is put on record through
``POST /api/v1/sources`` (test client), five times under new URLs: the time
per transcript, from the request to the committed answer.

``--reuse`` measures again on a store built by an earlier run.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.scale import OUT, database_bytes, fresh_database, make_app, pct  # noqa: E402

SPEECH = 20  # quotes per speech


def rows_in_speeches(n: int, seed: int) -> list[dict[str, Any]]:
    from bench.corpus import scale_corpus

    rows = list(scale_corpus(n, seed))
    for i in range(0, n, SPEECH):
        head = rows[i]
        for r in rows[i:i + SPEECH]:
            r.update(speaker=head["speaker"], spoken_at=head["spoken_at"], location=head["location"],
                     event=head["event"], sources=[{"url": f"https://bench.example/speech/{i // SPEECH}",
                                                    "publisher": "Bench"}])
    return rows


def build(app, n: int, seed: int) -> dict[str, Any]:
    from bench.scale import build as build_store

    b = build_store(app, n, seed, rows=rows_in_speeches(n, seed))
    return {"import_s": round(b["import_s"], 2), "import_per_s": round(b["imported"] / b["import_s"], 1)}


def claims(n: int, seed: int, per_kind: int) -> list[dict[str, Any]]:
    """``{"kind", "body", "ids"}``: quote ids 1..n are the rows in order (a fresh store)."""
    rows = rows_in_speeches(n, seed)
    rng = random.Random(f"passage-speed:{seed}")
    out: list[dict[str, Any]] = []
    while sum(c["kind"] == "single" for c in out) < per_kind:
        i = rng.randrange(n)
        w = rows[i]["text"].split()
        if len(w) < 10:
            continue
        k = rng.randint(8, min(20, len(w) - 1))
        s = rng.randrange(len(w) - k + 1)
        out.append({"kind": "single", "body": {"text": " ".join(w[s:s + k]), "speaker": rows[i]["speaker"]},
                    "ids": (i + 1,)})
    while sum(c["kind"] == "passage" for c in out) < per_kind:
        i = rng.randrange(n - 1)
        if (i + 1) % SPEECH == 0:
            continue  # the next quote is another speech's
        a, b = rows[i]["text"].split(), rows[i + 1]["text"].split()
        if len(a) < 6 or len(b) < 6:
            continue
        ka, kb = rng.randint(5, min(15, len(a))), rng.randint(5, min(15, len(b)))
        text = " ".join(a[len(a) - ka:] + b[:kb])
        out.append({"kind": "passage", "body": {"text": text, "speaker": rows[i]["speaker"]}, "ids": (i + 1, i + 2)})
    vocab = sorted({w for r in rows[:2000] for w in r["text"].split() if w.isalpha() and w.islower() and len(w) > 5})
    for case in [c for c in out if c["kind"] == "passage"]:
        words = case["body"]["text"].split()
        k = len(words) - rng.randint(2, 4)
        if words[k].isalpha():
            words[k] = rng.choice([w for w in vocab if w != words[k].lower()][:500])
            out.append({"kind": "passage_edit", "body": {**case["body"], "text": " ".join(words)}, "ids": case["ids"]})
    rng.shuffle(out)
    return out


def right(case: dict[str, Any], answer: dict[str, Any]) -> bool:
    m = answer.get("match")
    if not m:
        return False
    if case["kind"] == "passage_edit":
        return answer["verdict"] == "mismatch" and [i["type"] for i in answer["issues"]] == ["altered_wording"]
    if answer["verdict"] != "verified":
        return False
    # Verified against a record (a quote, or a passage) that holds the claimed
    # words, of the claimed speaker: the words are repeated across the corpus,
    # so it need not be the one the claim was made from.
    from bench.corpus import norm_words

    held = m["passage"]["text"] if m["passage"] else m["quote"]["text"]
    holds = " ".join(norm_words(case["body"]["text"])) in " ".join(norm_words(held))
    return holds and m["quote"]["speaker"] == case["body"]["speaker"]


def verify_all(app, cases: list[dict[str, Any]]) -> dict[str, Any]:
    from app import services
    from app.db import get_session
    from app.schemas import QuoteSchema, VerifySchema

    vs, qs = VerifySchema(), QuoteSchema()
    limit = app.config["CANDIDATE_LIMIT"]

    def one(case):
        with app.app_context():
            return services.verify_claim(get_session(), vs.load(case["body"]), candidate_limit=limit,
                                         quote_serializer=qs.dump)

    for case in cases[:20]:
        one(case)
    per: dict[str, dict[str, list]] = {}
    for case in cases:
        t, c = time.perf_counter(), time.thread_time()
        answer = one(case)
        d = per.setdefault(case["kind"], {"ms": [], "cpu": [], "right": []})
        d["ms"].append((time.perf_counter() - t) * 1000)
        d["cpu"].append((time.thread_time() - c) * 1000)
        d["right"].append(right(case, answer))
    out = {}
    for kind, d in per.items():
        out[kind] = {"n": len(d["ms"]), "p50_ms": pct(d["ms"], 50), "p99_ms": pct(d["ms"], 99),
                     "mean_ms": statistics.fmean(d["ms"]), "cpu_p50_ms": pct(d["cpu"], 50),
                     "cpu_mean_ms": statistics.fmean(d["cpu"]),
                     "right_pct": round(100.0 * sum(d["right"]) / len(d["right"]), 1)}
    s = out["single"]
    for kind in ("passage", "passage_edit"):
        p = out[kind]
        suffix = "" if kind == "passage" else "_edit"
        out[f"ratio_p50{suffix}"] = round(p["p50_ms"] / s["p50_ms"], 2)
        out[f"ratio_mean{suffix}"] = round(p["mean_ms"] / s["mean_ms"], 2)
        out[f"ratio_cpu_mean{suffix}"] = round(p["cpu_mean_ms"] / s["cpu_mean_ms"], 2)
        out[f"ratio_cpu_p50{suffix}"] = round(p["cpu_p50_ms"] / s["cpu_p50_ms"], 2)
    return out


def debate(words: int = 10_000) -> str:
    """A real debate (labels, crosstalk, applause), cut to ``words`` words at a line's end."""
    from bench.corpus import SPEECHES, data_dir

    with open(data_dir() / SPEECHES, encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    doc = next(d for d in docs if d["title"].startswith("Presidential Debate"))
    out, n = [], 0
    for line in doc["text"].split("\n"):
        if n >= words:
            break
        out.append(line)
        n += len(line.split())
    return "\n".join(out)


def transcript_import(app, rounds: int = 5) -> dict[str, Any]:
    from app import auth
    from app.db import get_session

    text = debate()
    with app.app_context():
        session = get_session()
        _, key = auth.create_key(session, "bench", ["write"])
        session.commit()
    client = app.test_client()
    times, cpu, stored = [], [], None
    for r in range(rounds):
        body = {"text": text, "url": f"https://bench.example/debate/{time.time_ns()}-{r}",
                "title": "Presidential Debate", "speakers": {"HOLT": "Lester Holt", "CLINTON": "Hillary Clinton",
                                                             "TRUMP": "Donald Trump"},
                "spoken_at": "2016-09-26", "location": "Hempstead, New York"}
        t, c = time.perf_counter(), time.thread_time()
        resp = client.post("/api/v1/sources", json=body, headers={"Authorization": f"Bearer {key}"})
        times.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)
        assert resp.status_code == 201, resp.get_json()
        stored = resp.get_json()["stored"]
    return {"words": len(text.split()), "quotes_stored": stored, "rounds": rounds,
            "median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3),
            "cpu_median_s": round(statistics.median(cpu), 3), "all_s": [round(t, 3) for t in times]}


def measure(n: int, db: str, *, seed: int = 0, per_kind: int = 150, reuse: bool = False) -> dict[str, Any]:
    res: dict[str, Any] = {"n": n, "db": db, "loadavg_before": os.getloadavg()[0]}
    if reuse:
        path = OUT / f"passages-{n}.db"
        url = f"sqlite:///{path}" if db == "sqlite" else os.environ.get("BENCH_PG_URL", "")
        app = make_app(url)
    else:
        if db == "sqlite":
            OUT.mkdir(parents=True, exist_ok=True)
            path = OUT / f"passages-{n}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            url = f"sqlite:///{path}"
        else:
            url = fresh_database(db, n)
        app = make_app(url)
        res.update(build(app, n, seed))
        res["db_bytes"] = database_bytes(app)
        print(f"[{db} {n}] imported in {res['import_s']} s ({res['import_per_s']}/s)", flush=True)
    cases = claims(n, seed, per_kind)
    res["verify"] = verify_all(app, cases)
    v = res["verify"]
    print(f"[{db} {n}] single p50 {v['single']['p50_ms']:.1f} ms, passage p50 {v['passage']['p50_ms']:.1f} ms "
          f"(x{v['ratio_p50']} p50, x{v['ratio_mean']} mean; CPU x{v['ratio_cpu_p50']} p50, "
          f"x{v['ratio_cpu_mean']} mean); edited passage CPU x{v['ratio_cpu_p50_edit']} p50, "
          f"x{v['ratio_cpu_mean_edit']} mean; right {v['single']['right_pct']}% / {v['passage']['right_pct']}% / "
          f"{v['passage_edit']['right_pct']}%", flush=True)
    res["transcript"] = transcript_import(app)
    print(f"[{db} {n}] a {res['transcript']['words']}-word transcript "
          f"({res['transcript']['quotes_stored']} quotes): median {res['transcript']['median_s']} s", flush=True)
    res["loadavg_after"] = os.getloadavg()[0]
    from app.db import get_engine

    get_engine(app).dispose()
    return res


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--per-kind", type=int, default=150)
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--out", default=str(OUT / "passages.json"))
    args = ap.parse_args(argv)
    results = {}
    path = Path(args.out)
    if path.exists():
        results = json.loads(path.read_text())
    for db in args.db.split(","):
        for n in (int(x) for x in args.sizes.split(",")):
            results[f"{db}-{n}"] = measure(n, db, per_kind=args.per_kind, reuse=args.reuse)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
