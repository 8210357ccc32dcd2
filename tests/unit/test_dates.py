"""Dates: parsing stored and claimed dates, and comparing them.

Seed article: Anadolu Agency, published Thursday 4 September 2025. Putin spoke
in Beijing on Wednesday 3 September; Zelenskyy in Paris on Thursday 4
September.
"""
from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verification.dates import (
    DateParseError,
    DateSpan,
    compare_date,
    format_span,
    parse_claimed_date,
    parse_when,
)

PUBLISHED = date(2025, 9, 4)  # a Thursday
SEP3 = DateSpan(date(2025, 9, 3), date(2025, 9, 3), "day")
SEP4 = DateSpan(date(2025, 9, 4), date(2025, 9, 4), "day")
SEPT_2025 = DateSpan(date(2025, 9, 1), date(2025, 9, 30), "month")
YEAR_2025 = DateSpan(date(2025, 1, 1), date(2025, 12, 31), "year")


def test_reference_is_a_thursday():
    assert PUBLISHED.weekday() == 3


# ---------------------------------------------------------------- parse_when

@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-09-03", SEP3),
        ("2025-09", SEPT_2025),
        ("2025", YEAR_2025),
        ("2025-09-03T14:30:00+08:00", SEP3),
        ("2025-09-03T14:30:00Z", SEP3),
        ("2025-09-03T14:30:00.250-05:00", SEP3),
        (" 2025-09-04 ", SEP4),
    ],
)
def test_parse_when_stored_values(value, expected):
    assert parse_when(value) == expected


@pytest.mark.parametrize(
    "value, expected_day",
    [
        # Late evening west of UTC: already the next day in UTC, but the
        # local date is what counts.
        ("2025-09-03T23:30:00-04:00", date(2025, 9, 3)),
        ("2025-09-03T23:59:59-10:00", date(2025, 9, 3)),
        # Just after midnight east of UTC: still the previous day in UTC.
        ("2025-09-04T00:15:00+03:00", date(2025, 9, 4)),
        ("2025-09-04T00:00:00+14:00", date(2025, 9, 4)),
    ],
)
def test_timestamps_near_midnight_use_their_own_local_date(value, expected_day):
    span = parse_when(value)
    assert span == DateSpan(expected_day, expected_day, "day")
    assert parse_claimed_date(value) == span


@pytest.mark.parametrize("value", ["", "   ", "not a date", "2025-13", "2025-02-30", "yesterday"])
def test_parse_when_rejects_non_dates(value):
    assert parse_when(value) is None


def test_parse_when_none():
    assert parse_when(None) is None


# -------------------------------------------------------- parse_claimed_date

@pytest.mark.parametrize(
    "text",
    [
        "2025-09-03",
        "Sept. 3, 2025",
        "Sep 3 2025",
        "Sep. 3, 2025",
        "September 3, 2025",
        "3 September 2025",
        "3 Sept 2025",
        "September 3rd, 2025",
        "the 3rd of September, 2025",
        "09/03/2025",
        "9/3/2025",
        "9/3/25",
        "2025/09/03",
        "Wednesday, Sept. 3, 2025",
        "on Sept. 3, 2025",
        "Sept. 3, 2025, at 2:30 p.m.",
        "2025-09-03T10:00:00+08:00",
    ],
)
def test_day_formats(text):
    assert parse_claimed_date(text) == SEP3


@pytest.mark.parametrize("text", ["September 2025", "Sept. 2025", "Sep 2025", "sept 2025", "2025-09", "in September 2025"])
def test_month_formats(text):
    assert parse_claimed_date(text) == SEPT_2025


@pytest.mark.parametrize("text", ["2025", "in 2025"])
def test_year_format(text):
    assert parse_claimed_date(text) == YEAR_2025


def test_us_order_for_numeric_dates():
    assert parse_claimed_date("04/09/2025").start == date(2025, 4, 9)
    # Only the day-first reading is possible.
    assert parse_claimed_date("13/09/2025").start == date(2025, 9, 13)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Thursday", date(2025, 9, 4)),
        ("on Thursday", date(2025, 9, 4)),
        ("Wednesday", date(2025, 9, 3)),
        ("on Wednesday", date(2025, 9, 3)),
        ("Wednesday night", date(2025, 9, 3)),
        ("on Monday", date(2025, 9, 1)),
        ("on Friday", date(2025, 8, 29)),
        ("Sunday", date(2025, 8, 31)),
        ("last Wednesday", date(2025, 9, 3)),
        ("last Thursday", date(2025, 8, 28)),
        ("yesterday", date(2025, 9, 3)),
        ("last night", date(2025, 9, 3)),
        ("today", date(2025, 9, 4)),
        ("the day before yesterday", date(2025, 9, 2)),
        ("3 days ago", date(2025, 9, 1)),
        ("Sept. 3", date(2025, 9, 3)),
        ("Wednesday, Sept. 3", date(2025, 9, 3)),
    ],
)
def test_relative_days_against_the_seed_article(text, expected):
    assert parse_claimed_date(text, PUBLISHED) == DateSpan(expected, expected, "day")


def test_last_week_is_the_previous_monday_to_sunday():
    span = parse_claimed_date("last week", PUBLISHED)
    assert (span.start, span.end, span.precision) == (date(2025, 8, 25), date(2025, 8, 31), "day")


def test_this_week_runs_to_the_reference_day():
    span = parse_claimed_date("earlier this week", PUBLISHED)
    assert (span.start, span.end) == (date(2025, 9, 1), date(2025, 9, 4))


def test_last_month_and_last_year():
    assert parse_claimed_date("last month", PUBLISHED) == DateSpan(date(2025, 8, 1), date(2025, 8, 31), "month")
    assert parse_claimed_date("last month", date(2025, 1, 15)) == DateSpan(date(2024, 12, 1), date(2024, 12, 31), "month")
    assert parse_claimed_date("last year", PUBLISHED) == DateSpan(date(2024, 1, 1), date(2024, 12, 31), "year")


def test_yearless_date_after_the_reference_is_last_year():
    assert parse_claimed_date("Dec. 30", date(2026, 1, 2)).start == date(2025, 12, 30)


def test_dateparser_fallback_with_reference():
    span = parse_claimed_date("a fortnight ago", PUBLISHED)
    assert span.start <= date(2025, 8, 21) <= span.end


@pytest.mark.parametrize("text", ["yesterday", "on Wednesday", "last week", "Sept. 3", "a fortnight ago"])
def test_relative_dates_need_a_reference(text):
    with pytest.raises(DateParseError) as exc:
        parse_claimed_date(text)
    assert "reference" in exc.value.message


@pytest.mark.parametrize("text", ["", "   ", "banana", "2025-02-30", "Feb 30, 2025", "13/13/2025"])
def test_unreadable_dates_raise(text):
    with pytest.raises(DateParseError) as exc:
        parse_claimed_date(text, PUBLISHED)
    assert exc.value.message


def test_contradictory_weekday_raises():
    with pytest.raises(DateParseError) as exc:
        parse_claimed_date("Thursday, Sept. 3, 2025")
    assert "Wednesday" in exc.value.message


def test_common_formats_do_not_import_dateparser():
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from verification.dates import parse_claimed_date, compare_date\n"
        "for t in ['2025-09-03', 'Sept. 3, 2025', '09/03/2025', 'September 2025', 'on Wednesday', 'last week']:\n"
        "    parse_claimed_date(t, date(2025, 9, 4))\n"
        "compare_date('yesterday', '2025-09-03', date(2025, 9, 4))\n"
        "bad = [m for m in ('dateparser', 'flask', 'sqlalchemy', 'requests') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -------------------------------------------------------------- compare_date

def test_seed_putin_wednesday_matches():
    check = compare_date("on Wednesday", "2025-09-03", PUBLISHED)
    assert check.status == "match"
    assert check.claimed == "3 September 2025"
    assert check.canonical == "3 September 2025"


def test_seed_zelenskyy_thursday_matches():
    assert compare_date("Thursday", "2025-09-04", PUBLISHED).status == "match"


def test_seed_wrong_weekday_mismatches():
    check = compare_date("on Wednesday", "2025-09-04", PUBLISHED)
    assert check.status == "mismatch"
    assert "1 day earlier" in check.message
    assert check.canonical == "4 September 2025"


@pytest.mark.parametrize("claimed", ["September 2025", "Sept. 2025", "2025", "2025-09-03", "Sept. 3, 2025", "last week"])
def test_consistent_at_the_claims_precision(claimed):
    # "last week" from 10 September 2025 is 1-7 September.
    assert compare_date(claimed, "2025-09-03", date(2025, 9, 10)).status == "match"


def test_day_claim_inside_month_precision_record():
    check = compare_date("Sept. 3, 2025", "2025-09")
    assert check.status == "match"
    assert check.canonical == "September 2025"


@pytest.mark.parametrize("claimed", ["August 2025", "2024", "Sept. 4, 2025", "2025-09-02", "last month"])
def test_inconsistent_dates_mismatch(claimed):
    assert compare_date(claimed, "2025-09-03", PUBLISHED).status == "mismatch"


def test_day_claim_outside_month_record_mismatches():
    assert compare_date("Oct. 1, 2025", "2025-09").status == "mismatch"


def test_record_timestamp_compared_by_local_date():
    assert compare_date("Sept. 3, 2025", "2025-09-03T23:30:00-04:00").status == "match"
    assert compare_date("Sept. 4, 2025", "2025-09-03T23:30:00-04:00").status == "mismatch"


@pytest.mark.parametrize("claimed", [None, "", "   "])
def test_not_claimed(claimed):
    check = compare_date(claimed, "2025-09-03")
    assert check.status == "not_claimed"
    assert check.claimed is None
    assert check.canonical == "3 September 2025"


def test_unparseable_claim():
    check = compare_date("the day the music died", "2025-09-03", PUBLISHED)
    assert check.status == "unparseable"
    assert check.claimed == "the day the music died"
    assert check.message


def test_relative_claim_without_reference_is_unparseable():
    check = compare_date("yesterday", "2025-09-03")
    assert check.status == "unparseable"
    assert "reference" in check.message


@pytest.mark.parametrize("canonical", [None, "", "   "])
def test_unknown_when_record_has_no_date(canonical):
    check = compare_date("Sept. 3, 2025", canonical)
    assert check.status == "unknown"
    assert check.claimed == "3 September 2025"


def test_unknown_when_record_date_is_unreadable():
    assert compare_date("Sept. 3, 2025", "sometime").status == "unknown"


# --------------------------------------------------------------- format_span

def test_format_span():
    assert format_span(SEP3) == "3 September 2025"
    assert format_span(SEPT_2025) == "September 2025"
    assert format_span(YEAR_2025) == "2025"
    assert format_span(DateSpan(date(2025, 8, 25), date(2025, 8, 31), "day")) == "25–31 August 2025"
    assert format_span(DateSpan(date(2025, 8, 29), date(2025, 9, 4), "day")) == "29 August – 4 September 2025"


def test_datespan_rejects_reversed_range():
    with pytest.raises(ValueError):
        DateSpan(date(2025, 9, 4), date(2025, 9, 3), "day")


# --------------------------------------------------------------- properties

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2049, 12, 31))
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


@given(days)
@settings(max_examples=200, deadline=None)
def test_written_forms_round_trip(d):
    forms = [
        d.isoformat(),
        f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
        f"{d.day} {MONTHS[d.month - 1]} {d.year}",
        f"{MONTHS[d.month - 1][:3]}. {d.day}, {d.year}",
        f"{d.month:02d}/{d.day:02d}/{d.year}",
        format_span(DateSpan(d, d, "day")),
    ]
    for text in forms:
        assert parse_claimed_date(text) == DateSpan(d, d, "day"), text
    assert compare_date(forms[1], d.isoformat()).status == "match"
    assert compare_date(f"{MONTHS[d.month - 1]} {d.year}", d.isoformat()).status == "match"
    assert compare_date(forms[1], (d + timedelta(days=1)).isoformat()).status == "mismatch"


@given(days, st.sampled_from(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]))
@settings(max_examples=200, deadline=None)
def test_bare_weekday_is_most_recent_on_or_before_reference(ref, weekday):
    span = parse_claimed_date(f"on {weekday}", ref)
    assert span.is_single_day
    assert span.start.strftime("%A") == weekday
    assert 0 <= (ref - span.start).days <= 6


# --- instants on the local calendar of the record's place ----------------------------

from verification.dates import LocalZone, parse_instant  # noqa: E402

WASHINGTON = LocalZone("America/New_York", "Washington")


def test_a_utc_timestamp_is_the_local_evening_before_in_washington():
    check = compare_date("2025-09-04T01:30:00Z", "2025-09-03", zone=WASHINGTON)
    assert check.status == "match"
    assert check.message == "01:30 UTC on 4 September is 21:30 on 3 September in Washington."


def test_the_local_date_decides_a_mismatch_too():
    check = compare_date("2025-09-04T01:30:00Z", "2025-09-04", zone=WASHINGTON)
    assert check.status == "mismatch"
    assert check.message.startswith("01:30 UTC on 4 September is 21:30 on 3 September in Washington.")


@pytest.mark.parametrize("claimed,record,status", [
    ("2025-01-15T04:30Z", "2025-01-14", "match"),     # EST: UTC-5, 23:30 the day before
    ("2025-07-15T04:30Z", "2025-07-14", "mismatch"),  # EDT: UTC-4, 00:30 the same day
    ("2025-07-15T03:59Z", "2025-07-14", "match"),
])
def test_daylight_saving_is_applied(claimed, record, status):
    assert compare_date(claimed, record, zone=WASHINGTON).status == status


def test_a_claim_with_its_own_offset_is_converted():
    check = compare_date("2025-09-04T09:30:00+08:00", "2025-09-03", zone=WASHINGTON)
    assert check.status == "match" and "UTC+08:00" in check.message


def test_a_record_stored_with_an_offset_lends_it_when_the_place_has_no_zone():
    check = compare_date("2025-09-04T01:30:00Z", "2025-09-03T21:00:00-04:00")
    assert check.status == "match" and "where it was said" in check.message


def test_without_a_zone_the_written_date_counts():
    assert compare_date("2025-09-04T01:30:00Z", "2025-09-03").status == "mismatch"
    assert compare_date("2025-09-04T01:30:00Z", "2025-09-04").status == "match"


def test_a_date_without_time_is_not_moved_by_a_zone():
    check = compare_date("4 September 2025", "2025-09-04", zone=WASHINGTON)
    assert check.status == "match" and check.message is None


@pytest.mark.parametrize("text", ["2025-09-04", "2025-09-04T01:30", "yesterday", "2025-09-04T01:30+15:00", None])
def test_only_timestamps_with_an_offset_are_instants(text):
    assert parse_instant(text) is None


def test_instants_read_z_utc_and_offsets():
    assert parse_instant("2025-09-04T01:30:00Z").utcoffset().total_seconds() == 0
    assert parse_instant("2025-09-04 01:30 UTC").utcoffset().total_seconds() == 0
    assert parse_instant("2025-09-04T01:30-0530").utcoffset().total_seconds() == -19800
