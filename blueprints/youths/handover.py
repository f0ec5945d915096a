"""Handing files over to another life-coach (issue #19 point 7): many at once, with a reason. Plain rules, no HTTP.

`hand_over` moves the chosen files in one transaction through `coach_history.assign_coach` (the one way to
change a coach), so the history keeps who was coach when. Everything is decided before anything changes:
an id that names no file, a closed file or a file that already is the new coach's is skipped and said why;
the rest moves. The whole handover is one audit action: a 'handover' row naming the new coach, the reason
and the count, then each file's own 'assign_coach' row (core/audit.py groups them by request).

The new coach then finds a handover summary on each file (`summary`, shown at the top of the overview) and
"N dossiers aan jou overgedragen" on the start page (`unread_for`), until they mark it read (`mark_read`).
The summary reuses each feature's own query (goals, partner commitments) and the overview's own context
(next conversation, maatwerk, contract, attention points), so each rule stays in one place.

"Tijdelijk tot" is recorded and shown (history, summary, the handover list); the file does not move back
by itself: handing it back is a handover like any other.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from blueprints.partners.commitments import OPEN_STATUSES as OPEN_COMMITMENT_STATUSES
from blueprints.partners.queries import participant_commitments
from blueprints.youths import coach_history, queries, workflow
from core.audit import record
from core.input import INT_MAX, has_control_characters
from models import OPEN_GOAL_STATUSES, CoachAssignment, Commitment, Goal, Participant, Role, User, db, utcnow

# Why a file moves, in plain words. The label is what the history shows as the reason.
REASONS = {
    "vakantie": "Vakantie",
    "ziekte": "Ziekte",
    "verlof": "Verlof",
    "vertrek": "Vertrek van de life-coach",
    "werkverdeling": "Werkverdeling",
    "anders": "Anders",
}
NOTE_NEEDED = "anders"  # "Anders" says nothing by itself: the note is the reason
NOTE_MAX = 1000
MAX_FILES = 500  # one handover; a whole caseload is far less
UNTIL_MAX_DAYS = 366
LIST_MAX = 500  # files on the handover page at once; more: filter by coach
NO_COACH = "geen"  # the list filter for files without a coach


class HandoverError(ValueError):
    """A refused handover, with a Dutch message and the form field it belongs to."""

    def __init__(self, message: str, field: str = "participants"):
        super().__init__(message)
        self.field = field


@dataclass
class Skipped:
    label: str  # the participant's name, or what was sent
    why: str


@dataclass
class HandoverResult:
    to_coach: User
    moved: list[Participant] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


# --------------------------------------------------------------------------- the choice of files


def parse_ids(values) -> tuple[list[int], list[str]]:
    """The form's participant values as ids, in order without repeats, and what was not an id at all."""
    ids, bad = [], []
    for value in values or ():
        text = str(value).strip()
        if text.isdigit() and 0 < int(text) <= INT_MAX:
            if int(text) not in ids:
                ids.append(int(text))
        elif text:
            bad.append(text[:20])
    return ids, bad


def open_files(coach_filter: str, limit: int = LIST_MAX) -> tuple[list[tuple[Participant, CoachAssignment]], bool]:
    """The files that can move, by name, with their open period ("tijdelijk tot"); whether there were more.

    `coach_filter`: a coach's id as text, NO_COACH, or "" for every coach. One query.
    """
    query = (
        select(Participant, CoachAssignment)
        .outerjoin(
            CoachAssignment,
            (CoachAssignment.participant_id == Participant.id) & CoachAssignment.ends_at.is_(None),
        )
        .options(joinedload(Participant.coach))
        .where(Participant.status.not_in([s.value for s in workflow.ENDED]))
    )
    if coach_filter == NO_COACH:
        query = query.where(Participant.coach_id.is_(None))
    elif coach_filter.isdigit() and int(coach_filter) <= INT_MAX:
        query = query.where(Participant.coach_id == int(coach_filter))
    rows = db.session.execute(
        query.order_by(Participant.last_name, Participant.first_name, Participant.id).limit(limit + 1)
    ).all()
    return [(p, a) for p, a in rows[:limit]], len(rows) > limit


def coaches_with_files() -> list[tuple[User, int]]:
    """Every coach who has open files, also one who left (their files must move), with the count. One query."""
    count = func.count(Participant.id)
    rows = db.session.execute(
        select(User, count)
        .join(Participant, Participant.coach_id == User.id)
        .where(Participant.status.not_in([s.value for s in workflow.ENDED]))
        .group_by(User.id)
        .order_by(User.name, User.id)
    ).all()
    return [(user, n) for user, n in rows]


# --------------------------------------------------------------------------- the handover


def check_details(to_coach: User | None, reason: str, note: str, until: date | None, today: date) -> None:
    """The new coach, the reason, the note and "tijdelijk tot" (raises HandoverError at the field)."""
    if to_coach is None or to_coach.role != Role.COACH.value or not to_coach.active:
        raise HandoverError("Kies een life-coach die nu werkt.", "to_coach")
    if reason not in REASONS:
        raise HandoverError("Kies een reden.", "reason")
    if has_control_characters(note or "", multi_line=True):
        raise HandoverError(
            "Hier staat een onzichtbaar teken in (bijvoorbeeld een nul-teken). Haal het weg of typ de tekst opnieuw.",
            "note",
        )
    if len(note or "") > NOTE_MAX:
        raise HandoverError(f"Gebruik hooguit {NOTE_MAX} tekens.", "note")
    if reason == NOTE_NEEDED and not (note or "").strip():
        raise HandoverError("Schrijf bij 'Anders' op waarom de dossiers naar een andere life-coach gaan.", "note")
    if until is not None and not (today < until <= today + timedelta(days=UNTIL_MAX_DAYS)):
        raise HandoverError("Kies een datum na vandaag en binnen een jaar, of laat het leeg.", "until")


def reason_text(reason: str) -> str:
    return REASONS[reason]


def hand_over(
    values,
    to_coach: User | None,
    reason: str,
    note: str,
    until: date | None,
    by: User,
    today: date,
    at: datetime | None = None,
) -> HandoverResult:
    """Move the files named by `values` (form values) to `to_coach` in the caller's transaction.

    Raises HandoverError when nothing can be done (no coach, no reason, nothing chosen, every file skipped);
    otherwise returns what moved and what was skipped and why. The caller commits.
    """
    check_details(to_coach, reason, note, until, today)
    ids, bad = parse_ids(values)
    if not ids and not bad:
        raise HandoverError("Kies minstens één dossier.")
    if len(ids) + len(bad) > MAX_FILES:
        raise HandoverError(f"Kies hooguit {MAX_FILES} dossiers tegelijk.")
    query = select(Participant).where(Participant.id.in_(ids)).order_by(Participant.id)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update()  # a second handover of the same files waits, then sees this one
    found = {p.id: p for p in db.session.scalars(query)}

    result = HandoverResult(to_coach)
    result.skipped += [Skipped(text, "dit is geen dossier") for text in bad]
    for pid in ids:
        participant = found.get(pid)
        if participant is None:
            result.skipped.append(Skipped(f"dossier {pid}", "dit dossier bestaat niet"))
        elif participant.status in workflow.ENDED:
            result.skipped.append(Skipped(participant.full_name, "het dossier is afgesloten"))
        elif participant.coach_id == to_coach.id:
            result.skipped.append(Skipped(participant.full_name, f"{to_coach.name} is al de life-coach"))
        else:
            result.moved.append(participant)
    if not result.moved:
        raise HandoverError("Geen van de gekozen dossiers kan worden overgedragen: " + describe(result.skipped))

    label = reason_text(reason)
    changes = {"aantal": (None, len(result.moved)), "reden": (None, label)}
    if result.skipped:
        changes["overgeslagen"] = (None, len(result.skipped))
    record(db.session, "handover", to_coach, changes=changes)  # first: it names the whole action in the log
    at = at or utcnow()
    for participant in result.moved:
        coach_history.assign_coach(participant, to_coach, label, by, at=at, note=note, until=until)
    return result


def describe(skipped: list[Skipped], most: int = 10) -> str:
    """The skipped files in one Dutch sentence part: "Sanne de Vries (het dossier is afgesloten), ..."."""
    parts = [f"{s.label} ({s.why})" for s in skipped[:most]]
    if len(skipped) > most:
        parts.append(f"en nog {len(skipped) - most}")
    return ", ".join(parts) + "."


# --------------------------------------------------------------------------- for the new coach


def _unread(coach_id: int):
    return (
        CoachAssignment.coach_id == coach_id,
        CoachAssignment.ends_at.is_(None),
        CoachAssignment.read_at.is_(None),
    )


def unread_for(coach_id: int, limit: int = 100) -> list[Participant]:
    """Open files handed over to this coach whose summary they have not read yet, newest first. One query."""
    return list(
        db.session.scalars(
            select(Participant)
            .join(CoachAssignment, CoachAssignment.participant_id == Participant.id)
            .where(*_unread(coach_id), Participant.status.not_in([s.value for s in workflow.ENDED]))
            .order_by(CoachAssignment.starts_at.desc(), Participant.id)
            .limit(limit)
        )
    )


@dataclass
class Summary:
    """What the new coach needs first; the overview adds its own facts (next conversation, money, contract)."""

    assignment: CoachAssignment
    previous_coach: str | None  # name; None: the file had no coach
    open_goals: list[Goal]  # each with its actions (the template shows the open ones)
    open_commitments: list[Commitment]

    @property
    def open_actions(self) -> int:
        return sum(1 for goal in self.open_goals for action in goal.actions if not action.done)


# Made once: SQLAlchemy works out each column of a new alias on first use (about 1 ms a statement here).
_EARLIER = aliased(CoachAssignment)


def unread_assignment(participant_id: int, coach_id: int) -> tuple[CoachAssignment, str | None] | None:
    """The file's open period when it was handed to `coach_id` and is unread, with the previous coach's name."""
    earlier = _EARLIER
    previous = (
        select(User.name)
        .select_from(earlier)
        .join(User, User.id == earlier.coach_id)
        .where(earlier.participant_id == CoachAssignment.participant_id, earlier.ends_at.is_not(None))
        .order_by(earlier.ends_at.desc(), earlier.id.desc())
        .limit(1)
        .correlate(CoachAssignment)
        .scalar_subquery()
    )
    row = db.session.execute(
        select(CoachAssignment, previous)
        .options(joinedload(CoachAssignment.assigned_by))
        .where(CoachAssignment.participant_id == participant_id, *_unread(coach_id))
    ).first()
    return (row[0], row[1]) if row is not None else None


def summary(participant: Participant, coach_id: int) -> Summary | None:
    """The handover summary of one file for `coach_id`, or None (not handed to them, or read). 1 query, 4 shown."""
    found = unread_assignment(participant.id, coach_id)
    if found is None or participant.status in workflow.ENDED:
        return None
    assignment, previous = found
    goals = [g for g in queries.goals_of(participant.id) if g.status in OPEN_GOAL_STATUSES]
    commitments = [c for c in participant_commitments(participant.id) if c.status in OPEN_COMMITMENT_STATUSES]
    return Summary(assignment, previous, goals, commitments)


def mark_read(participant: Participant, coach: User, now: datetime | None = None) -> bool:
    """The new coach has read the handover summary: it stops showing. False when there was none to read."""
    found = unread_assignment(participant.id, coach.id)
    if found is None:
        return False
    found[0].read_at = now or utcnow()
    record(db.session, "handover_read", participant)
    return True


def file_context(participant: Participant) -> dict:
    """The overview's part: the summary for the signed-in coach (sections.OVERVIEW_PARTS)."""
    from flask_login import current_user

    return {"handover": summary(participant, current_user.id)}
