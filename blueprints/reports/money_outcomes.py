"""Money next to every outcome (issue #17 point 8): maatwerk per outcome category and per life domain,
and the pilot years side by side with the share of the budget used. Plain SQL aggregates, no HTTP.

Definitions (the page says them too):
- maatwerk counts approved (verplicht: goedgekeurd, not yet paid) and paid (gerealiseerd: betaald)
  requests, as everywhere in the report.
- per outcome category: closed trajectories (afgerond or uitgevallen; in a year: by outcome date) with all
  maatwerk of the trajectory, from every budget year: what was spent to reach that outcome. "Per
  traject" divides by every closed trajectory of the category, also those without maatwerk; the median
  is of the same per-trajectory totals.
- per life domain: the ZRM domain of the goal a request served (the budget year's requests; 'Geen doel
  gekoppeld' when the request names no goal).
- pilot years: each budget year's figures exactly as the report shows them for that year, and the whole
  pilot. The budget is always the whole pilot's budget: it belongs to no coach or referral source.

Query count: fixed (the closed trajectories, shared with the report's outcome table; 1 per life domain
table; 1 for the pilot years' participants, the rest shared with the report's money: figures.build_report).
The median needs every per-trajectory total of a category: PostgreSQL has percentile_cont, SQLite
has no median, so one query returns the per-trajectory totals (SQL SUMs, in cents) ordered by category
and amount, and the median is taken from that ordered list in Python. The list is bounded by the number
of closed trajectories in the period (in each category: the trajectories of that category).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, literal, or_, select, true

from blueprints.reports.figures import (
    FINISHED_STATUSES,
    POSITIVE_OUTCOMES,
    SPEND_STATUSES,
    UNKNOWN,
    Filters,
    MoneyRows,
    Share,
    _budget_year,
    _finished,
    _participant_selected,
    allocated_share,
    divide_money,
    money_rows,
    period_end_moment,
)
from core.money import CENT, from_cents
from models import (
    OUTCOME_LABELS,
    ZRM_DOMAIN_LABELS,
    BudgetPot,
    BudgetYear,
    Goal,
    MaatwerkRequest,
    Participant,
    db,
)

NO_GOAL = "geen_doel"
ZERO = Decimal("0.00")


def _money_sums():
    """Committed and realised maatwerk in cents, as SQL SUMs over MaatwerkRequest rows."""
    cents = func.round(MaatwerkRequest.amount * 100)
    committed = func.coalesce(func.sum(case((MaatwerkRequest.status == "goedgekeurd", cents), else_=0)), 0)
    realised = func.coalesce(func.sum(case((MaatwerkRequest.status == "betaald", cents), else_=0)), 0)
    return committed, realised


def median(values: list[Decimal]) -> Decimal | None:
    """The middle of an ordered list (the mean of the two middles for an even count, half up to cents)."""
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return ((values[middle - 1] + values[middle]) / 2).quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- per outcome category


@dataclass
class OutcomeMoney:
    key: str
    label: str
    trajectories: int
    committed: Decimal
    realised: Decimal
    with_maatwerk: int
    totals: list[Decimal] = field(default_factory=list, repr=False)  # per trajectory, ascending

    @property
    def total(self) -> Decimal:
        return self.committed + self.realised

    @property
    def per_trajectory(self) -> Decimal | None:
        return divide_money(self.total, self.trajectories)

    @property
    def median(self) -> Decimal | None:
        return median(self.totals)


def closed_trajectories(filters: Filters) -> list:
    """One row per closed trajectory of the period (id, outcome, status, dropout reason, committed and
    realised maatwerk in cents, every budget year), ordered by outcome and amount: 1 query. The outcome
    table, the dropouts and the money per outcome all read these rows (figures.build_report)."""
    committed, realised = _money_sums()
    query = (
        select(Participant.id, Participant.outcome, Participant.status, Participant.dropout_reason, committed, realised)
        .outerjoin(
            MaatwerkRequest,
            and_(MaatwerkRequest.participant_id == Participant.id, MaatwerkRequest.status.in_(SPEND_STATUSES)),
        )
        .where(_finished(filters))
        .group_by(Participant.id, Participant.outcome, Participant.status, Participant.dropout_reason)
        .order_by(Participant.outcome, (committed + realised), Participant.id)
    )
    return db.session.execute(query).all()


def money_by_outcome(filters: Filters, closed: list | None = None) -> list[OutcomeMoney]:
    """One row per outcome category of the closed trajectories, with their maatwerk (from
    `closed_trajectories`, read here unless given)."""
    closed = closed_trajectories(filters) if closed is None else closed
    labels = dict(OUTCOME_LABELS)
    rows = {k: OutcomeMoney(k, v, 0, ZERO, ZERO, 0) for k, v in labels.items()}
    for _, outcome, _status, _reason, committed_cents, realised_cents in closed:
        key = outcome or UNKNOWN
        row = rows.get(key) or rows.setdefault(key, OutcomeMoney(key, "Niet vastgelegd", 0, ZERO, ZERO, 0))
        c, r = from_cents(committed_cents), from_cents(realised_cents)
        row.trajectories += 1
        row.committed += c
        row.realised += r
        row.with_maatwerk += 1 if (c or r) else 0
        row.totals.append(c + r)
    for row in rows.values():
        row.totals.sort()  # SQL ordered them already; equal sums in cents keep this exact
    return list(rows.values())


# --------------------------------------------------------------------------- per life domain


@dataclass
class DomainMoney:
    key: str
    label: str
    requests: int
    participants: int
    committed: Decimal
    realised: Decimal

    @property
    def total(self) -> Decimal:
        return self.committed + self.realised


DOMAIN = func.coalesce(Goal.domain, literal(NO_GOAL))


def domain_requests(filters: Filters, *columns):
    """SQL: `columns` over the approved and paid requests of the budget year (and selection), with the
    goal they served (`DOMAIN`); the table and the drill-down's lists read it."""
    query = (
        select(*columns)
        .select_from(MaatwerkRequest)
        .join(BudgetPot, BudgetPot.id == MaatwerkRequest.pot_id)
        .join(BudgetYear, BudgetYear.id == BudgetPot.budget_year_id)
        .outerjoin(Goal, Goal.id == MaatwerkRequest.goal_id)
        .where(MaatwerkRequest.status.in_(SPEND_STATUSES), _budget_year(filters))
    )
    if filters.selects_participants:
        query = query.join(Participant, Participant.id == MaatwerkRequest.participant_id).where(
            _participant_selected(filters, at=MaatwerkRequest.requested_at)
        )
    return query


def money_by_domain(filters: Filters) -> list[DomainMoney]:
    """Approved and paid maatwerk per life domain of the goal it served (the budget year's): 1 query."""
    committed, realised = _money_sums()
    query = domain_requests(
        filters,
        DOMAIN,
        func.count(MaatwerkRequest.id),
        func.count(func.distinct(MaatwerkRequest.participant_id)),
        committed,
        realised,
    ).group_by(DOMAIN)
    found = {key: (n, people, c, r) for key, n, people, c, r in db.session.execute(query)}
    labels = dict(ZRM_DOMAIN_LABELS) | {NO_GOAL: "Geen doel gekoppeld"}
    rows = []
    for key, label in labels.items():
        n, people, c, r = found.pop(key, (0, 0, 0, 0))
        rows.append(DomainMoney(key, label, int(n), int(people), from_cents(c), from_cents(r)))
    for key, (n, people, c, r) in found.items():  # a domain no longer in the list keeps its money
        rows.insert(-1, DomainMoney(key, key, int(n), int(people), from_cents(c), from_cents(r)))
    return rows


# --------------------------------------------------------------------------- pilot years side by side


@dataclass
class YearColumn:
    year: int | None  # None: the whole pilot
    participants: int  # in the selection
    participants_all: int
    finished: int
    positive: int
    budget: Decimal  # the whole pilot's, also under a coach or referral filter
    committed: Decimal  # maatwerk, approved and not yet paid
    realised: Decimal  # maatwerk paid
    lifecoach_realised: Decimal  # the whole pot(s)
    lifecoach_share: Decimal  # the part that falls to the selection

    @property
    def label(self) -> str:
        return str(self.year) if self.year else "Hele pilot"

    @property
    def maatwerk(self) -> Decimal:
        return self.committed + self.realised

    @property
    def total_cost(self) -> Decimal:
        return self.maatwerk + self.lifecoach_share

    @property
    def budget_used(self) -> Share:
        """Spent (maatwerk + life-coach) of the budget, in cents: the one rounding of core.percent."""
        return Share(int(self.total_cost * 100), int(self.budget * 100))

    @property
    def positive_share(self) -> Share:
        return Share(self.positive, self.finished)

    @property
    def cost_per_positive_outcome(self) -> Decimal | None:
        return divide_money(self.total_cost, self.positive)


def _in_year(year: int):
    start, end = date(year, 1, 1), date(year, 12, 31)
    return and_(
        Participant.start_date <= end, or_(Participant.outcome_date.is_(None), Participant.outcome_date >= start)
    )


def _closed_in(year: int | None):
    condition = Participant.status.in_(FINISHED_STATUSES)
    if year:
        condition = and_(condition, Participant.outcome_date.between(date(year, 1, 1), date(year, 12, 31)))
    return condition


def pilot_years(filters: Filters, rows: MoneyRows | None = None) -> list[YearColumn]:
    """A column per budget year and one for the whole pilot, each equal to the report of that period
    (same selection): participants (1 query) and the money the report reads anyway (figures.money_rows,
    3 queries unless given)."""
    rows = rows or money_rows(filters)
    budgets: dict[int, Decimal] = {}
    for pot in rows.pots.values():
        budgets[pot.year] = budgets.get(pot.year, ZERO) + pot.total
    years = sorted(budgets)
    periods: list[int | None] = [*years, None]

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    columns = []
    for year in periods:
        # As the report of that period: the population by the coach at its end, closed trajectories by
        # the coach on the outcome date (figures.period_end_moment, figures._finished).
        period = Filters(year=year, coach_id=filters.coach_id, referral=filters.referral)
        in_period = _in_year(year) if year else true()
        at_end = _participant_selected(filters, at=period_end_moment(period))
        closed = and_(_closed_in(year), _participant_selected(filters, at=Participant.outcome_date))
        columns += [
            count(in_period),
            count(and_(in_period, at_end)),
            count(closed),
            count(and_(closed, Participant.outcome.in_(POSITIVE_OUTCOMES))),
        ]
    people = [int(v or 0) for v in db.session.execute(select(*columns).select_from(Participant)).one()]

    maatwerk: dict[int, tuple[Decimal, Decimal]] = {}
    for year, _kind, _category, status, _requests, cents in rows.spend:
        c, r = maatwerk.get(year, (ZERO, ZERO))
        amount = from_cents(cents)
        maatwerk[year] = (c, r + amount) if status == "betaald" else (c + amount, r)
    invoiced: dict[int, int] = {}
    for year, _kind, cents in rows.invoices:
        invoiced[year] = invoiced.get(year, 0) + cents

    result = []
    for index, year in enumerate(periods):
        all_, sel, finished, positive = people[4 * index : 4 * index + 4]
        if year:
            c, r = maatwerk.get(year, (ZERO, ZERO))
            lifecoach = from_cents(invoiced.get(year, 0))
            budget = budgets[year]
        else:
            c = sum((v[0] for v in maatwerk.values()), ZERO)
            r = sum((v[1] for v in maatwerk.values()), ZERO)
            lifecoach = sum((from_cents(v) for v in invoiced.values()), ZERO)
            budget = sum(budgets.values(), ZERO)
        share = lifecoach
        if filters.selects_participants:  # the same equal share per participant as the report's money
            share = allocated_share(lifecoach, sel, all_)
        participants = sel if filters.selects_participants else all_
        result.append(YearColumn(year, participants, all_, finished, positive, budget, c, r, lifecoach, share))
    return result
