"""When a quote was said, as stored: strict formats, explicit precision.

The store accepts exactly what the API promises: ``2025-09-03`` (day),
``2025-09`` (month), ``2025`` (year), or an ISO timestamp with a UTC offset
(``2025-09-03T14:05:00+08:00``). Each becomes the span of local days it
covers, so "said in September 2025" and "said on 3 September" are both
indexed date ranges. Free-form claims ("on Wednesday") are the engine's job,
not the store's.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")

# The dates relative ones ("on Wednesday", "last week") may be anchored to:
# a publication date, a claim's reference date. Far from these, date
# arithmetic runs off the calendar (year 1 minus a day is an OverflowError).
ANCHOR_MIN = dt.date(100, 1, 1)
ANCHOR_MAX = dt.date(9899, 12, 31)


def check_anchor(day: dt.date) -> dt.date:
    """``day`` if it can anchor relative dates, else ValueError."""
    if not ANCHOR_MIN <= day <= ANCHOR_MAX:
        raise ValueError(f"{day.isoformat()} is too far from today to anchor relative dates "
                         f"({ANCHOR_MIN.isoformat()} to {ANCHOR_MAX.isoformat()}).")
    return day


_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})$")

# The range of real UTC offsets (UTC-12:00 to UTC+14:00).
MAX_OFFSET_MINUTES = 14 * 60


def parse_timestamp(value: str) -> dt.datetime:
    """An ISO timestamp as written (``T`` or a space, ``Z`` or an offset):
    ValueError unless the clock time and the UTC offset are real ones
    (hour 25 and +99:99 are not)."""
    v = value.strip()
    m = _OFFSET.search(v)
    if m and (int(m.group(3)) >= 60 or int(m.group(2)) * 60 + int(m.group(3)) > MAX_OFFSET_MINUTES):
        raise ValueError(f"{value!r} has no real UTC offset (-12:00 to +14:00).")
    return dt.datetime.fromisoformat(v.replace("Z", "+00:00").replace(" ", "T", 1))


FORMATS_HELP = (
    "Use 2025-09-03, 2025-09, 2025, or an ISO timestamp with a UTC offset "
    "such as 2025-09-03T14:05:00+08:00."
)


@dataclass(frozen=True)
class Spoken:
    value: str  # as given (trimmed)
    start: dt.date
    end: dt.date
    precision: str  # year | month | day | timestamp
    tz_offset: Optional[str] = None  # "+08:00" for timestamps


def parse_spoken_at(value: str) -> Spoken:
    """Parse a stored date; ``ValueError`` with a helpful message otherwise."""
    v = value.strip()
    try:
        if m := _YEAR.match(v):
            y = int(m.group(1))
            return Spoken(v, dt.date(y, 1, 1), dt.date(y, 12, 31), "year")
        if m := _MONTH.match(v):
            y, mo = int(m.group(1)), int(m.group(2))
            last = calendar.monthrange(y, mo)[1]
            return Spoken(v, dt.date(y, mo, 1), dt.date(y, mo, last), "month")
        if m := _DAY.match(v):
            d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return Spoken(v, d, d, "day")
        if _TIMESTAMP.match(v):
            ts = parse_timestamp(v)
            off = ts.utcoffset()
            assert off is not None
            total = int(off.total_seconds() // 60)
            sign = "+" if total >= 0 else "-"
            hh, mm = divmod(abs(total), 60)
            # The local date is the day it was said, wherever that was.
            return Spoken(v, ts.date(), ts.date(), "timestamp", f"{sign}{hh:02d}:{mm:02d}")
    except ValueError:
        raise ValueError(f"{value!r} is not a real date. {FORMATS_HELP}") from None
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", v):
        raise ValueError(f"{value!r} has no UTC offset. {FORMATS_HELP}")
    raise ValueError(f"{value!r} is not a date Verbatim stores. {FORMATS_HELP}")
