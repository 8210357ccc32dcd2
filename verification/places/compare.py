"""How a claimed place relates to the place on record, and how places are
named in messages."""
from __future__ import annotations

import re
from typing import Optional

from ..model import FieldCheck
from .gazetteer import _gaz
from .names import _REGION_BARE_DISPLAY, _REGION_DISPLAY, _key
from .place import Place
from .reading import _clean, _has_phrase, _readings, place_from_phrase, resolve_place

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


def _text_fits(a: str, b: str) -> bool:
    ka, kb = _key(a), _key(b)
    return bool(ka and kb) and (ka == kb or _tokens_within(ka, kb) or _tokens_within(kb, ka))


def _local_text(p: Place) -> str:
    """The unresolved local part of a text place ("Tinytown" of
    "Tinytown, Fla.")."""
    if p.region or p.country:
        return p.name.rsplit(",", 1)[0]
    return p.name


def _relate(c: Place, k: Place) -> str:
    """How claim ``c`` relates to record ``k``: "equal", "within" (the claim
    is more specific), "contains" (less specific), "differs" or "unknown"."""
    if c.country_code is None or k.country_code is None:
        # At least one side is free text.
        if c.kind == "text" and k.kind == "text":
            return "equal" if _text_fits(c.name, k.name) else "unknown"
        text, other = (c, k) if c.kind == "text" else (k, c)
        names = {other.name, other.city or "", other.region or "", other.country or "", other.text}
        if any(n and _text_fits(text.name, n) for n in names):
            return "equal"
        return "unknown"
    if c.country_code != k.country_code:
        return "differs"
    c_region = c.region_code if c.kind != "country" else None
    k_region = k.region_code if k.kind != "country" else None
    if c_region and k_region and c_region != k_region:
        return "differs"
    c_local = c.kind in ("city", "text")
    k_local = k.kind in ("city", "text")
    if c_local and k_local:
        if c.kind == "city" and k.kind == "city":
            return "equal" if c.geonameid == k.geonameid else "differs"
        # Both name a town in one state (or, for countries without regions,
        # one country). Towns the gazetteer lacks are compared by name:
        # "Norwalk, Iowa" and "Council Bluffs, Iowa" are two places.
        same_region = bool(c.region_code and c.region_code == k.region_code)
        if c.kind == "text" and k.kind == "text":
            if _text_fits(_local_text(c), _local_text(k)):
                return "equal"
            return "differs" if same_region else "unknown"
        text, city = (c, k) if c.kind == "text" else (k, c)
        local = _key(_local_text(text))
        g = _gaz()
        ci = g.index_of(city.geonameid)
        names = g.names_of(ci) if ci is not None else set()
        if local in names or any(_text_fits(local, n) for n in names):
            return "equal"
        # An unknown name in the same state as a big city may be one of its
        # neighbourhoods ("Harlem, New York"); next to a town it is another town.
        if same_region and g.population(ci) < NEIGHBOURHOOD_CITY_POP:
            return "differs"
        return "unknown"
    c_depth = (2 if c_local else 1 if c_region else 0)
    k_depth = (2 if k_local else 1 if k_region else 0)
    if c_depth == k_depth:
        return "equal"
    return "within" if c_depth > k_depth else "contains"


_CONSISTENT = ("equal", "within", "contains")


def compare_place(claimed: Optional[str], canonical: Optional[str]) -> FieldCheck:
    """Whether a claimed place is consistent with the place on record.

    ``match`` for the same place or one containing the other; ``mismatch``
    for different places; ``not_claimed`` for no claim; ``unknown`` when the
    record has no place, or when a side the gazetteer can't place differs
    from the other in a way that can't be judged.
    """
    canon_text = str(canonical).strip() if canonical is not None and str(canonical).strip() else None
    if claimed is None or not str(claimed).strip():
        return FieldCheck(status="not_claimed", claimed=None, canonical=canon_text)
    claim_text = str(claimed).strip()
    if canon_text is None:
        return FieldCheck(
            status="unknown", claimed=claim_text, canonical=None,
            message="The record has no place for this quote.",
        )
    k = resolve_place(canon_text)
    readings = _readings(claim_text)
    assert k is not None and readings

    def result(status: str, message: Optional[str]) -> FieldCheck:
        if message:
            message = re.sub(r"\.\.(?=\s|$)", ".", message)  # "D.C.."
        return FieldCheck(status=status, claimed=claim_text, canonical=canon_text, message=message)

    first = readings[0]
    relations = [(_relate(c, k), c) for c in readings]
    for i, (rel, c) in enumerate(relations):
        if rel not in _CONSISTENT:
            continue
        c_name = _in_sentence(c)
        if i > 0:
            # Not the usual reading of the claim: say which one fits.
            if _describe(c) == _describe(first):
                c_name = f"{c_name} (the {_KIND_WORDS.get((c.kind, c.country_code), c.kind)})"
        if rel == "equal":
            msg = None if i == 0 else f"“{claim_text}” is read as {c_name}, the place on record."
        elif rel == "within":
            msg = f"{c_name} lies within {_in_sentence(k)}; the record is less specific."
        else:
            msg = f"{_in_sentence(k)} lies within {c_name}; the claim is less specific."
        return result("match", msg[0].upper() + msg[1:] if msg else None)
    if _bare_name_of(claim_text, k):
        # "Wilmington" for a record "Wilmington, Ohio": the claim names the
        # town without its state. Less precise, not different, even when the
        # gazetteer's best-known Wilmington is another one.
        return result("match", f"“{claim_text}” is read as {_in_sentence(k)}, the place on record.")
    if any(rel == "unknown" for rel, _ in relations):
        if first.kind == "text" and first.country_code is None:
            msg = f"Could not place “{claim_text}” to compare it with {_in_sentence(k)}."
        elif k.kind == "text" and k.country_code is None:
            msg = f"Could not place the record's “{canon_text}” to compare it with {_in_sentence(first)}."
        else:
            msg = f"Could not tell whether {_in_sentence(first)} and {_in_sentence(k)} are the same place."
        return result("unknown", msg)
    return result("mismatch", f"The claim says {_in_sentence(first)}, but the record says {_in_sentence(k)}.")


def _bare_name_of(claim_text: str, k: Place) -> bool:
    """Whether the claim is a bare town name (no state or country) that is
    the recorded town's own name."""
    cleaned = _clean(claim_text)
    if _has_phrase(cleaned):
        cleaned = place_from_phrase(cleaned) or cleaned
    if not cleaned or "," in cleaned:
        return False
    key = _key(cleaned)
    if k.kind == "city" and k.geonameid is not None:
        g = _gaz()
        return key in g.names_of(g.index_of(k.geonameid))
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

