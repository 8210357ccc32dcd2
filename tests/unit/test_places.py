"""Places: resolving place names through the gazetteer and comparing them.

Seed article: Putin spoke at a news conference in Beijing, Zelenskyy at a news
conference in Paris. The rest are the usual forms of US datelines.
"""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from verification.places import (
    Place,
    compare_place,
    describe_place,
    load_gazetteer,
    place_from_phrase,
    resolve_place,
)


@pytest.fixture(scope="module", autouse=True)
def gazetteer():
    load_gazetteer()


# ------------------------------------------------------------ resolve_place

def test_resolve_city_with_country():
    p = resolve_place("Paris, France")
    assert isinstance(p, Place)
    assert (p.kind, p.name, p.country_code, p.country) == ("city", "Paris", "FR", "France")
    assert p.text == "Paris, France"
    assert p.lat == pytest.approx(48.85, abs=0.1) and p.lon == pytest.approx(2.35, abs=0.1)


def test_bare_ambiguous_city_prefers_most_populous():
    assert resolve_place("Paris").country_code == "FR"
    assert resolve_place("London").country_code == "GB"
    assert resolve_place("Moscow").country_code == "RU"


def test_city_with_us_state_picks_the_us_city():
    p = resolve_place("Paris, Texas")
    assert (p.kind, p.name, p.region, p.region_code, p.country_code) == ("city", "Paris", "Texas", "TX", "US")


@pytest.mark.parametrize(
    "text",
    ["Raleigh", "Raleigh, N.C.", "Raleigh, NC", "Raleigh, North Carolina", "Raleigh NC",
     "Raleigh, North Carolina, USA", "raleigh, n.c."],
)
def test_raleigh_forms(text):
    p = resolve_place(text)
    assert (p.kind, p.city, p.region, p.region_code, p.country_code) == (
        "city", "Raleigh", "North Carolina", "NC", "US",
    )


@pytest.mark.parametrize("text", ["Tampa, Fla.", "Tampa, FL", "Tampa, Florida"])
def test_florida_forms(text):
    p = resolve_place(text)
    assert (p.name, p.region_code) == ("Tampa", "FL")


@pytest.mark.parametrize("text", ["Kiev", "Kyiv", "Kiev, Ukraine", "Kyiv, Ukraine"])
def test_alternate_names(text):
    p = resolve_place(text)
    assert (p.kind, p.name, p.country_code) == ("city", "Kyiv", "UA")


@pytest.mark.parametrize(
    "text, kind, code",
    [
        ("United States", "country", "US"),
        ("US", "country", "US"),
        ("U.S.", "country", "US"),
        ("USA", "country", "US"),
        ("the United States", "country", "US"),
        ("UK", "country", "GB"),
        ("Britain", "country", "GB"),
        ("China", "country", "CN"),
        ("North Carolina", "region", "US"),
        ("N.C.", "region", "US"),
        ("Fla.", "region", "US"),
        ("Calif.", "region", "US"),
        ("England", "region", "GB"),
    ],
)
def test_countries_and_regions(text, kind, code):
    p = resolve_place(text)
    assert (p.kind, p.country_code) == (kind, code)


def test_postal_codes_only_after_a_city():
    # "LA" alone is Los Angeles, not Louisiana; "OK" is not Oklahoma.
    assert resolve_place("LA").name == "Los Angeles"
    assert resolve_place("OK").kind == "text"
    assert resolve_place("Tulsa, OK").region_code == "OK"


def test_washington_means_the_capital():
    for text in ("Washington", "Washington, D.C.", "Washington DC", "D.C."):
        p = resolve_place(text)
        assert (p.kind, p.region_code) == ("city", "DC"), text
    assert resolve_place("Washington state").kind == "region"


def test_unknown_names_fall_back_to_text():
    p = resolve_place("  the   Oval Office ")
    assert p.kind == "text"
    assert p.name == "the Oval Office"
    assert p.country_code is None


def test_venue_words_do_not_resolve_to_far_away_cities():
    # "White House" is an alternate name of Casablanca in the gazetteer.
    assert resolve_place("the White House").kind == "text"


def test_unknown_town_keeps_its_known_state():
    p = resolve_place("Tinytown, Fla.")
    assert (p.kind, p.region_code, p.country_code) == ("text", "FL", "US")


def test_blank_resolves_to_none():
    assert resolve_place("") is None
    assert resolve_place("   ") is None


def test_resolution_is_cached():
    assert resolve_place("Beijing, China") is resolve_place("Beijing, China")


# --------------------------------------------------------- place_from_phrase

@pytest.mark.parametrize(
    "phrase, place",
    [
        ("a news conference in Paris", "Paris"),
        ("a news conference in Beijing", "Beijing"),
        ("a speech in Las Vegas", "Las Vegas"),
        ("Speaking at a rally in Raleigh, N.C.", "Raleigh, N.C."),
        ("at a press conference in Paris on Thursday", "Paris"),
        ("at the Elysee Palace in Paris", "Paris"),
        ("a speech in las vegas last week", "las vegas"),
        ("at the White House", "White House"),
        ("Washington, D.C., at the White House", "Washington, D.C."),
        ("Paris, at the Elysee Palace", "Paris"),
        ("news conference in Paris after the meeting of the coalition of the willing", "Paris"),
    ],
)
def test_place_from_phrase(phrase, place):
    assert place_from_phrase(phrase) == place


def test_place_from_phrase_without_a_place():
    assert place_from_phrase("a news conference") is None
    assert place_from_phrase("") is None


def test_resolve_place_reads_venue_phrases():
    assert resolve_place("Speaking at a rally in Raleigh, N.C.").region_code == "NC"
    p = resolve_place("a news conference in Beijing")
    assert (p.name, p.country_code) == ("Beijing", "CN")
    assert p.text == "a news conference in Beijing"


# ------------------------------------------------------------ compare_place

def check(claimed, canonical):
    return compare_place(claimed, canonical)


def test_seed_paris():
    c = check("Paris", "Paris, France")
    assert c.status == "match"
    assert (c.claimed, c.canonical) == ("Paris", "Paris, France")


def test_seed_beijing_is_not_paris():
    c = check("Beijing", "Paris, France")
    assert c.status == "mismatch"
    assert "Beijing" in c.message and "Paris" in c.message


def test_seed_venue_phrase_claims():
    assert check("a news conference in Paris", "Paris, France").status == "match"
    assert check("a news conference in Paris", "Beijing, China").status == "mismatch"


def test_paris_texas_is_not_paris_france():
    assert check("Paris, Texas", "Paris, France").status == "mismatch"


def test_bare_paris_fits_paris_texas_record():
    c = check("Paris", "Paris, Texas")
    assert c.status == "match"
    assert "Paris, Texas" in c.message


@pytest.mark.parametrize(
    "claimed",
    ["Raleigh", "Raleigh, N.C.", "Raleigh, NC", "North Carolina", "N.C.", "United States", "U.S.",
     "Speaking at a rally in Raleigh, N.C."],
)
def test_containment_fits_raleigh(claimed):
    assert check(claimed, "Raleigh, North Carolina").status == "match"


def test_less_specific_claim_says_so():
    c = check("North Carolina", "Raleigh, North Carolina")
    assert c.status == "match"
    assert "less specific" in c.message


def test_more_specific_claim_lies_within():
    c = check("Raleigh", "North Carolina")
    assert c.status == "match"
    assert "lies within" in c.message
    assert check("Paris", "France").status == "match"


@pytest.mark.parametrize("claimed", ["Charlotte", "Charlotte, N.C.", "Tampa, Fla.", "South Carolina", "Canada", "Beijing"])
def test_other_places_do_not_fit_raleigh(claimed):
    assert check(claimed, "Raleigh, North Carolina").status == "mismatch"


def test_same_country_different_cities_mismatch():
    assert check("Lyon", "Paris, France").status == "mismatch"
    assert check("Shanghai", "Beijing, China").status == "mismatch"


def test_kiev_fits_kyiv():
    assert check("Kiev", "Kyiv, Ukraine").status == "match"
    assert check("Kyiv", "Kiev").status == "match"


def test_fla_and_fl_are_the_same_state():
    assert check("Tampa, Fla.", "Tampa, FL").status == "match"
    assert check("Florida", "Tampa, FL").status == "match"
    assert check("Fla.", "Miami, Florida").status == "match"


def test_country_aliases():
    assert check("Britain", "London, England").status == "match"
    assert check("UK", "Edinburgh, Scotland").status == "match"
    assert check("England", "Edinburgh, Scotland").status == "mismatch"


@pytest.mark.parametrize("claimed", [None, "", "   "])
def test_not_claimed(claimed):
    c = check(claimed, "Paris, France")
    assert c.status == "not_claimed"
    assert c.claimed is None


@pytest.mark.parametrize("canonical", [None, "", "  "])
def test_unknown_without_a_record(canonical):
    c = check("Paris", canonical)
    assert c.status == "unknown"
    assert c.message


def test_unplaceable_claim_is_unknown_not_mismatch():
    c = check("the Oval Office", "Washington, D.C.")
    assert c.status == "unknown"
    assert "Oval Office" in c.message


def test_text_fallback_equality_and_containment():
    assert check("White House", "the White House").status == "match"
    assert check("the Oval Office", "Oval Office, White House").status == "match"
    assert check("Oval Office", "Camp David").status == "unknown"


def test_unknown_town_in_the_wrong_state_mismatches():
    assert check("Tinytown, Fla.", "Raleigh, North Carolina").status == "mismatch"
    assert check("Tinytown, Fla.", "Tampa, Florida").status == "unknown"
    assert check("Tinytown, Fla.", "Florida").status == "match"


# ------------------------------------------------------------ describe_place

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Beijing, China", "Beijing"),
        ("Paris, France", "Paris"),
        ("Paris", "Paris"),
        ("Raleigh, N.C.", "Raleigh, North Carolina"),
        ("Raleigh", "Raleigh, North Carolina"),
        ("Paris, Texas", "Paris, Texas"),
        ("Kiev", "Kyiv"),
        ("London, Ontario", "London, Ontario"),
        ("N.C.", "North Carolina"),
        ("U.S.", "United States"),
        ("Washington", "Washington, D.C."),
        ("Tinytown, Fla.", "Tinytown, Florida"),
        ("Camp David", "Camp David"),
    ],
)
def test_describe_place(text, expected):
    assert describe_place(text) == expected


# ------------------------------------------------------ index/query agreement

def test_bulk_index_keys_agree_with_query_keys():
    # The gazetteer is indexed with a bulk key function and queried with the
    # single one; they must agree or names silently stop resolving.
    from verification.places.names import _key, _keys_bulk

    names = ["Saint-Pétersbourg", "Qal`eh Shaharak", "St. John's", "Łódź", "The Hague",
             "Winston-Salem", "Ft. Worth", "Mt. Pleasant", "Washington, D.C.", "Köln",
             "Texas A&M", "  Paris ", "São Paulo", "N.C.", "the", "Stes-Maries"]
    assert _keys_bulk(names) == [_key(n) for n in names]


# ------------------------------------------------------------ speed, imports

def test_warm_lookups_are_fast():
    texts = ["Paris", "Beijing, China", "Raleigh, N.C.", "Kiev", "a speech in Las Vegas", "Tampa, FL"]
    for t in texts:
        compare_place(t, "Paris, France")
    n = 2000
    start = time.perf_counter()
    for i in range(n):
        compare_place(texts[i % len(texts)], "Paris, France")
    per_call = (time.perf_counter() - start) / n
    assert per_call < 0.0005, f"{per_call * 1e6:.1f} µs per compare_place"


def test_cold_resolution_after_load_is_fast():
    # Not cached yet: a fresh string each time.
    n = 200
    start = time.perf_counter()
    for i in range(n):
        resolve_place("Springfield," + " " * (i + 1) + "Ill.")  # uncached, same work
    per_call = (time.perf_counter() - start) / n
    assert per_call < 0.005, f"{per_call * 1e6:.1f} µs per uncached resolve_place"


def test_engine_imports_no_service_libraries():
    code = (
        "import sys\n"
        "import verification.places, verification.speakers, verification.dates\n"
        "verification.places.compare_place('Paris', 'Paris, France')\n"
        "bad = [m for m in ('flask', 'sqlalchemy', 'requests') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------ towns the gazetteer lacks
# Cases from bench/engine_accuracy.py's error list (docs/calibration.md).


@pytest.mark.parametrize("claimed, canonical", [
    ("Wilmington", "Wilmington, Ohio"),         # not the gazetteer's best-known Wilmington
    ("Aston", "Aston, Pennsylvania"),
    ("a rally in Wilmington", "Wilmington, Ohio"),
])
def test_bare_town_name_fits_the_recorded_town(claimed, canonical):
    c = check(claimed, canonical)
    assert c.status == "match"
    assert canonical.split(",")[0] in c.message


def test_bare_name_of_another_town_still_mismatches():
    assert check("Canton", "Wilmington, Ohio").status != "match"
    assert check("Wilmington, N.C.", "Wilmington, Ohio").status == "mismatch"


@pytest.mark.parametrize("claimed, canonical", [
    ("Norwalk, Iowa", "Council Bluffs, Iowa"),   # unknown town next to a known one
    ("Hudson, N.H.", "Durham, New Hampshire"),
    ("Canton, Ohio", "Wilmington, Ohio"),        # two towns the gazetteer lacks
])
def test_two_towns_of_one_state_differ(claimed, canonical):
    c = check(claimed, canonical)
    assert c.status == "mismatch"
    assert "but the record says" in c.message


def test_unknown_name_next_to_a_big_city_may_be_a_neighbourhood():
    assert check("Tinytown, Fla.", "Tampa, Florida").status == "unknown"
    assert check("Tinytown, Fla.", "Florida").status == "match"
