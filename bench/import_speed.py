"""How fast one checkout imports the scale corpus into a new store.

    python bench/import_speed.py [--n 100000] [--db sqlite|postgresql]

Run from the checkout to measure (another one: ``git archive <commit> | tar
-x -C /tmp/base``, then ``cd /tmp/base && python /path/to/bench/import_speed.py``),
alternately with the other, so that a shared machine's load falls on both.
The corpus's first ``n`` quotes (:func:`bench.corpus.scale_corpus`, seed 0)
go into a new migrated store through :func:`app.bulk_import.import_quotes`
with the configured chunk size and worker processes: :func:`bench.scale.build`,
which times the import alone in a warm process (the gazetteer loaded).
Prints quotes per second and the import's wall time.

On PostgreSQL the store is :data:`bench.scale.PG_DB`, the database
:mod:`bench.run` and :mod:`bench.hot_path` measure: it is dropped and
made again, so a million-quote store built there is gone afterwards.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.getcwd())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    a = ap.parse_args()
    from bench import scale

    url = f"sqlite:///{tempfile.mkdtemp()}/import.db" if a.db == "sqlite" else scale.fresh_database(a.db, a.n)
    cpu = time.process_time()
    built = scale.build(scale.make_app(url), a.n, 0)  # times the import alone, in a warm process
    print(f"{os.getcwd()}: {built['imported']} quotes, {built['imported'] / built['import_s']:.0f}/s, "
          f"{built['import_s']:.1f} s, this process's CPU {time.process_time() - cpu:.2f} s (with making the "
          f"corpus), load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
