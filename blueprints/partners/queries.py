"""Queries the partner pages share: lists, the portal, the overview. Fixed query counts, no HTTP.

Every function that a partner's page uses takes an `organisation_id` and filters on it; the
load-or-404 helpers in views.py build on `commitment_scope`.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from blueprints.partners.commitments import DONE_STATUSES, OPEN_STATUSES, STATUSES, fulfilled_percent
from blueprints.youths.queries import own_record_ids
from core.versioned_cache import rendered, version_key
from models import (
    Commitment,
    CommitmentUpdate,
    Organisation,
    OrganisationKind,
    Participant,
    Role,
    User,
    db,
)

PAGE_SIZE = 25
PORTAL_DONE_LIMIT = 10
PORTAL_LIST_LIMIT = PORTAL_DONE_LIMIT  # each list on the partner portal shows at most this many


def _with_people(query: Select) -> Select:
    """Load what a commitment row shows: organisation, the participant's name only, the contact."""
    return query.options(
        joinedload(Commitment.organisation),
        joinedload(Commitment.participant).load_only(Participant.first_name, Participant.last_name),
        joinedload(Commitment.contact_user),
    )


def _due_order():
    # Portable NULLS LAST: commitments without a due date come after the dated ones.
    return (Commitment.due_date.is_(None), Commitment.due_date, Commitment.id)


def overdue_clause(today: date):
    return and_(Commitment.due_date < today, Commitment.status.in_(OPEN_STATUSES))


def commitment_scope(user: User) -> Select:
    """All commitments this user may see: a partner only their own organisation's."""
    query = select(Commitment)
    if user.role == Role.PARTNER.value:
        query = query.where(Commitment.organisation_id == (user.organisation_id or -1))
    return query


def get_commitment(commitment_id: int, user: User, *, with_history: bool = False) -> Commitment | None:
    query = _with_people(commitment_scope(user).where(Commitment.id == commitment_id))
    if with_history:
        query = query.options(selectinload(Commitment.updates).joinedload(CommitmentUpdate.actor))
    return db.session.scalars(query).unique().one_or_none()


# --------------------------------------------------------------------------- lists


@dataclass
class CommitmentFilter:
    status: str = ""  # a status, "open", "afgerond", "achterstallig" or ""
    organisation_id: int | None = None
    scope: str = ""  # "deelnemer", "pilot" or ""


def commitment_page(user: User, filters: CommitmentFilter, page: int, today: date):
    query = _with_people(commitment_scope(user))
    if filters.status == "open":
        query = query.where(Commitment.status.in_(OPEN_STATUSES))
    elif filters.status == "afgerond":
        query = query.where(Commitment.status.in_(DONE_STATUSES))
    elif filters.status == "achterstallig":
        query = query.where(overdue_clause(today))
    elif filters.status in STATUSES:
        query = query.where(Commitment.status == filters.status)
    if filters.organisation_id and user.role != Role.PARTNER.value:
        query = query.where(Commitment.organisation_id == filters.organisation_id)
    if filters.scope == "deelnemer":
        query = query.where(Commitment.participant_id.is_not(None))
    elif filters.scope == "pilot":
        query = query.where(Commitment.participant_id.is_(None))
    query = query.order_by(*_due_order())
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def participant_commitments(participant_id: int) -> list[Commitment]:
    """The commitments partners made for one participant (for the case file), in one query."""
    query = _with_people(select(Commitment).where(Commitment.participant_id == participant_id))
    return list(db.session.scalars(query.order_by(*_due_order())).unique())


def overdue_for_coach(user: User, today: date, limit: int = 20) -> list[Commitment]:
    """Overdue commitments for the coach's own participants or that the coach recorded."""
    query = (
        _with_people(select(Commitment))
        .where(overdue_clause(today))
        .where(Commitment.id.in_(own_record_ids(Commitment, user.id)))
        .order_by(Commitment.due_date, Commitment.id)
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


def organisation_choices(partners_only: bool = True) -> list[tuple[int, str]]:
    query = select(Organisation.id, Organisation.name).where(Organisation.active.is_(True))
    if partners_only:
        query = query.where(Organisation.kind != OrganisationKind.GEMEENTE.value)
    return [(row.id, row.name) for row in db.session.execute(query.order_by(Organisation.name))]


def participant_choices() -> list[tuple[int, str]]:
    query = select(Participant.id, Participant.first_name, Participant.last_name).order_by(
        Participant.last_name, Participant.first_name
    )
    return [(row.id, f"{row.first_name} {row.last_name}") for row in db.session.execute(query)]


def contact_choices() -> list[tuple[int, str, int]]:
    """Active partner users: (id, "name (organisation)", organisation id)."""
    query = (
        select(User.id, User.name, Organisation.name.label("org"), User.organisation_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == Role.PARTNER.value, User.active.is_(True))
        .order_by(Organisation.name, User.name)
    )
    return [(row.id, f"{row.name} ({row.org})", row.organisation_id) for row in db.session.execute(query)]


# --------------------------------------------------------------------------- partner portal


@dataclass
class Portal:
    overdue: list[Commitment]  # the first PORTAL_LIST_LIMIT late ones: for participants, then pilot-wide
    open: list[Commitment]  # the first PORTAL_LIST_LIMIT open, not late, for participants
    done: list[Commitment]
    done_total: int
    pilot_wide: list[Commitment]
    overdue_total: int = 0
    open_total: int = 0
    pilot_wide_total: int = 0


def partner_portal(organisation_id: int, today: date) -> Portal:
    """Everything on a partner's start page, for their own organisation only: five queries.

    The totals are counted in SQL and every list is limited, so the page stays the same size however
    many commitments an organisation has; links lead to the full, paginated list.
    """
    is_open = Commitment.status.in_(OPEN_STATUSES)
    late = and_(is_open, Commitment.due_date < today)
    for_participant = Commitment.participant_id.is_not(None)

    def total(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    # A late pilot-wide commitment is late too: it counts and shows under "Te laat" as well.
    totals = db.session.execute(
        select(
            total(late),
            total(and_(for_participant, is_open, or_(Commitment.due_date.is_(None), Commitment.due_date >= today))),
            total(and_(for_participant, Commitment.status.in_(DONE_STATUSES))),
            total(Commitment.participant_id.is_(None)),
        ).where(Commitment.organisation_id == organisation_id)
    ).one()
    overdue_total, open_total, done_total, pilot_wide_total = (int(n or 0) for n in totals)

    own = _with_people(select(Commitment).where(Commitment.organisation_id == organisation_id))

    def first(query) -> list[Commitment]:
        return list(db.session.scalars(query.limit(PORTAL_LIST_LIMIT)).unique())

    overdue = first(own.where(late).order_by(Commitment.participant_id.is_(None), *_due_order()))
    still_open = first(
        own.where(for_participant, is_open, or_(Commitment.due_date.is_(None), Commitment.due_date >= today)).order_by(
            *_due_order()
        )
    )
    done = first(
        own.where(for_participant, Commitment.status.in_(DONE_STATUSES)).order_by(
            Commitment.updated_at.desc(), Commitment.id.desc()
        )
    )
    pilot_wide = first(own.where(Commitment.participant_id.is_(None)).order_by(*_due_order()))
    return Portal(overdue, still_open, done, done_total, pilot_wide, overdue_total, open_total, pilot_wide_total)


PORTAL_STORE = "pj_partner_portal"


def portal_region(organisation_id: int, role: str, today: date) -> Markup:
    """The portal's commitments as HTML (templates/partners/partials/portal.html), from memory while no data
    changed: per organisation (a partner only ever sees their own), role (what the cards show) and day
    (what is late). The cards hold links, no form or token. Per version of all data: they show commitments,
    participants, contact persons and progress."""
    return rendered(
        PORTAL_STORE,
        version_key(organisation_id, role, today),
        "partners/partials/portal.html",
        lambda: {"portal": partner_portal(organisation_id, today)},
    )


# --------------------------------------------------------------------------- overview


@dataclass
class OrganisationSummary:
    id: int
    name: str
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def open(self) -> int:
        return sum(self.counts.get(s, 0) for s in OPEN_STATUSES)

    @property
    def fulfilled(self) -> int | None:
        return fulfilled_percent(self.counts)


def organisation_summaries(today: date) -> list[OrganisationSummary]:
    """Per partner organisation: commitments per status and how many are overdue, in one GROUP BY."""
    overdue = func.sum(case((overdue_clause(today), 1), else_=0))
    query = (
        select(Organisation.id, Organisation.name, Commitment.status, func.count(Commitment.id), overdue)
        .outerjoin(Commitment, Commitment.organisation_id == Organisation.id)
        .where(or_(Organisation.kind != OrganisationKind.GEMEENTE.value, Commitment.id.is_not(None)))
        .group_by(Organisation.id, Organisation.name, Commitment.status)
        .order_by(Organisation.name)
    )
    summaries: dict[int, OrganisationSummary] = {}
    for org_id, name, status, count, late in db.session.execute(query):
        summary = summaries.setdefault(org_id, OrganisationSummary(org_id, name))
        if status is not None:
            summary.counts[status] = int(count)
            summary.overdue += int(late or 0)
    return list(summaries.values())


def pilot_wide_commitments(organisation_id: int | None = None) -> list[Commitment]:
    query = _with_people(select(Commitment).where(Commitment.participant_id.is_(None)))
    if organisation_id is not None:
        query = query.where(Commitment.organisation_id == organisation_id)
    return list(
        db.session.scalars(query.join(Commitment.organisation).order_by(Organisation.name, Commitment.id)).unique()
    )


@dataclass
class ParticipantPartners:
    id: int
    name: str
    partners: list[tuple[str, int, int, int]]  # (organisation, commitments, open, overdue)


def participants_with_partners(page: int, today: date):
    """Participants that have commitments, paginated, each with the partners involved: three queries."""
    with_commitments = select(Commitment.participant_id).where(Commitment.participant_id.is_not(None))
    query = (
        select(Participant)
        .options(joinedload(Participant.coach).load_only(User.name))
        .where(Participant.id.in_(with_commitments))
        .order_by(Participant.last_name, Participant.first_name, Participant.id)
    )
    pager = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    ids = [p.id for p in pager.items]
    partners: dict[int, list] = defaultdict(list)
    if ids:
        open_count = func.sum(case((Commitment.status.in_(OPEN_STATUSES), 1), else_=0))
        overdue = func.sum(case((overdue_clause(today), 1), else_=0))
        rows = db.session.execute(
            select(Commitment.participant_id, Organisation.name, func.count(Commitment.id), open_count, overdue)
            .join(Organisation, Organisation.id == Commitment.organisation_id)
            .where(Commitment.participant_id.in_(ids))
            .group_by(Commitment.participant_id, Organisation.name)
            .order_by(Organisation.name)
        )
        for participant_id, org_name, count, open_n, late in rows:
            partners[participant_id].append((org_name, int(count), int(open_n or 0), int(late or 0)))
    rows = [ParticipantPartners(p.id, p.full_name, partners[p.id]) for p in pager.items]
    return pager, rows


# --------------------------------------------------------------------------- organisations


@dataclass
class OrganisationRow:
    organisation: Organisation
    users: int
    active_users: int
    commitments: int


def organisation_rows() -> list[OrganisationRow]:
    """All organisations with user and commitment counts, in one query (two correlated counts)."""
    users = (
        select(func.count(User.id))
        .where(User.organisation_id == Organisation.id)
        .correlate(Organisation)
        .scalar_subquery()
    )
    active_users = (
        select(func.count(User.id))
        .where(User.organisation_id == Organisation.id, User.active.is_(True))
        .correlate(Organisation)
        .scalar_subquery()
    )
    commitments = (
        select(func.count(Commitment.id))
        .where(Commitment.organisation_id == Organisation.id)
        .correlate(Organisation)
        .scalar_subquery()
    )
    query = select(Organisation, users, active_users, commitments).order_by(Organisation.name)
    return [OrganisationRow(org, u or 0, a or 0, c or 0) for org, u, a, c in db.session.execute(query)]


def organisation_users(organisation_id: int) -> list[User]:
    query = select(User).where(User.organisation_id == organisation_id).order_by(User.active.desc(), User.name)
    return list(db.session.scalars(query))
