"""Local (Dutch) time for people, naive UTC in the database: the one place that names the zone."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


def to_utc(local: datetime) -> datetime:
    """A naive Dutch wall-clock time (from a form) as naive UTC (for the database)."""
    return local.replace(tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def to_local(utc: datetime) -> datetime:
    """A stored time (naive UTC, or aware) as naive Dutch wall-clock time."""
    if utc.tzinfo is None:
        utc = utc.replace(tzinfo=UTC)
    return utc.astimezone(LOCAL_TZ).replace(tzinfo=None)


def local_now() -> datetime:
    return datetime.now(LOCAL_TZ).replace(tzinfo=None, second=0, microsecond=0)


def local_midnight_utc(day: date) -> datetime:
    """Midnight at the start of `day` in Hengelo, as naive UTC (a year or week starts then)."""
    return to_utc(datetime.combine(day, time.min))


def week_bounds_utc(today: date) -> tuple[datetime, datetime]:
    """Monday 00:00 up to next Monday 00:00 (Dutch time) of the week holding `today`, in UTC."""
    monday = today - timedelta(days=today.weekday())
    return local_midnight_utc(monday), local_midnight_utc(monday + timedelta(days=7))
