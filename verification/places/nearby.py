"""When two different towns are one place: a suburb, a neighbourhood or a
venue's town right next to the town on record.

Two cities of one country are *nearby* when their gazetteer points are at
most ``NEAR_KM`` apart, whatever their size. The figure is calibrated by
``bench/place_distance.py`` on towns named after the city they grew from
("North Miami", "Cleveland Heights": the same place) against the towns of
different events in the 2016 speeches and LIAR (different places), by
cross-validation; radii that grow with the city's population, and a cap on
the suburb's size relative to the city, were tried and not chosen (see
docs/calibration.md).
"""
from __future__ import annotations

import math
from typing import Optional

from .place import Place

NEAR_KM = 7.5
EARTH_RADIUS_KM = 6371.0088


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_between(a: Place, b: Place) -> Optional[float]:
    """Kilometres between two places with coordinates, or None."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return km(a.lat, a.lon, b.lat, b.lon)


def is_nearby(distance: Optional[float]) -> bool:
    return distance is not None and distance <= NEAR_KM


def say_km(distance: float) -> str:
    """"7 km", "less than 1 km"."""
    return "less than 1 km" if distance < 1 else f"{round(distance)} km"
