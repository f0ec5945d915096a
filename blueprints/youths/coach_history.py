"""Who was a participant's life-coach when: the one way to change a coach, and "coach at moment T" in SQL.

Every place that gives a file to a coach (intake, the referral import, editing the details, a handover,
the demo data) calls `assign_coach`; it closes the open period and opens the next, so the periods of a
participant follow each other without a gap (models.CoachAssignment). `Participant.coach_id` stays the
coach now, for the many pages that ask only that.

Reports that must count an event for the coach who had the file at the time of the event use
`coach_at(participant_id, moment)`: a correlated scalar subquery usable in a select, a where or a group by,
on SQLite and PostgreSQL alike. An event before the first period (a start date typed before the file was
registered) counts for the first coach: the file was theirs from the beginning.
"""

from datetime import date, datetime

from sqlalchemy import exists, insert, literal, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql import ColumnElement

from core.audit import record
from models import CoachAssignment, Participant, User, db, utcnow

INTAKE_REASON = "Aanmelding"


class AssignmentError(ValueError):
    """A refused change of coach, with a Dutch message."""


def _coach_id(coach: User | int | None) -> int | None:
    return coach.id if isinstance(coach, User) else coach


def open_assignment(participant_id: int) -> CoachAssignment | None:
    return db.session.scalar(
        select(CoachAssignment).where(
            CoachAssignment.participant_id == participant_id, CoachAssignment.ends_at.is_(None)
        )
    )


def assign_coach(
    participant: Participant,
    coach: User | int | None,
    reason: str,
    by: User | None,
    at: datetime | None = None,
    note: str | None = None,
    until: date | None = None,
) -> CoachAssignment | None:
    """Give `participant` to `coach` from `at` (UTC, default now) for `reason`, done by `by` (None: the system).

    Returns the new period, or None when the file already is this coach's. A first call (a new file)
    opens the first period, read from the start: there is nothing to hand over. A change stays unread
    until the new coach marks the handover summary read (youths/handover.py); `note` and `until` are the
    handover's note and "tijdelijk tot". A change is also one 'assign_coach' audit entry with the reason,
    next to the column changes the flush listener records. The caller commits.
    """
    coach_id = _coach_id(coach)
    reason = (reason or "").strip()
    if not reason:
        raise AssignmentError("Vul de reden in.")
    at = at or utcnow()
    if participant.id is None:
        db.session.add(participant)
        db.session.flush()
    elif db.engine.dialect.name == "postgresql":
        # Two handovers of one file at once: the second waits, then sees the period the first opened.
        db.session.execute(select(Participant.id).where(Participant.id == participant.id).with_for_update())
    current = open_assignment(participant.id)
    if current is not None and current.coach_id == coach_id:
        return None
    before = current.coach_id if current is not None else participant.coach_id
    if current is not None:
        at = max(at, current.starts_at)  # a period never ends before it began
        current.ends_at = at
        db.session.flush()  # the open period closes before the next opens (one open period per file)
    assignment = CoachAssignment(
        participant_id=participant.id,
        coach_id=coach_id,
        starts_at=at,
        reason=reason,
        assigned_by_id=by.id if by is not None else None,
        note=(note or "").strip() or None,
        until=until,
        read_at=at if current is None else None,
    )
    db.session.add(assignment)
    participant.coach_id = coach_id
    if current is not None:
        changes = {"coach_id": (before, coach_id), "reden": (None, reason)}
        if assignment.note:
            changes["toelichting"] = (None, assignment.note)
        if until is not None:
            changes["tijdelijk_tot"] = (None, until)
        record(db.session, "assign_coach", participant, changes=changes)
    return assignment


def start_history(participant: Participant, by: User | None) -> CoachAssignment | None:
    """A new file's first period: its coach from the moment it was registered."""
    return assign_coach(participant, participant.coach_id, INTAKE_REASON, by, participant.created_at)


def history(participant_id: int) -> list[CoachAssignment]:
    """The periods of one file, oldest first, with coach and assigner joined in (one query)."""
    return list(
        db.session.scalars(
            select(CoachAssignment)
            .where(CoachAssignment.participant_id == participant_id)
            .options(joinedload(CoachAssignment.coach), joinedload(CoachAssignment.assigned_by))
            .order_by(CoachAssignment.starts_at, CoachAssignment.id)
        )
    )


def coach_at(participant_id, moment) -> ColumnElement:
    """SQL: the coach id of `participant_id` at `moment` (both a column, an expression or a value).

    `moment` is a UTC datetime (DateTime column or value). A Date column or value compares as the start
    of that day (UTC). Because periods follow each other without a gap, the period covering `moment` is
    the earliest one that has not ended by then; before the first period that is the first. NULL only for
    a participant without any period.

        then = coach_at(Conversation.participant_id, Conversation.held_at).label("coach_id")
        select(then, func.count()).select_from(Conversation).group_by(then)
        select(...).where(coached_by(coach_id, MaatwerkRequest.participant_id, MaatwerkRequest.requested_at))

    The outer query must have the event's table in its FROM (`select_from` when only the subquery is
    selected): the subquery correlates to it.
    """
    return (
        select(CoachAssignment.coach_id)
        .where(
            CoachAssignment.participant_id == participant_id,
            (CoachAssignment.ends_at.is_(None)) | (CoachAssignment.ends_at > moment),
        )
        .order_by(CoachAssignment.starts_at, CoachAssignment.id)
        .limit(1)
        .correlate_except(CoachAssignment)
        .scalar_subquery()
    )


def coached_by(coach_id: int, participant_id, moment) -> ColumnElement:
    """SQL condition: `coach_id` had the file `participant_id` at `moment` (see `coach_at`)."""
    return coach_at(participant_id, moment) == coach_id


def coach_id_at(participant_id: int, moment: datetime) -> int | None:
    """Python: the coach id of one participant at one moment (the same rule, one query)."""
    return db.session.scalar(select(coach_at(participant_id, moment)))


def open_first_periods() -> None:
    """Bulk loads (the benchmark's seed) insert participants without the ORM: give each participant
    without any period its first one, from its registration, in one INSERT ... SELECT."""
    missing = select(
        Participant.id,
        Participant.coach_id,
        Participant.created_at,
        literal(INTAKE_REASON),
        Participant.created_at,
        Participant.created_at,
    ).where(~exists().where(CoachAssignment.participant_id == Participant.id))
    columns = ["participant_id", "coach_id", "starts_at", "reason", "created_at", "read_at"]
    db.session.execute(insert(CoachAssignment).from_select(columns, missing))
