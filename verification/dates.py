"""When a quote was said: parsing stored and claimed dates, and comparing them.

A date is a :class:`DateSpan`, an inclusive range of days with the precision
it was given at. ``2025-09-03`` is one day; ``September 2025`` is the whole
month; ``last week`` is a range of days. A claim is consistent with the record
when the two spans share at least one day: the record says the quote was said
on some day inside its span, and the claim says it was said on some day inside
its own, so both can be true exactly when the spans overlap. That makes
``September 2025`` fit ``2025-09-03`` and ``3 September 2025`` fit a record
that only says ``2025-09``.

The common formats are parsed here by hand (fast, and deterministic). Relative
dates ("on Wednesday", "yesterday", "last week") are resolved against a
reference date with news conventions: a bare weekday is the most recent such
day on or before the reference, so in an article published on Thursday 4
September 2025 "on Thursday" is 4 September and "on Wednesday" is 3 September.
A relative date with no reference date is an error rather than a guess against
today's clock. Anything else goes to ``dateparser`` as a last resort; it is
imported only then.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone
from typing import Literal, NamedTuple, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .model import FieldCheck

Precision = Literal["day", "month", "year"]

__all__ = [
    "DateSpan",
    "DateParseError",
    "parse_when",
    "parse_claimed_date",
    "compare_date",
    "format_span",
    "parse_instant",
    "LocalZone",
]


class DateParseError(ValueError):
    """The text could not be read as a date; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DateSpan:
    """An inclusive range of days and the precision it was stated at."""

    start: date
    end: date
    precision: Precision = "day"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("DateSpan end is before its start")

    @classmethod
    def day(cls, d: date) -> "DateSpan":
        return cls(d, d, "day")

    @classmethod
    def month(cls, year: int, month: int) -> "DateSpan":
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), "month")

    @classmethod
    def year(cls, year: int) -> "DateSpan":
        return cls(date(year, 1, 1), date(year, 12, 31), "year")

    def overlaps(self, other: "DateSpan") -> bool:
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: "DateSpan") -> bool:
        return self.start <= other.start and other.end <= self.end

    @property
    def is_single_day(self) -> bool:
        return self.start == self.end


# --------------------------------------------------------------------------
# Vocabulary

MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]
_MONTHS = {
    "jan": 1, "january": 1,
    "feb": 2, "febr": 2, "february": 2,
    "mar": 3, "march": 3,
    "apr": 4, "april": 4,
    "may": 5,
    "jun": 6, "june": 6,
    "jul": 7, "july": 7,
    "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}
_WEEKDAYS = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2, "weds": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "several": None, "few": None, "a few": None,
}

_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_PART_OF_DAY = r"(?:morning|afternoon|evening|night|overnight|noon|midday)"

# ISO date or timestamp; the date part of a timestamp is already the local
# date in the timestamp's own offset, which is what we want.
_ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[t ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_ISO_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR_RE = re.compile(r"^(\d{4})$")
_YMD_SLASH_RE = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_NUMERIC_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
_MDY_RE = re.compile(rf"^({_MONTH_RE}) (\d{{1,2}})(?: (\d{{4}}))?$")
_DMY_RE = re.compile(rf"^(\d{{1,2}}) ({_MONTH_RE})(?: (\d{{4}}))?$")
_MY_RE = re.compile(rf"^({_MONTH_RE}) (\d{{4}})$")
_PART_OF_RE = re.compile(rf"^(early|mid|late|the end of|end of|the start of|start of|the beginning of|beginning of) ?-?((?:{_MONTH_RE}) \d{{4}}|\d{{4}})$")
_WEEKDAY_REL_RE = re.compile(
    rf"^(?:(this|last|past|next|earlier|earlier on|late|late on|early|early on)\s+)?({_WEEKDAY_RE})(?:\s+{_PART_OF_DAY})?$"
)
_AGO_RE = re.compile(r"^(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (day|week|month|year)s? ago$")
_TRAILING_TIME_RE = re.compile(
    r"(?:\s+at)?\s+\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)(?:\s+[a-z]{2,4})?$|(?:\s+at)?\s+\d{1,2}:\d{2}(?:\s+[a-z]{2,4})?$"
)
_LEADING_WORDS_RE = re.compile(r"^(?:on|in|during|as of|dated|date:?)\s+")


# --------------------------------------------------------------------------
# Parsing

def _mkdate(y: int, m: int, d: int, text: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise DateParseError(f"“{text}” is not a real date.") from None


def _month_span(y: int, m: int, text: str) -> DateSpan:
    if not 1 <= m <= 12:
        raise DateParseError(f"“{text}” is not a real date.")
    return DateSpan.month(y, m)


def _two_digit_year(yy: int) -> int:
    # POSIX strptime pivot: 00-68 -> 2000s, 69-99 -> 1900s.
    return 2000 + yy if yy <= 68 else 1900 + yy


def _parse_iso(s: str) -> Optional[DateSpan]:
    m = _ISO_RE.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if m.group(4) is not None:
            hh, mm = int(m.group(4)), int(m.group(5))
            ss = int(m.group(6) or 0)
            if hh > 24 or mm > 59 or ss > 60:
                raise DateParseError(f"“{s}” is not a real time.")
        return DateSpan.day(_mkdate(y, mo, d, s))
    m = _ISO_MONTH_RE.match(s)
    if m:
        return _month_span(int(m.group(1)), int(m.group(2)), s)
    m = _YEAR_RE.match(s)
    if m:
        y = int(m.group(1))
        if y < 1:
            raise DateParseError(f"“{s}” is not a real year.")
        return DateSpan.year(y)
    return None


def parse_when(value: str) -> Optional[DateSpan]:
    """A stored ``spoken_at`` value as a span, or None if it is not a date.

    Stored values are ``2025-09-03``, ``2025-09``, ``2025`` or an ISO
    timestamp with offset, whose *local* date (the date written in the
    timestamp, not its UTC date) is the day. Other absolute formats are
    accepted too; relative ones are not (a stored date has no reference).
    """
    if value is None:
        return None
    return _parse_when(str(value))


@lru_cache(maxsize=16384)
def _parse_when(value: str) -> Optional[DateSpan]:
    s = value.strip().lower()
    if not s:
        return None
    try:
        span = _parse_iso(s)
        if span is not None:
            return span
        return parse_claimed_date(value, None, _allow_fallback=False)
    except DateParseError:
        return None


def _clean(text: str) -> str:
    s = text.strip().lower()
    s = s.replace("’", "'").replace("\u2013", "-").replace("\u2014", "-")
    s = re.sub(r"\s+", " ", s)
    s = s.strip(" .,;:!?\"'()[]")
    s = _LEADING_WORDS_RE.sub("", s)
    return s


def _absolute_clean(s: str) -> str:
    """Prepare for the word-form absolute patterns: drop commas, dots after
    month abbreviations, ordinals, and filler words."""
    s = re.sub(rf"\b({_MONTH_RE}|{_WEEKDAY_RE})\.", r"\1", s)
    s = s.replace(",", " ")
    s = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", s)
    s = re.sub(r"\b(?:the|of)\b", " ", s)
    s = _TRAILING_TIME_RE.sub("", s)
    return re.sub(r"\s+", " ", s).strip()


def _resolve_yearless(month: int, day: int, reference: Optional[date], text: str) -> DateSpan:
    if reference is None:
        raise DateParseError(f"“{text}” has no year and there is no reference date to place it.")
    y = reference.year
    try:
        d = date(y, month, day)
    except ValueError:
        d = None
    if d is None or d > reference:
        # Quotes are in the past: a month and day after the reference date
        # means the previous year.
        d = _mkdate(y - 1, month, day, text)
    return DateSpan.day(d)


def _parse_absolute(s: str, reference: Optional[date], original: str) -> Optional[DateSpan]:
    span = _parse_iso(s)
    if span is not None:
        return span
    m = _YMD_SLASH_RE.match(s)
    if m:
        return DateSpan.day(_mkdate(int(m.group(1)), int(m.group(2)), int(m.group(3)), original))
    m = _NUMERIC_RE.match(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), m.group(3)
        year = int(y) if len(y) == 4 else _two_digit_year(int(y))
        month, day = a, b  # US order
        if a > 12 and b <= 12:
            month, day = b, a  # only day-first reading is possible
        return DateSpan.day(_mkdate(year, month, day, original))

    w = _absolute_clean(s)
    weekday = None
    parts = w.split(" ", 1)
    if len(parts) == 2 and parts[0] in _WEEKDAYS:
        weekday, w = _WEEKDAYS[parts[0]], parts[1]
    span = None
    m = _MDY_RE.match(w) or None
    if m:
        month, day, y = _MONTHS[m.group(1)], int(m.group(2)), m.group(3)
        if y is None:
            span = _resolve_yearless(month, day, reference, original)
        else:
            span = DateSpan.day(_mkdate(int(y), month, day, original))
    else:
        m = _DMY_RE.match(w)
        if m:
            day, month, y = int(m.group(1)), _MONTHS[m.group(2)], m.group(3)
            if y is None:
                span = _resolve_yearless(month, day, reference, original)
            else:
                span = DateSpan.day(_mkdate(int(y), month, day, original))
        else:
            m = _MY_RE.match(w)
            if m:
                span = _month_span(int(m.group(2)), _MONTHS[m.group(1)], original)
            else:
                span = _parse_iso(w) if w != s else None
    if span is None:
        m = _PART_OF_RE.match(w)
        if m:
            span = _part_of(m.group(1), m.group(2), original)
    if span is not None and weekday is not None:
        if not span.is_single_day:
            return None
        if span.start.weekday() != weekday:
            raise DateParseError(
                f"{format_span(span)} was a {WEEKDAY_NAMES[span.start.weekday()]}, "
                f"not a {WEEKDAY_NAMES[weekday]}."
            )
    return span


def _part_of(which: str, rest: str, original: str) -> DateSpan:
    which = which.replace("the ", "")
    m = _MY_RE.match(rest)
    if m:
        y, mo = int(m.group(2)), _MONTHS[m.group(1)]
        last = calendar.monthrange(y, mo)[1]
        if which in ("early", "start of", "beginning of"):
            a, b = 1, 10
        elif which == "mid":
            a, b = 11, 20
        else:
            a, b = 21, last
        return DateSpan(date(y, mo, a), date(y, mo, b), "day")
    y = int(rest)
    if which in ("early", "start of", "beginning of"):
        a, b = 1, 4
    elif which == "mid":
        a, b = 5, 8
    else:
        a, b = 9, 12
    return DateSpan(date(y, a, 1), date(y, b, calendar.monthrange(y, b)[1]), "month")


def _week_of(d: date) -> DateSpan:
    monday = d - timedelta(days=d.weekday())
    return DateSpan(monday, monday + timedelta(days=6), "day")


def _shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + delta
    return idx // 12, idx % 12 + 1


def _parse_relative(s: str, reference: Optional[date], original: str) -> Optional[DateSpan]:
    """Relative expressions; returns None if ``s`` is not one we know."""
    if not _WEEKDAY_REL_RE.match(s):
        s = re.sub(r"^(?:on|earlier|earlier on|late|late on|early|early on)\s+", "", s)

    def ref() -> date:
        if reference is None:
            raise DateParseError(
                f"“{original.strip()}” is relative and there is no reference date to resolve it against."
            )
        return reference

    if re.fullmatch(rf"(?:today|tonight|this {_PART_OF_DAY}|earlier today|later today|just now|now)", s):
        return DateSpan.day(ref())
    if re.fullmatch(rf"(?:yesterday(?: {_PART_OF_DAY})?|last night|late last night)", s):
        return DateSpan.day(ref() - timedelta(days=1))
    if re.fullmatch(r"(?:the )?day before yesterday", s):
        return DateSpan.day(ref() - timedelta(days=2))
    if re.fullmatch(rf"tomorrow(?: {_PART_OF_DAY})?", s):
        return DateSpan.day(ref() + timedelta(days=1))

    m = _WEEKDAY_REL_RE.match(s)
    if m:
        mod, wd = m.group(1), _WEEKDAYS[m.group(2)]
        r = ref()
        back = (r.weekday() - wd) % 7  # 0 when the reference is that weekday
        if mod == "next":
            fwd = (wd - r.weekday()) % 7 or 7
            return DateSpan.day(r + timedelta(days=fwd))
        if mod in ("last", "past"):
            # "last Wednesday": the most recent Wednesday before the reference day.
            return DateSpan.day(r - timedelta(days=back or 7))
        return DateSpan.day(r - timedelta(days=back))

    if re.fullmatch(r"(?:this|earlier this|so far this|late this|later this) week", s):
        r = ref()
        return DateSpan(r - timedelta(days=r.weekday()), r, "day")
    if re.fullmatch(r"(?:last|past|the past|late last|early last) week", s):
        return _week_of(ref() - timedelta(days=7))
    if re.fullmatch(r"(?:(?:over |on |at )?the|this|last|past) weekend", s):
        r = ref()
        sat = r - timedelta(days=(r.weekday() - 5) % 7)
        return DateSpan(sat, sat + timedelta(days=1), "day")
    if re.fullmatch(r"(?:this|earlier this|so far this|late this|later this) month", s):
        r = ref()
        return DateSpan.month(r.year, r.month)
    if re.fullmatch(r"(?:last|past|the past|late last|early last) month", s):
        y, mo = _shift_month(ref().year, ref().month, -1)
        return DateSpan.month(y, mo)
    if re.fullmatch(r"(?:this|earlier this|so far this|late this|later this) year", s):
        return DateSpan.year(ref().year)
    if re.fullmatch(r"(?:last|past|the past|late last|early last) year", s):
        return DateSpan.year(ref().year - 1)

    m = _AGO_RE.match(s)
    if m:
        n_text, unit = m.group(1), m.group(2)
        n = int(n_text) if n_text.isdigit() else _NUMBERS[n_text]
        r = ref()
        if unit == "day":
            return DateSpan.day(r - timedelta(days=n))
        if unit == "week":
            return _week_of(r - timedelta(days=7 * n))
        if unit == "month":
            y, mo = _shift_month(r.year, r.month, -n)
            return DateSpan.month(y, mo)
        return DateSpan.year(r.year - n)
    return None


_FALLBACK_PROBE_BASES = (datetime(2001, 6, 15, 12), datetime(2011, 2, 17, 12))


def _dateparser_fallback(text: str, reference: Optional[date]) -> Optional[DateSpan]:
    """Last resort: dateparser, imported lazily. Deterministic: without a
    reference date, anything whose reading depends on the base date is
    rejected rather than resolved against today."""
    try:
        from dateparser.date import DateDataParser  # slow import; only here
    except Exception:  # pragma: no cover - dependency missing
        return None

    def run(base: datetime):
        settings = {
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": base,
            "RETURN_AS_TIMEZONE_AWARE": False,
            "STRICT_PARSING": False,
        }
        try:
            data = DateDataParser(languages=["en"], settings=settings).get_date_data(text)
        except Exception:
            return None
        if data is None or data.date_obj is None:
            return None
        return data.date_obj.date(), (data.period or "day")

    if reference is not None:
        res = run(datetime(reference.year, reference.month, reference.day, 12))
    else:
        a, b = (run(base) for base in _FALLBACK_PROBE_BASES)
        if a is None or b is None:
            return None
        if a != b:
            raise DateParseError(
                f"“{text.strip()}” is relative and there is no reference date to resolve it against."
            )
        res = a
    if res is None:
        return None
    d, period = res
    if period == "year":
        return DateSpan.year(d.year)
    if period == "month":
        return DateSpan.month(d.year, d.month)
    if period == "week":
        return _week_of(d)
    return DateSpan.day(d)


def parse_claimed_date(
    text: str, reference: Optional[date] = None, *, _allow_fallback: bool = True
) -> DateSpan:
    """A claimed date as a span, or :class:`DateParseError` saying why not.

    ``reference`` (an article's publication date, or today for a bare claim)
    anchors relative dates; without one they raise. Results are cached.
    """
    if text is None or not str(text).strip():
        raise DateParseError("No date was given.")
    if isinstance(reference, datetime):
        reference = reference.date()
    span, error = _parse_cached(str(text), reference, _allow_fallback)
    if error is not None:
        raise DateParseError(error)
    assert span is not None
    return span


@lru_cache(maxsize=16384)
def _parse_cached(
    text: str, reference: Optional[date], allow_fallback: bool
) -> tuple[Optional[DateSpan], Optional[str]]:
    try:
        return _parse(text, reference, allow_fallback), None
    except DateParseError as exc:
        return None, exc.message


def _parse(original: str, reference: Optional[date], _allow_fallback: bool) -> DateSpan:
    s = _clean(original)
    if not s:
        raise DateParseError(f"“{original.strip()}” is not a date.")
    span = _parse_absolute(s, reference, original.strip())
    if span is not None:
        return span
    rel = re.sub(rf"\b({_WEEKDAY_RE})\.", r"\1", s).replace(",", " ")
    span = _parse_relative(re.sub(r"\s+", " ", rel).strip(), reference, original)
    if span is not None:
        return span
    if _allow_fallback:
        span = _dateparser_fallback(original.strip(), reference)
        if span is not None:
            return span
    raise DateParseError(f"Could not read “{original.strip()}” as a date.")


# --------------------------------------------------------------------------
# Formatting and comparison

def _fmt_day(d: date) -> str:
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def format_span(span: DateSpan) -> str:
    """A human rendering: ``3 September 2025``, ``September 2025``, ``2025``,
    or a range such as ``1–7 September 2025``."""
    s, e = span.start, span.end
    if span.precision == "year" and s == date(s.year, 1, 1) and e == date(e.year, 12, 31):
        return str(s.year) if s.year == e.year else f"{s.year}–{e.year}"
    if span.precision in ("month", "year"):
        if s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1]:
            if (s.year, s.month) == (e.year, e.month):
                return f"{MONTH_NAMES[s.month - 1]} {s.year}"
            if s.year == e.year:
                return f"{MONTH_NAMES[s.month - 1]}–{MONTH_NAMES[e.month - 1]} {s.year}"
            return f"{MONTH_NAMES[s.month - 1]} {s.year} – {MONTH_NAMES[e.month - 1]} {e.year}"
    if s == e:
        return _fmt_day(s)
    if (s.year, s.month) == (e.year, e.month):
        return f"{s.day}–{e.day} {MONTH_NAMES[s.month - 1]} {s.year}"
    if s.year == e.year:
        return f"{s.day} {MONTH_NAMES[s.month - 1]} – {_fmt_day(e)}"
    return f"{_fmt_day(s)} – {_fmt_day(e)}"


def _is_plain_absolute(text: str, span: DateSpan) -> bool:
    """Whether the claim text already says the date outright, year included
    (so messages need not spell out how it was read)."""
    return bool(re.search(r"\d{4}", text))


# --------------------------------------------------------------------------
# Instants: a claimed time with a UTC offset names a moment, and the day it
# falls on depends on where. "2025-09-04T01:30:00Z" is the evening of
# 3 September in Washington.

_INSTANT_RE = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})[tT ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(z|utc|gmt|[+-]\d{2}(?::?\d{2})?)\s*$",
    re.I,
)


class LocalZone(NamedTuple):
    """The time zone of the record's place: an IANA name and the place's
    name for messages ("America/New_York", "Washington")."""

    tz: str
    place: str


def parse_instant(text: Optional[str]) -> Optional[datetime]:
    """An ISO timestamp with a UTC offset (or ``Z``) as an aware datetime;
    None for anything else (a date, a local time without offset)."""
    if not text:
        return None
    m = _INSTANT_RE.match(str(text))
    if not m:
        return None
    y, mo, d, hh, mi = (int(m.group(i)) for i in range(1, 6))
    ss = int(m.group(6) or 0)
    off = m.group(7).lower()
    if off in ("z", "utc", "gmt"):
        tz = timezone.utc
    else:
        sign = -1 if off[0] == "-" else 1
        digits = off[1:].replace(":", "")
        oh, om = int(digits[:2]), int(digits[2:4] or 0)
        if oh > 14 or om > 59:
            return None
        tz = timezone(sign * timedelta(hours=oh, minutes=om))
    try:
        return datetime(y, mo, d, hh, mi, min(ss, 59), tzinfo=tz)
    except ValueError:
        return None


@lru_cache(maxsize=1024)
def _zone(name: str) -> Optional[ZoneInfo]:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _offset_label(moment: datetime) -> str:
    off = moment.utcoffset() or timedelta(0)
    if not off:
        return "UTC"
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    h, m = divmod(abs(minutes), 60)
    return f"UTC{sign}{h:02d}:{m:02d}"


def _day_month(d: date) -> str:
    return f"{d.day} {MONTH_NAMES[d.month - 1]}"


def _local_day(claimed_text: str, canonical: Optional[str], zone: Optional[LocalZone]) -> Optional[tuple[DateSpan, Optional[str]]]:
    """For a claimed instant: the day it falls on where the quote was said,
    and a sentence when a time zone moved it.

    The record's place decides (its time zone, daylight saving included);
    without one, a record stored as a timestamp with an offset lends its
    offset; without either, None (the claim's own written date counts).
    """
    moment = parse_instant(claimed_text)
    if moment is None:
        return None
    local: Optional[datetime] = None
    where = ""
    tz = _zone(zone.tz) if zone else None
    if tz is not None:
        local = moment.astimezone(tz)
        where = f" in {zone.place}" if zone and zone.place else ""
    else:
        record = parse_instant(canonical)
        if record is not None and record.utcoffset() is not None:
            local = moment.astimezone(record.tzinfo)
            where = " where it was said"
    if local is None:
        return None
    if local.utcoffset() == moment.utcoffset():
        return DateSpan.day(local.date()), None
    note = (f"{moment:%H:%M} {_offset_label(moment)} on {_day_month(moment.date())} is "
            f"{local:%H:%M} on {_day_month(local.date())}{where}.")
    return DateSpan.day(local.date()), note


def compare_date(
    claimed: Optional[str], canonical: Optional[str], reference: Optional[date] = None,
    zone: Optional[LocalZone] = None,
) -> FieldCheck:
    """Whether a claimed date is consistent with the stored one.

    ``match`` when the claimed span and the stored span share a day (so a
    claim at coarser precision fits, and so does a day inside a month-precision
    record); ``mismatch`` when they don't; ``not_claimed`` for no claim;
    ``unparseable`` when the claim can't be read (checked before the record, so
    a bad claim is reported even when the record has no date); ``unknown``
    when the record has no (readable) date.
    """
    canon_span = parse_when(canonical) if canonical is not None and str(canonical).strip() else None
    canon_text = format_span(canon_span) if canon_span else (str(canonical).strip() if canonical and str(canonical).strip() else None)

    if claimed is None or not str(claimed).strip():
        return FieldCheck(status="not_claimed", claimed=None, canonical=canon_text)
    claimed_text = str(claimed).strip()
    try:
        span = parse_claimed_date(claimed_text, reference)
    except DateParseError as exc:
        return FieldCheck(status="unparseable", claimed=claimed_text, canonical=canon_text, message=exc.message)

    local = _local_day(claimed_text, canonical, zone) if canon_span is not None else None
    zone_note = None
    if local is not None:
        span, zone_note = local
    human = format_span(span)
    relative = not _is_plain_absolute(claimed_text, span)
    reading = f"“{claimed_text}” is read as {human}. " if relative else ""
    if zone_note:
        reading = zone_note + " "
    subject = f"“{claimed_text}” ({human})" if relative else human
    if zone_note:
        subject = human

    if canon_span is None:
        msg = "The record has no date for this quote." if canon_text is None else f"The record's date “{canon_text}” could not be read."
        return FieldCheck(status="unknown", claimed=human, canonical=canon_text, message=(reading + msg).strip())

    if span.overlaps(canon_span):
        msg = None
        if not canon_span.contains(span):
            msg = f"The record says {canon_text}; the claim is less precise but consistent."
        elif not span.contains(canon_span):
            msg = f"The record only says {canon_text}; the claim falls within it."
        if reading:
            msg = (reading + (msg or "")).strip()
        return FieldCheck(status="match", claimed=human, canonical=canon_text, message=msg)

    if span.end < canon_span.start:
        gap = (canon_span.start - span.end).days
        rel = f"{gap} day{'s' if gap != 1 else ''} earlier than"
    else:
        gap = (span.start - canon_span.end).days
        rel = f"{gap} day{'s' if gap != 1 else ''} later than"
    msg = f"The claim says {subject}, {rel} the record's {canon_text}."
    if zone_note:
        msg = f"{zone_note} {msg}"
    return FieldCheck(status="mismatch", claimed=human, canonical=canon_text, message=msg)
