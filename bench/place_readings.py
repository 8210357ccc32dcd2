"""What the engine reads as places in real text, to compare two versions.

    python -m bench.place_readings --out bench/out/readings-new.json
    (cd OTHER_CHECKOUT && python -m bench.place_readings --out /tmp/readings-old.json)
    python -m bench.place_readings --diff /tmp/readings-old.json bench/out/readings-new.json

For every distinct LIAR venue phrase (``../shared/data/liar_train.tsv``):
``place_from_phrase`` and ``resolve_place`` (kind, name, region, country);
for every PolNeAR article: the place ``extract_quotes`` attaches to each
quote. ``--diff`` prints what changed. Used to check that a larger gazetteer
does not start reading ordinary words as towns (docs/calibration.md).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def dump(out: str) -> None:
    from bench.corpus import data_dir
    from verification.extract import extract_quotes
    from verification.places import place_from_phrase, resolve_place

    d = data_dir()
    contexts = set()
    with open(d / "liar_train.tsv", encoding="utf-8") as f:
        for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(r) >= 14 and r[13].strip():
                contexts.add(r[13].strip())
    res: dict = {"contexts": {}, "polnear": {}}
    for c in sorted(contexts):
        p = resolve_place(c)
        res["contexts"][c] = [place_from_phrase(c), p.kind, p.name, p.region_code, p.country_code]
    texts = d / "polnear-train" / "text"
    for name in sorted(os.listdir(texts)):
        res["polnear"][name] = [q.location for q in extract_quotes((texts / name).read_text(encoding="utf-8"))]
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(res, indent=0))


def diff(old_path: str, new_path: str) -> None:
    old, new = json.loads(Path(old_path).read_text()), json.loads(Path(new_path).read_text())
    changed = [c for c in old["contexts"] if old["contexts"][c] != new["contexts"].get(c)]
    for c in changed:
        print(f"{c!r}: {old['contexts'][c]} -> {new['contexts'].get(c)}")
    print(f"venue phrases read differently: {len(changed)} of {len(old['contexts'])}")
    moved = 0
    for name, places in old["polnear"].items():
        for a, b in zip(places, new["polnear"].get(name, [])):
            if a != b:
                moved += 1
                print(f"{name}: {a!r} -> {b!r}")
    print(f"extracted quotes placed differently: {moved} in {len(old['polnear'])} articles")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out")
    ap.add_argument("--diff", nargs=2, metavar=("OLD", "NEW"))
    args = ap.parse_args(argv)
    if args.diff:
        diff(*args.diff)
    elif args.out:
        dump(args.out)
    else:
        ap.error("--out or --diff")
    return 0


if __name__ == "__main__":
    sys.exit(main())
