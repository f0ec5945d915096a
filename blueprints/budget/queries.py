"""Read-only budget queries for pages and exports: SQL aggregates, a fixed number of queries.

The dashboard's query count does not grow with the number of requests: every figure is a
GROUP BY or a correlated SUM, and lists are paginated with their relations joined in.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup
from sqlalchemy import extract, func, select
from sqlalchemy.orm import joinedload

from blueprints.budget.rules import pot_figures
from core.money import CENT, cents_sum, from_cents
from core.svg import fraction, slots
from core.versioned_cache import cached, rendered, version_key
from models import (
    MAATWERK_CATEGORY_LABELS,
    REQUEST_STATUS_LABELS,
    BudgetPot,
    BudgetYear,
    LifeCoachInvoice,
    MaatwerkParticipantTotal,
    MaatwerkRequest,
    MaatwerkTotal,
    Participant,
    PotKind,
    RequestStatus,
    User,
    db,
)

SPEND_STATUSES = (RequestStatus.GOEDGEKEURD.value, RequestStatus.BETAALD.value)
MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


@dataclass
class Filters:
    """The dashboard's filters; the exports use the same."""

    category: str = ""
    status: str = ""

    def as_args(self) -> dict:
        return {k: v for k, v in (("categorie", self.category), ("status", self.status)) if v}


def budget_years() -> list[BudgetYear]:
    return list(db.session.scalars(select(BudgetYear).order_by(BudgetYear.year)))


def _year_requests(year: int):
    """Requests of the maatwerk pot (or any pot) of `year`, as a base statement to extend."""
    return (
        select(MaatwerkRequest)
        .join(BudgetPot, BudgetPot.id == MaatwerkRequest.pot_id)
        .join(BudgetYear, BudgetYear.id == BudgetPot.budget_year_id)
        .where(BudgetYear.year == year)
    )


def _apply(query, filters: Filters, default_statuses=None):
    if filters.category:
        query = query.where(MaatwerkRequest.category == filters.category)
    if filters.status:
        query = query.where(MaatwerkRequest.status == filters.status)
    elif default_statuses:
        query = query.where(MaatwerkRequest.status.in_(default_statuses))
    return query


def _pot_join(query, year: int):
    return (
        query.join(BudgetPot, BudgetPot.id == MaatwerkRequest.pot_id)
        .join(BudgetYear, BudgetYear.id == BudgetPot.budget_year_id)
        .where(BudgetYear.year == year)
    )


def year_totals(year: int) -> list[MaatwerkTotal]:
    """The running totals of the year's pots: a few hundred rows whatever the number of requests."""
    return list(db.session.scalars(select(MaatwerkTotal).where(MaatwerkTotal.pot_id.in_(_year_pot_ids(year)))))


def _year_pot_ids(year: int):
    return (
        select(BudgetPot.id).join(BudgetYear, BudgetYear.id == BudgetPot.budget_year_id).where(BudgetYear.year == year)
    )


def _maatwerk_pot_id(year: int):
    """The year's maatwerk pot, where every request of that year goes (`rules.pot_for`).

    One pot id (not IN the year's pots) lets the database walk the (pot_id, requested_at) index in
    order and stop after one page, instead of sorting all the year's requests.
    """
    return _year_pot_ids(year).where(BudgetPot.kind == PotKind.MAATWERK.value).scalar_subquery()


def _matches(total: MaatwerkTotal, filters: Filters) -> bool:
    if filters.category and total.category != filters.category:
        return False
    if filters.status:
        return total.status == filters.status
    return total.status in SPEND_STATUSES


def spend_by_category(totals: list[MaatwerkTotal], filters: Filters) -> list[dict]:
    sums: dict[str, list[int]] = {}
    for total in totals:
        if _matches(total, filters) and total.requests:
            entry = sums.setdefault(total.category, [0, 0])
            entry[0] += total.requests
            entry[1] += total.amount_cents
    rows = [
        {"category": c, "label": MAATWERK_CATEGORY_LABELS.get(c, c), "amount": from_cents(a), "count": n}
        for c, (n, a) in sums.items()
    ]
    return sorted(rows, key=lambda r: (r["amount"], r["category"]), reverse=True)


def top_spenders(year: int, filters: Filters, limit: int = 10) -> list[tuple[int, int, int]]:
    """(participant id, cents, requests) of the highest approved + paid per participant, highest first: from
    the running totals; with a filter from the requests."""
    # Sum per participant first, then name only the top ten: joining every participant before ranking
    # read all of them for each dashboard (8 ms of PostgreSQL at 100x, issue #21).
    if not filters.category and not filters.status:
        totals = MaatwerkParticipantTotal
        total = func.sum(totals.amount_cents).label("total")
        owner = totals.participant_id.label("owner")
        per_participant = select(owner, total, func.sum(totals.requests).label("requests")).where(
            totals.pot_id.in_(_year_pot_ids(year)), totals.requests > 0
        )
    else:
        # From the covering (pot_id, status, category, participant_id, amount) index. `participant_id + 0`
        # on purpose: grouping by the bare column made SQLite walk the participant_id index in group order
        # and look up every request of the whole table (40-60 ms at 100x for `?status=aangevraagd`);
        # grouping by the expression lets it read just the filtered index range and group in a temporary
        # tree (1.5-2.5 ms). PostgreSQL is indifferent.
        total = cents_sum(MaatwerkRequest.amount).label("total")
        owner = (MaatwerkRequest.participant_id + 0).label("owner")
        per_participant = _apply(
            select(owner, total, func.count().label("requests")).where(MaatwerkRequest.pot_id.in_(_year_pot_ids(year))),
            filters,
            SPEND_STATUSES,
        )
    ranked = per_participant.group_by(owner).order_by(total.desc(), owner).limit(limit)
    return [(int(pid), int(cents), int(n)) for pid, cents, n in db.session.execute(ranked)]


def named_spenders(spenders) -> list[dict]:
    """The ranked spenders with their names as they are now (one query)."""
    ids = [pid for pid, _, _ in spenders]
    names = {}
    if ids:
        query = select(Participant.id, Participant.first_name, Participant.last_name).where(Participant.id.in_(ids))
        names = {pid: f"{first} {last}" for pid, first, last in db.session.execute(query)}
    return [
        {"id": pid, "name": names[pid], "amount": from_cents(cents), "count": n}
        for pid, cents, n in spenders
        if pid in names
    ]


def top_participants(year: int, filters: Filters, limit: int = 10) -> list[dict]:
    return named_spenders(top_spenders(year, filters, limit))


def average_per_participant(year: int, filters: Filters, totals: list[MaatwerkTotal]) -> dict:
    """Total (from the running totals) divided by the participants with spend (one COUNT query)."""
    total = from_cents(sum(t.amount_cents for t in totals if _matches(t, filters)))
    if not filters.category and not filters.status:
        query = select(func.count(func.distinct(MaatwerkParticipantTotal.participant_id))).where(
            MaatwerkParticipantTotal.pot_id.in_(_year_pot_ids(year)), MaatwerkParticipantTotal.requests > 0
        )
    else:
        query = _apply(
            select(func.count(func.distinct(MaatwerkRequest.participant_id))).where(
                MaatwerkRequest.pot_id.in_(_year_pot_ids(year))
            ),
            filters,
            SPEND_STATUSES,
        )
    participants = int(db.session.scalar(query) or 0)
    average = (total / participants).quantize(CENT, rounding=ROUND_HALF_UP) if participants else Decimal("0.00")
    return {"total": total, "participants": participants, "average": average}


def _month_index(year: int, y, m) -> int:
    y, m = int(y), int(m)
    if y < year:
        return 1
    if y > year:
        return 12
    return m


def monthly_paid(year: int, totals: list[MaatwerkTotal]) -> list[Decimal]:
    """Realised spend (paid requests + life-coach invoices) per month of the budget year, 12 values."""
    months = [Decimal("0.00")] * 12
    for total in totals:
        if total.status == RequestStatus.BETAALD.value and total.paid_month:
            y, m = divmod(total.paid_month, 100)
            months[_month_index(year, y, m) - 1] += from_cents(total.amount_cents)
    invoices = (
        select(
            extract("year", LifeCoachInvoice.invoice_date),
            extract("month", LifeCoachInvoice.invoice_date),
            cents_sum(LifeCoachInvoice.amount),
        )
        .join(BudgetPot, BudgetPot.id == LifeCoachInvoice.pot_id)
        .join(BudgetYear, BudgetYear.id == BudgetPot.budget_year_id)
        .where(BudgetYear.year == year)
        .group_by(extract("year", LifeCoachInvoice.invoice_date), extract("month", LifeCoachInvoice.invoice_date))
    )
    for y, m, cents in db.session.execute(invoices):
        months[_month_index(year, y, m) - 1] += from_cents(cents)
    return months


def months_elapsed(year: int, today: date) -> int:
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month


def burn(year: int, figures: dict, today: date, totals: list[MaatwerkTotal]) -> dict:
    """Monthly burn, the cumulative line, the budget line and a year-end forecast.

    Forecast = paid so far + open commitments + the average monthly spend so far for each month
    still to come (commitments are money already promised; the burn rate stands for what is still
    to be asked).
    """
    monthly = monthly_paid(year, totals)
    elapsed = months_elapsed(year, today)
    cumulative, running = [], Decimal("0.00")
    for amount in monthly:
        running += amount
        cumulative.append(running)
    paid_to_date = sum(monthly[:elapsed], Decimal("0.00")) if elapsed else Decimal("0.00")
    rate = (paid_to_date / elapsed).quantize(CENT, rounding=ROUND_HALF_UP) if elapsed else Decimal("0.00")
    committed = sum((f.committed for f in figures.values()), Decimal("0.00"))
    budget = sum((f.total for f in figures.values()), Decimal("0.00"))
    forecast = running + committed + rate * (12 - elapsed)
    return {
        "monthly": monthly,
        "cumulative": cumulative,
        "elapsed": elapsed,
        "rate": rate,
        "committed": committed,
        "budget": budget,
        "forecast": forecast,
        "over": forecast > budget,
        "chart": chart_geometry(cumulative, budget, forecast, elapsed),
    }


NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


def nice_top(value: Decimal, steps: int = 4) -> Decimal:
    """The axis top at or above `value` whose `steps` ticks are round amounts (1, 2, 2.5 or 5 times a power of
    ten: 0, 50.000, 100.000 ... rather than 0, 47.712, 95.425)."""
    raw = value / steps
    power = Decimal(10) ** (len(str(int(raw))) - 1)
    step = next(
        m * power for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)) if m * power >= raw
    )
    return step * steps


def chart_geometry(cumulative, budget: Decimal, forecast: Decimal, elapsed: int) -> dict:
    """Coordinates for the inline SVG: bars per month, the budget line, the forecast line."""
    width, height, left, top, bottom = 640, 260, 80, 16, 40
    plot_w, plot_h = width - left - 16, height - top - bottom
    top_value = nice_top(max([budget, forecast, *cumulative, Decimal("1")]) * Decimal("1.1"))

    def y(value) -> float:
        return round(top + plot_h - fraction(value, top_value) * plot_h, 1)

    months = slots(12, left, plot_w)
    bars = []
    for place, value in zip(months[:elapsed], cumulative, strict=False):
        bar_y = y(value)
        bars.append({"x": place.x, "y": bar_y, "w": place.width, "h": round(top + plot_h - bar_y, 1)})
    labels = [{"x": place.centre, "text": MONTHS[i]} for i, place in enumerate(months)]
    ticks = [{"y": y(top_value * k / 4), "value": (top_value * k / 4).quantize(Decimal("1"))} for k in range(0, 5)]
    start_value = cumulative[elapsed - 1] if elapsed else Decimal("0")
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - 16,
        "base": top + plot_h,
        "bars": bars,
        "labels": labels,
        "label_y": height - bottom + 20,
        "ticks": ticks,
        "budget_y": y(budget),
        "forecast": {
            "x1": round(left + max(elapsed, 0) * plot_w / 12, 1),
            "y1": y(start_value),
            "x2": round(left + plot_w, 1),
            "y2": y(forecast),
        },
    }


def request_count(totals: list[MaatwerkTotal], filters: Filters) -> int:
    """How many requests match the filters, from the running totals instead of counting rows."""
    return sum(
        t.requests
        for t in totals
        if (not filters.category or t.category == filters.category)
        and (not filters.status or t.status == filters.status)
    )


def request_page(year: int, filters: Filters, page: int, count: int, per_page: int = 25):
    """One page of the year's requests, newest first: ids from the index, then those 25 rows with relations;
    `count` is how many match (`request_count`, from the running totals)."""
    ids = _apply(select(MaatwerkRequest.id).where(MaatwerkRequest.pot_id == _maatwerk_pot_id(year)), filters)
    pager = db.paginate(
        ids.order_by(MaatwerkRequest.requested_at.desc(), MaatwerkRequest.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
        count=False,
    )
    pager.total = count
    wanted = list(pager.items)
    rows = {}
    if wanted:
        rows = {
            r.id: r
            for r in db.session.scalars(
                select(MaatwerkRequest)
                .where(MaatwerkRequest.id.in_(wanted))
                .options(joinedload(MaatwerkRequest.participant), joinedload(MaatwerkRequest.requested_by))
            )
        }
    pager.items = [rows[i] for i in wanted if i in rows]
    return pager


QUEUE_SHOWN = 15  # the oldest pending requests on the dashboard; the rest via the filtered list


def pending_queue(year: int, limit: int = QUEUE_SHOWN) -> list[MaatwerkRequest]:
    query = (
        select(MaatwerkRequest)
        .where(
            MaatwerkRequest.pot_id == _maatwerk_pot_id(year),
            MaatwerkRequest.status == RequestStatus.AANGEVRAAGD.value,
        )
        .options(joinedload(MaatwerkRequest.participant), joinedload(MaatwerkRequest.requested_by))
        .order_by(MaatwerkRequest.requested_at, MaatwerkRequest.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class YearFigures:
    """The dashboard's money figures for a year and filters: read-only, shared by requests (from memory)."""

    pots: tuple  # rules.PotFigures of the year's pots
    by_category: tuple
    spenders: tuple  # top_spenders: ids and amounts, named per request (a name may change, the money not)
    average: dict
    burn: dict
    pending_total: int  # requests waiting for a decision
    request_count: int  # requests matching the filters


def build_year_figures(year: int, filters: Filters, today: date) -> YearFigures:
    figures = pot_figures(year=year)
    totals = year_totals(year)
    return YearFigures(
        pots=tuple(figures.values()),
        by_category=tuple(spend_by_category(totals, filters)),
        spenders=tuple(top_spenders(year, filters)),
        average=average_per_participant(year, filters, totals),
        burn=burn(year, figures, today, totals),
        pending_total=sum(t.requests for t in totals if t.status == RequestStatus.AANGEVRAAGD.value),
        request_count=request_count(totals, filters),
    )


FIGURES_STORE = "pj_budget_figures"


def year_figures(year: int, filters: Filters, today: date) -> YearFigures:
    """From memory while the budget data is unchanged: keyed by the budget scope's version
    (core/data_version.py, bumped in the transaction of every change of a pot, contribution, carry-over,
    invoice or request), so a conversation or a contract does not throw the figures away."""
    key = version_key(year, filters.category, filters.status, today, scope="budget")
    return cached(FIGURES_STORE, key, lambda: build_year_figures(year, filters, today))


def dashboard(year: int, filters: Filters, today: date | None = None) -> dict:
    """The dashboard above its filtered part: the pots, the queue (with decision forms) and the burn chart."""
    figures = year_figures(year, filters, today or date.today())
    queue = pending_queue(year)
    return {
        "figures": list(figures.pots),
        "burn": figures.burn,
        "queue": queue,
        "earlier": earlier_spend(r.participant_id for r in queue),
        "pending_total": figures.pending_total,
    }


def filtered_context(year: int, filters: Filters, page: int, today: date | None = None) -> dict:
    """What the dashboard's filters change: spend per category, the top ten (named), the average, a page of
    requests (templates/budget/partials/filtered.html)."""
    figures = year_figures(year, filters, today or date.today())
    return {
        "year": year,
        "args": filters.as_args(),
        "by_category": figures.by_category,
        "top": named_spenders(figures.spenders),
        "average": figures.average,
        "requests": request_page(year, filters, page, figures.request_count),
    }


FILTERED_STORE = "pj_budget_filtered"


def filtered_region(year: int, filters: Filters, page: int, today: date) -> Markup:
    """The filtered part as HTML, from memory while neither the budget data nor a name changed: it shows
    money (the budget scope) and the names of participants and requesters (the people scope)."""
    key = version_key(year, filters.category, filters.status, page, today, scope=("budget", "people"))
    return rendered(
        FILTERED_STORE, key, "budget/partials/filtered.html", lambda: filtered_context(year, filters, page, today)
    )


def earlier_spend(participant_ids) -> dict[int, dict]:
    """Approved plus paid maatwerk per participant over the whole pilot, from the running totals (one query).

    The request being decided is still 'aangevraagd', so it is never part of this figure."""
    ids = {i for i in participant_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            MaatwerkParticipantTotal.participant_id,
            func.sum(MaatwerkParticipantTotal.requests),
            func.sum(MaatwerkParticipantTotal.amount_cents),
        )
        .where(MaatwerkParticipantTotal.participant_id.in_(ids))
        .group_by(MaatwerkParticipantTotal.participant_id)
    )
    return {pid: {"requests": int(n or 0), "amount": from_cents(c or 0)} for pid, n, c in rows}


def maatwerk_for_participant(participant_id: int) -> dict:
    """A participant's maatwerk history and totals, for the case file (two queries at most)."""
    requests = list(
        db.session.scalars(
            select(MaatwerkRequest)
            .where(MaatwerkRequest.participant_id == participant_id)
            .options(joinedload(MaatwerkRequest.goal))
            .order_by(MaatwerkRequest.requested_at.desc(), MaatwerkRequest.id.desc())
        )
    )
    committed = sum((r.amount for r in requests if r.status == RequestStatus.GOEDGEKEURD.value), Decimal("0.00"))
    paid = sum((r.amount for r in requests if r.status == RequestStatus.BETAALD.value), Decimal("0.00"))
    pending = sum((r.amount for r in requests if r.status == RequestStatus.AANGEVRAAGD.value), Decimal("0.00"))
    return {
        "participant_id": participant_id,
        "requests": requests,
        "committed": committed,
        "paid": paid,
        "pending": pending,
        "total": committed + paid,
    }


def my_requests(user: User, page: int):
    query = (
        select(MaatwerkRequest)
        .where(MaatwerkRequest.requested_by_id == user.id)
        .options(joinedload(MaatwerkRequest.participant))
        .order_by(MaatwerkRequest.requested_at.desc(), MaatwerkRequest.id.desc())
    )
    return db.paginate(query, page=page, per_page=25, error_out=False)


def finance_summary(today: date | None = None) -> dict:
    """This year's pots and how many requests wait: the dashboard's own figures (from memory)."""
    today = today or date.today()
    figures = year_figures(today.year, Filters(), today)
    return {"year": today.year, "figures": list(figures.pots), "pending": figures.pending_total}


# --------------------------------------------------------------------------- exports

REQUEST_COLUMNS = [
    "Nummer",
    "Deelnemer",
    "Categorie",
    "Omschrijving",
    "Leverancier",
    "Bedrag",
    "Status",
    "Verwachte datum",
    "Aangevraagd op",
    "Aanvrager",
    "Besluit door",
    "Besloten op",
    "Reden afwijzing",
    "Factuurnummer",
    "Betaald op",
]
PAYMENT_COLUMNS = [
    "Soort",
    "Nummer",
    "Deelnemer",
    "Categorie",
    "Omschrijving",
    "Leverancier",
    "Factuurnummer",
    "Betaald op",
    "Bedrag",
]


def export_requests(year: int, filters: Filters):
    """Rows (lists) of the year's requests with the dashboard filters; money stays Decimal."""
    decider = User.__table__.alias("decider")
    query = _apply(
        _pot_join(
            select(
                MaatwerkRequest.id,
                Participant.first_name,
                Participant.last_name,
                MaatwerkRequest.category,
                MaatwerkRequest.description,
                MaatwerkRequest.supplier,
                MaatwerkRequest.amount,
                MaatwerkRequest.status,
                MaatwerkRequest.expected_on,
                MaatwerkRequest.requested_at,
                User.name,
                decider.c.name,
                MaatwerkRequest.decided_at,
                MaatwerkRequest.rejection_reason,
                MaatwerkRequest.invoice_number,
                MaatwerkRequest.paid_on,
            )
            .select_from(MaatwerkRequest)
            .join(Participant, Participant.id == MaatwerkRequest.participant_id)
            .join(User, User.id == MaatwerkRequest.requested_by_id)
            .outerjoin(decider, decider.c.id == MaatwerkRequest.decided_by_id),
            year,
        ),
        filters,
    ).order_by(MaatwerkRequest.id)
    # In batches (a server-side cursor on PostgreSQL): a year at 100x is 50,000 rows, and the streamed
    # download should not hold them all in memory at once. Plain rows (Core), no ORM loading: a third
    # of the export's time went to it.
    for row in db.session.connection().execution_options(yield_per=2000).execute(query):
        (
            rid,
            first,
            last,
            cat,
            desc,
            supplier,
            amount,
            status,
            expected,
            req_at,
            requester,
            dec,
            dec_at,
            reason,
            inv,
            paid,
        ) = row
        yield [
            rid,
            f"{first} {last}",
            MAATWERK_CATEGORY_LABELS.get(cat, cat),
            desc,
            supplier,
            Decimal(str(amount)).quantize(CENT),
            REQUEST_STATUS_LABELS.get(status, status),
            expected,
            req_at.date() if req_at else None,
            requester,
            dec,
            dec_at.date() if dec_at else None,
            reason,
            inv,
            paid,
        ]


def export_payments(year: int, filters: Filters):
    """Paid requests (with the category filter) and life-coach invoices of the year."""
    paid_filters = Filters(category=filters.category, status=RequestStatus.BETAALD.value)
    if filters.status and filters.status != RequestStatus.BETAALD.value:
        return
    for row in export_requests(year, paid_filters):
        yield ["Maatwerk", row[0], row[1], row[2], row[3], row[4], row[13], row[14], row[5]]
    if filters.category:
        return
    invoices = (
        select(LifeCoachInvoice)
        .join(BudgetPot, BudgetPot.id == LifeCoachInvoice.pot_id)
        .join(BudgetYear, BudgetYear.id == BudgetPot.budget_year_id)
        .where(BudgetYear.year == year)
        .order_by(LifeCoachInvoice.invoice_date, LifeCoachInvoice.id)
    )
    for inv in db.session.scalars(invoices):
        kind = "Creditnota life-coach" if inv.corrects_id else "Factuur life-coach"
        yield [
            kind,
            inv.id,
            "",
            "",
            inv.description,
            inv.supplier,
            inv.invoice_number,
            inv.invoice_date,
            Decimal(str(inv.amount)).quantize(CENT),
        ]
