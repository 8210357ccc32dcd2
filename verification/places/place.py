"""A place as resolved from text."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

PlaceKind = Literal["city", "region", "country", "text"]


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
    timezone: Optional[str] = None  # IANA name ("America/New_York"); a region's or country's when all its people share one

