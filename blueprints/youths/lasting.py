"""Lasting outcomes (duurzame uitstroom, issue #17): where is the person 6 and 12 months after the end?

Plain rules, no HTTP. The end of a trajectory is the outcome date of a file closed as afgerond or
uitgevallen ('niet gestart' had no trajectory). The question for N months is due from the day N
months after the end (dates in Dutch time, month ends clipped: 31 August + 6 months is 28 or 29
February) and stays on the start page until it is answered; "niet bereikbaar / weet ik niet" is an
answer too, and counts as unknown.

The task goes to the participant's *current* coach: after a handover the new coach is the one who can
reach the person, and a coach who left would otherwise keep tasks nobody sees.

No row is stored until the answer: which questions are due follows from the outcome date, so a
corrected outcome date moves the question with it.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased, joinedload

from blueprints.youths.workflow import CLOSED, add_months
from core.localtime import to_local
from models import LASTING_SITUATION_LABELS, LastingOutcomeCheck, Participant, User, db, utcnow

MONTHS = (6, 12)
UNKNOWN = "onbekend"
CLOSED_STATUSES = tuple(str(s) for s in CLOSED)


class LastingError(ValueError):
    def __init__(self, message: str, field: str = "situation"):
        super().__init__(message)
        self.field = field


def due_on(end: date, months: int) -> date:
    """The day the question for `months` becomes due."""
    return add_months(end, months)


def latest_end_due(day: date, months: int) -> date:
    """The latest end date whose question for `months` is due on `day`: max{end : due_on(end) <= day}.

    `add_months` clips to the month's end, so on the last day of a month every end date from the same
    day onwards in the month `months` earlier is due too (on 28 February, 31 August + 6 months is due).
    """
    earlier = add_months(day, -months)
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return earlier.replace(day=calendar.monthrange(earlier.year, earlier.month)[1])
    return earlier


def is_closed_trajectory(participant: Participant) -> bool:
    return participant.status in CLOSED_STATUSES and participant.outcome_date is not None


def is_due(participant: Participant, months: int, today: date) -> bool:
    return is_closed_trajectory(participant) and due_on(participant.outcome_date, months) <= today


def asked_on(check: LastingOutcomeCheck) -> date:
    """The day the coach recorded the answer, in Dutch time."""
    return to_local(check.answered_at).date()


def answered_checks(participant_id: int) -> list[LastingOutcomeCheck]:
    return list(
        db.session.scalars(
            select(LastingOutcomeCheck)
            .where(LastingOutcomeCheck.participant_id == participant_id)
            .options(joinedload(LastingOutcomeCheck.answered_by))
            .order_by(LastingOutcomeCheck.months)
        )
    )


@dataclass
class FileCheck:
    months: int
    due_on: date
    due: bool
    check: LastingOutcomeCheck | None


def checks_of(participant: Participant, today: date) -> list[FileCheck]:
    """The case file's questions: one query, none for a file without a trajectory's end."""
    if not is_closed_trajectory(participant):
        return []
    answered = {c.months: c for c in answered_checks(participant.id)}
    end = participant.outcome_date
    return [FileCheck(m, due_on(end, m), due_on(end, m) <= today, answered.get(m)) for m in MONTHS]


# Made once: SQLAlchemy works out each column of a new alias on first use (about 1 ms a statement here).
_SIX, _TWELVE = aliased(LastingOutcomeCheck), aliased(LastingOutcomeCheck)


@dataclass(frozen=True)
class TaskPerson:
    """Who a task is about: the start page and the task list show the name only."""

    id: int
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Task:
    participant: TaskPerson
    months: int
    due_on: date


def coach_tasks(coach_id: int, today: date) -> list[Task]:
    """Open questions for the coach's participants, oldest due first: one query, whatever the caseload."""
    six, twelve = _SIX, _TWELVE
    due = {m: latest_end_due(today, m) for m in MONTHS}
    rows = db.session.execute(
        select(
            Participant.id, Participant.first_name, Participant.last_name, Participant.outcome_date, six.id, twelve.id
        )
        .outerjoin(six, and_(six.participant_id == Participant.id, six.months == 6))
        .outerjoin(twelve, and_(twelve.participant_id == Participant.id, twelve.months == 12))
        .where(
            Participant.coach_id == coach_id,
            Participant.status.in_(CLOSED_STATUSES),
            Participant.outcome_date.is_not(None),
            or_(
                and_(Participant.outcome_date <= due[6], six.id.is_(None)),
                and_(Participant.outcome_date <= due[12], twelve.id.is_(None)),
            ),
        )
        .order_by(Participant.outcome_date, Participant.id)
    ).all()
    tasks = []
    for pid, first_name, last_name, end, six_id, twelve_id in rows:
        person = TaskPerson(pid, first_name, last_name)
        for months, answered in ((6, six_id), (12, twelve_id)):
            if answered is None and end <= due[months]:
                tasks.append(Task(person, months, due_on(end, months)))
    tasks.sort(key=lambda t: (t.due_on, t.participant.id, t.months))
    return tasks


def get_check(participant_id: int, months: int) -> LastingOutcomeCheck | None:
    return db.session.scalar(
        select(LastingOutcomeCheck).where(
            LastingOutcomeCheck.participant_id == participant_id, LastingOutcomeCheck.months == months
        )
    )


def answer(
    participant: Participant,
    months: int,
    situation: str,
    note: str | None,
    actor: User | None,
    today: date,
    now: datetime | None = None,
) -> LastingOutcomeCheck:
    """Record (or change) where the person is now; raises LastingError. The caller commits.

    A changed answer keeps its row, so the audit log shows before and after; the day asked moves
    to the day of the change.
    """
    if months not in MONTHS:
        raise LastingError("Kies 6 of 12 maanden.")
    if not is_closed_trajectory(participant):
        raise LastingError("Deze vraag hoort bij een afgesloten traject (afgerond of uitgevallen).")
    if not is_due(participant, months, today):
        day = due_on(participant.outcome_date, months).strftime("%d-%m-%Y")
        raise LastingError(f"Deze vraag kan vanaf {day} worden beantwoord ({months} maanden na het einde).")
    if situation not in LASTING_SITUATION_LABELS:
        raise LastingError("Kies waar de deelnemer nu is.")
    values = {
        "situation": situation,
        "note": (note or "").strip() or None,
        "answered_at": now or utcnow(),
        "answered_by_id": actor.id if actor else None,
    }
    check = get_check(participant.id, months)
    if check is None:  # complete before it enters the session: an autoflush must never insert half a row
        check = LastingOutcomeCheck(participant_id=participant.id, months=months, **values)
        db.session.add(check)
    else:
        for name, value in values.items():
            setattr(check, name, value)
    return check
