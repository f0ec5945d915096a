"""Dates on pages read exactly as Babel's Dutch patterns would write them (core/formatting.py writes the
usual patterns directly, for speed)."""

from datetime import UTC, date, datetime, timedelta

from babel.dates import format_date, format_datetime

from core.formatting import DATETIME, LONG, SHORT, date_nl, date_short, datetime_nl
from core.localtime import LOCAL_TZ

DAYS = [date(2023, 12, 25) + timedelta(days=n) for n in range(5 * 366)]
EDGES = [date(1, 1, 1), date(999, 9, 9), date(1000, 1, 1), date(2028, 2, 29), date(9999, 12, 31)]


def test_dates_read_as_babels_patterns():
    for day in DAYS + EDGES:
        assert date_nl(day) == format_date(day, LONG, locale="nl_NL"), day
        assert date_short(day) == format_date(day, SHORT, locale="nl_NL"), day


def test_times_read_as_babels_pattern_in_dutch_time_across_summer_time():
    start = datetime(2026, 3, 28, 22, 17)  # the night summer time starts, then every 7 h 13 min for a year
    for n in range(1300):
        stored = start + timedelta(minutes=433 * n)  # naive UTC, as stored
        expected = format_datetime(stored.replace(tzinfo=UTC).astimezone(LOCAL_TZ), DATETIME, locale="nl_NL")
        assert datetime_nl(stored) == expected, stored
    assert datetime_nl(datetime(2026, 10, 25, 0, 30)) == "25 okt 2026 02:30"  # still summer time
    assert datetime_nl(datetime(2026, 10, 25, 1, 30)) == "25 okt 2026 02:30"  # winter time: the hour again


def test_other_patterns_and_empty_values_still_work():
    assert date_nl(date(2026, 12, 4), "MMMM yyyy") == "december 2026"
    assert datetime_nl(datetime(2026, 12, 4, 8, 5), "d MMMM yyyy") == "4 december 2026"
    assert date_nl(None) == date_short(None) == datetime_nl(None) == ""
