"""How fast one checkout imports the scale corpus into a new store.

    python bench/import_speed.py [--n 100000] [--db sqlite|postgresql]

Run from the checkout to measure (another one: ``git archive <commit> | tar
-x -C /tmp/base``, then ``cd /tmp/base && python /path/to/bench/import_speed.py``),
alternately with the other, so that a shared machine's load falls on both.
The corpus's first ``n`` quotes (:func:`bench.corpus.scale_corpus`, seed 0)
go into a new migrated store through :func:`app.bulk_import.import_quotes`
with the configured chunk size and worker processes, as :mod:`bench.scale`
builds its stores (the gazetteer loaded first, as in a warm service). Prints
quotes per second, the wall time and the importing process's CPU time.
"""
from __future__ import annotations

import argparse
import gc
import json
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
    from bench.corpus import scale_corpus, scale_speakers

    url = f"sqlite:///{tempfile.mkdtemp()}/import.db" if a.db == "sqlite" else scale.fresh_database(a.db, a.n)
    app = scale.make_app(url)
    from app import bulk_import, importer, migrate, services
    from app.db import get_engine, get_session
    from verification.places import load_gazetteer

    migrate.upgrade(get_engine(app))
    with app.app_context():
        session = get_session()
        for sp in scale_speakers():
            services.create_speaker(session, sp["name"], sp.get("aliases") or ())
        session.commit()
    lines = [json.dumps(r).encode() + b"\n" for r in scale_corpus(a.n, 0)]
    load_gazetteer()
    gc.collect()
    t, cpu = time.perf_counter(), time.process_time()
    with app.app_context():
        result = bulk_import.import_quotes(get_session(), importer.iter_ndjson(lines),
                                           chunk_size=app.config["IMPORT_CHUNK_SIZE"],
                                           workers=app.config["IMPORT_WORKERS"])
    wall = time.perf_counter() - t
    print(f"{os.getcwd()}: {result.imported} quotes, {result.imported / wall:.0f}/s, {wall:.1f} s wall, "
          f"importing process CPU {time.process_time() - cpu:.2f} s, load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
