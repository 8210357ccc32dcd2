"""Passages through the service, with and without the rivals shortcut: the same verdicts?

    python -m bench.passage_rivals_check [--fold test] [--seeds 6,7,8] [--per-kind 200]

The record of ``bench/passage_accuracy.py`` (the American Presidency Project
documents of September 2016, sentence by sentence) imported into a SQLite
store in ``bench/out`` as sequences (one source URL per stretch of
consecutive positions: an unnamed turn leaves a gap), and that bench's
claims put through ``services.verify_claim`` twice: as the service runs
them, and with :func:`app.passage_rivals.judge` turned off (every claim the
boundary index hits but does not verify pays candidate retrieval). For each
seed: how many claims the shortcut took, how many of those got another
verdict, issue list, match or score, and how many claims are right (that
bench's rule) and falsely verified either way. The engine-only bench does
not use the boundary index; this one does.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import passage_accuracy as pa  # noqa: E402
from bench.scale import OUT, make_app  # noqa: E402


def store(docs) -> Any:
    from app import bulk_import, importer, migrate
    from app.db import get_engine, get_session

    path = OUT / "passage-rivals-check.db"
    fresh = not path.exists()
    app = make_app(f"sqlite:///{path}")
    if fresh:
        OUT.mkdir(parents=True, exist_ok=True)
        migrate.upgrade(get_engine(app))
        lines = []
        for d in docs:
            run, last = 0, None
            for pos, q in d.quotes:
                run += last is not None and pos != last + 1
                last = pos
                lines.append(json.dumps({"text": q.text, "speaker": q.speaker.name, "spoken_at": q.spoken_at,
                                         "event": q.event,
                                         "sources": [{"url": f"https://apps.example/doc/{d.n}/{run}"}]}).encode())
        with app.app_context():
            result = bulk_import.import_quotes(get_session(), importer.iter_ndjson(lines), workers=1)
        assert not result.errors, result.errors[:3]
    return app


def right(case: pa.Case, answer: dict[str, Any]) -> bool:
    want, issues = pa.EXPECTED[case.kind]
    if want == "not verified":
        return answer["verdict"] != "verified"
    if answer["verdict"] != want:
        return False
    if want == "verified":
        m = answer["match"]
        text = m["passage"]["text"] if m["passage"] else m["quote"]["text"]
        if m["quote"]["speaker"] != case.speaker or not pa._holds(text, case.pieces):
            return False
    return {i["type"] for i in answer["issues"]} == issues


def _key(answer: dict[str, Any]) -> tuple:
    m = answer.get("match")
    where = None if not m else (tuple(m["passage"]["quote_ids"]) if m["passage"] else m["quote"]["id"])
    return answer["verdict"], sorted(i["type"] for i in answer["issues"]), where, m and m["score"]


def check(app, cases: list[pa.Case]) -> dict[str, Any]:
    from app import passage_rivals, services
    from app.db import get_session
    from app.schemas import QuoteSchema, VerifySchema

    vs, qs = VerifySchema(), QuoteSchema()
    real = passage_rivals.judge

    def one(claim) -> dict[str, Any]:
        body = {"text": claim.text, **({"speaker": claim.speaker} if claim.speaker else {})}
        with app.app_context():
            return services.verify_claim(get_session(), vs.load(body), quote_serializer=qs.dump)

    out = {"claims": len(cases), "taken": Counter(), "differing": [], "right": Counter(), "false_verified": Counter()}
    for case in cases:
        took: dict[str, bool] = {}

        def spy(*args, **kwargs):
            v = real(*args, **kwargs)
            took["yes"] = v is not None
            return v

        answers = {}
        for label, fn in (("with", spy), ("without", lambda *a, **k: None)):
            passage_rivals.judge = fn
            try:
                answers[label] = one(case.claim)
            finally:
                passage_rivals.judge = real
            out["right"][label] += right(case, answers[label])
            if answers[label]["verdict"] == "verified" and case.kind in ("passage_edit", "passage_spliced",
                                                                        "unrelated"):
                out["false_verified"][label] += 1
        if took.get("yes"):
            out["taken"][case.kind] += 1
            if _key(answers["with"]) != _key(answers["without"]):
                out["differing"].append({"kind": case.kind, "claim": case.claim.text,
                                         "with": _key(answers["with"]), "without": _key(answers["without"])})
    return out


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fold", choices=("dev", "test", "all"), default="test")
    ap.add_argument("--seeds", default="6,7,8")
    ap.add_argument("--per-kind", type=int, default=200)
    args = ap.parse_args(argv)
    docs, _ = pa.load_record()
    app = store(docs)
    for seed in (int(s) for s in args.seeds.split(",")):
        r = check(app, pa.make_cases(docs, args.per_kind, seed, args.fold))
        n = r["claims"]
        print(f"{args.fold} {seed}: the shortcut took {sum(r['taken'].values())} of {n} claims "
              f"({dict(r['taken'])}), {len(r['differing'])} answered otherwise; right "
              f"{100 * r['right']['with'] / n:.1f}% with it, {100 * r['right']['without'] / n:.1f}% without; "
              f"false verified {r['false_verified']['with']} / {r['false_verified']['without']}", flush=True)
        for d in r["differing"]:
            print(f"   {d['kind']}: with {d['with']}, without {d['without']}: {d['claim'][:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
