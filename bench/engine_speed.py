"""CPU time of verify() and align() per claim, per kind of the engine benchmark.

    python bench/engine_speed.py [--per-kind 100] [--seed 1] [--kinds a,b] [--engine PATH]

The claims and their candidates are the accuracy benchmark's (bench/corpus.py,
bench/engine_accuracy.Retriever, 30 candidates). Times are CPU time
(``time.process_time``) in one process, so other work on a shared machine
disturbs them less than wall-clock time; ``verify`` is the median and p95 per
claim, ``align`` the best of 7 passes over each claim's first 8 candidates
with the alignment caches cleared (what a claim costs when its texts are new).

``--engine PATH`` measures the ``verification`` package of another checkout
(e.g. ``git worktree add /tmp/base main``) on the same claims: run both and
compare, alternating a few times when the machine is busy.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-kind", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", default=None)
    ap.add_argument("--engine", default=None, help="root of another checkout whose verification/ to time")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bench.corpus import KINDS, load_canonical, make_claims  # noqa: E402
    from bench.engine_accuracy import Retriever  # noqa: E402

    if args.engine:  # the other engine, imported before anything loads ours
        sys.path.insert(0, str(Path(args.engine).resolve()))
        for name in [m for m in sys.modules if m == "verification" or m.startswith("verification.")]:
            del sys.modules[name]
    import verification.align as A  # noqa: E402
    import verification.normalize as N  # noqa: E402
    import verification.verify as V  # noqa: E402

    kinds = args.kinds.split(",") if args.kinds else list(KINDS)
    quotes, speakers = load_canonical(args.seed)
    cases = make_claims(quotes, speakers, args.per_kind, args.seed, kinds)
    retr = Retriever(quotes)
    cands = [retr.search(c.claim.text, 30) for c in cases]
    for c, cs in list(zip(cases, cands))[:20]:  # load the gazetteer and the like
        V.verify(c.claim, cs, speakers)
    print(f"engine {Path(A.__file__).resolve().parents[1]}, seed {args.seed}, {len(cases)} claims")
    print(f"{'kind':24} {'verify median':>13} {'p95':>7} {'align x8':>9}  (ms CPU per claim)")
    total_align = 0.0
    for k in kinds:
        mine = [(c, cs) for c, cs in zip(cases, cands) if c.kind == k]
        if not mine:
            continue
        ts = []
        for c, cs in mine:
            t = time.process_time()
            V.verify(c.claim, cs, speakers)
            ts.append((time.process_time() - t) * 1000)
        best = float("inf")
        for _ in range(7):
            A._prep.cache_clear()
            N._tokenize.cache_clear()
            t = time.process_time()
            for c, cs in mine:
                for q in cs[:8]:
                    A.align(c.claim.text, q.text)
            best = min(best, time.process_time() - t)
        per = 1000 * best / len(mine)
        total_align += per * len(mine)
        ts.sort()
        print(f"{k:24} {statistics.median(ts):13.2f} {ts[int(len(ts) * 0.95)]:7.2f} {per:9.2f}")
    print(f"{'all':24} {'':13} {'':7} {total_align / len(cases):9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
