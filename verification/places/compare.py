"""How a claimed place relates to the place on record, and how places are
named in messages."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ..model import FieldCheck
from .gazetteer import _gaz
from .names import _CITY_PARTS, _GENERIC_WORDS, _REGION_BARE_DISPLAY, _REGION_DISPLAY, _VENUE_RE, _key
from .nearby import distance_between, is_nearby, say_km
from .place import Place
from .reading import _clean, _has_phrase, _readings, _retext, place_from_phrase, resolve_place

# An unknown place name in the same state as a city this big may be one of
# its neighbourhoods, so the comparison stays ``unknown``; next to a smaller
# town it is another town (``mismatch``).
NEIGHBOURHOOD_CITY_POP = 250_000


def _describe(p: Place) -> str:
    if p.kind == "city":
        g = _gaz()
        if p.country_code == "US" and p.region_code:
            region = _REGION_DISPLAY.get(("US", p.region_code), p.region or p.region_code)
            return f"{p.name}, {region}"
        if p.geonameid is not None and g.is_most_populous_of_name(g.index_of(p.geonameid)):
            return p.name
        if p.region:
            return f"{p.name}, {p.region}"
        return f"{p.name}, {p.country}" if p.country else p.name
    if p.kind == "region":
        return _REGION_BARE_DISPLAY.get((p.country_code, p.region_code), p.name)  # type: ignore[arg-type]
    return p.name


def describe_place(text: str) -> str:
    """A short human name for messages: "Beijing", "Paris", "Raleigh, North
    Carolina", "Paris, Texas"; unknown names come back cleaned up."""
    p = resolve_place(text) if text else None
    if p is None:
        return (text or "").strip()
    return _describe(p)


def _tokens_within(a: str, b: str) -> bool:
    """Whether key ``a`` occurs in key ``b`` as whole words."""
    if not a or not b:
        return False
    return f" {a} " in f" {b} "


def _distinctive(key: str) -> bool:
    """Whether a key says more than a kind of place ("hall", "the center")."""
    return any(w not in _GENERIC_WORDS for w in key.split())


def _text_fits(a: str, b: str) -> bool:
    """Two unplaced names fit when equal, or when one holds the other and the
    shorter one is a name, not just a kind of place ("Oval Office" and "the
    Oval Office, White House"; not "Hall" and "Town Hall")."""
    ka, kb = _key(a), _key(b)
    if not (ka and kb):
        return False
    if ka == kb:
        return True
    short, long_ = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
    return _distinctive(short) and _tokens_within(short, long_)


def _local_text(p: Place) -> str:
    """The unresolved local part of a text place ("Tinytown" of
    "Tinytown, Fla.")."""
    if p.region or p.country:
        return p.name.rsplit(",", 1)[0]
    return p.name


def _names_city(text: str, city: Place) -> bool:
    """Whether unplaced text names ``city`` itself: one of its names, or its
    name inside the text ("Tampa Convention Center")."""
    g = _gaz()
    ci = g.index_of(city.geonameid)
    if ci is None:
        return False
    names = g.names_of(ci)
    key = _key(text)
    if key in names:
        return True
    words = key.split()
    return any(
        len(gram) > 3 and gram in names
        for n in range(min(len(words) - 1, 5), 0, -1)
        for i in range(len(words) - n + 1)
        for gram in (" ".join(words[i:i + n]),)
    )


_PARTS = {(_key(city), _key(part)) for city, parts in _CITY_PARTS.items() for part in parts}


def _part_of(part: Place, whole: Place) -> bool:
    """Whether city ``part`` is a borough of city ``whole`` (``_CITY_PARTS``)."""
    return (_key(whole.name), _key(part.name)) in _PARTS


Relation = tuple[str, Optional[float]]


def _relate(c: Place, k: Place) -> Relation:
    """How claim ``c`` relates to record ``k``: "equal", "within" (the claim
    is more specific), "contains" (less specific), "near" (another town at
    most ``NEAR_KM`` away), "differs" or "unknown"; with the distance in km
    between two cities."""
    if c.country_code is None or k.country_code is None:
        # At least one side is free text the gazetteer could not place.
        if c.kind == "text" and k.kind == "text":
            return ("equal" if _text_fits(c.name, k.name) else "unknown"), None
        text, other = (c, k) if c.kind == "text" else (k, c)
        # The words must name the other place itself: a state's name inside
        # a venue's ("Ohio State Fairgrounds") does not place the venue.
        if other.kind == "city" and (_names_city(text.name, other) or _text_fits(text.name, other.text)):
            return "equal", None
        return "unknown", None
    if c.country_code != k.country_code:
        return "differs", None
    if c.kind == "city" and k.kind == "city":
        if c.geonameid == k.geonameid:
            return "equal", None
        if _part_of(c, k):
            return "within", None
        if _part_of(k, c):
            return "contains", None
        d = distance_between(c, k)
        # Another town is the same place only when both are read by their
        # own names: "Long Island, N.Y." is not Long Island City, Queens
        # (one of whose alternate names it is), 6 km from New York City.
        near = is_nearby(d) and _by_own_name_in_text(c) and _by_own_name_in_text(k)
        return ("near" if near else "differs"), d
    c_region = c.region_code if c.kind != "country" else None
    k_region = k.region_code if k.kind != "country" else None
    if c_region and k_region and c_region != k_region:
        return "differs", None
    c_local = c.kind in ("city", "text")
    k_local = k.kind in ("city", "text")
    if c_local and k_local:
        # A town the gazetteer lacks, named in a state (or, for countries
        # without regions, a country) the gazetteer knows: compared by name.
        # "Norwalk, Iowa" and "Council Bluffs, Iowa" are two places.
        same_region = bool(c.region_code and c.region_code == k.region_code)
        if c.kind == "text" and k.kind == "text":
            if _text_fits(_local_text(c), _local_text(k)):
                return "equal", None
            return ("differs" if same_region else "unknown"), None
        text, city = (c, k) if c.kind == "text" else (k, c)
        if _names_city(_local_text(text), city):
            return "equal", None
        # An unknown name in the same state as a big city may be one of its
        # neighbourhoods ("Harlem, New York"); next to a town it is another town.
        if same_region and (city.population or 0) < NEIGHBOURHOOD_CITY_POP:
            return "differs", None
        return "unknown", None
    c_depth = (2 if c_local else 1 if c_region else 0)
    k_depth = (2 if k_local else 1 if k_region else 0)
    if c_depth == k_depth:
        return "equal", None
    return ("within" if c_depth > k_depth else "contains"), None


_CONSISTENT = ("equal", "within", "contains", "near")


def compare_place(claimed: Optional[str], canonical: Optional[str]) -> FieldCheck:
    """Whether a claimed place is consistent with the place on record.

    ``match`` for the same place, one containing the other, or a town at
    most ``NEAR_KM`` from the recorded one; ``mismatch`` for different
    places; ``not_claimed`` for no claim; ``unknown`` when the record has no
    place, or when a side the gazetteer cannot place does not name the other
    (the verdict is then ``unverified``, reason ``unchecked_place``, with this
    check's message as its sentence).
    """
    canon_text = str(canonical).strip() if canonical is not None and str(canonical).strip() else None
    if claimed is None or not str(claimed).strip():
        return FieldCheck(status="not_claimed", claimed=None, canonical=canon_text)
    claim_text = str(claimed).strip()
    if canon_text is None:
        return FieldCheck(
            status="unknown", claimed=claim_text, canonical=None,
            message=f"Verbatim could not check the place \u201c{claim_text}\u201d: "
                    "the record has no place for this quote.",
        )
    k = resolve_place(canon_text)
    readings = _readings(claim_text)
    assert k is not None and readings

    def result(status: str, message: Optional[str]) -> FieldCheck:
        if message:
            message = re.sub(r"\.\.(?=\s|$)", ".", message)  # "D.C.."
            message = message[0].upper() + message[1:]
        return FieldCheck(status=status, claimed=claim_text, canonical=canon_text, message=message)

    relations = [(_relate(c, k), c) for c in readings]
    fit = _first_fit(claim_text, relations, k)
    if fit is None:
        # A bare name read as a town of the record's state (computed only
        # when the usual readings do not fit: most claims fit at once).
        local_towns = _small_towns_near_record(claim_text, k)
        if local_towns:
            if readings[0].kind == "text" and readings[0].country_code is None:
                readings = tuple(local_towns)
            elif not _by_own_name(readings, local_towns[0].name):
                # "Victor" is an alternate name of Victorville, Calif.; Victor,
                # N.Y. is one too. "Reno" is Reno, Nev. by its own name: not
                # also Reno, Texas against a record of Texas.
                seen = {p.geonameid for p in readings}
                readings = tuple(readings) + tuple(p for p in local_towns if p.geonameid not in seen)
            relations = [(_relate(c, k), c) for c in readings]
            fit = _first_fit(claim_text, relations, k)
    if fit is not None:
        return result("match", fit or None)
    first = readings[0]
    if _bare_name_of(claim_text, k):
        # "Wilmington" for a record "Wilmington, Ohio": the claim names the
        # town without its state. Less precise, not different, even when the
        # gazetteer's best-known Wilmington is another one.
        return result("match", f"\u201c{claim_text}\u201d is read as {_in_sentence(k)}, the place on record.")
    if any(rel == "unknown" for (rel, _), _ in relations):
        if first.kind == "text" and (first.country_code is None or k.kind != "text"):
            msg = f"Verbatim could not place \u201c{_unplaced_words(first)}\u201d; the record says {_in_sentence(k)}."
        elif k.kind == "text" and k.country_code is None:
            msg = (f"Verbatim could not place the record\u2019s \u201c{canon_text}\u201d to compare it "
                   f"with {_in_sentence(first)}.")
        else:
            msg = (f"Verbatim could not tell whether {_in_sentence(first)} and {_in_sentence(k)} "
                   "are the same place.")
        return result("unknown", msg)
    (_, d), _ = relations[0]
    away = f", {say_km(d)} away" if d is not None else ""
    return result("mismatch", f"The claim says {_in_sentence(first)}, but the record says {_in_sentence(k)}{away}.")


def _first_fit(claim_text: str, relations: list, k: Place) -> Optional[str]:
    """The message of the first reading of the claim that fits the record
    ("" when it fits as read), or None when none does."""
    first = relations[0][1]
    for i, ((rel, d), c) in enumerate(relations):
        if rel not in _CONSISTENT:
            continue
        c_name = _in_sentence(c)
        if i > 0 and _describe(c) == _describe(first):
            # Not the usual reading of the claim: say which one fits.
            c_name = f"{c_name} (the {_KIND_WORDS.get((c.kind, c.country_code), c.kind)})"
        if rel == "equal":
            return "" if i == 0 else f"\u201c{claim_text}\u201d is read as {c_name}, the place on record."
        if rel == "near":
            return f"{c_name} is {say_km(d)} from {_in_sentence(k)}, the place on record."
        if rel == "within":
            return f"{c_name} lies within {_in_sentence(k)}; the record is less specific."
        return f"{_in_sentence(k)} lies within {c_name}; the claim is less specific."
    return None


def _unplaced_words(p: Place) -> str:
    """The words of a claim the gazetteer could not place, as the claim has
    them: "the Fairgrounds" of "a rally at the Fairgrounds", "the Faith and
    Freedom Coalition Conference" (a venue phrase's candidate stops at
    "and"; the name goes on while capitalised words follow)."""
    if p.country_code is not None:
        return p.text
    at = p.text.lower().rfind(p.name.lower())
    if at < 0:
        return p.name
    before = p.text[:at].split()
    article = before[-1] if before and before[-1].lower() == "the" and not p.name.lower().startswith("the ") else None
    words = [article, p.name] if article else [p.name]
    rest = p.text[at + len(p.name):].split()
    i = 0
    while i < len(rest):
        j = i
        while j < len(rest) and rest[j].lower() in _NAME_JOINERS:
            j += 1
        if j < len(rest) and rest[j][:1].isupper():
            words.extend(rest[i:j + 1])
            i = j + 1
        else:
            break
    return " ".join(words).rstrip(".,;:")


_NAME_JOINERS = {"and", "of", "for", "the", "&", "de"}


@lru_cache(maxsize=16384)
def _claimed_name(claim_text: str) -> Optional[str]:
    """The place name a claim gives, out of a venue phrase if need be."""
    cleaned = _clean(claim_text)
    if _has_phrase(cleaned):
        cleaned = place_from_phrase(cleaned) or cleaned
    return cleaned or None


def _small_towns_near_record(claim_text: str, k: Place) -> list[Place]:
    """A bare name read as a town of the record's state (or country), small
    towns included: a claim about a record in New York that says "Fishkill"
    means Fishkill, New York, and one that says "Victor" may mean Victor,
    New York as well as Victorville, California ("Victor" is one of its
    alternate names). Towns by their own name only."""
    name = _claimed_name(claim_text)
    if not name or "," in name or k.country_code is None or not k.region_code or k.kind == "country":
        return []
    if not _key(_clean(claim_text)).endswith(_key(name)):
        return []  # a cut-off piece of a venue's name ("Faith" of "the Faith and Freedom Conference")
    key = _key(name)
    if _VENUE_RE.search(key):
        return []  # "the White House" is not White House, Tenn., whatever the record's state
    return [_retext(p, claim_text) for p in _towns_named(key, k.country_code, k.region_code)]


@lru_cache(maxsize=4096)
def _towns_named(key: str, cc: str, region: str) -> tuple[Place, ...]:
    """Towns of a region called ``key`` by their own name, small ones too."""
    g = _gaz()
    ids = g.cities_named(key, ("region", (cc, region)), small=True)
    return tuple(g.city_place("", ci) for ci in ids if _key(g.city_name(ci)) == key)


def _by_own_name(readings, name: str) -> bool:
    """Whether a placed reading is called ``name``: a state, a country, or a
    city by its primary name (not an alternate one)."""
    key = _key(name)
    return any(p.country_code and (p.kind != "city" or _key(p.name) == key) for p in readings)


def _by_own_name_in_text(p: Place) -> bool:
    """Whether the text a city was read from calls it by its own name (or a
    nickname: "Philly"), not by one of its alternate names."""
    name = _claimed_name(p.text)
    if not name or p.geonameid is None:
        return False
    local = _key(name.split(",")[0])
    g = _gaz()
    return local == _key(p.name) or local in g.extra_names(g.index_of(p.geonameid))


def _bare_name_of(claim_text: str, k: Place) -> bool:
    """Whether the claim is a bare town name (no state or country) that is
    the recorded town's own name."""
    cleaned = _claimed_name(claim_text)
    if not cleaned or "," in cleaned:
        return False
    key = _key(cleaned)
    if k.kind == "city" and k.geonameid is not None:
        g = _gaz()
        return g.has_name(g.index_of(k.geonameid), key)
    if k.kind == "text" and (k.region or k.country):
        return key == _key(_local_text(k))
    return False


_KIND_WORDS = {("region", "US"): "US state", ("region", "CA"): "Canadian province"}
_NEEDS_ARTICLE = re.compile(
    r"^(?:United |Czech Republic|Philippines|Netherlands|Bahamas|Gambia|Maldives|Comoros|Seychelles"
    r"|Marshall Islands|Solomon Islands|Cayman Islands|Faroe Islands|Central African Republic"
    r"|Dominican Republic|Democratic Republic|Republic of|Vatican|Palestinian Territory)"
)


def _in_sentence(p: Place) -> str:
    """The place's short name as it reads mid-sentence ("the United States")."""
    name = _describe(p)
    if p.kind == "country" and _NEEDS_ARTICLE.match(name):
        return "the " + name
    return name

