"""Calibrate when two towns are "nearby" (one place for a newsroom).

    python -m bench.place_distance [--folds 5] [--cost 10] [--json bench/out/place_distance.json]

``verification.places.nearby`` calls two different cities of one country
consistent when they are at most ``NEAR_KM`` apart. This script chooses the
rule from a family wide enough to let the data say whether the distance
should grow with the city: the smaller town has at most ``share`` of the
larger one's people and lies within ``min(top, base + per * sqrt(pop /
1e6))`` km of it (``pop`` the larger one's population). ``base`` is what
ships as ``NEAR_KM`` when the chosen ``per`` is 0 and ``share`` is 1 (no
cap), as they are. Two sets of labelled pairs:

* **Same place** (a suburb or neighbourhood and its city), from the
  gazetteer: a town named after a larger city of the same state or region,
  "North Miami", "Miami Beach", "Cleveland Heights", "South San Francisco"
  (``<North|South|East|West> City`` or ``City <Heights|Beach|Gardens|Park|
  Hills|Springs|Township|Village>``). The name says the town grew as part of
  the city's area; a few are distant namesakes, which no rule catches and
  which count against every rule alike.
* **Different places**, from the data (``../shared/data``): the towns named
  for *different events*, the places in the 2016 speeches' titles and in
  LIAR's venue phrases, every pair of two different cities in one country
  (these are the places a claim confuses with the record: ``swapped_place``
  in the accuracy benchmark). Pairs where one town is named after the other,
  or is a borough of it (New York City's five), are the first kind, not this
  one, and are left out.

A rule's cost is (same-place pairs it calls different) + ``--cost`` x
(different-place pairs it calls the same): a false "verified" costs ten
false mismatches by default. The grid is searched by cross-validation:
pairs are split into folds by the larger city (all suburbs of one city in
one fold), each fold is judged with the rule chosen on the others, and the
figures reported are those held-out ones. The rule shipped is the one chosen
on all pairs.
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import re
import sys
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from verification.places import nearby, resolve_place  # noqa: E402
from verification.places.gazetteer import _gaz  # noqa: E402
from verification.places.names import _CITY_PARTS, _key  # noqa: E402

PREFIXES = ("North", "South", "East", "West")
SUFFIXES = ("Heights", "Beach", "Gardens", "Park", "Hills", "Springs", "Township", "Village")

def radius_km(population: int, base: float, per: float, top: float) -> float:
    return min(top, base + per * math.sqrt(max(0, population) / 1e6))


def is_nearby(distance: float, pop_a: int, pop_b: int, base: float, per: float, top: float,
              share: float) -> bool:
    big, small = max(pop_a, pop_b), min(pop_a, pop_b)
    return small <= share * big and distance <= radius_km(big, base, per, top)


GRID = {
    "base": [0.0, 2.5, 5.0, 7.5, 10.0, 12.5, 15.0, 20.0],
    "per": [0.0, 2.5, 5.0, 7.5, 10.0, 12.5, 15.0, 20.0],
    "top": [20.0, 25.0, 30.0, 40.0, 50.0, 60.0],
    "share": [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0],
}


def suburb_pairs() -> list[dict]:
    """(city, town named after it) pairs from the gazetteer."""
    g = _gaz()
    out = []
    for ci in range(len(g._gid)):
        name = g.city_name(ci)
        base = None
        m = re.match(r"^(?:%s) (.+)$" % "|".join(PREFIXES), name)
        if m:
            base = m.group(1)
        m = re.match(r"^(.+) (?:%s)$" % "|".join(SUFFIXES), name)
        if m:
            base = m.group(1)
        if not base:
            continue
        region = g.city_region(ci)
        for parent in g.cities_named(_key(base), ("region", region)):
            if g.city_name(parent) != base or g.population(parent) <= g.population(ci):
                continue
            a, b = g.city_place("", parent), g.city_place("", ci)
            out.append({"same": True, "big": a.name, "small": b.name, "region": "|".join(region),
                        "big_pop": a.population, "small_pop": b.population,
                        "km": nearby.distance_between(a, b), "group": a.geonameid})
            break
    return out


def _named_after(a: str, b: str) -> bool:
    ka, kb = f" {_key(a)} ", f" {_key(b)} "
    return ka in kb or kb in ka


def _part_of(a: str, b: str) -> bool:
    for city, parts in _CITY_PARTS.items():
        names = {_key(city)} | {_key(p) for p in parts}
        if _key(a) in names and _key(b) in names:
            return True
    return False


def event_pairs() -> list[dict]:
    """Pairs of different towns named for different events in the data."""
    from bench import corpus

    places = set(corpus._all_places())
    cities = {}
    for text in sorted(places):
        p = resolve_place(text)
        if p is not None and p.kind == "city":
            cities.setdefault(p.geonameid, p)
    out = []
    for a, b in itertools.combinations(sorted(cities.values(), key=lambda p: p.geonameid), 2):
        if a.country_code != b.country_code or _named_after(a.name, b.name) or _part_of(a.name, b.name):
            continue
        big, small = (a, b) if (a.population or 0) >= (b.population or 0) else (b, a)
        out.append({"same": False, "big": big.name, "small": small.name, "region": big.region_code or "",
                    "big_pop": big.population or 0, "small_pop": small.population or 0,
                    "km": nearby.distance_between(a, b), "group": big.geonameid})
    return out


def _fold(group: int, folds: int) -> int:
    return zlib.crc32(str(group).encode()) % folds


def judge(pairs: list[dict], params: dict) -> dict:
    """Errors of a rule. Pairs farther apart than any radius in the grid are
    never nearby: counted without testing each rule on them."""
    reach = max(GRID["top"])
    fn = fp = 0
    for p in pairs:
        if p["km"] > reach:
            fn += p["same"]
            continue
        got = is_nearby(p["km"], p["big_pop"], p["small_pop"], **params)
        fn += p["same"] and not got
        fp += (not p["same"]) and got
    return {"fn": fn, "fp": fp, "same": sum(p["same"] for p in pairs),
            "different": sum(not p["same"] for p in pairs)}


def choose(pairs: list[dict], cost: float) -> tuple[dict, dict]:
    reach = max(GRID["top"])
    far = [p for p in pairs if p["km"] > reach]
    pairs = [p for p in pairs if p["km"] <= reach]
    best: tuple[Any, ...] = ()
    for base, per, top, share in itertools.product(*GRID.values()):
        params = {"base": base, "per": per, "top": top, "share": share}
        j = judge(pairs, params)
        # Lowest cost; among equals, the most lenient rule (largest radius for
        # a city of a million, then the largest share), which errs towards
        # calling a suburb a suburb.
        key = (j["fn"] + cost * j["fp"], -radius_km(1_000_000, base, per, top), -share, -top)
        if not best or key < best[0]:
            best = (key, params, j)
    params, j = best[1], best[2]
    j = {**j, "fn": j["fn"] + sum(p["same"] for p in far), "same": j["same"] + sum(p["same"] for p in far),
         "different": j["different"] + sum(not p["same"] for p in far)}
    return params, j


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cost", type=float, default=10.0, help="cost of a false 'same place' in false 'different'")
    ap.add_argument("--json", default=None)
    ap.add_argument("--list", action="store_true", help="print the pairs the shipped rule gets wrong")
    args = ap.parse_args(argv)

    same, diff = suburb_pairs(), event_pairs()
    pairs = same + diff
    near_diff = sum(1 for p in diff if p["km"] < 60)
    print(f"same-place pairs (towns named after a larger city): {len(same)}; different-place pairs "
          f"(towns of different events): {len(diff)}, {near_diff} of them under 60 km")
    rows = []
    for k in range(args.folds):
        train = [p for p in pairs if _fold(p["group"], args.folds) != k]
        test = [p for p in pairs if _fold(p["group"], args.folds) == k]
        params, _ = choose(train, args.cost)
        j = judge(test, params)
        rows.append({"fold": k, "params": params, **j})
        print(f"fold {k}: chosen on the others {params}; held out: same-place {j['same'] - j['fn']}/{j['same']} "
              f"called nearby, different-place {j['fp']}/{j['different']} called nearby")
    held = {key: sum(r[key] for r in rows) for key in ("fn", "fp", "same", "different")}
    print(f"held-out total: same-place pairs called nearby {held['same'] - held['fn']}/{held['same']} "
          f"({100 * (1 - held['fn'] / max(1, held['same'])):.1f}%); different-place pairs called nearby "
          f"{held['fp']}/{held['different']}")
    params, j = choose(pairs, args.cost)
    print(f"chosen on all pairs: {params} (same-place missed {j['fn']}, different-place called nearby {j['fp']})")
    for pop in (1_000, 20_000, 100_000, 500_000, 1_000_000, 8_800_000):
        print(f"  radius for a city of {pop:>9,}: {radius_km(pop, params['base'], params['per'], params['top']):5.1f} km")
    if args.list:
        for p in sorted(pairs, key=lambda p: p["km"]):
            got = is_nearby(p["km"], p["big_pop"], p["small_pop"], **params)
            if got != p["same"] and p["km"] < 100:
                print(f"  {'MISSED' if p['same'] else 'CALLED NEARBY'}: {p['small']} ({p['small_pop']:,}) / "
                      f"{p['big']} ({p['big_pop']:,}), {p['region']}, {p['km']:.1f} km")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"folds": rows, "held_out": held, "chosen": params,
                                               "pairs": pairs}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
