"""How often the engine's verdicts are right, on real quotes and labelled claims.

    python bench/engine_accuracy.py [--per-kind 200] [--seed 0] [--errors [N]]
    python bench/engine_accuracy.py --sweep                      # every threshold in verification.verify
    python bench/engine_accuracy.py --sweep MATCH_THRESHOLD=40,50,60,70

The canonical set and the claims come from bench/corpus.py (real speeches and
PolitiFact statements in ../shared/data). Candidates are retrieved by a
simple inverted index over content words with rarest-term (IDF) scoring, the
top ``--top`` (30) go to ``verify()``: this measures the engine's judgement,
and the retrieval hit rate is reported beside it.

A verdict is right when the verdict is the expected one AND, for verified and
mismatch, the matched quote is one of the acceptable quotes AND the issue
types are exactly the expected ones. "Unsafe" counts altered, misattributed
and unrelated claims reported ``verified`` (the target is 0).
"""
from __future__ import annotations

import argparse
import heapq
import importlib
import json
import math
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import EXTRA_KINDS, KINDS, STOPWORDS, ClaimCase, load_canonical, make_claims, norm_words  # noqa: E402
from verification.model import CanonicalQuote, SpeakerRef  # noqa: E402

ALL_KINDS = KINDS + EXTRA_KINDS
# Reported verified = unsafe (for the wording kinds, on their claims that must not verify).
UNSAFE_KINDS = ("one_word_edit", "swapped_speaker", "unrelated", "bracketed_substitution", "name_spelling",
                "paraphrase")
LENIENT_KINDS = ("shifted_date", "swapped_place", "stock_line_wrong_date")  # reported verified = a wrong fact let through


# --- retrieval -----------------------------------------------------------------------


class Retriever:
    """Inverted index over content words; a quote scores the summed IDF of the
    claim's rarest terms it contains. The best few hundred are reranked by how
    many of the claim's word pairs they contain, so that a line made of common
    words still finds the quotes that hold it."""

    def __init__(self, quotes: Sequence[CanonicalQuote], max_terms: int = 20):
        self.quotes = list(quotes)
        self.max_terms = max_terms
        postings: dict[str, list[int]] = defaultdict(list)
        for i, q in enumerate(self.quotes):
            for w in set(norm_words(q.text)):
                if w not in STOPWORDS:
                    postings[w].append(i)
        n = len(self.quotes)
        self.norms = [" " + " ".join(norm_words(q.text)) + " " for q in self.quotes]
        self.postings = dict(postings)
        self.idf = {w: math.log((n + 1) / (len(p) + 0.5)) for w, p in self.postings.items()}

    def search(self, text: str, k: int = 30) -> list[CanonicalQuote]:
        words = set(norm_words(text))
        terms = [w for w in words if w not in STOPWORDS and w in self.postings] or \
            [w for w in words if w in self.postings]
        terms = sorted(terms, key=lambda w: (len(self.postings[w]), w))[: self.max_terms]
        scores: dict[int, float] = defaultdict(float)
        for w in terms:
            idf = self.idf[w]
            for i in self.postings[w]:
                scores[i] += idf
        best = heapq.nlargest(max(k, 300), scores.items(), key=lambda t: (t[1], -t[0]))
        seq = norm_words(text)
        pairs = {f" {a} {b} " for a, b in zip(seq, seq[1:])}
        reranked = sorted(best, key=lambda t: (-sum(p in self.norms[t[0]] for p in pairs), -t[1], t[0]))
        return [self.quotes[i] for i, _ in reranked[:k]]


# --- judging -------------------------------------------------------------------------


def judge(case: ClaimCase, v) -> tuple[bool, str]:
    """(right?, why not): verdict (and reason, when the case names one), then
    the matched quote, then the issue types."""
    got_issues = {i.type for i in v.issues}
    if v.verdict != case.expected_verdict:
        return False, "verdict"
    if case.expected_reason is not None and v.reason != case.expected_reason:
        return False, "reason"
    if case.expected_verdict != "unverified" or case.expected_reason is not None:
        if v.match is None or not case.accepts(v.match.quote.id):
            return False, "wrong_quote"
    if got_issues != set(case.expected_issues):
        return False, "issues"
    return True, ""


def _unsafe(case: ClaimCase, verdict: str) -> bool:
    return verdict == "verified" and case.kind in UNSAFE_KINDS and case.expected_verdict != "verified"


def _severity(case: ClaimCase, res: dict) -> int:
    if _unsafe(case, res["verdict"]):
        return 0
    if res["verdict"] == "verified" and res["match_id"] is not None and not case.accepts(res["match_id"]):
        return 1
    if res["verdict"] == "verified" and (case.kind in LENIENT_KINDS or case.expected_verdict != "verified"):
        return 2
    return {"verdict": 3, "reason": 3, "wrong_quote": 4, "issues": 5}.get(res["why"], 6)


# --- running -------------------------------------------------------------------------

_STATE: dict[str, Any] = {}


class ClaimTimeout(Exception):
    pass


def _on_alarm(*_):
    raise ClaimTimeout("verify() took longer than the per-claim limit")


def _apply(settings: dict[str, Any]) -> None:
    for name, value in settings.items():
        mod_name, _, const = name.rpartition(".")
        mod = importlib.import_module(f"verification.{mod_name}" if mod_name else "verification.verify")
        setattr(mod, const, value)


def _run_chunk(args: tuple[list[int], dict]) -> list[dict]:
    indexes, settings = args
    vmod = importlib.import_module("verification.verify")
    _apply(settings)
    cases, cands, speakers = _STATE["cases"], _STATE["cands"], _STATE["speakers"]
    limit = _STATE.get("timeout", 0)
    watchdog = limit and hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if watchdog:
        signal.signal(signal.SIGALRM, _on_alarm)
    out = []
    for i in indexes:
        case = cases[i]
        t = time.perf_counter()
        try:
            if watchdog:
                signal.alarm(limit)
            v = vmod.verify(case.claim, cands[i], speakers)
            err = None
        except Exception as e:  # an engine crash is a wrong verdict, reported with its message
            v, err = None, f"{type(e).__name__}: {e}"
        finally:
            if watchdog:
                signal.alarm(0)
        ms = (time.perf_counter() - t) * 1000
        if v is None:
            out.append({"i": i, "ok": False, "why": "crash", "verdict": "crash", "issues": [], "match_id": None,
                        "ms": ms, "error": err})
            continue
        ok, why = judge(case, v)
        m = v.match
        out.append({
            "i": i, "ok": ok, "why": why, "verdict": v.verdict, "ms": ms,
            "issues": sorted(x.type for x in v.issues),
            "messages": [x.message for x in v.issues],
            "match_id": m.quote.id if m else None,
            "score": m.score if m else None,
            "text_status": m.text.status if m else None,
            "flags": list(m.text.flags) if m else [],
            "fields": {f: getattr(m, f).status for f in ("speaker", "date", "location")} if m else {},
            "reason": v.reason,
        })
    return out


def run(cases: list[ClaimCase], cands: list[list[CanonicalQuote]], speakers: list[SpeakerRef],
        settings: Optional[dict] = None, jobs: int = 1) -> list[dict]:
    settings = settings or {}
    _STATE.update(cases=cases, cands=cands, speakers=speakers)
    idx = list(range(len(cases)))
    if jobs <= 1:
        res = _run_chunk((idx, settings))
        if settings and _DEFAULTS:
            _apply({k: v for k, v in _DEFAULTS.items() if k in settings})
        return res
    chunks = [idx[j::jobs * 4] for j in range(jobs * 4)]
    with mp.get_context("fork").Pool(jobs) as pool:
        parts = pool.map(_run_chunk, [(c, settings) for c in chunks])
    res = [r for part in parts for r in part]
    res.sort(key=lambda r: r["i"])
    return res


_DEFAULTS: dict[str, Any] = {}


def thresholds() -> dict[str, Any]:
    """Numeric upper-case constants of verification.verify (the engine's knobs)."""
    vmod = importlib.import_module("verification.verify")
    return {k: v for k, v in vars(vmod).items()
            if k.isupper() and isinstance(v, (int, float)) and not isinstance(v, bool)}


# --- reporting -----------------------------------------------------------------------


def summarize(cases: list[ClaimCase], results: list[dict], hits: list[bool]) -> dict:
    per: dict[str, dict] = {}
    for k in ALL_KINDS:
        rs = [(c, r, h) for c, r, h in zip(cases, results, hits) if c.kind == k]
        if not rs:
            continue
        n = len(rs)
        ok = sum(r["ok"] for _, r, _ in rs)
        hit = sum(h for _, _, h in rs) if k != "unrelated" else None
        ok_given_hit = (sum(r["ok"] for c, r, h in rs if h) / max(1, hit)) if hit else None
        false_verified = sum(1 for c, r, _ in rs if r["verdict"] == "verified" and c.expected_verdict != "verified")
        per[k] = {"n": n, "right": ok, "accuracy": ok / n, "false_verified": false_verified,
                  "retrieval_hit": (hit / n) if hit is not None else None,
                  "accuracy_given_hit": ok_given_hit,
                  "why_wrong": dict(Counter(r["why"] for _, r, _ in rs if not r["ok"]))}
    n = len(cases)
    right = sum(r["ok"] for r in results)
    unsafe = Counter(c.kind for c, r in zip(cases, results) if _unsafe(c, r["verdict"]))
    lenient = Counter(c.kind for c, r in zip(cases, results)
                      if r["verdict"] == "verified" and c.kind in LENIENT_KINDS)
    wrong_quote_verified = sum(1 for c, r in zip(cases, results)
                               if r["verdict"] == "verified" and c.expected_verdict == "verified"
                               and not c.accepts(r["match_id"]))
    confusion: dict[str, Counter] = defaultdict(Counter)
    for c, r in zip(cases, results):
        confusion[c.expected_verdict][r["verdict"]] += 1
    signatures: dict[str, Counter] = defaultdict(Counter)
    for c, r in zip(cases, results):
        if not r["ok"]:
            signatures[c.kind][f"{r['verdict']}{'{' + ','.join(r['issues']) + '}' if r['issues'] else ''}"
                               f"{'/wrong quote' if r['why'] == 'wrong_quote' else ''}"] += 1
    ms = sorted(r["ms"] for r in results)
    false_verified = {k: d["false_verified"] for k, d in per.items() if d["false_verified"]}
    return {
        "n": n, "right": right, "accuracy": right / max(1, n), "per_kind": per,
        "false_verified": false_verified, "false_verified_total": sum(false_verified.values()),
        "unsafe_verified": dict(unsafe), "unsafe_total": sum(unsafe.values()),
        "wrong_fact_verified": dict(lenient), "wrong_quote_verified": wrong_quote_verified,
        "confusion": {k: dict(v) for k, v in confusion.items()},
        "error_signatures": {k: dict(v.most_common()) for k, v in signatures.items()},
        "verify_ms_median": ms[len(ms) // 2] if ms else None,
        "verify_ms_p95": ms[int(len(ms) * 0.95)] if ms else None,
        "crashes": sum(1 for r in results if r["verdict"] == "crash"),
    }


def _pct(x: Optional[float]) -> str:
    return "  -   " if x is None else f"{100 * x:5.1f}%"


def print_report(s: dict, top: int) -> None:
    print(f"\n{'kind':17} {'n':>5} {'right':>6} {'accuracy':>9} {'hit@' + str(top):>8} {'acc|hit':>8} "
          f"{'false ver.':>10}  wrong because")
    for k, d in s["per_kind"].items():
        why = ", ".join(f"{w} {c}" for w, c in sorted(d["why_wrong"].items(), key=lambda t: -t[1]))
        print(f"{k:17} {d['n']:5d} {d['right']:6d} {_pct(d['accuracy']):>9} {_pct(d['retrieval_hit']):>8} "
              f"{_pct(d['accuracy_given_hit']):>8} {d['false_verified']:10d}  {why}")
    print(f"{'overall':17} {s['n']:5d} {s['right']:6d} {_pct(s['accuracy']):>9} {'':17} {s['false_verified_total']:10d}")
    print("\nfalse verified: a claim whose expected verdict is not 'verified' reported verified")
    print(f"\nunsafe verifications (altered / misattributed / unrelated reported verified): {s['unsafe_total']} "
          f"{s['unsafe_verified'] or ''}")
    fv = {k: d["false_verified"] for k, d in s["per_kind"].items() if d["false_verified"]}
    print(f"false verified (any claim expected mismatch or unverified), per kind: {fv or 0}")
    print(f"wrong date/place reported verified: {sum(s['wrong_fact_verified'].values())} "
          f"{s['wrong_fact_verified'] or ''}")
    print(f"verified against a quote that does not hold the words: {s['wrong_quote_verified']}")
    if s["crashes"]:
        print(f"engine crashes: {s['crashes']}")
    print("\nconfusion (expected -> got):")
    verdicts = ["verified", "mismatch", "unverified"] + (["crash"] if s["crashes"] else [])
    print(f"  {'':12}" + "".join(f"{v:>12}" for v in verdicts))
    for e in ("verified", "mismatch", "unverified"):
        row = s["confusion"].get(e, {})
        print(f"  {e:12}" + "".join(f"{row.get(v, 0):12d}" for v in verdicts))
    if s["error_signatures"]:
        print("\nwhat the wrong answers were, per kind:")
        for k, sig in s["error_signatures"].items():
            print(f"  {k:17} " + ", ".join(f"{g} x{c}" for g, c in sig.items()))
    print(f"\nverify(): median {s['verify_ms_median']:.1f} ms, p95 {s['verify_ms_p95']:.1f} ms per claim")


def _fmt_claim(c) -> str:
    parts = [f"text={c.text!r}"]
    for f in ("speaker", "date", "location"):
        if getattr(c, f):
            parts.append(f"{f}={getattr(c, f)!r}")
    return ", ".join(parts)


def error_examples(cases, results, hits, by_id, per_kind: int) -> list[dict]:
    out = []
    for k in ALL_KINDS:
        bad = [(c, r, h) for c, r, h in zip(cases, results, hits) if c.kind == k and not r["ok"]]
        bad.sort(key=lambda t: (_severity(t[0], t[1]), t[1]["i"]))
        for c, r, h in bad[:per_kind]:
            q = by_id.get(c.quote_id)
            out.append({
                "kind": k, "variant": c.variant, "severity": _severity(c, r), "retrieval_hit": h,
                "claim": {"text": c.claim.text, "speaker": c.claim.speaker, "date": c.claim.date,
                          "location": c.claim.location},
                "expected": {"verdict": c.expected_verdict, "issues": sorted(c.expected_issues),
                             "reason": c.expected_reason,
                             "quote_id": c.quote_id, "acceptable_ids": sorted(c.acceptable_ids)},
                "canonical": None if q is None else {"text": q.text, "speaker": q.speaker.name,
                                                     "spoken_at": q.spoken_at, "location": q.location},
                "got": {k2: r.get(k2) for k2 in ("verdict", "issues", "match_id", "score", "text_status",
                                                   "flags", "fields", "reason", "messages", "error")},
                "matched_text": by_id[r["match_id"]].text if r.get("match_id") in by_id else None,
            })
    return out


def print_errors(examples: list[dict]) -> None:
    sev = {0: "UNSAFE", 1: "WRONG-QUOTE VERIFIED", 2: "WRONG FACT VERIFIED", 3: "wrong verdict",
           4: "wrong quote", 5: "wrong issues", 6: "crash"}
    kind = None
    for e in examples:
        if e["kind"] != kind:
            kind = e["kind"]
            print(f"\n=== {kind} ===")
        cl, ex, got = e["claim"], e["expected"], e["got"]
        print(f"- [{sev[e['severity']]}] variant={e['variant']}  retrieval_hit={e['retrieval_hit']}")
        print("    claim:    " + ", ".join(f"{k}={v!r}" for k, v in cl.items() if v))
        print(f"    expected: {ex['verdict']} {set(ex['issues']) or ''}"
              + (f" reason={ex['reason']}" if ex.get("reason") else "") + f" quote={ex['quote_id']}"
              + (f" (or {ex['acceptable_ids']})" if len(ex["acceptable_ids"]) > 1 else ""))
        if e["canonical"]:
            cq = e["canonical"]
            print(f"    record:   {cq['text']!r} / {cq['speaker']} / {cq['spoken_at']} / {cq['location']}")
        print(f"    got:      {got['verdict']} {set(got['issues'] or []) or ''} quote={got['match_id']} "
              f"score={got['score']} text={got['text_status']} flags={got['flags']} fields={got['fields']}"
              + (f" reason={got['reason']}" if got.get("reason") else "")
              + (f" error={got['error']}" if got.get("error") else ""))
        if got["match_id"] is not None and got["match_id"] != ex["quote_id"] and e["matched_text"]:
            print(f"    matched:  {e['matched_text']!r}")
        for m in got.get("messages") or []:
            print(f"    message:  {m}")


# --- sweeps --------------------------------------------------------------------------


def _grid(name: str, default: Any) -> list:
    if name == "MATCH_THRESHOLD":
        return [float(v) for v in range(30, 100, 5)]
    if isinstance(default, int):
        lo = max(0, default - 3)
        return sorted({*range(lo, default + 4), default * 2, max(1, default // 2)})
    return sorted({round(default * f, 3) for f in (0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3)})


def parse_sweep(spec: Optional[str]) -> dict[str, list]:
    consts = thresholds()
    if spec in (None, "", "all"):
        return {k: _grid(k, v) for k, v in consts.items() if k != "MAX_ALTERNATIVES"}
    out: dict[str, list] = {}
    for part in spec.split(";"):
        name, _, values = part.partition("=")
        name = name.strip()
        default = consts.get(name.rpartition(".")[2], 0.0)
        if values:
            conv = int if isinstance(default, int) and not any("." in v for v in values.split(",")) else float
            out[name] = [conv(v) for v in values.split(",")]
        else:
            out[name] = _grid(name, default)
    return out


def _quantiles(xs: list[float]) -> dict[str, float]:
    xs = sorted(xs)
    if not xs:
        return {}
    at = lambda p: xs[min(len(xs) - 1, int(p * len(xs)))]  # noqa: E731
    return {"min": xs[0], "p01": at(0.01), "p05": at(0.05), "median": at(0.5), "p95": at(0.95),
            "p99": at(0.99), "max": xs[-1], "n": len(xs)}


def score_distribution(cases, cands, speakers, jobs: int) -> dict[str, dict]:
    """With MATCH_THRESHOLD at 0: how well the right quote's words fit (claims
    made from a quote) against how well the best candidate fits (unrelated
    claims). The threshold belongs in the gap between the two."""
    res = run(cases, cands, speakers, {"MATCH_THRESHOLD": 0.0}, jobs)
    per: dict[str, list[float]] = defaultdict(list)
    for c, r in zip(cases, res):
        if c.kind == "unrelated":
            per[c.kind].append(r["score"] or 0.0)
        elif r["match_id"] is not None and c.accepts(r["match_id"]):
            per[c.kind].append(r["score"])
    out = {k: _quantiles(v) for k, v in per.items()}
    pos = [x for k, v in per.items() if k != "unrelated" for x in v]
    neg = per.get("unrelated", [])
    print("\n--- alignment scores at MATCH_THRESHOLD=0 (right quote for claims made from one; "
          "best candidate for unrelated) ---")
    print(f"{'kind':17} {'n':>5} {'min':>6} {'p01':>6} {'p05':>6} {'median':>7} {'p95':>6} {'p99':>6} {'max':>6}")
    for k in ALL_KINDS:
        q = out.get(k)
        if q:
            print(f"{k:17} {q['n']:5d} {q['min']:6.1f} {q['p01']:6.1f} {q['p05']:6.1f} {q['median']:7.1f} "
                  f"{q['p95']:6.1f} {q['p99']:6.1f} {q['max']:6.1f}")
    if pos and neg:
        lo, hi = min(pos), max(neg)
        print(f"lowest right-quote score {lo:.1f}; highest unrelated score {hi:.1f}; "
              + (f"gap {lo - hi:.1f} points" if lo > hi else f"overlap of {hi - lo:.1f} points: "
                 f"{sum(x <= hi for x in pos)} right-quote scores <= {hi:.1f}, "
                 f"{sum(x >= lo for x in neg)} unrelated scores >= {lo:.1f}"))
        out["_gap"] = {"lowest_positive": lo, "highest_unrelated": hi}
    return out


def sweep(cases, cands, speakers, grid: dict[str, list], jobs: int, hits) -> list[dict]:
    rows = []
    defaults = thresholds()
    for name, values in grid.items():
        base = defaults.get(name.rpartition(".")[2])
        print(f"\n--- sweep {name} (engine default {base}) ---")
        print(f"{'value':>8} {'overall':>8} {'verified':>9} {'mismatch':>9} {'unverif.':>9} {'unsafe':>7} "
              f"{'fact-ok':>8}")
        for val in values:
            res = run(cases, cands, speakers, {name: val}, jobs)
            s = summarize(cases, res, hits)
            by_exp = {}
            for e in ("verified", "mismatch", "unverified"):
                rs = [r for c, r in zip(cases, res) if c.expected_verdict == e]
                by_exp[e] = sum(r["ok"] for r in rs) / max(1, len(rs))
            row = {"param": name, "value": val, "accuracy": s["accuracy"], **{f"acc_{k}": v for k, v in by_exp.items()},
                   "unsafe": s["unsafe_total"], "wrong_fact_verified": sum(s["wrong_fact_verified"].values())}
            rows.append(row)
            mark = " <- default" if val == base else ""
            print(f"{val:>8} {_pct(s['accuracy']):>8} {_pct(by_exp['verified']):>9} {_pct(by_exp['mismatch']):>9} "
                  f"{_pct(by_exp['unverified']):>9} {s['unsafe_total']:7d} {row['wrong_fact_verified']:8d}{mark}")
        safe = [r for r in rows if r["param"] == name and r["unsafe"] == 0]
        if safe:
            best = max(r["accuracy"] for r in safe)
            ok = [r["value"] for r in safe if r["accuracy"] >= best - 1e-9]
            print(f"best with 0 unsafe: {_pct(best).strip()} at {name} in {ok}")
    _apply(defaults)
    return rows


# --- main ----------------------------------------------------------------------------


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-kind", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--top", type=int, default=30, help="candidates given to verify()")
    ap.add_argument("--errors", nargs="?", const=5, type=int, default=0,
                    help="print the worst N wrong answers per kind (default 5)")
    ap.add_argument("--sweep", nargs="?", const="all", default=None,
                    help='vary engine thresholds: "all" or "NAME=v1,v2;NAME2=..." (NAME in verification.verify, '
                         'or module.NAME for another engine module)')
    ap.add_argument("--kinds", default=None, help="comma-separated subset of: " + ",".join(ALL_KINDS))
    ap.add_argument("--extra", action="store_true",
                    help="add the optional kinds " + ", ".join(EXTRA_KINDS) + " (lines repeated at several events)")
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                    help="worker processes (fork); 1 runs in-process")
    ap.add_argument("--timeout", type=int, default=30, help="seconds one verify() call may take (0: no limit)")
    ap.add_argument("--json", default=None, help="write figures (and error examples) to this file")
    args = ap.parse_args(argv)

    t0 = time.time()
    quotes, speakers = load_canonical(args.seed)
    kinds = args.kinds.split(",") if args.kinds else KINDS + (EXTRA_KINDS if args.extra else ())
    cases = make_claims(quotes, speakers, args.per_kind, args.seed, kinds)
    retr = Retriever(quotes)
    cands = [retr.search(c.claim.text, args.top) for c in cases]
    hits = [any(c.accepts(q.id) for q in cs) for c, cs in zip(cases, cands)]
    by_id = {q.id: q for q in quotes}
    print(f"canonical quotes {len(quotes)}, speakers {len(speakers)}, claims {len(cases)} "
          f"({args.per_kind} per kind, seed {args.seed}); setup {time.time() - t0:.1f}s")
    _DEFAULTS.update(thresholds())
    _STATE["timeout"] = args.timeout
    print("engine thresholds: " + ", ".join(f"{k}={v}" for k, v in _DEFAULTS.items()))

    out: dict[str, Any] = {"seed": args.seed, "per_kind": args.per_kind, "top": args.top,
                           "canonical_quotes": len(quotes), "thresholds": dict(_DEFAULTS)}
    if args.sweep:
        grid = parse_sweep(args.sweep)
        if "MATCH_THRESHOLD" in grid:
            out["scores"] = score_distribution(cases, cands, speakers, args.jobs)
        out["sweep"] = sweep(cases, cands, speakers, grid, args.jobs, hits)
    else:
        t1 = time.time()
        results = run(cases, cands, speakers, {}, args.jobs)
        s = summarize(cases, results, hits)
        print_report(s, args.top)
        print(f"run {time.time() - t1:.1f}s")
        out["summary"] = s
        target = s["accuracy"] >= 0.995 and s["unsafe_total"] == 0 and s["false_verified_total"] == 0
        print(f"\ntarget (>= 99.5% right, 0 unsafe, 0 false verified): {'MET' if target else 'NOT MET'}")
        if args.errors:
            ex = error_examples(cases, results, hits, by_id, args.errors)
            print_errors(ex)
            out["errors"] = ex
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
