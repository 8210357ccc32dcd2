"""Every line of a real record stored: the whole LIAR train file through the import.

    python bench/import_record.py [--db sqlite|postgresql]

Each of the 10,269 PolitiFact statements becomes a quote line (the statement,
the speaker's name as written from its slug — people and organisations
alike, "barack-obama" -> "Barack Obama", "priorities-usa-action" ->
"Priorities Usa Action" — and the venue phrase as the event), and the lines go
through the code behind ``POST /api/v1/quotes/import`` (parsing, validation,
speaker resolution, storage) into a fresh database. Reported: lines imported,
lines rejected (and why), and speakers created, with how many of them share
a surname with another stored speaker (the names the old rule refused:
"Van Jones" next to Dennis Jones). The target is 0 rejected well-formed lines.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import LIAR, data_dir  # noqa: E402
from bench.scale import fresh_database, make_app  # noqa: E402


def liar_lines() -> list[str]:
    lines = []
    with open(data_dir() / LIAR, encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 14 or not row[2].strip() or not row[4].strip():
                continue
            name = " ".join(w.capitalize() for w in row[4].strip().split("-") if w)
            line = {"text": row[2].strip(), "speaker": name}
            if row[13].strip():
                line["event"] = row[13].strip()[:500]
            lines.append(json.dumps(line))
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = ap.parse_args(argv)
    from app import bulk_import, importer
    from app.db import get_engine, get_session
    from app.migrate import upgrade
    from app.models import Speaker
    from sqlalchemy import select

    lines = liar_lines()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/record.db" if args.db == "sqlite" else fresh_database(args.db, 0)
        app = make_app(url)
        with app.app_context():
            upgrade(get_engine())
            session = get_session()
            t = time.perf_counter()
            result = bulk_import.import_quotes(session, importer.iter_ndjson(lines))
            took = time.perf_counter() - t
            names = [n for (n,) in session.execute(select(Speaker.name))]
    surnames = Counter(n.split()[-1].lower() for n in names if n.split())
    sharing = sum(1 for n in names if n.split() and surnames[n.split()[-1].lower()] > 1)
    print(f"lines {len(lines)}, imported {result.imported}, rejected {len(result.errors)} "
          f"in {took:.1f} s ({args.db})")
    print(f"speakers created {len(names)}, of which {sharing} share a surname with another")
    for e in result.errors[:20]:
        print(f"  line {e['line']}: {json.dumps(e['errors'], ensure_ascii=False)[:200]}")
    return 0 if not result.errors else 1


if __name__ == "__main__":
    sys.exit(main())
