"""Local (Dutch) time for people, UTC in the database: conversions for conversation times."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def to_utc(local: datetime) -> datetime:
    """A naive Dutch wall-clock time (from a form) as naive UTC (for the database)."""
    return local.replace(tzinfo=AMSTERDAM).astimezone(UTC).replace(tzinfo=None)


def to_local(utc: datetime) -> datetime:
    return utc.replace(tzinfo=UTC).astimezone(AMSTERDAM).replace(tzinfo=None)


def local_now() -> datetime:
    return datetime.now(AMSTERDAM).replace(tzinfo=None, second=0, microsecond=0)


def week_bounds_utc(today: date) -> tuple[datetime, datetime]:
    """Monday 00:00 up to next Monday 00:00 (Dutch time) of the week holding `today`, in UTC."""
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, time.min)
    return to_utc(start), to_utc(start + timedelta(days=7))
