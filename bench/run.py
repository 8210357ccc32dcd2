"""The scale benchmark: ``python -m bench.run`` (``make bench``).

    python -m bench.run [--sizes 10000,100000,1000000] [--db sqlite,postgresql]
                        [--out bench/out/results.json] [--report FILE ...]

For each database and size, :func:`bench.scale.measure` builds a fresh store
(each database and size in a process of its own) and measures import, size,
verify latency (in-process and over HTTP), recall,
batch throughput, a web worker's peak memory and the brute-force rapidfuzz
baseline; at ``--load-at`` (100,000) it also runs the HTTP load test. Results
are merged into ``--out`` after every size (a long run keeps what it has),
then the table is printed and the plot written to ``bench/plots/latency.png``.
``--report`` only prints the table and draws the plot from result files.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from .scale import OUT, ROOT, measure

PLOTS = ROOT / "bench" / "plots"


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:
        pass
    pg = ""
    try:
        import psycopg

        from .scale import PG_ADMIN_URL

        with psycopg.connect(PG_ADMIN_URL) as conn:
            pg = conn.execute("SHOW server_version").fetchone()[0]
    except Exception:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "postgresql": pg,
            "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                     capture_output=True, text=True).stdout.strip()}


def load_results(paths: list[Path]) -> dict[str, Any]:
    merged: dict[str, Any] = {"runs": {}}
    for p in paths:
        if p.exists():
            data = json.loads(p.read_text())
            merged["runs"].update(data.get("runs", {}))
            merged.setdefault("machine", data.get("machine"))
    return merged


def save(path: Path, key: str, result: dict[str, Any]) -> None:
    data = load_results([path])
    data["machine"] = machine()
    data["runs"][key] = result
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, default=str))


def _f(v: Any, nd: int = 1) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def table(data: dict[str, Any]) -> str:
    runs = sorted(data["runs"].values(), key=lambda r: (r["db"], r["n"]))
    head = ("| DB | quotes | import/s | DB MB | verify p50 / p99 ms | CPU p50 / p99 ms | HTTP p50 / p99 ms "
            "| batch claims/s | worker peak RSS MB | recall@1 frag / typo / edit | unrelated → unverified "
            "| brute partial_ratio p50 ms (recall) | brute token_set p50 ms (recall) | speed-up vs partial_ratio |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in runs:
        v = r.get("verify", {})
        rec = v.get("recall_at_1", {})
        bf = r.get("brute_force", {})
        pr, ts = bf.get("partial_ratio", {}), bf.get("token_set_ratio", {})
        speed = (pr.get("p50_ms") / v["p50_ms"]) if pr.get("p50_ms") and v.get("p50_ms") else None
        lines.append(
            f"| {r['db']} | {r['n']:,} | {_f(r.get('import_per_s'), 0)} | {r.get('db_bytes', 0) / 1e6:.0f} "
            f"| {_f(v.get('p50_ms'))} / {_f(v.get('p99_ms'))} | {_f(v.get('cpu_p50_ms'))} / {_f(v.get('cpu_p99_ms'))} "
            f"| {_f(r.get('http_p50_ms'))} / {_f(r.get('http_p99_ms'))} | {_f(r.get('batch_claims_per_s'))} "
            f"| {' / '.join(_f(x) for x in r.get('worker_peak_rss_mb', [])) or '-'} "
            f"| {_f(rec.get('fragment'))} / {_f(rec.get('typography'))} / {_f(rec.get('one_word_edit'))} "
            f"| {_f(rec.get('unrelated'))} "
            f"| {_f(pr.get('p50_ms'), 0)} ({_f(pr.get('recall_at_1_core'))}%, n={pr.get('claims', '-')}) "
            f"| {_f(ts.get('p50_ms'), 0)} ({_f(ts.get('recall_at_1_core'))}%, n={ts.get('claims', '-')}) "
            f"| {_f(speed, 0)}× |"
        )
    loads = [r for r in runs if r.get("load_rps") is not None]
    if loads:
        lines += ["", "| DB | quotes | load | requests/s | p50 ms | p99 ms | requests | errors |", "|---|---|---|---|---|---|---|---|"]
        for r in loads:
            lines.append(f"| {r['db']} | {r['n']:,} | {r['load_tool']} | {_f(r['load_rps'])} | {_f(r['load_p50_ms'])} "
                         f"| {_f(r['load_p99_ms'])} | {r['load_requests']} | {r['load_errors']} |")
    return "\n".join(lines)


def plot(data: dict[str, Any], path: Path = PLOTS / "latency.png") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    by_db: dict[str, list] = {}
    for r in data["runs"].values():
        by_db.setdefault(r["db"], []).append(r)
    style = {"sqlite": "o-", "postgresql": "s-"}
    brute: dict[int, dict] = {}
    for db, runs in sorted(by_db.items()):
        runs.sort(key=lambda r: r["n"])
        xs = [r["n"] for r in runs]
        ax.plot(xs, [r["verify"]["p50_ms"] for r in runs], style.get(db, "o-"), label=f"Verbatim {db} p50")
        ax.plot(xs, [r["verify"]["p99_ms"] for r in runs], style.get(db, "o-").replace("-", "--"), alpha=0.6,
                label=f"Verbatim {db} p99")
        for r in runs:
            if r.get("brute_force"):
                brute.setdefault(r["n"], r["brute_force"])
    if brute:
        xs = sorted(brute)
        ax.plot(xs, [brute[x]["partial_ratio"]["p50_ms"] for x in xs], "x-", color="red",
                label="brute force partial_ratio p50")
        ax.plot(xs, [brute[x]["token_set_ratio"]["p50_ms"] for x in xs], "x--", color="darkred",
                label="brute force token_set_ratio p50")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("stored quotes")
    ax.set_ylabel("latency per verify (ms, log)")
    ax.set_title("Verify latency against corpus size (in-process)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--db", default="sqlite,postgresql")
    ap.add_argument("--out", default=str(OUT / "results.json"))
    ap.add_argument("--per-kind", type=int, default=100, help="claims per kind (8 kinds)")
    ap.add_argument("--load-at", type=int, default=100000, help="size at which the HTTP load test runs")
    ap.add_argument("--load-seconds", type=int, default=30)
    ap.add_argument("--brute-budget", type=float, default=60.0, help="seconds per brute-force scorer and size")
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--reuse", help="a result file: measure again on the stores it built, without importing "
                                     "(SQLite only; keeps that run's import figures and brute-force baseline)")
    ap.add_argument("--report", nargs="*", help="only print the table and plot from these result files")
    ap.add_argument("--in-process", action="store_true",
                    help="measure every database and size in this process (default: one process each)")
    a = ap.parse_args(argv)
    if a.report is not None:
        data = load_results([Path(p) for p in (a.report or [a.out])])
        print(table(data))
        plot(data)
        return
    out = Path(a.out)
    pairs = [(db, int(n)) for db in a.db.split(",") for n in a.sizes.split(",")]
    if len(pairs) > 1 and not a.in_process:
        # One process per measurement: a measurement must not inherit the
        # previous one's memory (a 10k import whose workers forked from the
        # 2.6 GB left by the 100k runs was ~10% slower than from a fresh process).
        args = sys.argv[1:] if argv is None else argv
        keep = [x for i, x in enumerate(args)
                if x not in ("--sizes", "--db") and (i == 0 or args[i - 1] not in ("--sizes", "--db"))]
        for db, n in pairs:
            subprocess.run([sys.executable, "-m", "bench.run", *keep, "--sizes", str(n), "--db", db,
                            "--in-process"], cwd=ROOT, check=True)
        pairs = []
    for db, n in pairs:
        reuse = None
        if a.reuse:
            prev = load_results([Path(a.reuse)])["runs"].get(f"{db}:{n}")
            if prev is None or db != "sqlite":
                raise SystemExit(f"--reuse: no sqlite run of {n} in {a.reuse}")
            reuse = dict(prev, url=f"sqlite:///{OUT / f'scale-{n}.db'}")
        r = measure(n, db, n_per_kind=a.per_kind, http=not a.no_http, load=(n == a.load_at),
                    brute_budget_s=0 if reuse and reuse.get("brute_force") else a.brute_budget,
                    load_seconds=a.load_seconds, reuse=reuse)
        if reuse and reuse.get("brute_force") and "brute_force" not in r:
            r["brute_force"] = reuse["brute_force"]
            r["brute_force_from_first_run"] = True
        save(out, f"{db}:{n}", r)
    data = load_results([out])
    print(table(data))
    plot(data)
    print(f"results: {out}; plot: {PLOTS / 'latency.png'}", file=sys.stderr)


if __name__ == "__main__":
    main()
