"""The gazetteer's index file: written from city records, mapped, looked up.

Built here from a handful of real geonames records (trimmed), so the file's
format and the lookup rules are tested without the 235,000-town build.
"""
from __future__ import annotations

import os
import time

import pytest

from verification.places import gazetteer_file
from verification.places.gazetteer import _Gazetteer
from verification.places.gazetteer_file import IndexFile, write_index


def city(gid, name, cc, admin1, pop, lat, lon, tz, alt=()):
    return {"geonameid": gid, "name": name, "countrycode": cc, "admin1code": admin1,
            "population": pop, "latitude": lat, "longitude": lon, "timezone": tz,
            "alternatenames": list(alt)}


CITIES = [
    city(4167147, "Orlando", "US", "FL", 307573, 28.53834, -81.37924, "America/New_York"),
    city(4164138, "Miami", "US", "FL", 441003, 25.77427, -80.19366, "America/New_York", ["MIA", "Majami"]),
    city(4168228, "Pensacola", "US", "FL", 52975, 30.42131, -87.21691, "America/Chicago"),
    city(5128581, "New York City", "US", "NY", 8804190, 40.71427, -74.00597, "America/New_York",
         ["Big Apple", "Nueva York"]),
    city(5140405, "Victor", "US", "NY", 2759, 42.98256, -77.40888, "America/New_York"),
    city(4589387, "Paris", "US", "TX", 24782, 33.66094, -95.55551, "America/Chicago"),
    city(2988507, "Paris", "FR", "11", 2138551, 48.85341, 2.3488, "Europe/Paris", ["Lutece"]),
    city(2553604, "Casablanca", "MA", "06", 3144909, 33.58831, -7.61138, "Africa/Casablanca",
         ["White House", "Dar el Beida"]),
    city(2950159, "Berlin", "DE", "16", 3426354, 52.52437, 13.41053, "Europe/Berlin"),
    city(2951881, "Busingen", "DE", "01", 1450, 47.69638, 8.69037, "Europe/Busingen"),
]
MAJOR = {str(c["geonameid"]) for c in CITIES if c["population"] >= 15000}


@pytest.fixture(scope="module")
def gaz(tmp_path_factory):
    path = tmp_path_factory.mktemp("gaz") / "gazetteer-test.bin"
    write_index(path, CITIES, MAJOR)
    return _Gazetteer(index=IndexFile(path))


def names(g, ids):
    return [(g.city_name(ci), g.city_region(ci)) for ci in ids]


def test_primary_names_most_populous_first(gaz):
    assert names(gaz, gaz.cities_named("paris")) == [("Paris", ("FR", "11")), ("Paris", ("US", "TX"))]
    assert names(gaz, gaz.cities_named("paris", ("region", ("US", "TX")))) == [("Paris", ("US", "TX"))]


def test_alternate_names_when_no_primary_name_matches(gaz):
    assert names(gaz, gaz.cities_named("nueva york")) == [("New York City", ("US", "NY"))]
    assert names(gaz, gaz.cities_named("lutece")) == [("Paris", ("FR", "11"))]


def test_venue_words_and_short_codes_are_not_alternate_names(gaz):
    assert gaz.cities_named("white house") == ()
    assert gaz.cities_named("mia") == ()
    assert "white house" in gaz.names_of(gaz.cities_named("casablanca")[0])  # still its name


def test_small_towns_only_on_request(gaz):
    assert gaz.cities_named("victor") == ()
    assert names(gaz, gaz.cities_named("victor", ("region", ("US", "NY")), small=True)) == [
        ("Victor", ("US", "NY"))]


def test_nicknames_are_alternate_names(gaz):
    assert names(gaz, gaz.cities_named("nyc")) == [("New York City", ("US", "NY"))]


def test_city_place_carries_coordinates_population_and_zone(gaz):
    p = gaz.city_place("Pensacola, Fla.", gaz.cities_named("pensacola")[0])
    assert (p.name, p.region_code, p.country_code, p.population, p.timezone) == (
        "Pensacola", "FL", "US", 52975, "America/Chicago")
    assert (p.lat, p.lon) == (30.42131, -87.21691)
    assert gaz.index_of(p.geonameid) == gaz.cities_named("pensacola")[0]
    assert gaz.index_of(1) is None


def test_a_region_or_country_has_the_zone_all_its_people_share(gaz):
    # Florida's panhandle keeps Central time: no single zone. New York has one.
    assert gaz.region_timezone(("US", "FL")) is None
    assert gaz.region_timezone(("US", "NY")) == "America/New_York"
    # Büsingen (1,450 people, Europe/Busingen) is an exclave, not a second zone.
    assert gaz.country_timezone("DE") == "Europe/Berlin"
    assert gaz.country_timezone("US") is None


def test_unknown_keys(gaz):
    assert gaz.cities_named("atlantis") == ()
    assert gaz.cities_named("") == ()


def test_a_damaged_file_is_refused(tmp_path):
    bad = tmp_path / "gazetteer-bad.bin"
    bad.write_bytes(b"not an index at all")
    with pytest.raises(ValueError):
        IndexFile(bad)


def test_an_existing_file_is_not_rebuilt(tmp_path, monkeypatch):
    path = tmp_path / "gazetteer-x.bin"
    write_index(path, CITIES, MAJOR)
    monkeypatch.setattr(gazetteer_file, "_build_elsewhere", lambda p: pytest.fail("rebuilt"))
    assert gazetteer_file.ensure_built(path) == path


def test_a_missing_file_is_built_and_stale_ones_removed(tmp_path, monkeypatch):
    stale = tmp_path / "gazetteer-old.bin"
    stale.write_bytes(b"x")
    (tmp_path / "gazetteer-old.lock").write_bytes(b"")
    old = time.time() - 40 * 86400
    os.utime(stale, (old, old))
    recent = tmp_path / "gazetteer-other.bin"
    recent.write_bytes(b"x")
    built = []
    monkeypatch.setattr(gazetteer_file, "_build_elsewhere",
                        lambda p: (built.append(p), write_index(p, CITIES, MAJOR)))
    path = tmp_path / "gazetteer-new.bin"
    assert gazetteer_file.ensure_built(path) == path
    assert built == [path] and path.exists()
    assert not stale.exists() and recent.exists()
    assert not (tmp_path / "gazetteer-old.lock").exists()


def test_the_cache_directory_can_be_set(monkeypatch, tmp_path):
    monkeypatch.setenv("VERBATIM_GAZETTEER_DIR", str(tmp_path))
    p = gazetteer_file.index_path()
    assert p.parent == tmp_path and p.name.startswith("gazetteer-") and p.suffix == ".bin"
