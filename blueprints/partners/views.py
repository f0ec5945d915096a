"""Partner pages: organisations (beheer), commitments (coach), status updates (also partners), overview."""

from datetime import date

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user

from blueprints.auth.accounts import account_problems, create_account, disable_user, enable_user, send_password_link
from blueprints.auth.views import safe_next
from blueprints.partners import bp, queries
from blueprints.partners.commitments import CommitmentError, change_status, start_history
from blueprints.partners.forms import CommitmentForm, OrganisationForm, PartnerUserForm, StatusForm
from core.access import allow
from core.audit import record
from core.forms import EmptyForm, form_status
from core.htmx import is_partial_request, redirect_after_post, render
from models import Commitment, Organisation, Participant, Role, User, db

STAFF = ("coach", "beheer")
READERS = ("coach", "beheer", "financien")


# --------------------------------------------------------------------------- load or 404


def load_commitment(commitment_id: int, *, with_history: bool = False) -> Commitment:
    """The commitment, if this user may see it; a partner gets 404 for another organisation's."""
    commitment = queries.get_commitment(commitment_id, current_user, with_history=with_history)
    if commitment is None:
        abort(404)
    return commitment


def load_organisation(organisation_id: int) -> Organisation:
    return db.get_or_404(Organisation, organisation_id)


def is_partner_account_of(_viewer: User, organisation: Organisation, user: User) -> bool:
    """Beheer switches partner accounts on and off from their organisation's page, no others."""
    return user.organisation_id == organisation.id and user.role == Role.PARTNER.value


def load_partner_user(organisation: Organisation, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not is_partner_account_of(current_user, organisation, user):
        abort(404)
    return user


def is_partner() -> bool:
    return current_user.role == Role.PARTNER.value


def back_url(default: str) -> str:
    return safe_next(request.values.get("next")) or default


# --------------------------------------------------------------------------- overview


@bp.route("/")
@allow(*READERS)
def overview():
    today = date.today()
    page = max(request.args.get("pagina", 1, type=int), 1)
    pager, participant_rows = queries.participants_with_partners(page, today)
    return render(
        "partners/overview.html",
        "partners/partials/overview_participants.html",
        summaries=queries.organisation_summaries(today),
        pilot_wide=queries.pilot_wide_commitments(),
        pager=pager,
        participant_rows=participant_rows,
    )


# --------------------------------------------------------------------------- commitments


@bp.route("/toezeggingen")
@allow(*READERS, "partner")
def commitments():
    filters = queries.CommitmentFilter(
        status=request.args.get("status", ""),
        organisation_id=request.args.get("organisatie", type=int),
        scope=request.args.get("voor", ""),
    )
    page = max(request.args.get("pagina", 1, type=int), 1)
    pager = queries.commitment_page(current_user, filters, page, date.today())
    args = {k: v for k, v in request.args.items() if k != "pagina" and v}
    return render(
        "partners/commitments.html",
        "partners/partials/commitment_table.html",
        pager=pager,
        filters=filters,
        args=args,
        organisations=[] if is_partner() else queries.organisation_choices(partners_only=False),
    )


def _commitment_form(obj=None) -> CommitmentForm:
    return CommitmentForm(
        obj=obj,
        organisations=queries.organisation_choices(),
        participants=queries.participant_choices(),
        contacts=queries.contact_choices(),
    )


def _copy_commitment_fields(form: CommitmentForm, commitment: Commitment) -> None:
    """Only the fields the form lists; status and progress change through `change_status`."""
    commitment.organisation_id = form.organisation_id.data
    commitment.participant_id = form.participant_id.data
    commitment.kind = form.kind.data
    commitment.description = form.description.data
    commitment.quantity = form.quantity.data
    commitment.amount = form.amount.data
    commitment.due_date = form.due_date.data
    commitment.contact_user_id = form.contact_user_id.data


@bp.route("/toezeggingen/nieuw", methods=["GET", "POST"])
@allow(*STAFF)
def commitment_new():
    form = _commitment_form()
    if request.method == "GET":
        participant_id = request.args.get("deelnemer", type=int)
        if participant_id and db.session.get(Participant, participant_id):
            form.participant_id.data = participant_id
    if form.validate_on_submit():
        commitment = Commitment(created_by_id=current_user.id, status="toegezegd")
        _copy_commitment_fields(form, commitment)
        db.session.add(commitment)
        db.session.add(start_history(commitment, current_user, date.today()))
        db.session.commit()
        flash("De toezegging is vastgelegd.", "success")
        return redirect_after_post(url_for("partners.commitment", commitment_id=commitment.id))
    return render("partners/commitment_form.html", status=form_status(form), form=form, commitment=None)


@bp.route("/toezeggingen/<int:commitment_id>")
@allow(*READERS, "partner")
def commitment(commitment_id: int):
    commitment = load_commitment(commitment_id, with_history=True)
    return render("partners/commitment.html", commitment=commitment)


@bp.route("/toezeggingen/<int:commitment_id>/bewerken", methods=["GET", "POST"])
@allow(*STAFF)
def commitment_edit(commitment_id: int):
    commitment = load_commitment(commitment_id)
    form = _commitment_form(obj=commitment)
    if form.validate_on_submit():
        _copy_commitment_fields(form, commitment)
        db.session.commit()
        flash("De toezegging is bijgewerkt.", "success")
        return redirect_after_post(url_for("partners.commitment", commitment_id=commitment.id))
    return render("partners/commitment_form.html", status=form_status(form), form=form, commitment=commitment)


@bp.route("/toezeggingen/<int:commitment_id>/kaart")
@allow(*STAFF, "partner")
def commitment_card(commitment_id: int):
    """The card of one commitment (htmx: 'Annuleren' of the inline status form puts it back)."""
    commitment = load_commitment(commitment_id)
    return render(
        "partners/card.html",
        "partners/partials/commitment_card.html",
        c=commitment,
        back=back_url(url_for("home.index")),
    )


@bp.route("/toezeggingen/<int:commitment_id>/status", methods=["GET", "POST"])
@allow(*STAFF, "partner")
def commitment_status(commitment_id: int):
    commitment = load_commitment(commitment_id)
    back = back_url(url_for("partners.commitment", commitment_id=commitment.id))
    form = StatusForm(obj=None if request.method == "POST" else commitment)
    if request.method == "GET":
        form.on_date.data = date.today()
        form.realised_quantity.data = commitment.realised_quantity
        form.realised_amount.data = commitment.realised_amount
    if form.validate_on_submit():
        old_status = commitment.status
        try:
            update = change_status(
                commitment,
                form.status.data,
                form.note.data,
                current_user,
                on_date=form.on_date.data,
                realised_quantity=form.realised_quantity.data
                if commitment.quantity and commitment.is_pilot_wide
                else None,
                realised_amount=form.realised_amount.data if commitment.amount and commitment.is_pilot_wide else None,
            )
        except CommitmentError as error:
            target = {"realised": form.realised_quantity}.get(error.field) or getattr(form, error.field, form.note)
            target.errors = [*target.errors, str(error)]
        else:
            db.session.add(update)
            record(db.session, "commitment_status", commitment, changes={"status": (old_status, commitment.status)})
            db.session.commit()
            if is_partial_request():
                return render_template("partners/partials/commitment_card.html", c=commitment, back=back, saved=True)
            flash("De status is bijgewerkt.", "success")
            return redirect_after_post(back)
    return render(
        "partners/status.html",
        "partners/partials/status_form.html",
        status=form_status(form),
        form=form,
        c=commitment,
        back=back,
    )


@bp.route("/deelnemers/<int:participant_id>/toezeggingen")
@allow(*STAFF)
def participant_commitments(participant_id: int):
    participant = db.get_or_404(Participant, participant_id)
    return render(
        "partners/participant.html",
        "partners/partials/participant_commitments.html",
        participant=participant,
        participant_commitments=queries.participant_commitments(participant.id),
    )


# --------------------------------------------------------------------------- organisations (beheer)


@bp.route("/organisaties")
@allow("beheer")
def organisations():
    return render("partners/organisations.html", rows=queries.organisation_rows())


def _copy_organisation_fields(form: OrganisationForm, organisation: Organisation) -> None:
    organisation.name = form.name.data
    organisation.kind = form.kind.data
    organisation.contact_name = form.contact_name.data or None
    organisation.contact_email = form.contact_email.data or None
    organisation.contact_phone = form.contact_phone.data or None
    organisation.active = bool(form.active.data)


@bp.route("/organisaties/nieuw", methods=["GET", "POST"])
@allow("beheer")
def organisation_new():
    form = OrganisationForm()
    if form.validate_on_submit():
        organisation = Organisation()
        _copy_organisation_fields(form, organisation)
        db.session.add(organisation)
        db.session.commit()
        flash(f"{organisation.name} is toegevoegd.", "success")
        return redirect_after_post(url_for("partners.organisation", organisation_id=organisation.id))
    return render("partners/organisation_form.html", status=form_status(form), form=form, organisation=None)


@bp.route("/organisaties/<int:organisation_id>")
@allow("beheer")
def organisation(organisation_id: int):
    organisation = load_organisation(organisation_id)
    return render(
        "partners/organisation.html",
        "partners/partials/organisation_users.html",
        organisation=organisation,
        users=queries.organisation_users(organisation.id),
        button_form=EmptyForm(),
    )


@bp.route("/organisaties/<int:organisation_id>/bewerken", methods=["GET", "POST"])
@allow("beheer")
def organisation_edit(organisation_id: int):
    organisation = load_organisation(organisation_id)
    form = OrganisationForm(obj=organisation, organisation_id=organisation.id)
    if form.validate_on_submit():
        _copy_organisation_fields(form, organisation)
        db.session.commit()
        flash("De organisatie is bijgewerkt.", "success")
        return redirect_after_post(url_for("partners.organisation", organisation_id=organisation.id))
    return render("partners/organisation_form.html", status=form_status(form), form=form, organisation=organisation)


@bp.route("/organisaties/<int:organisation_id>/gebruikers/nieuw", methods=["GET", "POST"])
@allow("beheer")
def user_new(organisation_id: int):
    organisation = load_organisation(organisation_id)
    form = PartnerUserForm()
    if request.method == "POST":
        # The same path as beheer's user page: one rule for accounts, and the set-password e-mail (48 hours).
        valid = form.validate_on_submit()
        problems = account_problems(form.email.data or "", form.name.data or "", Role.PARTNER.value, organisation)
        if valid and not problems:
            user = create_account(form.email.data, form.name.data, Role.PARTNER.value, organisation)
            send_password_link(user, current_user, new_account=True)
            db.session.commit()
            flash(
                f"Het account van {user.name} is aangemaakt. {user.name} krijgt een mail om een wachtwoord "
                "in te stellen (48 uur geldig).",
                "success",
            )
            return redirect_after_post(url_for("partners.organisation", organisation_id=organisation.id))
        for name, message in problems.items():
            field = getattr(form, name, None)
            if field is not None and not field.errors:  # the form's own message first, never two for one field
                field.errors = [*field.errors, message]
    return render("partners/user_form.html", status=form_status(form), form=form, organisation=organisation)


def _set_user_active(organisation_id: int, user_id: int, active: bool):
    organisation = load_organisation(organisation_id)
    user = load_partner_user(organisation, user_id)
    form = EmptyForm()
    if form.validate_on_submit() and user.active != active:
        # disable_user also bumps session_version (signin.end_all_sessions): old cookies die at once.
        (enable_user if active else disable_user)(user)
        db.session.commit()
    if is_partial_request():
        return render_template(
            "partners/partials/organisation_users.html",
            organisation=organisation,
            users=queries.organisation_users(organisation.id),
            button_form=EmptyForm(),
        )
    flash(f"{user.name} kan {'weer' if active else 'niet meer'} inloggen.", "success")
    return redirect_after_post(url_for("partners.organisation", organisation_id=organisation.id))


@bp.route("/organisaties/<int:organisation_id>/gebruikers/<int:user_id>/uitschakelen", methods=["POST"])
@allow("beheer", only=is_partner_account_of)
def user_disable(organisation_id: int, user_id: int):
    return _set_user_active(organisation_id, user_id, active=False)


@bp.route("/organisaties/<int:organisation_id>/gebruikers/<int:user_id>/inschakelen", methods=["POST"])
@allow("beheer", only=is_partner_account_of)
def user_enable(organisation_id: int, user_id: int):
    return _set_user_active(organisation_id, user_id, active=True)
