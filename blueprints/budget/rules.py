"""Budget rules without HTTP: pot totals, requests, four-eyes approval, payments, contributions.

The one rule that matters most: approved + paid never exceeds a pot (a *taakstellend bedrag*), also
when approvals race. Every decision that moves money first takes the pot lock (`locks.py`), then
re-reads the state it decides on, then writes, all in one transaction. The caller commits on
success and rolls back on `BudgetError`.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from blueprints.admin.audit_labels import action_label
from blueprints.budget.locks import lock_pots
from blueprints.budget.periods import PeriodClosed, ensure_open
from blueprints.youths.workflow import ENDED
from core.audit import record
from core.money import CENT, cents_sum, format_money, from_cents, to_money
from core.percent import percent_of
from models import (
    POT_KIND_LABELS,
    REQUEST_STATUS_LABELS,
    AuditLog,
    BudgetContribution,
    BudgetPot,
    BudgetYear,
    CarryOver,
    LifeCoachInvoice,
    MaatwerkRequest,
    MaatwerkTotal,
    Organisation,
    Participant,
    PotKind,
    RequestStatus,
    Role,
    User,
    db,
    utcnow,
)

DEFAULT_TOTAL = Decimal("150000.00")
WARN_LEVELS = (90, 75)  # percent used at which finance sees a warning


class BudgetError(ValueError):
    """A refused budget action, with a Dutch message for the user."""


# --------------------------------------------------------------------------- who sees a request


def may_see_request(user: User, maatwerk: MaatwerkRequest) -> bool:
    """Finance sees every request; a coach the requests they made and those of the files they coach now
    (after a handover the new coach takes over what still waits)."""
    return user.role != Role.COACH.value or user.id in (maatwerk.requested_by_id, maatwerk.participant.coach_id)


def may_withdraw_request(user: User, maatwerk: MaatwerkRequest) -> bool:
    """Who asked for it, or the coach of the file now, takes a request back before a decision."""
    return user.role == Role.COACH.value and user.id in (maatwerk.requested_by_id, maatwerk.participant.coach_id)


# --------------------------------------------------------------------------- pot figures


@dataclass(frozen=True)  # shared by requests from the dashboard's memory (queries.year_figures)
class PotFigures:
    pot_id: int
    kind: str
    label: str
    year: int
    budget: Decimal  # the pot's share of the year's total
    contributions: Decimal
    carry_in: Decimal
    carry_out: Decimal
    committed: Decimal  # approved, not yet paid
    paid: Decimal
    pending: Decimal  # requested, not yet decided

    @property
    def total(self) -> Decimal:
        return self.budget + self.contributions + self.carry_in - self.carry_out

    @property
    def used(self) -> Decimal:
        return self.committed + self.paid

    @property
    def remaining(self) -> Decimal:
        return self.total - self.used

    @property
    def percent_used(self) -> Decimal:
        if self.total <= 0:
            return Decimal("0") if self.used <= 0 else Decimal("100")
        return percent_of(self.used, self.total, places=1)

    @property
    def warning(self) -> int | None:
        """90 or 75 when that share of the pot is used, else None."""
        for level in WARN_LEVELS:
            if self.percent_used >= level:
                return level
        return None

    def fits(self, amount: Decimal) -> bool:
        return self.used + amount <= self.total


def _request_sum(status: RequestStatus):
    """Whole cents of the pot's requests in `status`, from the running totals (a handful of rows).

    The totals change in the same transaction as the requests (blueprints/budget/totals.py), so
    after `lock_pot` they are as exact as summing the requests, without reading 100,000 of them.
    """
    return (
        select(func.coalesce(func.sum(MaatwerkTotal.amount_cents), 0))
        .where(MaatwerkTotal.pot_id == BudgetPot.id, MaatwerkTotal.status == status.value)
        .scalar_subquery()
    )


def pot_figures(pot_ids=None, year: int | None = None) -> dict[int, PotFigures]:
    """Budget, contributions, carry-over, committed, paid and pending of pots, in ONE query."""
    contributions = (
        select(cents_sum(BudgetContribution.amount)).where(BudgetContribution.pot_id == BudgetPot.id).scalar_subquery()
    )
    carry_in = select(cents_sum(CarryOver.amount)).where(CarryOver.to_pot_id == BudgetPot.id).scalar_subquery()
    carry_out = select(cents_sum(CarryOver.amount)).where(CarryOver.from_pot_id == BudgetPot.id).scalar_subquery()
    invoices = (
        select(cents_sum(LifeCoachInvoice.amount)).where(LifeCoachInvoice.pot_id == BudgetPot.id).scalar_subquery()
    )
    query = (
        select(
            BudgetPot.id,
            BudgetPot.kind,
            BudgetYear.year,
            BudgetPot.amount,
            contributions,
            carry_in,
            carry_out,
            _request_sum(RequestStatus.GOEDGEKEURD),
            _request_sum(RequestStatus.BETAALD),
            invoices,
            _request_sum(RequestStatus.AANGEVRAAGD),
        )
        .join(BudgetYear, BudgetYear.id == BudgetPot.budget_year_id)
        .order_by(BudgetYear.year, BudgetPot.kind)
    )
    if pot_ids is not None:
        query = query.where(BudgetPot.id.in_(list(pot_ids)))
    if year is not None:
        query = query.where(BudgetYear.year == year)
    figures = {}
    for row in db.session.execute(query):
        pot_id, kind, pot_year, budget, contrib, c_in, c_out, committed, paid, invoiced, pending = row
        figures[pot_id] = PotFigures(
            pot_id=pot_id,
            kind=kind,
            label=POT_KIND_LABELS.get(kind, kind),
            year=pot_year,
            budget=to_money(budget),
            contributions=from_cents(contrib),
            carry_in=from_cents(c_in),
            carry_out=from_cents(c_out),
            committed=from_cents(committed),
            paid=from_cents(paid) + from_cents(invoiced),
            pending=from_cents(pending),
        )
    return figures


def figures_for(pot_id: int) -> PotFigures:
    return pot_figures([pot_id])[pot_id]


# --------------------------------------------------------------------------- locking


def lock_pot(pot_id: int) -> BudgetPot:
    """Take the pot lock (`locks.py`) that serialises every money decision on this pot."""
    pots = lock_pots([pot_id])
    if not pots:
        raise BudgetError("Deze pot bestaat niet.")
    return pots[0]


def _reload_request(request_id: int) -> MaatwerkRequest:
    """The request as committed right now, not as this session remembered it.

    Called after `lock_pot`: every decision on a request holds its pot's lock, so this state cannot
    change until we commit.
    """
    return db.session.scalars(
        select(MaatwerkRequest).where(MaatwerkRequest.id == request_id).execution_options(populate_existing=True)
    ).one()


def _locked_request(request: MaatwerkRequest) -> MaatwerkRequest:
    """Lock the request's pot, then read the request's current state: the start of every decision on it."""
    lock_pot(request.pot_id)
    return _reload_request(request.id)


# --------------------------------------------------------------------------- budget years


def pot_for(year: int, kind: PotKind) -> BudgetPot | None:
    return db.session.scalars(
        select(BudgetPot).join(BudgetYear).where(BudgetYear.year == year, BudgetPot.kind == kind.value)
    ).one_or_none()


def create_budget_year(year: int, total: Decimal = DEFAULT_TOTAL, lifecoach: Decimal | None = None) -> BudgetYear:
    """A new budget year with its two pots (default split 50/50). The caller commits."""
    if db.session.scalar(select(BudgetYear.id).where(BudgetYear.year == year)) is not None:
        raise BudgetError(f"Begrotingsjaar {year} bestaat al.")
    if lifecoach is None:
        lifecoach = (total / 2).quantize(CENT, rounding=ROUND_HALF_UP)
    if not Decimal("0") <= lifecoach <= total:
        raise BudgetError("Het deel voor de life-coach moet tussen € 0,00 en het totaal liggen.")
    budget_year = BudgetYear(year=year, total=total)
    budget_year.pots = [
        BudgetPot(kind=PotKind.LIFECOACH.value, amount=lifecoach),
        BudgetPot(kind=PotKind.MAATWERK.value, amount=total - lifecoach),
    ]
    db.session.add(budget_year)
    db.session.flush()
    return budget_year


def change_split(budget_year: BudgetYear, total: Decimal, lifecoach: Decimal) -> None:
    """Change the year's total and split; refused when a pot would drop below what it already spent."""
    if not Decimal("0") <= lifecoach <= total:
        raise BudgetError("Het deel voor de life-coach moet tussen € 0,00 en het totaal liggen.")
    pots = {pot.kind: pot for pot in budget_year.pots}
    new_amounts = {PotKind.LIFECOACH.value: lifecoach, PotKind.MAATWERK.value: total - lifecoach}
    lock_pots([pot.id for pot in pots.values()])
    figures = pot_figures([pot.id for pot in pots.values()])
    for kind, pot in pots.items():
        fig = figures[pot.id]
        new_total = fig.total - fig.budget + new_amounts[kind]
        if new_total < fig.used:
            raise BudgetError(
                f"De pot {pot.label} heeft al {format_money(fig.used)} goedgekeurd of betaald. "
                f"Met deze verdeling zou er maar {format_money(new_total)} in zitten."
            )
    budget_year.total = total
    for kind, pot in pots.items():
        pot.amount = new_amounts[kind]


def add_contribution(
    pot: BudgetPot, organisation: Organisation, amount: Decimal, booked_on: date, description: str, user: User
) -> BudgetContribution:
    if amount <= 0:
        raise BudgetError("Een bijdrage moet groter zijn dan € 0,00.")
    lock_pot(pot.id)  # a month being closed right now holds it too
    _ensure_open(booked_on, "Deze bijdrage")
    contribution = BudgetContribution(
        pot_id=pot.id,
        organisation_id=organisation.id,
        amount=amount,
        booked_on=booked_on,
        description=description,
        created_by_id=user.id,
    )
    db.session.add(contribution)
    db.session.flush()
    record(
        db.session, "contribution", pot, changes={"bijdrage": [None, amount], "organisatie": [None, organisation.name]}
    )
    return contribution


def carry_over(from_year: BudgetYear, amount: Decimal, reason: str, decided_on: date, user: User) -> CarryOver:
    """Move unspent maatwerk money to the next year: only as an explicit, logged finance decision."""
    if user.role != Role.FINANCIEN.value:
        raise BudgetError("Alleen financiën kan besluiten geld mee te nemen naar het volgende jaar.")
    if not reason.strip():
        raise BudgetError("Schrijf op waarom het geld wordt meegenomen.")
    source = pot_for(from_year.year, PotKind.MAATWERK)
    target = pot_for(from_year.year + 1, PotKind.MAATWERK)
    if source is None or target is None:
        raise BudgetError(f"Maak eerst begrotingsjaar {from_year.year + 1} aan.")
    lock_pots([source.id, target.id])
    _ensure_open(decided_on, "Dit besluit")
    remaining = figures_for(source.id).remaining
    if amount > remaining:
        raise BudgetError(
            f"Er is maar {format_money(remaining)} over in Maatwerk {from_year.year}; "
            f"{format_money(amount)} meenemen kan niet."
        )
    decision = CarryOver(
        from_pot_id=source.id,
        to_pot_id=target.id,
        amount=amount,
        decided_on=decided_on,
        reason=reason.strip(),
        decided_by_id=user.id,
    )
    db.session.add(decision)
    db.session.flush()
    record(db.session, "carry_over", decision, changes={"bedrag": [None, amount]})
    return decision


# --------------------------------------------------------------------------- maatwerk requests


def submit_request(participant: Participant, user: User, **fields) -> MaatwerkRequest:
    """A coach asks for maatwerk money. The pot is the maatwerk pot of the expected date's year."""
    if user.role != Role.COACH.value:
        raise BudgetError("Alleen een life-coach kan maatwerk aanvragen.")
    pot = pot_for(fields["expected_on"].year, PotKind.MAATWERK)
    if pot is None:
        raise BudgetError(f"Er is geen begrotingsjaar {fields['expected_on'].year}.")
    request = MaatwerkRequest(
        pot_id=pot.id,
        participant_id=participant.id,
        requested_by_id=user.id,
        requested_at=utcnow(),
        status=RequestStatus.AANGEVRAAGD.value,
        **fields,
    )
    db.session.add(request)
    db.session.flush()
    return request


def _ensure_open(day: date, what: str) -> None:
    try:
        ensure_open(day, what)
    except PeriodClosed as exc:
        raise BudgetError(str(exc)) from exc


def _ensure_finance(user: User) -> None:
    if user.role != Role.FINANCIEN.value:
        raise BudgetError("Alleen financiën kan over aanvragen beslissen.")


def closed_file_needs_confirmation(request: MaatwerkRequest) -> bool:
    """A waiting request of a closed file ('dossier afgesloten'): finance approves it only after confirming
    explicitly. The coach kept it when closing the file (`kept_on_closing_reason` says why)."""
    return request.status == RequestStatus.AANGEVRAAGD.value and request.participant.status in ENDED


CLOSED_FILE_MESSAGE = "Het dossier van deze deelnemer is afgesloten. Bevestig dat u deze aanvraag toch wilt goedkeuren."


def approve_request(
    request: MaatwerkRequest, user: User, today: date | None = None, *, closed_file_confirmed: bool = False
) -> MaatwerkRequest:
    """Approve under the pot lock: four-eyes, still pending, open month, and it must fit the pot.

    A request of a closed file needs `closed_file_confirmed` (finance ticked the confirmation).
    """
    today = today or date.today()
    _ensure_finance(user)
    request = _locked_request(request)
    if request.requested_by_id == user.id:
        raise BudgetError("Vier-ogenprincipe: u kunt een aanvraag die u zelf deed niet goedkeuren.")
    if request.status != RequestStatus.AANGEVRAAGD.value:
        raise BudgetError(f"Deze aanvraag is al {request.status_label.lower()}; goedkeuren kan niet meer.")
    if closed_file_needs_confirmation(request) and not closed_file_confirmed:
        raise BudgetError(CLOSED_FILE_MESSAGE)
    _ensure_open(today, "Dit besluit")
    figures = figures_for(request.pot_id)
    if not figures.fits(request.amount):
        raise BudgetError(
            f"Goedkeuren kan niet: dan wordt de pot {figures.label} {figures.year} overschreden. "
            f"Er is nog {format_money(figures.remaining)} vrij en deze aanvraag is {format_money(request.amount)}."
        )
    request.status = RequestStatus.GOEDGEKEURD.value
    request.decided_by_id = user.id
    request.decided_at = utcnow()
    record(db.session, "approve", request, changes={"status": ["aangevraagd", "goedgekeurd"]})
    return request


def _decision_reason(reason: str | None, missing: str) -> str:
    """The reason of a rejection or a correction: required, at most 2000 characters."""
    reason = (reason or "").strip()
    if not reason:
        raise BudgetError(missing)
    if len(reason) > 2000:
        raise BudgetError("De reden is te lang (hoogstens 2000 tekens).")
    return reason


def reject_request(request: MaatwerkRequest, user: User, reason: str, today: date | None = None) -> MaatwerkRequest:
    today = today or date.today()
    _ensure_finance(user)
    reason = _decision_reason(reason, "Geef een reden voor de afwijzing.")
    request = _locked_request(request)
    if request.status != RequestStatus.AANGEVRAAGD.value:
        raise BudgetError(f"Deze aanvraag is al {request.status_label.lower()}; afwijzen kan niet meer.")
    _ensure_open(today, "Dit besluit")
    request.status = RequestStatus.AFGEWEZEN.value
    request.rejection_reason = reason
    request.decided_by_id = user.id
    request.decided_at = utcnow()
    record(db.session, "reject", request, changes={"status": ["aangevraagd", "afgewezen"], "reden": [None, reason]})
    return request


REVERSIBLE = (RequestStatus.GOEDGEKEURD.value, RequestStatus.AFGEWEZEN.value)
PAID_IS_FINAL = (
    "Deze aanvraag is al betaald. Een betaling draait u niet terug: het geld is uitgegeven en blijft "
    "als realisatie in de pot staan."
)


def reverse_decision(request: MaatwerkRequest, user: User, reason: str, today: date | None = None) -> MaatwerkRequest:
    """Correct a mistaken approval or rejection: the request waits for a decision again, with a reason.

    An approval releases its committed money at once (the running totals follow the status); a paid
    request is final: realised money is never silently undone. The earlier decision stays in the
    decision history (`decision_history`); the correction itself is a new entry, dated today, so it
    needs an open month like every other decision.
    """
    today = today or date.today()
    _ensure_finance(user)
    reason = _decision_reason(reason, "Schrijf op waarom het besluit wordt teruggedraaid.")
    request = _locked_request(request)
    if request.status == RequestStatus.BETAALD.value:
        raise BudgetError(PAID_IS_FINAL)
    if request.status not in REVERSIBLE:
        raise BudgetError(f"Deze aanvraag is {request.status_label.lower()}; er is geen besluit om terug te draaien.")
    _ensure_open(today, "Het terugdraaien")
    before = request.status
    request.status = RequestStatus.AANGEVRAAGD.value
    request.decided_by_id = None
    request.decided_at = None
    request.rejection_reason = None  # kept in the history: the reject entry holds it
    record(
        db.session,
        "reverse_decision",
        request,
        changes={"status": [before, RequestStatus.AANGEVRAAGD.value], "reden": [None, reason]},
    )
    return request


@dataclass
class DecisionStep:
    """One step in a request's decision history, as finance and the coach read it."""

    at: object  # a UTC datetime
    action: str
    label: str
    by: str
    status_before: str | None
    status_after: str | None
    reason: str | None
    invoice: str | None


DECISION_ACTIONS = ("approve", "reject", "reverse_decision", "pay", "withdraw", "keep_on_closing")


def _status_word(value) -> str | None:
    try:
        return REQUEST_STATUS_LABELS[RequestStatus(value)]
    except (ValueError, KeyError):
        return None


def decision_history(request_id: int) -> list[DecisionStep]:
    """Every decision on a request, oldest first, read from the audit log (the one record of who did what,
    in the same transaction as the decision), with the name of who took it: one query."""
    rows = db.session.execute(
        select(AuditLog.at, AuditLog.action, AuditLog.changes, AuditLog.actor_label, User.name)
        .outerjoin(User, User.id == AuditLog.actor_id)
        .where(
            AuditLog.object_type == MaatwerkRequest.__tablename__,
            AuditLog.object_id == request_id,
            AuditLog.action.in_(DECISION_ACTIONS),
            AuditLog.result == "ok",
        )
        .order_by(AuditLog.at, AuditLog.id)
    ).all()
    steps = []
    for at, action, changes, actor_label, name in rows:
        changes = changes or {}
        status = changes.get("status") or [None, None]
        steps.append(
            DecisionStep(
                at=at,
                action=action,
                label=action_label(action),
                by=name or actor_label or "onbekend",
                status_before=_status_word(status[0]),
                status_after=_status_word(status[1]),
                reason=(changes.get("reden") or [None, None])[1],
                invoice=(changes.get("factuur") or [None, None])[1],
            )
        )
    return steps


CLOSING_REASON = "dossier afgesloten"


def withdraw_request(
    request: MaatwerkRequest, user: User, today: date | None = None, *, closing: bool = False
) -> MaatwerkRequest:
    """The requester takes a request back, before a decision.

    `closing`: the coach who closes the file withdraws it (whoever asked for it), audited with the
    reason "dossier afgesloten" (`youths/closing.py`).
    """
    today = today or date.today()
    request = _locked_request(request)
    if closing:
        if user.role != Role.COACH.value:
            raise BudgetError("Alleen een life-coach kan een aanvraag intrekken bij het afsluiten van een dossier.")
    elif not may_withdraw_request(user, request):
        raise BudgetError("Alleen wie de aanvraag deed of de life-coach van het dossier kan hem intrekken.")
    if request.status != RequestStatus.AANGEVRAAGD.value:
        raise BudgetError("Er is al over deze aanvraag beslist; intrekken kan niet meer.")
    _ensure_open(today, "Het intrekken")
    request.status = RequestStatus.INGETROKKEN.value
    changes = {"status": ["aangevraagd", "ingetrokken"]}
    if closing:
        changes["reden"] = [None, CLOSING_REASON]
    record(db.session, "withdraw", request, changes=changes, actor=user)
    return request


def keep_request_on_closing(request: MaatwerkRequest, user: User, reason: str) -> MaatwerkRequest:
    """The coach closes the file but keeps this waiting request for finance, with a reason (audited).

    No money moves, so no pot lock: finance still decides, and must confirm (`closed_file_needs_confirmation`).
    """
    reason = (reason or "").strip()
    if not reason:
        raise BudgetError("Vul in waarom deze aanvraag blijft staan.")
    if len(reason) > 1000:
        raise BudgetError("De reden is te lang (hoogstens 1000 tekens).")
    if request.status != RequestStatus.AANGEVRAAGD.value:
        raise BudgetError("Er is al over deze aanvraag beslist.")
    request.kept_on_closing_reason = reason
    record(db.session, "keep_on_closing", request, changes={"reden": [None, reason]}, actor=user)
    return request


def mark_paid(
    request: MaatwerkRequest, user: User, invoice_number: str, paid_on: date, today: date | None = None
) -> MaatwerkRequest:
    """Record the payment of an approved request (the approved amount)."""
    today = today or date.today()
    _ensure_finance(user)
    invoice_number = (invoice_number or "").strip()
    if not invoice_number:
        raise BudgetError("Vul het factuurnummer in.")
    if paid_on > today:
        raise BudgetError("De betaaldatum kan niet in de toekomst liggen.")
    request = _locked_request(request)
    if request.status == RequestStatus.BETAALD.value:
        raise BudgetError("Deze aanvraag is al als betaald gemarkeerd; twee keer betalen kan niet.")
    if request.status != RequestStatus.GOEDGEKEURD.value:
        raise BudgetError("Alleen een goedgekeurde aanvraag kan als betaald worden gemarkeerd.")
    _ensure_open(paid_on, "Deze betaling")
    if request.decided_at and paid_on < request.decided_at.date():
        raise BudgetError("De betaaldatum kan niet voor de goedkeuring liggen.")
    request.status = RequestStatus.BETAALD.value
    request.invoice_number = invoice_number
    request.paid_on = paid_on
    request.paid_by_id = user.id
    record(
        db.session, "pay", request, changes={"status": ["goedgekeurd", "betaald"], "factuur": [None, invoice_number]}
    )
    return request


# --------------------------------------------------------------------------- life-coach invoices


def credited_on(invoice_id: int) -> Decimal:
    """How much credit notes already took off an invoice (a positive amount)."""
    return -from_cents(
        db.session.scalar(select(cents_sum(LifeCoachInvoice.amount)).where(LifeCoachInvoice.corrects_id == invoice_id))
    )


def record_invoice(
    pot: BudgetPot,
    user: User,
    *,
    supplier: str,
    invoice_number: str,
    invoice_date: date,
    description: str,
    amount: Decimal,
    corrects: LifeCoachInvoice | None = None,
) -> LifeCoachInvoice:
    """Book a life-coach invoice (or, with `corrects`, a credit note: a negative new entry)."""
    _ensure_finance(user)
    if pot.kind != PotKind.LIFECOACH.value:
        raise BudgetError("Facturen van de life-coach horen in de pot Inhuur life-coach.")
    lock_pot(pot.id)
    _ensure_open(invoice_date, "Deze factuur")
    if corrects is not None:
        if corrects.pot_id != pot.id:
            raise BudgetError("Een correctie hoort bij een factuur uit dezelfde pot.")
        credited = credited_on(corrects.id)  # read under the lock: a racing credit note is counted
        if amount > corrects.amount - credited:
            if credited:
                raise BudgetError(
                    f"Op factuur {corrects.invoice_number} is al {format_money(credited)} gecrediteerd. "
                    f"Er kan nog hoogstens {format_money(corrects.amount - credited)} af."
                )
            raise BudgetError("Een creditnota kan niet hoger zijn dan de factuur die hij corrigeert.")
        amount = -amount
    else:
        figures = figures_for(pot.id)
        if not figures.fits(amount):
            raise BudgetError(
                f"Deze factuur past niet in de pot {figures.label} {figures.year}: "
                f"er is nog {format_money(figures.remaining)} vrij."
            )
    invoice = LifeCoachInvoice(
        pot_id=pot.id,
        supplier=supplier,
        invoice_number=invoice_number,
        invoice_date=invoice_date,
        description=description,
        amount=amount,
        corrects_id=corrects.id if corrects else None,
        recorded_by_id=user.id,
    )
    db.session.add(invoice)
    db.session.flush()
    return invoice
