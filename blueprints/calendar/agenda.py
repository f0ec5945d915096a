"""Which days a week or month view shows and which conversations fall on them. Plain rules, no HTTP.

Days are Dutch days (Europe/Amsterdam): a conversation at 00:30 on Monday in Hengelo is Monday's, even
though it is Sunday in UTC. One query loads a view's conversations with their participants.
"""

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.localtime import local_midnight_utc, to_local
from models import Conversation, Participant, db

MINE, EVERYONE = "mijn", "iedereen"
WHO_LABELS = {MINE: "Mijn gesprekken", EVERYONE: "Alle gesprekken"}
DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTH_NAMES = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
EARLIEST, LATEST = date(2020, 1, 1), date(2040, 12, 31)


@dataclass
class Day:
    day: date
    in_month: bool = True
    conversations: list[Conversation] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{DAY_NAMES[self.day.weekday()]} {self.day.day} {MONTH_NAMES[self.day.month - 1]}"


def parse_day(text: str | None, today: date) -> date:
    """`?datum=2026-12-07`; anything else (or a date outside 2020-2040) is today."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return today
    return day if EARLIEST <= day <= LATEST else today


def week_days(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


def month_days(day: date) -> list[date]:
    """Every day of the weeks that hold the month of `day`, Monday first (a grid of whole weeks)."""
    first = day.replace(day=1)
    last = day.replace(day=pycalendar.monthrange(day.year, day.month)[1])
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=6 - last.weekday())
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def month_label(day: date) -> str:
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def conversations_between(first: date, last: date, coach_id: int | None) -> list[Conversation]:
    """Conversations on Dutch days first..last (inclusive); `coach_id` None: everyone's. One query."""
    query = (
        select(Conversation)
        .join(Participant, Participant.id == Conversation.participant_id)
        .where(
            Conversation.held_at >= local_midnight_utc(first),
            Conversation.held_at < local_midnight_utc(last + timedelta(days=1)),
        )
        .options(joinedload(Conversation.participant), joinedload(Conversation.coach))
        .order_by(Conversation.held_at, Conversation.id)
    )
    if coach_id is not None:
        query = query.where(Conversation.coach_id == coach_id)
    return list(db.session.scalars(query))


def days_with_conversations(days: list[date], coach_id: int | None, month: int | None = None) -> list[Day]:
    """The days of a view, each with its conversations in time order."""
    by_day = {d: Day(d, in_month=month is None or d.month == month) for d in days}
    for conversation in conversations_between(days[0], days[-1], coach_id):
        local_day = to_local(conversation.held_at).date()
        if local_day in by_day:
            by_day[local_day].conversations.append(conversation)
    return list(by_day.values())


def local_start(held_at: datetime) -> datetime:
    return to_local(held_at)
