"""What the gazetteer costs a process: load time, memory, time per lookup.

    python -m bench.gazetteer [--repeat 5] [--json bench/out/gazetteer.json]

Each repeat runs in a fresh Python process (``--child``), so the load is cold
as in a new gunicorn worker, and reports:

* ``import_s``: importing ``verification.places``; ``load_s``: ``load_gazetteer()``;
* ``rss_mb_*``: the process's resident memory (``VmRSS``) before the import,
  after it and after the load, ``hwm_mb`` its peak (``VmHWM``, what the load
  needed at its worst), and ``pss_mb`` the proportional share (``Pss`` from
  ``/proc/self/smaps_rollup``: file pages that every worker maps count once
  between them); after the lookups, ``private_mb`` (the memory that is this
  process's alone: a second worker needs as much again) and
  ``index_resident_mb`` (how much of the mapped index file the lookups
  brought into memory: shared by every worker);
* ``resolve_us`` / ``compare_us``: median and p95 microseconds per call of
  ``resolve_place`` and ``compare_place`` with every cache cleared before
  each call (the cost of a place never seen before), and ``compare_warm_us``
  the same calls again with the caches warm (a place seen before).

The texts are the real ones a verify sees: the places in the 2016 speeches'
titles and in LIAR's venue phrases (``../shared/data``), claimed against
each other. The machine is shared with other engineers' test runs, so the
figures are the median over the repeats.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _rollup_mb(*fields: str) -> float:
    """Sum of fields of /proc/self/smaps_rollup, in MB."""
    total, found = 0, False
    try:
        with open("/proc/self/smaps_rollup") as f:
            for line in f:
                name = line.split(":", 1)[0]
                if name in fields:
                    total += int(line.split()[1])
                    found = True
    except OSError:
        pass
    return total / 1024 if found else float("nan")


def _mapped_index_mb() -> float:
    """Resident MB of the gazetteer's index file mapping (page cache, shared
    by every process that maps it)."""
    total, inside = 0, False
    try:
        with open("/proc/self/smaps") as f:
            for line in f:
                if "-" in line.split(" ", 1)[0] and ":" not in line.split(" ", 1)[0]:
                    inside = "gazetteer-" in line and line.rstrip().endswith(".bin")
                elif inside and line.startswith("Rss:"):
                    total += int(line.split()[1])
    except OSError:
        pass
    return total / 1024


def _clear_caches() -> None:
    """Every lru_cache of the places package, module-level or on an object
    a module holds (the loaded gazetteer)."""
    for name, mod in list(sys.modules.items()):
        if name == "verification.places" or name.startswith("verification.places."):
            for value in vars(mod).values():
                for obj in [value, *getattr(value, "__dict__", {}).values()]:
                    if callable(getattr(obj, "cache_clear", None)):
                        obj.cache_clear()


def _texts() -> tuple[list[str], list[tuple[str, str]]]:
    """Place texts as claims and records carry them, and claim/record pairs."""
    sys.path.insert(0, str(ROOT))
    from bench import corpus

    records = sorted({doc[3] for doc in corpus._speech_docs() if doc[3]})
    contexts = sorted({ctx for *_, ctx in corpus._liar_rows() if ctx})
    rng = random.Random(0)
    claims = rng.sample(contexts, min(1500, len(contexts))) + records
    pairs = [(rng.choice(claims), rng.choice(records)) for _ in range(1500)]
    return claims, pairs


def _per_call_us(fn, args_list, clear: bool) -> list[float]:
    out = []
    for args in args_list:
        if clear:
            _clear_caches()
        t = time.perf_counter()
        fn(*args)
        out.append((time.perf_counter() - t) * 1e6)
    return out


def _summary(xs: list[float]) -> dict:
    xs = sorted(xs)
    return {"median": xs[len(xs) // 2], "p95": xs[int(len(xs) * 0.95)], "mean": statistics.fmean(xs)}


def child() -> dict:
    claims, pairs = _texts()  # before the clock: reading the data is not the gazetteer's cost
    import gc

    gc.collect()
    rss0 = _status_mb("VmRSS")
    t = time.perf_counter()
    from verification import places

    import_s = time.perf_counter() - t
    rss1 = _status_mb("VmRSS")
    t = time.perf_counter()
    places.load_gazetteer()
    load_s = time.perf_counter() - t
    rss2 = _status_mb("VmRSS")
    out = {
        "import_s": import_s, "load_s": load_s,
        "rss_mb_before": rss0, "rss_mb_imported": rss1, "rss_mb_loaded": rss2,
        "gazetteer_mb": rss2 - rss1, "hwm_mb": _status_mb("VmHWM"), "pss_mb": _rollup_mb("Pss"),
    }
    # Warm the code paths once (regex compilation, first-use imports).
    for text in claims[:50]:
        places.resolve_place(text)
    out["resolve_us"] = _summary(_per_call_us(places.resolve_place, [(c,) for c in claims], clear=True))
    out["compare_us"] = _summary(_per_call_us(places.compare_place, pairs, clear=True))
    out["compare_warm_us"] = _summary(_per_call_us(places.compare_place, pairs, clear=False))
    out["n_resolve"], out["n_compare"] = len(claims), len(pairs)
    out["rss_mb_after_lookups"] = _status_mb("VmRSS")
    out["private_mb_after_lookups"] = _rollup_mb("Private_Clean", "Private_Dirty")
    out["index_resident_mb_after_lookups"] = _mapped_index_mb()
    return out


def _median_of(runs: list[dict], path: tuple[str, ...]) -> float:
    vals = []
    for r in runs:
        v = r
        for p in path:
            v = v[p]
        vals.append(v)
    return statistics.median(vals)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", help="write every run and the medians here")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child()))
        return 0
    runs = []
    for i in range(args.repeat):
        proc = subprocess.run([sys.executable, "-m", "bench.gazetteer", "--child"], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        r = runs[-1]
        print(f"run {i + 1}: load {r['load_s']:.2f} s, gazetteer {r['gazetteer_mb']:.0f} MB "
              f"(RSS {r['rss_mb_loaded']:.0f} MB, peak {r['hwm_mb']:.0f} MB), "
              f"resolve {r['resolve_us']['median']:.0f} µs, compare {r['compare_us']['median']:.0f} µs",
              file=sys.stderr)
    keys = [("import_s",), ("load_s",), ("rss_mb_imported",), ("rss_mb_loaded",), ("gazetteer_mb",),
            ("hwm_mb",), ("pss_mb",), ("resolve_us", "median"), ("resolve_us", "p95"),
            ("compare_us", "median"), ("compare_us", "p95"), ("compare_warm_us", "median"),
            ("compare_warm_us", "p95"), ("rss_mb_after_lookups",), ("private_mb_after_lookups",),
            ("index_resident_mb_after_lookups",)]
    med = {".".join(k): _median_of(runs, k) for k in keys}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    print(f"commit {commit}, {args.repeat} runs, medians:")
    for k, v in med.items():
        print(f"  {k:24} {v:10.2f}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"commit": commit, "median": med, "runs": runs}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
