"""The pilot report's figures: plain SQL aggregates per pilot year (or the whole pilot), no HTTP.

Every function takes `Filters` and returns plain dataclasses. `build_report` runs a fixed number of
queries (GROUP BY and window functions), whatever the number of participants.

Definitions (shown in the page too):
- population of a year: participants who were in the pilot that year: started on or before 31 December
  and not closed before 1 January. The whole pilot: every participant.
- inflow: participants by start date (month).
- status: at the end of the year from the status history (StatusChange); today's for the whole pilot.
- finished (afgesloten) trajectories: status 'afgerond' or 'uitgevallen', in a year by outcome date.
- ZRM and ladder: first assessment (intake) against the latest up to the end of the period, for
  participants of the population with at least two assessments by then.
- commitments: due in the period (without a due date: created in the period, Hengelo time); fulfilled share =
  nagekomen of those with a known result (nagekomen or niet nagekomen).
- money: the pots of the budget year (all pots for the whole pilot). Maatwerk counts approved and paid
  requests; the life-coach pot counts its realised (invoiced) costs. Life-coach costs belong to no
  participant, so with a coach or referral filter the selection gets an equal share per participant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, exists, extract, func, literal, null, or_, select, true, union

from blueprints.budget.rules import pot_figures
from blueprints.youths.coach_history import coached_by
from core.localtime import local_midnight_utc, local_now
from core.money import CENT, cents_sum, from_cents
from core.percent import percent_of
from models import (
    COMMITMENT_STATUS_LABELS,
    MAATWERK_CATEGORY_LABELS,
    OUTCOME_LABELS,
    PARTICIPANT_STATUS_LABELS,
    POT_KIND_LABELS,
    REFERRAL_LABELS,
    ZRM_DOMAIN_LABELS,
    AssessmentProgress,
    BudgetPot,
    BudgetYear,
    Commitment,
    Conversation,
    LifeCoachInvoice,
    MaatwerkParticipantTotal,
    MaatwerkRequest,
    MaatwerkTotal,
    OutboxMessage,
    OutboxStatus,
    Participant,
    PotKind,
    StatusChange,
    User,
    db,
)

FINISHED_STATUSES = ("afgerond", "uitgevallen")
POSITIVE_OUTCOMES = ("betaald_werk", "opleiding", "leerwerktraject")
SPEND_STATUSES = ("goedgekeurd", "betaald")
NO_SHOW = "niet_verschenen"
MONTHS_NL = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
UNKNOWN = "onbekend"


# --------------------------------------------------------------------------- filters and shares


@dataclass(frozen=True)
class Filters:
    """What the report is about: a pilot year (None: the whole pilot), a coach, a referral source."""

    year: int | None = None
    coach_id: int | None = None
    referral: str | None = None

    @property
    def selects_participants(self) -> bool:
        return self.coach_id is not None or bool(self.referral)

    @property
    def start(self) -> date | None:
        return date(self.year, 1, 1) if self.year else None

    @property
    def end(self) -> date | None:
        return date(self.year, 12, 31) if self.year else None

    def as_args(self) -> dict:
        args = {"jaar": self.year, "coach": self.coach_id, "verwijzer": self.referral}
        return {k: v for k, v in args.items() if v not in (None, "")}


@dataclass(frozen=True)
class Share:
    """A part of a named whole: '12 van de 24 afgesloten trajecten (50%)'. Whole 0 means 'nog geen'."""

    part: int
    whole: int

    @property
    def percent(self) -> Decimal | None:
        """Whole percent, rounded half up: the page, CSV and XLSX all show this number."""
        return percent_of(self.part, self.whole)


def divide_money(amount: Decimal, count: int) -> Decimal | None:
    """An amount per unit in cents, or None when there are no units (never a division by zero)."""
    if not count:
        return None
    return (amount / count).quantize(CENT, rounding=ROUND_HALF_UP)


def allocated_share(amount: Decimal, part: int, whole: int) -> Decimal:
    """The equal share per participant of a cost that belongs to no participant (life-coach costs)."""
    if not whole:
        return Decimal("0.00")
    return (amount * part / whole).quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- conditions


def period_end_moment(filters: Filters) -> datetime | None:
    """The moment a period's population is judged at for the coach filter: the end of the year (midnight
    in Hengelo); None for the whole pilot, whose population belongs to today's coach."""
    return local_midnight_utc(date(filters.year + 1, 1, 1)) if filters.year else None


def _participant_selected(filters: Filters, at=None, participant_id=None):
    """The coach and referral filter. The coach is the one who had the file at the event's moment `at`
    (a column or value: outcome date, conversation, request; youths/coach_history.coach_at), so a
    handover never moves past results or money to the new coach; without `at`, today's coach."""
    conditions = []
    if filters.coach_id is not None:
        if at is None:
            conditions.append(Participant.coach_id == filters.coach_id)
        else:
            conditions.append(coached_by(filters.coach_id, participant_id or Participant.id, at))
    if filters.referral:
        conditions.append(Participant.referral_source == filters.referral)
    return and_(true(), *conditions)


def _in_population(filters: Filters):
    """Participants in the pilot during the year (every participant for the whole pilot)."""
    if not filters.year:
        return true()
    return and_(
        Participant.start_date <= filters.end,
        or_(Participant.outcome_date.is_(None), Participant.outcome_date >= filters.start),
    )


def _population(filters: Filters):
    """The period's participants; under a coach filter those the coach had at the end of the period."""
    return and_(_in_population(filters), _participant_selected(filters, at=period_end_moment(filters)))


def _of_population(query, participant_id, filters: Filters, at=None):
    """Restrict rows (of another table) to the population's participants; every participant counts for
    the whole pilot without a coach or referral filter, so then there is nothing to join. `at`: the
    row's own moment for the coach filter (else the end of the period)."""
    if not filters.year and not filters.selects_participants:
        return query
    moment = at if at is not None else period_end_moment(filters)
    return query.join(Participant, Participant.id == participant_id).where(
        _in_population(filters), _participant_selected(filters, at=moment, participant_id=participant_id)
    )


def _finished(filters: Filters):
    """Closed trajectories of the period; under a coach filter those the coach had on the outcome date."""
    condition = Participant.status.in_(FINISHED_STATUSES)
    if filters.year:
        condition = and_(condition, Participant.outcome_date.between(filters.start, filters.end))
    return and_(condition, _participant_selected(filters, at=Participant.outcome_date))


def _budget_year(filters: Filters):
    return BudgetYear.year == filters.year if filters.year else true()


# --------------------------------------------------------------------------- figures


@dataclass
class Option:
    value: str
    label: str


def filter_options() -> dict[str, list[Option]]:
    """Years (budget years and start years), coaches and referral sources for the filter form: 1 query
    (a UNION of the years and the coaches, told apart by a kind column)."""
    start_years = select(
        literal("jaar").label("kind"), extract("year", Participant.start_date).label("value"), null().label("name")
    ).distinct()
    budget_years = select(literal("jaar"), BudgetYear.year, null())
    coach_rows = select(literal("coach"), User.id, User.name).where(User.role == "coach")
    years, coaches = set(), []
    everything = union(start_years, budget_years, coach_rows).order_by(
        "kind", "name", "value"
    )  # the database's collation
    for kind, value, name in db.session.execute(everything):
        if kind == "coach":
            coaches.append((value, name))
        elif value is not None:
            years.add(int(value))
    years = sorted(years)
    return {
        "years": [Option(str(y), str(y)) for y in years],
        "coaches": [Option(str(i), name) for i, name in coaches],
        "referrals": [Option(k, v) for k, v in REFERRAL_LABELS.items()],
    }


@dataclass
class MonthCount:
    year: int
    month: int
    count: int

    @property
    def label(self) -> str:
        return f"{MONTHS_NL[self.month - 1]} {self.year}"


def inflow_condition(filters: Filters):
    """SQL on Participant: started in the period (by today: a planned start is no inflow yet), for the
    coach who had the file at the start."""
    condition = and_(
        _participant_selected(filters, at=Participant.start_date), Participant.start_date <= local_now().date()
    )
    if filters.year:
        condition = and_(condition, Participant.start_date.between(filters.start, filters.end))
    return condition


def inflow_per_month(filters: Filters) -> list[MonthCount]:
    """New participants per month of their start date; every month of the period, also empty ones."""
    y, m = extract("year", Participant.start_date), extract("month", Participant.start_date)
    query = select(y, m, func.count(Participant.id)).where(inflow_condition(filters)).group_by(y, m)
    counts = {(int(a), int(b)): n for a, b, n in db.session.execute(query)}
    if filters.year:
        first, last = (filters.year, 1), (filters.year, 12)
    elif counts:
        first, last = min(counts), max(counts)
    else:
        return []
    months, (year, month) = [], first
    while (year, month) <= last:
        months.append(MonthCount(year, month, counts.get((year, month), 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass
class LabelCount:
    key: str
    label: str
    count: int
    share: Share


@dataclass
class StatusFigures:
    rows: list[LabelCount]
    total: int  # participants in the selection
    total_all: int  # participants in the period without coach/referral filter (for cost allocation)


def _status_at(end: date):
    """Per participant (a correlated scalar subquery): the status of the latest StatusChange on or before
    `end`, one step down the index on (participant_id, changed_on, id)."""
    return (
        select(StatusChange.to_status)
        .where(StatusChange.participant_id == Participant.id, StatusChange.changed_on <= end)
        .order_by(StatusChange.changed_on.desc(), StatusChange.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _status_rule(at_end, current, closed_later):
    """The status at the end of the year, from its parts (columns of a subquery or of Participant): the
    latest status change by then, else the current status, except that a trajectory closed after the
    year was still running then ('actief'). Written once for the count and the drill-down's list."""
    return case(
        (at_end.is_not(None), at_end),
        (and_(closed_later, current.in_(FINISHED_STATUSES)), "actief"),
        else_=current,
    )


def status_in_period(filters: Filters):
    """SQL on Participant: its status for the report's period (today's for the whole pilot)."""
    if not filters.year:
        return Participant.status
    return _status_rule(_status_at(filters.end), Participant.status, Participant.outcome_date > filters.end)


def participants_by_status(filters: Filters) -> StatusFigures:
    """Status at the end of the year (from the status history), or today's status for the whole pilot.

    Without a status change by the year's end the current status counts, except that a trajectory
    closed after the year was still running then ('actief').
    """
    at_end = _participant_selected(filters, at=period_end_moment(filters))
    if filters.year:
        per_participant = (
            select(
                _status_at(filters.end).label("at_end"),
                Participant.status,
                case((Participant.outcome_date > filters.end, 1), else_=0).label("closed_later"),
                case((at_end, 1), else_=0).label("selected"),
            )
            .where(_in_population(filters))
            .subquery()
        )
        c = per_participant.c
        status = _status_rule(c.at_end, c.status, c.closed_later == 1).label("status")
        query = select(status, func.count(), func.coalesce(func.sum(c.selected), 0)).group_by(status)
    else:
        selected = func.coalesce(func.sum(case((at_end, 1), else_=0)), 0)
        query = (
            select(Participant.status, func.count(Participant.id), selected)
            .where(_in_population(filters))
            .group_by(Participant.status)
        )
    counts: dict[str, int] = {}
    total_all = 0
    for status_key, n_all, n_selected in db.session.execute(query):
        counts[status_key] = counts.get(status_key, 0) + int(n_selected or 0)
        total_all += n_all
    total = sum(counts.values())
    labelled = [
        LabelCount(str(status), label, counts.get(status, 0), Share(counts.get(status, 0), total))
        for status, label in PARTICIPANT_STATUS_LABELS.items()
    ]
    return StatusFigures(labelled, total, total_all)


@dataclass
class OutcomeFigures:
    rows: list[LabelCount]
    finished: int
    positive: Share


def _closed(filters: Filters, closed: list | None) -> list:
    """The closed trajectories' rows (money_outcomes.closed_trajectories), read unless given."""
    from blueprints.reports.money_outcomes import closed_trajectories  # builds on this module

    return closed_trajectories(filters) if closed is None else closed


def outcomes(filters: Filters, closed: list | None = None) -> OutcomeFigures:
    counts: dict[str, int] = {}
    for _, outcome, *_rest in _closed(filters, closed):
        counts[outcome or UNKNOWN] = counts.get(outcome or UNKNOWN, 0) + 1
    finished = sum(counts.values())
    labels = dict(OUTCOME_LABELS)
    if counts.get(UNKNOWN):
        labels[UNKNOWN] = "Niet vastgelegd"
    rows = [LabelCount(k, v, counts.get(k, 0), Share(counts.get(k, 0), finished)) for k, v in labels.items()]
    positive = sum(counts.get(k, 0) for k in POSITIVE_OUTCOMES)
    return OutcomeFigures(rows, finished, Share(positive, finished))


@dataclass
class ReasonCount:
    reason: str
    count: int


@dataclass
class DropoutFigures:
    share: Share  # dropouts of the finished trajectories
    reasons: list[ReasonCount]


def dropouts(filters: Filters, finished: int, closed: list | None = None) -> DropoutFigures:
    counts: dict[str, int] = {}
    for _, _outcome, status, text, *_money in _closed(filters, closed):
        if status != "uitgevallen":
            continue
        reason = (text or "").strip() or "Geen reden vastgelegd"
        counts[reason] = counts.get(reason, 0) + 1
    reasons = [ReasonCount(r, n) for r, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return DropoutFigures(Share(sum(r.count for r in reasons), finished), reasons)


def no_show_rows(filters: Filters):
    """SQL: the ids of participants with two 'niet verschenen' in a row, the follow-up rule of
    youths/followup.py ('afgemeld' and planned conversations neither count nor break a row; 'verschenen'
    breaks it), whose row was completed (the second no-show) in the period, Hengelo time.

    One window function (LAG over the participant's held and missed conversations), on SQLite and
    PostgreSQL alike; the report's count and the drill-down's list both use this subquery.
    """
    previous = (
        func.lag(Conversation.attendance)
        .over(partition_by=Conversation.participant_id, order_by=(Conversation.held_at, Conversation.id))
        .label("previous")
    )
    held = (
        select(Conversation.participant_id, Conversation.held_at, Conversation.attendance, previous)
        .where(Conversation.attendance.in_(["verschenen", NO_SHOW]))
        .subquery()
    )
    query = select(held.c.participant_id).where(held.c.attendance == NO_SHOW, held.c.previous == NO_SHOW)
    if filters.year:
        query = query.where(
            held.c.held_at >= local_midnight_utc(filters.start),
            held.c.held_at < local_midnight_utc(date(filters.year + 1, 1, 1)),
        )
    return query.distinct()


def no_shows(filters: Filters, population: int) -> Share:
    """Participants of the population with two 'niet verschenen' in a row (completed in the year, if one
    is chosen): the follow-up rule, not just any two no-shows (issue #17 point 7)."""
    # A share of the population, so under a coach filter the coach at the end of the period decides
    # (the part stays within the whole); single appointments count for their own coach (reminders).
    query = select(func.count(Participant.id)).where(no_show_condition(filters))
    return Share(int(db.session.scalar(query) or 0), population)


def no_show_condition(filters: Filters):
    """SQL on Participant: of the population, with two no-shows in a row (the report's count; the
    council's one pass over participants carries it as a column)."""
    return and_(Participant.id.in_(no_show_rows(filters)), _population(filters))


@dataclass(frozen=True)
class ReminderEffect:
    """No-shows among appointments that took place or were missed, with and without a reminder that went out."""

    with_reminder: Share  # part: no-shows, whole: appointments held or missed that had a reminder sent
    without_reminder: Share


def reminder_rows(filters: Filters):
    """SQL: one row per held or missed appointment of the period and the population (participant_id,
    attendance, reminded 1/0); the count below and the drill-down's list both read it."""
    reminded = exists().where(
        OutboxMessage.conversation_id == Conversation.id,
        OutboxMessage.kind == "herinnering",
        OutboxMessage.status == OutboxStatus.SENT.value,
    )
    inner = select(
        Conversation.participant_id.label("participant_id"),
        Conversation.attendance.label("attendance"),
        case((reminded, 1), else_=0).label("reminded"),
    ).where(Conversation.attendance.in_(["verschenen", NO_SHOW]))
    inner = _of_population(inner, Conversation.participant_id, filters, at=Conversation.held_at)
    if filters.year:
        inner = inner.where(
            Conversation.held_at >= local_midnight_utc(filters.start),
            Conversation.held_at < local_midnight_utc(date(filters.year + 1, 1, 1)),
        )
    return inner


def no_shows_by_reminder(filters: Filters) -> ReminderEffect:
    """One query: each held or missed appointment (in the year, of the population), split by whether a
    reminder reached the outbox's "sent" state (blueprints/mijn/reminders.py)."""
    rows = reminder_rows(filters).subquery()
    counts = {
        reminded_flag: (int(missed or 0), int(total))
        for reminded_flag, total, missed in db.session.execute(
            select(rows.c.reminded, func.count(), func.sum(case((rows.c.attendance == NO_SHOW, 1), else_=0))).group_by(
                rows.c.reminded
            )
        )
    }
    return ReminderEffect(Share(*counts.get(1, (0, 0))), Share(*counts.get(0, (0, 0))))


@dataclass
class DomainChange:
    domain: str
    label: str
    participants: int  # with a score at intake and at the latest assessment
    total_change: int

    @property
    def average(self) -> Decimal | None:
        if not self.participants:
            return None
        return (Decimal(self.total_change) / self.participants).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class LadderFigures:
    up: Share
    same: Share
    down: Share
    measured: int  # participants with at least two assessments


@dataclass
class ProgressFigures:
    domains: list[DomainChange]
    ladder: LadderFigures


def _latest_by_end(filters: Filters):
    """The progress row of each participant's latest assessment by the period's end (the latest of all
    for the whole pilot): assessed by then, and the next assessment (if any) came after it."""
    row = AssessmentProgress
    if not filters.year:
        return row.next_assessed_on.is_(None)
    return and_(row.assessed_on <= filters.end, or_(row.next_assessed_on.is_(None), row.next_assessed_on > filters.end))


def progress_rows(filters: Filters, *columns):
    """SQL: `columns` over the latest progress row of each measured participant of the population (one
    row per participant; the count and the drill-down's list both read it)."""
    row = AssessmentProgress
    query = select(*columns).select_from(row).where(_latest_by_end(filters), ~row.is_first)
    return _of_population(query, row.participant_id, filters, at=row.assessed_on)


def progress(filters: Filters) -> ProgressFigures:
    """First against latest assessment, in one query over the precomputed changes (`AssessmentProgress`).

    The latest assessment's row holds its changes since the participant's first one; it is not the first
    exactly when the participant has two or more assessments by the period's end (the first of all is
    then also the first by the period's end).
    """
    row = AssessmentProgress
    domain_columns = [row.__table__.c[f"change_{d}"] for d in ZRM_DOMAIN_LABELS]
    query = progress_rows(
        filters,
        func.count(),
        func.count(case((row.rung_change > 0, 1))),
        func.count(case((row.rung_change == 0, 1))),
        func.count(case((row.rung_change < 0, 1))),
        *(aggregate for column in domain_columns for aggregate in (func.count(column), func.sum(column))),
    )
    figures = db.session.execute(query).one()
    measured, up, same, down, *by_domain = (int(value or 0) for value in figures)
    domains = [
        DomainChange(d, label, by_domain[2 * i], by_domain[2 * i + 1])
        for i, (d, label) in enumerate(ZRM_DOMAIN_LABELS.items())
    ]
    ladder = LadderFigures(Share(up, measured), Share(same, measured), Share(down, measured), measured)
    return ProgressFigures(domains, ladder)


@dataclass
class CommitmentFigures:
    rows: list[LabelCount]
    total: int
    fulfilled: Share  # nagekomen of (nagekomen + niet nagekomen)


def commitment_rows(filters: Filters, *columns):
    """SQL: `columns` over the commitments of the period (and selection); count and list read it."""
    query = select(*columns).select_from(Commitment)
    if filters.year:
        # created_at is UTC: the year starts at midnight in Hengelo, as for conversations.
        query = query.where(
            or_(
                Commitment.due_date.between(filters.start, filters.end),
                and_(
                    Commitment.due_date.is_(None),
                    Commitment.created_at >= local_midnight_utc(filters.start),
                    Commitment.created_at < local_midnight_utc(date(filters.year + 1, 1, 1)),
                ),
            )
        )
    if filters.selects_participants:  # pilot-wide commitments belong to no coach or referral source
        query = query.join(Participant, Participant.id == Commitment.participant_id).where(
            _participant_selected(filters, at=period_end_moment(filters))
        )
    return query


def commitments(filters: Filters) -> CommitmentFigures:
    query = commitment_rows(filters, Commitment.status, func.count(Commitment.id)).group_by(Commitment.status)
    counts = dict(db.session.execute(query).all())
    total = sum(counts.values())
    rows = [
        LabelCount(str(k), v, counts.get(k, 0), Share(counts.get(k, 0), total))
        for k, v in COMMITMENT_STATUS_LABELS.items()
    ]
    decided = counts.get("nagekomen", 0) + counts.get("niet_nagekomen", 0)
    return CommitmentFigures(rows, total, Share(counts.get("nagekomen", 0), decided))


@dataclass
class PotRow:
    kind: str
    label: str
    budget: Decimal  # pot amounts + contributions + carry-over in - out
    committed: Decimal  # approved, not yet paid (maatwerk only)
    realised: Decimal  # paid requests / booked life-coach invoices
    allocated: bool = False  # life-coach costs shared out to a coach/referral selection

    @property
    def spent(self) -> Decimal:
        return self.committed + self.realised

    @property
    def budget_used(self) -> Share:
        """Spent of the budget, in cents (percent_of rounds it like every share)."""
        return Share(int(self.spent * 100), int(self.budget * 100))


@dataclass
class CategoryRow:
    category: str
    label: str
    requests: int
    committed: Decimal
    realised: Decimal

    @property
    def spent(self) -> Decimal:
        return self.committed + self.realised


@dataclass
class MoneyFigures:
    pots: list[PotRow]
    categories: list[CategoryRow]
    maatwerk_total: Decimal
    maatwerk_participants: int  # participants with at least one approved or paid request
    lifecoach_realised: Decimal  # the whole pot(s), unfiltered
    lifecoach_share: Decimal  # the part that falls to the selection
    participants: int
    participants_all: int
    positive_outcomes: int

    @property
    def total_cost(self) -> Decimal:
        return self.maatwerk_total + self.lifecoach_share

    @property
    def average_maatwerk(self) -> Decimal | None:
        return divide_money(self.maatwerk_total, self.participants)

    @property
    def cost_per_participant(self) -> Decimal | None:
        return divide_money(self.total_cost, self.participants)

    @property
    def cost_per_positive_outcome(self) -> Decimal | None:
        return divide_money(self.total_cost, self.positive_outcomes)

    @property
    def budget_total(self) -> Decimal:
        return sum((p.budget for p in self.pots), Decimal("0.00"))

    @property
    def spent_total(self) -> Decimal:
        return sum((p.spent for p in self.pots), Decimal("0.00"))

    @property
    def budget_used(self) -> Share:
        return Share(int(self.spent_total * 100), int(self.budget_total * 100))


@dataclass
class MoneyRows:
    """What the report's money and the pilot years side by side both read, fetched once (3 queries)."""

    pots: dict  # budget.rules.pot_figures() of every budget year
    spend: list  # (year, kind, category, status, requests, cents): approved and paid, of the selection
    maatwerk_participants: int  # with approved or paid maatwerk in the filters' budget year (or any)
    invoices: list  # (year, kind, cents): booked life-coach invoices; they belong to no participant


def money_rows(filters: Filters) -> MoneyRows:
    """Every budget year's money, grouped: without a coach or referral filter from the budget's running
    totals (a few hundred rows), with one from the requests (each for the coach who asked for it)."""
    if filters.selects_participants:
        people = spend_requests(filters, func.count(func.distinct(MaatwerkRequest.participant_id)))
        spend = spend_requests(
            Filters(coach_id=filters.coach_id, referral=filters.referral),  # every budget year
            BudgetYear.year,
            BudgetPot.kind,
            MaatwerkRequest.category,
            MaatwerkRequest.status,
            func.count(MaatwerkRequest.id),
            cents_sum(MaatwerkRequest.amount),
            people.scalar_subquery(),
        ).group_by(BudgetYear.year, BudgetPot.kind, MaatwerkRequest.category, MaatwerkRequest.status)
    else:
        totals = MaatwerkParticipantTotal
        people = (
            select(func.count(func.distinct(totals.participant_id)))
            .join(BudgetPot, BudgetPot.id == totals.pot_id)
            .join(BudgetYear, BudgetYear.id == BudgetPot.budget_year_id)
            .where(totals.requests > 0, _budget_year(filters))
        )
        spend = (
            select(
                BudgetYear.year,
                BudgetPot.kind,
                MaatwerkTotal.category,
                MaatwerkTotal.status,
                func.sum(MaatwerkTotal.requests),
                func.sum(MaatwerkTotal.amount_cents),
                people.scalar_subquery(),
            )
            .join(BudgetPot, BudgetPot.id == MaatwerkTotal.pot_id)
            .join(BudgetYear, BudgetYear.id == BudgetPot.budget_year_id)
            .where(MaatwerkTotal.status.in_(SPEND_STATUSES), MaatwerkTotal.requests > 0)
            .group_by(BudgetYear.year, BudgetPot.kind, MaatwerkTotal.category, MaatwerkTotal.status)
        )
    spent = db.session.execute(spend).all()
    invoices = db.session.execute(
        select(BudgetYear.year, BudgetPot.kind, cents_sum(LifeCoachInvoice.amount))
        .join(BudgetPot, BudgetPot.id == LifeCoachInvoice.pot_id)
        .join(BudgetYear, BudgetYear.id == BudgetPot.budget_year_id)
        .group_by(BudgetYear.year, BudgetPot.kind)
    ).all()
    return MoneyRows(
        pots=pot_figures(),
        spend=[tuple(row[:6]) for row in spent],
        maatwerk_participants=int(spent[0][6] or 0) if spent else 0,  # no spending at all: nobody
        invoices=[tuple(row) for row in invoices],
    )


def spend_requests(filters: Filters, *columns):
    """SQL: `columns` over the approved and paid requests of the budget year and the selection (each for
    the coach who asked for it): the money figures under a filter and the drill-down's lists."""
    return (
        select(*columns)
        .select_from(MaatwerkRequest)
        .join(BudgetPot, BudgetPot.id == MaatwerkRequest.pot_id)
        .join(BudgetYear, BudgetYear.id == BudgetPot.budget_year_id)
        .join(Participant, Participant.id == MaatwerkRequest.participant_id)
        .where(
            MaatwerkRequest.status.in_(SPEND_STATUSES),
            _budget_year(filters),
            _participant_selected(filters, at=MaatwerkRequest.requested_at),  # the coach who asked for it
        )
    )


def money(
    filters: Filters, participants: int, participants_all: int, positive_outcomes: int, rows: MoneyRows | None = None
) -> MoneyFigures:
    rows = rows or money_rows(filters)
    in_year = (lambda year: year == filters.year) if filters.year else (lambda year: True)
    budgets: dict[str, Decimal] = {}
    for pot in rows.pots.values():  # amount + contributions + carry-in - carry-out: the budget's own totals
        if in_year(pot.year):
            budgets[pot.kind] = budgets.get(pot.kind, Decimal("0.00")) + pot.total
    request_rows = [row[1:] for row in rows.spend if in_year(row[0])]
    maatwerk_participants = rows.maatwerk_participants
    invoiced = {}
    for year, kind, cents in rows.invoices:
        if in_year(year):
            invoiced[kind] = invoiced.get(kind, 0) + cents

    zero = Decimal("0.00")
    committed = {k: zero for k in POT_KIND_LABELS}
    realised = {k: zero for k in POT_KIND_LABELS}
    categories = {k: CategoryRow(str(k), v, 0, zero, zero) for k, v in MAATWERK_CATEGORY_LABELS.items()}
    for kind, category, status, count, cents in request_rows:
        amount = from_cents(cents)
        row = categories.setdefault(category, CategoryRow(category, category, 0, zero, zero))
        row.requests += count
        if status == "betaald":
            realised[kind] = realised.get(kind, zero) + amount
            row.realised += amount
        else:
            committed[kind] = committed.get(kind, zero) + amount
            row.committed += amount
    invoiced_by_kind = {kind: from_cents(cents) for kind, cents in invoiced.items()}
    lifecoach_realised = sum(invoiced_by_kind.values(), zero)
    if filters.selects_participants:
        lifecoach_share = allocated_share(lifecoach_realised, participants, participants_all)
    else:
        lifecoach_share = lifecoach_realised
    maatwerk_total = sum(committed.values(), zero) + sum(realised.values(), zero)

    pots = []
    for kind, label in POT_KIND_LABELS.items():
        is_lifecoach = kind == PotKind.LIFECOACH
        pots.append(
            PotRow(
                str(kind),
                label,
                budgets.get(kind, zero),
                committed.get(kind, zero),
                (lifecoach_share if is_lifecoach else zero) + realised.get(kind, zero),
                allocated=is_lifecoach and filters.selects_participants,
            )
        )
    return MoneyFigures(
        pots=pots,
        categories=list(categories.values()),
        maatwerk_total=maatwerk_total,
        maatwerk_participants=int(maatwerk_participants or 0),
        lifecoach_realised=lifecoach_realised,
        lifecoach_share=lifecoach_share,
        participants=participants,
        participants_all=participants_all,
        positive_outcomes=positive_outcomes,
    )


# --------------------------------------------------------------------------- the whole report


@dataclass
class Report:
    filters: Filters
    inflow: list[MonthCount]
    statuses: StatusFigures
    outcomes: OutcomeFigures
    dropouts: DropoutFigures
    no_shows: Share
    reminder_effect: ReminderEffect
    progress: ProgressFigures
    commitments: CommitmentFigures
    money: MoneyFigures
    money_by_outcome: list  # money_outcomes.OutcomeMoney
    money_by_domain: list  # money_outcomes.DomainMoney
    years: list  # money_outcomes.YearColumn, the pilot years side by side
    council: object  # council.CouncilTable
    persons: object  # youths.persons.PersonCount: trajectories of the population and the persons behind them

    @property
    def inflow_total(self) -> int:
        return sum(m.count for m in self.inflow)

    @property
    def period_label(self) -> str:
        return f"pilotjaar {self.filters.year}" if self.filters.year else "de hele pilot"


def build_report(filters: Filters) -> Report:
    """Every figure of the report: 12 queries, independent of the number of participants (some figures
    share a query: the council's pass over participants, the closed trajectories, the money rows)."""
    # Imported here: these modules build on this module's conditions, so they import this module.
    from blueprints.reports import council, money_outcomes

    statuses = participants_by_status(filters)
    council_table = council.council_table(filters)
    closed = money_outcomes.closed_trajectories(filters)  # one row per closed trajectory, read once
    money_figures = money_rows(filters)  # pots, spending and invoices of every budget year, read once
    outcome_figures = outcomes(filters, closed)
    return Report(
        filters=filters,
        inflow=inflow_per_month(filters),
        statuses=statuses,
        outcomes=outcome_figures,
        dropouts=dropouts(filters, outcome_figures.finished, closed),
        no_shows=Share(council_table.no_shows, statuses.total),  # no_show_condition, in the council's pass
        reminder_effect=no_shows_by_reminder(filters),
        progress=progress(filters),
        commitments=commitments(filters),
        money=money(filters, statuses.total, statuses.total_all, outcome_figures.positive.part, money_figures),
        money_by_outcome=money_outcomes.money_by_outcome(filters, closed),
        money_by_domain=money_outcomes.money_by_domain(filters),
        years=money_outcomes.pilot_years(filters, money_figures),
        council=council_table,
        persons=council_table.persons,  # youths.persons.person_count_columns, in the council's pass
    )
