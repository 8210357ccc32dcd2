"""From text to readings: venue phrases, "Town, State", bare names."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from .gazetteer import _gaz, _Gazetteer
from .names import _CITY_FIRST, _NAME_CONNECTORS, _PHRASE_CUT_WORDS, _PREPOSITIONS, _TIME_WORDS, _key
from .place import Place


def _clean(text: str) -> str:
    s = re.sub(r"\s+", " ", text.replace("’", "'")).strip()
    s = s.strip(" ,;:!?\"'()[]")
    if s.endswith(".") and not re.search(r"(?:\b[A-Za-z]\.){1,3}$|\b[A-Z][a-z]{1,4}\.$", s):
        s = s[:-1].rstrip()
    return s


def _container_place(g: _Gazetteer, text: str, c: tuple[str, object]) -> Place:
    kind, ref = c
    return g.country_place(text, ref) if kind == "country" else g.region_place(text, ref)  # type: ignore[arg-type]


def _bare(g: _Gazetteer, text: str, key: str) -> list[Place]:
    """Every reading of a single name, most likely first."""
    containers = [
        _container_place(g, text, c)
        for c in g.containers(key, allow_codes=key == "dc", allow_abbrevs="." in text)
    ]
    cities = [g.city_place(text, ci) for ci in g.cities_named(key)]
    if key in _CITY_FIRST:
        return cities + containers
    return containers + cities


def _within(g: _Gazetteer, text: str, parts: list[str], small: bool = True) -> tuple[list[Place], Optional[Place]]:
    """Read comma-separated parts right to left: the last part a country or
    region, the ones before it a region or city inside it. Returns the full
    readings, and failing those a partial one (the container that resolved,
    with the unresolved local part kept as text). A town named inside its
    state or country is clearly a place: small towns count (``small``)."""
    last_key = _key(parts[-1])
    readings: list[Place] = []
    partial: Optional[Place] = None
    for container in g.containers(last_key, allow_codes=True):
        chain = [container]
        i = len(parts) - 2
        found: list[Place] = []
        while i >= 0:
            k = _key(parts[i])
            cur = chain[-1]
            ids = g.cities_named(k, cur, small)
            if ids:
                found = [g.city_place(text, ci) for ci in ids]
                break
            sub = [
                c for c in g.containers(k, allow_codes=True)
                if c[0] == "region" and (cur[0] == "country" and c[1][0] == cur[1] or c == cur)  # type: ignore[index]
            ]
            if sub:
                chain.append(sub[0])
                i -= 1
                continue
            break
        if found:
            readings.extend(found)
            continue
        top = _container_place(g, text, chain[-1])
        if i >= 0:
            # An unresolved local name inside a resolved container.
            local = parts[i]
            if partial is None:
                partial = Place(
                    text=text, name=f"{local}, {top.name}", kind="text", city=None,
                    region=top.region, region_code=top.region_code,
                    country_code=top.country_code, country=top.country, timezone=top.timezone,
                )
        else:
            readings.append(top)
    return readings, partial


def _structured(text: str) -> tuple[list[Place], Optional[Place]]:
    g = _gaz()
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return [], None
    if len(parts) == 1:
        key = _key(parts[0])
        found = _bare(g, text, key)
        if found:
            return found, None
        # "Paris France", "Raleigh NC": a trailing container without a comma.
        # Small towns only when written as names ("Victor NY", not "victor ny").
        words = parts[0].split()
        has_lower = text != text.upper()
        for n in (1, 2, 3):
            if len(words) > n:
                tail = " ".join(words[-n:])
                if not g.containers(_key(tail), allow_codes=True):
                    continue
                local = words[:-n]
                small = has_lower and all(_capitalised(w) for w in local)
                readings, partial = _within(g, text, [" ".join(local), tail], small)
                if readings:
                    return readings, None
        return [], None
    readings, partial = _within(g, text, parts)
    if readings:
        return readings, None
    if partial is not None or g.containers(_key(parts[-1]), allow_codes=True):
        return [], partial
    # The last part may itself be a city: "Elysee Palace, Paris", or
    # "Khan Younis, Gaza" where the part before it is a city in the same
    # country and is the more specific reading.
    last = [p for p in _bare(g, text, _key(parts[-1])) if p.kind == "city"]
    if last:
        countries = {p.country_code for p in last}
        last_ids = {p.geonameid for p in last}
        inner = [
            g.city_place(text, ci)
            for ci in g.cities_named(_key(parts[-2]))
            if g.city_region(ci)[0] in countries and g.city_gid(ci) not in last_ids
        ]
        return (inner or last), None
    return [], partial


def _capitalised(word: str) -> bool:
    w = word.lstrip("\"'(")
    return bool(w) and (w[0].isupper() or w[0].isdigit())


def _phrase_candidates(text: str) -> list[str]:
    words = text.split()
    mixed = any(c.isupper() for c in text) and any(c.islower() for c in text)
    out: list[str] = []
    for i, w in enumerate(words):
        if w.lower().strip(",.;:") not in _PREPOSITIONS or w.endswith((",", ";", ":")):
            continue
        j = i + 1
        while j < len(words) and words[j].lower() in ("the", "a", "an"):
            j += 1
        taken: list[str] = []
        while j < len(words):
            raw = words[j]
            bare = raw.lower().strip(",.;:!?\"'()")
            if not bare:
                break
            if bare in _TIME_WORDS or (bare in _PHRASE_CUT_WORDS and bare not in _NAME_CONNECTORS):
                break
            if bare in _PHRASE_CUT_WORDS and bare in _NAME_CONNECTORS and not (mixed and j + 1 < len(words) and _capitalised(words[j + 1])):
                break
            if mixed and not _capitalised(raw) and bare not in _NAME_CONNECTORS:
                break
            taken.append(raw)
            j += 1
            if re.search(r"[;:!?()]$", raw):
                break
        while taken and taken[-1].lower().strip(",.") in _NAME_CONNECTORS:
            taken.pop()
        cand = _clean(" ".join(taken))
        if cand:
            out.append(cand)
    return out


@lru_cache(maxsize=16384)
def place_from_phrase(text: str) -> Optional[str]:
    """The place in a venue phrase: "a news conference in Paris" -> "Paris",
    "Speaking at a rally in Raleigh, N.C." -> "Raleigh, N.C.". Of several
    candidates (after "in", "at", "near", ...) the last one the gazetteer
    knows wins; failing that, a known place written before the first
    preposition ("Washington, D.C., at the White House"); else the last
    candidate found, as text. None when there is no such phrase.
    """
    if not text or not text.strip():
        return None
    cands = _phrase_candidates(_clean(text))
    if not cands:
        return None
    mixed = any(c.isupper() for c in text) and any(c.islower() for c in text)
    for cand in reversed(cands):
        if mixed:
            # Capitalisation already delimits the name ("Elysee Palace" is
            # not "Elysee").
            if _structured(cand)[0]:
                return cand
            continue
        # All lower case: the longest prefix that resolves.
        words = cand.split()
        for n in range(len(words), 0, -1):
            sub = _clean(" ".join(words[:n]))
            if sub and _structured(sub)[0]:
                return sub
    # A dateline before the venue: "Washington, D.C., at the White House".
    words = _clean(text).split()
    first = next((i for i, w in enumerate(words) if w.lower().strip(",.;:") in _PREPOSITIONS), 0)
    if first > 0:
        before = _clean(" ".join(words[:first]))
        if before and _structured(before)[0]:
            return before
    return cands[-1]


def _has_phrase(text: str) -> bool:
    return any(w.lower() in _PREPOSITIONS for w in text.split()[:-1])


@lru_cache(maxsize=16384)
def _readings(text: str) -> tuple[Place, ...]:
    """Every reading of ``text``, most likely first (at least one; a "text"
    place when nothing resolves)."""
    cleaned = _clean(text)
    if not cleaned:
        return ()
    partial: Optional[Place] = None
    if _has_phrase(cleaned):
        inner = place_from_phrase(cleaned)
        if inner:
            found, partial = _structured(inner)
            if found:
                return tuple(_retext(p, text) for p in found)
    found, partial2 = _structured(cleaned)
    if found:
        return tuple(_retext(p, text) for p in found)
    partial = partial or partial2
    if partial is not None:
        return (_retext(partial, text),)
    if _has_phrase(cleaned):
        inner = place_from_phrase(cleaned)
        if inner:
            cleaned = inner
    return (Place(text=text, name=cleaned, kind="text"),)


def _retext(p: Place, text: str) -> Place:
    if p.text == text:
        return p
    return Place(**{**p.__dict__, "text": text})


def resolve_place(text: str) -> Optional[Place]:
    """The most likely reading of ``text`` (kind "text" when the gazetteer
    doesn't know it), or None for blank text. Cached."""
    if text is None:
        return None
    r = _readings(str(text).strip())
    return r[0] if r else None

