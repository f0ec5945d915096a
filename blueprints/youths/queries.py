"""Queries the case-file pages share: the filtered list, one whole file, and the coach's start page.

Each function uses a fixed number of SQL statements, whatever the number of participants.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import abort
from sqlalchemy import DDL, event, func, literal_column, or_, select, union
from sqlalchemy.orm import joinedload, selectinload

from blueprints.youths import followup
from core.localtime import week_bounds_utc
from core.sql import in_list
from models import (
    Action,
    Assessment,
    Conversation,
    Goal,
    Organisation,
    Participant,
    StatusChange,
    User,
    db,
)

PER_PAGE = 25


# --------------------------------------------------------------------------- list


@dataclass(frozen=True)
class ListFilter:
    q: str = ""
    status: str = ""
    coach_id: int | None = None
    followup_only: bool = False
    sort: str = "naam"


SORTS = {
    "naam": (Participant.last_name, Participant.first_name, Participant.id),
    "start": (Participant.start_date.desc(), Participant.id),
    "einde": (Participant.end_date, Participant.id),
    "status": (Participant.status, Participant.last_name, Participant.id),
}


# Search in names is a substring search ("jan" finds Jansen and Marjan). On PostgreSQL a trigram
# index on the same expression serves it; SQLite scans (fast enough at pilot sizes).
# The space is an SQL literal, not a bound parameter, so PostgreSQL matches the indexed expression.
SEARCH_NAME = func.lower(Participant.first_name + literal_column("' '") + Participant.last_name)

# For the migration too: op.execute(PARTICIPANT_NAME_SEARCH_DDL) on PostgreSQL, after the participant table.
PARTICIPANT_NAME_SEARCH_DDL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS ix_participant_name_trgm ON participant
  USING gin (lower(first_name || ' ' || last_name) gin_trgm_ops);
"""
event.listen(Participant.__table__, "after_create", DDL(PARTICIPANT_NAME_SEARCH_DDL).execute_if(dialect="postgresql"))


def like_escape(text: str) -> str:
    """`text` as a literal part of a LIKE pattern (escape character `/`)."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def participant_page(filters: ListFilter, page: int, per_page: int = PER_PAGE):
    query = select(Participant).options(joinedload(Participant.coach))
    if filters.q:
        query = query.where(SEARCH_NAME.like(f"%{like_escape(filters.q.lower().strip())}%", escape="/"))
    if filters.status:
        query = query.where(Participant.status == filters.status)
    if filters.coach_id:
        query = query.where(Participant.coach_id == filters.coach_id)
    if filters.followup_only:
        query = query.where(Participant.needs_followup.is_(True))
    query = query.order_by(*SORTS.get(filters.sort, SORTS["naam"]))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def coaches() -> list:
    """Active coaches as (id, name) rows, by name: only what the choice lists show (no whole accounts)."""
    return list(
        db.session.execute(
            select(User.id, User.name).where(User.role == "coach", User.active.is_(True)).order_by(User.name)
        )
    )


# --------------------------------------------------------------------------- one file


def get_participant(participant_id: int) -> Participant:
    """Load a participant (with coach) or 404."""
    participant = db.session.get(Participant, participant_id, options=[joinedload(Participant.coach)])
    if participant is None:
        abort(404)
    return participant


def get_action(action_id: int) -> Action:
    action = db.session.get(Action, action_id, options=[joinedload(Action.goal).joinedload(Goal.participant)])
    if action is None:
        abort(404)
    return action


def get_conversation(conversation_id: int) -> Conversation:
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        abort(404)
    return conversation


@dataclass
class CaseFile:
    participant: Participant
    status_changes: list[StatusChange]  # newest first
    assessments: list[Assessment]  # oldest first
    goals: list[Goal]
    conversations: list[Conversation]  # newest first


def assessments_of(participant_id: int) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.participant_id == participant_id)
            .options(selectinload(Assessment.scores), joinedload(Assessment.assessed_by))
            .order_by(Assessment.assessed_on, Assessment.id)
        )
    )


def goals_of(participant_id: int) -> list[Goal]:
    return list(
        db.session.scalars(
            select(Goal)
            .where(Goal.participant_id == participant_id)
            .options(selectinload(Goal.actions).joinedload(Action.organisation))
            .order_by(Goal.id)
        )
    )


def load_case_file(participant: Participant) -> CaseFile:
    status_changes = db.session.scalars(
        select(StatusChange)
        .where(StatusChange.participant_id == participant.id)
        .options(joinedload(StatusChange.changed_by))
        .order_by(StatusChange.changed_on.desc(), StatusChange.id.desc())
    )
    conversations = db.session.scalars(
        select(Conversation)
        .where(Conversation.participant_id == participant.id)
        .options(joinedload(Conversation.coach))
        .order_by(Conversation.held_at.desc(), Conversation.id.desc())
    )
    return CaseFile(
        participant,
        list(status_changes),
        assessments_of(participant.id),
        goals_of(participant.id),
        list(conversations),
    )


def partner_organisations() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.active.is_(True), Organisation.kind != "gemeente")
            .order_by(Organisation.name)
        )
    )


# --------------------------------------------------------------------------- coach start page


@dataclass
class AttentionItem:
    participant: Participant
    reasons: list[str]
    last_contact: datetime | None


@dataclass
class CoachOverview:
    by_status: dict[str, int]
    attention: list[AttentionItem] = field(default_factory=list)
    ending: list[Participant] = field(default_factory=list)
    this_week: list[tuple[Conversation, Participant]] = field(default_factory=list)

    @property
    def caseload(self) -> int:
        return sum(self.by_status.values())


def last_contact_subquery(now: datetime, coach_id: int | None = None):
    """Latest attended conversation per participant; with `coach_id` only for that coach's caseload.

    Limiting it to the caseload matters: without it the database groups every conversation of every
    participant (20,000 at 100x) to then keep a coach's forty (issue #21: the start page grew with the data).
    """
    query = select(Conversation.participant_id, func.max(Conversation.held_at).label("last_contact")).where(
        Conversation.attendance == "verschenen", Conversation.held_at <= now
    )
    if coach_id is not None:
        query = query.where(in_caseload(Conversation.participant_id, coach_id))
    return query.group_by(Conversation.participant_id).subquery()


def overdue_subquery(today: date, coach_id: int | None = None):
    """Open actions past their date per participant; with `coach_id` only for that coach's caseload."""
    query = (
        select(Goal.participant_id, func.count(Action.id).label("overdue"))
        .join(Action, Action.goal_id == Goal.id)
        .where(Action.done.is_(False), Action.due_date < today)
    )
    if coach_id is not None:
        query = query.where(in_caseload(Goal.participant_id, coach_id))
    return query.group_by(Goal.participant_id).subquery()


def caseload_ids(coach_id: int):
    """The ids of the coach's own participants, as a subquery (one index lookup on participant.coach_id)."""
    return select(Participant.id).where(Participant.coach_id == coach_id)


def in_caseload(column, coach_id: int):
    """`column` is one of the coach's own participants (core/sql.in_list: on PostgreSQL the caseload is read
    once, then each row is an index lookup)."""
    return in_list(column, caseload_ids(coach_id))


def own_record_ids(model, coach_id: int):
    """Ids of a model's rows (a contract, a commitment) that are the coach's own: about one of their
    participants or recorded by them. A UNION of two index lookups: an OR over a join to participant made
    PostgreSQL read every row and every participant for each start page (issue #21)."""
    return union(
        select(model.id).where(in_caseload(model.participant_id, coach_id)),
        select(model.id).where(model.created_by_id == coach_id),
    )


def coach_overview(coach_id: int, today: date, now: datetime) -> CoachOverview:
    """The coach's caseload by status, who needs attention, years ending soon, this week's conversations."""
    by_status = dict(
        db.session.execute(
            select(Participant.status, func.count())
            .where(Participant.coach_id == coach_id)
            .group_by(Participant.status)
        ).all()
    )
    overview = CoachOverview(by_status=by_status)

    last = last_contact_subquery(now, coach_id)
    overdue = overdue_subquery(today, coach_id)
    cutoff = now - timedelta(days=followup.NO_CONTACT_DAYS)
    rows = db.session.execute(
        select(Participant, last.c.last_contact, overdue.c.overdue)
        .outerjoin(last, last.c.participant_id == Participant.id)
        .outerjoin(overdue, overdue.c.participant_id == Participant.id)
        .where(Participant.coach_id == coach_id, Participant.status.in_(followup.ACTIVE_STATUSES))
        .where(
            or_(
                Participant.needs_followup.is_(True),
                overdue.c.overdue > 0,
                func.coalesce(last.c.last_contact, Participant.created_at) < cutoff,
            )
        )
        .order_by(Participant.needs_followup.desc(), Participant.last_name, Participant.id)
    ).all()
    for participant, last_contact, overdue_count in rows:
        reasons = followup.attention_reasons(participant, last_contact, overdue_count or 0, now)
        if reasons:
            overview.attention.append(AttentionItem(participant, reasons, last_contact))

    overview.ending = list(
        db.session.scalars(
            select(Participant)
            .where(
                Participant.coach_id == coach_id,
                Participant.status == "actief",
                Participant.end_date.between(today, today + timedelta(days=followup.ENDING_WITHIN_DAYS)),
            )
            .order_by(Participant.end_date, Participant.id)
        )
    )
    week_start, week_end = week_bounds_utc(today)
    overview.this_week = [
        (conversation, participant)
        for conversation, participant in db.session.execute(
            select(Conversation, Participant)
            .join(Participant, Participant.id == Conversation.participant_id)
            .where(
                Participant.coach_id == coach_id,
                Conversation.held_at >= week_start,
                Conversation.held_at < week_end,
            )
            .order_by(Conversation.held_at, Conversation.id)
        ).all()
    ]
    return overview
