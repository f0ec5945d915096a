"""Dutch display of dates, times, numbers and percentages for templates."""

from datetime import UTC, date, datetime

from babel.dates import format_date, format_datetime, get_month_names
from babel.numbers import format_decimal

from core.localtime import LOCAL_TZ
from core.money import format_money
from core.percent import percent_of

# The usual patterns are written directly with Babel's own Dutch month names: a start page shows a hundred
# dates, and Babel's pattern engine takes about 30 µs for each (tests/test_formatting.py compares the two).
LONG, SHORT, DATETIME = "d MMMM yyyy", "dd-MM-yyyy", "d MMM yyyy HH:mm"
_MONTHS = get_month_names("wide", locale="nl_NL")
_MONTHS_SHORT = get_month_names("abbreviated", locale="nl_NL")


def date_nl(value: date | None, fmt: str = LONG) -> str:
    if not value:
        return ""
    if fmt == LONG:
        return f"{value.day} {_MONTHS[value.month]} {value.year:04d}"
    return format_date(value, fmt, locale="nl_NL")


def date_short(value: date | None) -> str:
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}" if value else ""


def datetime_nl(value: datetime | None, fmt: str = DATETIME) -> str:
    """Stored times are naive UTC; people read Dutch local time."""
    if not value:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(LOCAL_TZ)
    if fmt == DATETIME:
        return f"{local.day} {_MONTHS_SHORT[local.month]} {local.year:04d} {local.hour:02d}:{local.minute:02d}"
    return format_datetime(local, fmt, locale="nl_NL")


def number_nl(value, digits: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value or 0, format=pattern, locale="nl_NL")


def percent_nl(part, whole, digits: int = 0) -> str:
    if not whole:
        return "–"
    return number_nl(percent_of(part, whole, digits), digits) + "%"  # the one rounding: half up


def register(app) -> None:
    app.jinja_env.filters.update(
        money=format_money,
        date_nl=date_nl,
        date_short=date_short,
        datetime_nl=datetime_nl,
        number_nl=number_nl,
    )
    app.jinja_env.globals.update(percent_nl=percent_nl)
