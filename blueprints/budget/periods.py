"""Closed periods: finance closes a month, after which entries dated in it can no longer change.

Plain rules without HTTP. A correction of something in a closed month is a new entry in an open month.
"""

from datetime import date

from babel.dates import format_date
from sqlalchemy import select

from blueprints.budget.locks import lock_pots
from models import ClosedMonth, User, db, utcnow


class PeriodClosed(ValueError):
    """Raised with a Dutch message when an entry falls in a closed month."""


def month_label(year: int, month: int) -> str:
    return format_date(date(year, month, 1), "MMMM yyyy", locale="nl_NL")


def is_closed(day: date) -> bool:
    return (
        db.session.scalar(select(ClosedMonth.id).where(ClosedMonth.year == day.year, ClosedMonth.month == day.month))
        is not None
    )


def ensure_open(day: date, what: str = "Deze boeking") -> None:
    """Refuse a change dated `day` when its month is closed."""
    if is_closed(day):
        raise PeriodClosed(
            f"{what} valt in {month_label(day.year, day.month)}. Die maand is afgesloten en kan niet meer "
            "veranderen. Maak een correctie in een open maand."
        )


def close_month(year: int, month: int, user: User, today: date | None = None) -> ClosedMonth:
    """Close a month that has ended. The caller commits."""
    today = today or date.today()
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise PeriodClosed("Kies een geldige maand.")
    if (year, month) >= (today.year, today.month):
        raise PeriodClosed("Alleen een maand die voorbij is, kan worden afgesloten.")
    # Every pot's lock: a booking dated in this month that is being decided right now either
    # commits before the month closes or sees it closed (and the same month is not closed twice).
    lock_pots()
    if is_closed(date(year, month, 1)):
        raise PeriodClosed(f"{month_label(year, month).capitalize()} is al afgesloten.")
    closed = ClosedMonth(year=year, month=month, closed_by_id=user.id, closed_at=utcnow())
    db.session.add(closed)
    return closed


def closed_months() -> list[ClosedMonth]:
    return list(db.session.scalars(select(ClosedMonth).order_by(ClosedMonth.year.desc(), ClosedMonth.month.desc())))
