"""Budget pages: each view loads (or 404s), checks, calls a rule from `rules.py`, commits, responds."""

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.exc import OperationalError
from wtforms import SelectChoice

from blueprints.budget import bp
from blueprints.budget.forms import (
    ApproveForm,
    BudgetYearForm,
    CarryOverForm,
    CloseMonthForm,
    ContributionForm,
    FilterForm,
    InvoiceForm,
    PayForm,
    RejectForm,
    RequestForm,
    ReverseForm,
    SplitForm,
)
from blueprints.budget.periods import PeriodClosed, close_month, closed_months, month_label
from blueprints.budget.queries import (
    PAYMENT_COLUMNS,
    REQUEST_COLUMNS,
    Filters,
    budget_years,
    dashboard,
    earlier_spend,
    export_payments,
    export_requests,
    filtered_region,
    my_requests,
    pending_queue,
)
from blueprints.budget.rules import (
    DEFAULT_TOTAL,
    REVERSIBLE,
    BudgetError,
    add_contribution,
    approve_request,
    carry_over,
    change_split,
    create_budget_year,
    decision_history,
    figures_for,
    mark_paid,
    may_see_request,
    may_withdraw_request,
    pot_figures,
    pot_for,
    record_invoice,
    reject_request,
    reverse_decision,
    submit_request,
    withdraw_request,
)
from core.access import allow
from core.audit import record
from core.forms import form_status, select_choices
from core.htmx import is_partial_request, redirect_after_post, render
from core.money import MoneyError, format_money, parse_money
from core.spreadsheet import Column, Sheet, csv_download, xlsx_download
from models import (
    BudgetContribution,
    BudgetYear,
    CarryOver,
    Goal,
    LifeCoachInvoice,
    MaatwerkRequest,
    Organisation,
    Participant,
    ParticipantStatus,
    PotKind,
    RequestStatus,
    db,
)

BUSY = "Het systeem is even druk met een andere beslissing over deze pot. Probeer het nog een keer."


# --------------------------------------------------------------------------- load-or-404 helpers


def get_year_or_404(year: int) -> BudgetYear:
    budget_year = db.session.scalar(select(BudgetYear).where(BudgetYear.year == year))
    if budget_year is None:
        abort(404)
    return budget_year


def get_request_or_404(request_id: int) -> MaatwerkRequest:
    """Finance sees every request; a coach those they made and those of the files they coach (rules)."""
    maatwerk = db.session.get(MaatwerkRequest, request_id)
    if maatwerk is None:
        abort(404)
    if not may_see_request(current_user, maatwerk):
        abort(404)
    return maatwerk


def _filters() -> tuple[FilterForm, Filters]:
    form = FilterForm(request.args)
    if form.validate():
        return form, Filters(category=form.categorie.data or "", status=form.status.data or "")
    return form, Filters()


# --------------------------------------------------------------------------- dashboard


@bp.route("/")
@allow("financien")
def index():
    years = [y.year for y in budget_years()]
    if not years:
        return redirect(url_for("budget.years"))
    this_year = date.today().year
    return redirect(url_for("budget.dashboard_page", year=this_year if this_year in years else years[-1]))


@bp.route("/<int:year>")
@allow("financien")
def dashboard_page(year: int):
    years = [y.year for y in budget_years()]  # the year picker's, and the 404 check (one query)
    if year not in years:
        abort(404)
    form, filters = _filters()
    page = max(request.args.get("pagina", 1, type=int), 1)
    today = date.today()
    body = filtered_region(year, filters, page, today)
    if is_partial_request():  # a filter or another page of requests: only the filtered part
        return render("budget/dashboard.html", "cached_region.html", body=body, status=form_status(form))
    return render(
        "budget/dashboard.html",
        year=year,
        years=years,
        form=form,
        filters=filters,
        reject_form=RejectForm(),
        body=body,
        status=form_status(form),  # a filter value outside the list: the message at the field, 422
        **dashboard(year, filters, today),
    )


def _decision_response(maatwerk: MaatwerkRequest, message: str, ok: bool):
    """After a decision: for htmx the queue plus out-of-band pot totals; else back to where it came from."""
    year = maatwerk.pot.budget_year.year
    if is_partial_request() and request.form.get("bron") == "dashboard":
        queue = pending_queue(year)
        return render(
            "budget/partials/decision_result.html",
            year=year,
            queue=queue,
            earlier=earlier_spend(r.participant_id for r in queue),
            figures=list(pot_figures(year=year).values()),
            reject_form=RejectForm(),
            message=message,
            ok=ok,
            status=200 if ok else 422,
        )
    flash(message, "success" if ok else "error")
    if request.form.get("bron") == "dashboard":
        return redirect_after_post(url_for("budget.dashboard_page", year=year))
    return redirect_after_post(url_for("budget.request_detail", request_id=maatwerk.id))


def _commit(action) -> str | None:
    """Run one money decision and commit it; on refusal the Dutch reason (and nothing is saved)."""
    try:
        action()
        db.session.commit()
    except (BudgetError, PeriodClosed) as exc:
        db.session.rollback()
        return str(exc)
    except OperationalError:  # SQLite busy after the lock timeout, or the database went away
        db.session.rollback()
        return BUSY
    return None


def _decide(maatwerk: MaatwerkRequest, action, success: str):
    refused = _commit(action)
    if refused:
        return _decision_response(maatwerk, refused, ok=False)
    return _decision_response(maatwerk, success, ok=True)


def _unchecked(maatwerk: MaatwerkRequest, form, status: int = 422):
    """A decision form refused before anything happened (no tick, no reason): the form again with its errors.

    On the dashboard the queue (htmx) or the page (a flash) shows the message; nothing was saved.
    """
    if request.form.get("bron") == "dashboard":
        errors = [e for field in form for e in field.errors]
        message = f"Aanvraag {maatwerk.id}: {' '.join(errors)} Er is niets opgeslagen."
        return _decision_response(maatwerk, message, ok=False)
    return _detail(maatwerk, status=status, **{_FORM_NAMES[type(form)]: form})


@bp.route("/aanvragen/<int:request_id>/goedkeuren", methods=["POST"])
@allow("financien")
def approve(request_id: int):
    maatwerk = get_request_or_404(request_id)
    form = ApproveForm()
    if not form.validate():
        return _unchecked(maatwerk, form)
    confirmed = form.closed_file_confirmed.data  # a closed file needs it (rules.py)
    return _decide(
        maatwerk,
        lambda: approve_request(maatwerk, current_user, closed_file_confirmed=confirmed),
        f"Aanvraag {maatwerk.id} is goedgekeurd.",
    )


@bp.route("/aanvragen/<int:request_id>/afwijzen", methods=["POST"])
@allow("financien")
def reject(request_id: int):
    maatwerk = get_request_or_404(request_id)
    form = RejectForm()
    if not form.validate():
        return _unchecked(maatwerk, form)
    return _decide(
        maatwerk,
        lambda: reject_request(maatwerk, current_user, form.reason.data),
        f"Aanvraag {maatwerk.id} is afgewezen.",
    )


@bp.route("/aanvragen/<int:request_id>/terugdraaien", methods=["POST"])
@allow("financien")
def reverse(request_id: int):
    """Correct a mistaken approval or rejection with a reason: the request waits for a decision again."""
    maatwerk = get_request_or_404(request_id)
    form = ReverseForm()
    if not form.validate():
        return _detail(maatwerk, reverse_form=form, status=422)
    was_approved = maatwerk.status == RequestStatus.GOEDGEKEURD.value
    refused = _commit(lambda: reverse_decision(maatwerk, current_user, form.reverse_reason.data))
    if refused:
        db.session.refresh(maatwerk)
        if maatwerk.status not in REVERSIBLE:  # paid or reversed meanwhile: the page has no such form any more
            flash(refused, "error")
            return redirect_after_post(url_for("budget.request_detail", request_id=maatwerk.id))
        form.reverse_reason.errors = [refused]
        return _detail(maatwerk, reverse_form=form, status=422)
    released = f" {format_money(maatwerk.amount)} is weer vrij in de pot." if was_approved else ""
    flash(
        f"Het besluit over aanvraag {maatwerk.id} is teruggedraaid. De aanvraag wacht weer op een besluit.{released}",
        "success",
    )
    return redirect_after_post(url_for("budget.request_detail", request_id=maatwerk.id))


@bp.route("/aanvragen/<int:request_id>/betaald", methods=["POST"])
@allow("financien")
def pay(request_id: int):
    maatwerk = get_request_or_404(request_id)
    form = PayForm()
    if not form.validate():
        return _detail(maatwerk, pay_form=form, status=422)
    refused = _commit(lambda: mark_paid(maatwerk, current_user, form.invoice_number.data, form.paid_on.data))
    if refused:
        if maatwerk.status != RequestStatus.GOEDGEKEURD.value:  # paid meanwhile: the page has no pay form any more
            flash(refused, "error")
            return redirect_after_post(url_for("budget.request_detail", request_id=maatwerk.id))
        form.paid_on.errors = [refused]
        return _detail(maatwerk, pay_form=form, status=422)
    flash(f"Aanvraag {maatwerk.id} is als betaald gemarkeerd.", "success")
    return redirect_after_post(url_for("budget.request_detail", request_id=maatwerk.id))


@bp.route("/aanvragen/<int:request_id>/intrekken", methods=["POST"])
@allow("coach", only=may_withdraw_request)
def withdraw(request_id: int):
    maatwerk = get_request_or_404(request_id)
    refused = _commit(lambda: withdraw_request(maatwerk, current_user))
    flash(refused or "De aanvraag is ingetrokken.", "error" if refused else "success")
    return redirect_after_post(url_for("budget.request_detail", request_id=maatwerk.id))


# --------------------------------------------------------------------------- requests (coach)


_FORM_NAMES = {ApproveForm: "approve_form", RejectForm: "reject_form"}


def _detail(maatwerk: MaatwerkRequest, status: int = 200, **forms):
    forms.setdefault("approve_form", ApproveForm(formdata=None))
    forms.setdefault("reject_form", RejectForm(formdata=None))
    forms.setdefault("reverse_form", ReverseForm(formdata=None))
    forms.setdefault("pay_form", PayForm(formdata=None, paid_on=date.today()))
    return render(
        "budget/request_detail.html",
        r=maatwerk,
        figures=figures_for(maatwerk.pot_id),
        earlier=earlier_spend([maatwerk.participant_id]).get(maatwerk.participant_id),
        history=decision_history(maatwerk.id),
        status=status,
        **forms,
    )


@bp.route("/aanvragen/<int:request_id>")
@allow("coach", "financien", only=may_see_request)
def request_detail(request_id: int):
    return _detail(get_request_or_404(request_id))


def _coach_participants() -> list[Participant]:
    """Participants a coach may ask money for: their own (or not yet assigned), still in the pilot."""
    return list(
        db.session.scalars(
            select(Participant)
            .where(
                or_(Participant.coach_id == current_user.id, Participant.coach_id.is_(None)),
                Participant.status.not_in(
                    [
                        ParticipantStatus.AFGEROND.value,
                        ParticipantStatus.UITGEVALLEN.value,
                        ParticipantStatus.NIET_GESTART.value,
                    ]
                ),
            )
            .order_by(Participant.last_name, Participant.first_name)
        )
    )


def _request_form(formdata=None) -> RequestForm:
    participants = _coach_participants()
    form = RequestForm(formdata=formdata) if formdata is not None else RequestForm()
    form.participant_id.choices = select_choices((p.id, p.full_name) for p in participants)
    names = {p.id: p.full_name for p in participants}
    goals = db.session.execute(
        select(Goal.id, Goal.participant_id, Goal.description)
        .where(Goal.participant_id.in_(list(names)))
        .order_by(Goal.participant_id, Goal.id)
    ).all()
    form.goal_owner = {gid: pid for gid, pid, _ in goals}
    # Grouped by participant; the empty choice sits in an unnamed group, as it always did.
    form.goal_id.choices = [SelectChoice("", "Geen doel", optgroup="")] + [
        SelectChoice(gid, text[:80], optgroup=names[pid]) for gid, pid, text in goals
    ]
    if request.method == "GET" and request.args.get("deelnemer", type=int) in names:
        form.participant_id.data = request.args.get("deelnemer", type=int)
    return form


def _room(amount_text: str, expected_on: date | None) -> dict:
    """What the coach sees while typing: the pot's free money and whether this amount fits."""
    year = expected_on.year if expected_on else date.today().year
    pot = pot_for(year, PotKind.MAATWERK)
    if pot is None:
        return {"room_year": year, "room": None}
    figures = figures_for(pot.id)
    amount, error = None, None
    if amount_text and amount_text.strip():
        try:
            amount = parse_money(amount_text)
        except MoneyError as exc:
            error = str(exc)
    return {
        "room_year": year,
        "room": figures,
        "room_amount": amount,
        "room_error": error,
        "room_fits": figures.fits(amount) if amount is not None else None,
    }


@bp.route("/aanvragen/nieuw", methods=["GET", "POST"])
@allow("coach")
def new_request():
    form = _request_form()
    if form.validate_on_submit():
        participant = db.session.get(Participant, form.participant_id.data)
        try:
            maatwerk = submit_request(
                participant,
                current_user,
                category=form.category.data,
                description=form.description.data.strip(),
                supplier=form.supplier.data.strip(),
                amount=form.amount.data,
                expected_on=form.expected_on.data,
                goal_id=form.goal_id.data,
                justification=form.justification.data.strip(),
            )
            db.session.commit()
        except BudgetError as exc:
            db.session.rollback()
            form.expected_on.errors = [str(exc)]
        else:
            flash("Uw aanvraag is ingediend. Financiën beslist erover.", "success")
            return redirect_after_post(url_for("budget.request_detail", request_id=maatwerk.id))
    status = form_status(form)
    room = _room(form.amount.raw_data[0] if form.amount.raw_data else "", form.expected_on.data)
    return render("budget/request_form.html", form=form, status=status, **room)


@bp.route("/aanvragen/ruimte")
@allow("coach")
def pot_room():
    """htmx: the pot's remaining money for the amount being typed (a small page without htmx)."""
    try:
        expected_on = date.fromisoformat(request.args.get("expected_on", ""))
    except ValueError:
        expected_on = None
    room = _room(request.args.get("amount", ""), expected_on)
    return render("budget/pot_room.html", "budget/partials/pot_room.html", **room)


@bp.route("/aanvragen")
@allow("coach")
def my_requests_page():
    page = max(request.args.get("pagina", 1, type=int), 1)
    return render(
        "budget/my_requests.html", "budget/partials/my_requests_list.html", requests=my_requests(current_user, page)
    )


# --------------------------------------------------------------------------- life-coach invoices


def _invoice_page(year: int, form: InvoiceForm, status: int = 200):
    pot = pot_for(year, PotKind.LIFECOACH)
    invoices = list(
        db.session.scalars(
            select(LifeCoachInvoice)
            .where(LifeCoachInvoice.pot_id == pot.id)
            .order_by(LifeCoachInvoice.invoice_date.desc(), LifeCoachInvoice.id.desc())
        )
    )
    form.corrects_id.choices = select_choices(
        [("", "Geen: dit is een gewone factuur")]
        + [(i.id, f"{i.invoice_number} ({i.invoice_date:%d-%m-%Y})") for i in invoices if i.amount > 0]
    )
    return render(
        "budget/invoices.html",
        year=year,
        form=form,
        invoices=invoices,
        figures=figures_for(pot.id),
        status=status,
    )


@bp.route("/<int:year>/life-coach", methods=["GET", "POST"])
@allow("financien")
def invoices(year: int):
    get_year_or_404(year)
    form = InvoiceForm()
    if request.method == "GET":
        return _invoice_page(year, form)
    _invoice_page(year, form)  # fills the choices for validation
    if form.validate():
        pot = pot_for(year, PotKind.LIFECOACH)
        corrects = db.session.get(LifeCoachInvoice, form.corrects_id.data) if form.corrects_id.data else None
        refused = _commit(
            lambda: record_invoice(
                pot,
                current_user,
                supplier=form.supplier.data.strip(),
                invoice_number=form.invoice_number.data.strip(),
                invoice_date=form.invoice_date.data,
                description=form.description.data.strip(),
                amount=form.amount.data,
                corrects=corrects,
            )
        )
        if refused:
            form.amount.errors = [refused]
        else:
            flash("De factuur is geboekt.", "success")
            return redirect_after_post(url_for("budget.invoices", year=year))
    return _invoice_page(year, form, status=422)


# --------------------------------------------------------------------------- budget years


@bp.route("/jaren", methods=["GET", "POST"])
@allow("financien", "beheer")
def years():
    form = BudgetYearForm()
    if request.method == "GET":
        form = BudgetYearForm(formdata=None, year=date.today().year, total=DEFAULT_TOTAL, lifecoach=DEFAULT_TOTAL / 2)
    elif form.validate():
        try:
            budget_year = create_budget_year(form.year.data, form.total.data, form.lifecoach.data)
            db.session.commit()
        except BudgetError as exc:
            db.session.rollback()
            form.year.errors = [str(exc)]
        else:
            flash(f"Begrotingsjaar {budget_year.year} is aangemaakt.", "success")
            return redirect_after_post(url_for("budget.year_edit", year=budget_year.year))
    return render(
        "budget/years.html",
        form=form,
        figures=list(pot_figures().values()),
        status=form_status(form),
    )


def _year_page(budget_year: BudgetYear, status: int = 200, **forms):
    lifecoach = next(p for p in budget_year.pots if p.kind == PotKind.LIFECOACH.value)
    forms.setdefault("split_form", SplitForm(formdata=None, total=budget_year.total, lifecoach=lifecoach.amount))
    forms.setdefault("contribution_form", ContributionForm(formdata=None, prefix="bijdrage", booked_on=date.today()))
    forms.setdefault("carry_form", CarryOverForm(formdata=None, prefix="meenemen", decided_on=date.today()))
    forms["contribution_form"].organisation_id.choices = _organisation_choices()
    pot_ids = [p.id for p in budget_year.pots]
    contributions = list(
        db.session.scalars(
            select(BudgetContribution)
            .where(BudgetContribution.pot_id.in_(pot_ids))
            .order_by(BudgetContribution.booked_on)
        )
    )
    carries = list(
        db.session.scalars(
            select(CarryOver)
            .where(or_(CarryOver.from_pot_id.in_(pot_ids), CarryOver.to_pot_id.in_(pot_ids)))
            .order_by(CarryOver.decided_on)
        )
    )
    return render(
        "budget/year_edit.html",
        budget_year=budget_year,
        figures=list(pot_figures(year=budget_year.year).values()),
        contributions=contributions,
        carries=carries,
        status=status,
        **forms,
    )


def _organisation_choices():
    return select_choices(
        (o.id, o.name)
        for o in db.session.scalars(
            select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)
        )
    )


@bp.route("/jaren/<int:year>", methods=["GET", "POST"])
@allow("financien", "beheer")
def year_edit(year: int):
    budget_year = get_year_or_404(year)
    if request.method == "GET":
        return _year_page(budget_year)
    form = SplitForm()
    if form.validate():
        refused = _commit(lambda: change_split(budget_year, form.total.data, form.lifecoach.data))
        if refused:
            form.lifecoach.errors = [refused]
        else:
            flash("De verdeling is opgeslagen.", "success")
            return redirect_after_post(url_for("budget.year_edit", year=year))
    return _year_page(budget_year, status=422, split_form=form)


@bp.route("/jaren/<int:year>/bijdragen", methods=["POST"])
@allow("financien", "beheer")
def contribution(year: int):
    budget_year = get_year_or_404(year)
    form = ContributionForm(prefix="bijdrage")
    form.organisation_id.choices = _organisation_choices()
    if form.validate():
        pot = pot_for(year, PotKind(form.pot.data))
        organisation = db.session.get(Organisation, form.organisation_id.data)
        refused = _commit(
            lambda: add_contribution(
                pot, organisation, form.amount.data, form.booked_on.data, form.description.data.strip(), current_user
            )
        )
        if refused:
            form.booked_on.errors = [refused]
        else:
            flash("De bijdrage is geboekt.", "success")
            return redirect_after_post(url_for("budget.year_edit", year=year))
    return _year_page(budget_year, status=422, contribution_form=form)


@bp.route("/jaren/<int:year>/meenemen", methods=["POST"])
@allow("financien")
def carry(year: int):
    budget_year = get_year_or_404(year)
    form = CarryOverForm(prefix="meenemen")
    if form.validate():
        refused = _commit(
            lambda: carry_over(budget_year, form.amount.data, form.reason.data, form.decided_on.data, current_user)
        )
        if refused:
            form.amount.errors = [refused]
        else:
            flash(f"Het besluit is vastgelegd: het geld gaat mee naar {year + 1}.", "success")
            return redirect_after_post(url_for("budget.year_edit", year=year))
    return _year_page(budget_year, status=422, carry_form=form)


# --------------------------------------------------------------------------- closed months


def _month_choices() -> list[tuple[str, str]]:
    today = date.today()
    closed = {(m.year, m.month) for m in closed_months()}
    choices = []
    y, m = today.year, today.month
    for _ in range(24):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        if (y, m) not in closed:
            choices.append((f"{y}-{m:02d}", month_label(y, m)))
    return choices


@bp.route("/maanden", methods=["GET", "POST"])
@allow("financien")
def months():
    form = CloseMonthForm()
    form.month.choices = select_choices(_month_choices())
    if request.method == "POST" and form.validate():
        year, month = (int(part) for part in form.month.data.split("-"))

        def close():
            closed = close_month(year, month, current_user)
            db.session.flush()
            record(db.session, "close_month", closed, changes={"maand": [None, form.month.data]})

        refused = _commit(close)
        if refused:
            form.month.errors = [refused]
        else:
            flash(f"{month_label(year, month).capitalize()} is afgesloten.", "success")
            return redirect_after_post(url_for("budget.months"))
    return render(
        "budget/months.html",
        form=form,
        closed=closed_months(),
        month_label=month_label,
        status=form_status(form),
    )


# --------------------------------------------------------------------------- exports


def _requests_sheet(year: int, filters) -> Sheet:
    return Sheet("Aanvragen", [Column(h) for h in REQUEST_COLUMNS], export_requests(year, filters))


def _payments_sheet(year: int, filters) -> Sheet:
    return Sheet("Betalingen", [Column(h) for h in PAYMENT_COLUMNS], export_payments(year, filters))


@bp.route("/<int:year>/export/aanvragen.csv")
@allow("financien")
def export_requests_csv(year: int):
    get_year_or_404(year)
    _, filters = _filters()
    return csv_download([_requests_sheet(year, filters)], f"maatwerk-aanvragen-{year}.csv")


@bp.route("/<int:year>/export/betalingen.csv")
@allow("financien")
def export_payments_csv(year: int):
    get_year_or_404(year)
    _, filters = _filters()
    return csv_download([_payments_sheet(year, filters)], f"betalingen-{year}.csv")


@bp.route("/<int:year>/export.xlsx")
@allow("financien")
def export_xlsx(year: int):
    get_year_or_404(year)
    _, filters = _filters()
    sheets = [_requests_sheet(year, filters), _payments_sheet(year, filters)]
    return xlsx_download(sheets, f"financien-{year}.xlsx")
