"""Dutch display of dates, times, numbers and percentages for templates."""

from datetime import UTC, date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from core.localtime import LOCAL_TZ
from core.money import format_money
from core.percent import percent_of


def date_nl(value: date | None, fmt: str = "d MMMM yyyy") -> str:
    return format_date(value, fmt, locale="nl_NL") if value else ""


def date_short(value: date | None) -> str:
    return format_date(value, "dd-MM-yyyy", locale="nl_NL") if value else ""


def datetime_nl(value: datetime | None, fmt: str = "d MMM yyyy HH:mm") -> str:
    """Stored times are naive UTC; people read Dutch local time."""
    if not value:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_datetime(value.astimezone(LOCAL_TZ), fmt, locale="nl_NL")


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
