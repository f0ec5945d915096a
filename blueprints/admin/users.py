"""Beheer page of all user accounts: role, organisation, active, second factor; create, edit, disable,
enable, reset the second factor (after a confirmation step), send a set-password link."""

from flask import abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.admin import bp
from blueprints.admin.forms import AccountForm, ConfirmForm
from blueprints.auth.accounts import (
    account_problems,
    create_account,
    disable_user,
    enable_user,
    reset_user_second_factor,
    send_password_link,
    update_account,
)
from blueprints.auth.totp import is_enrolled, needs_second_factor
from core.access import allow
from core.forms import EmptyForm, form_status, select_choices
from core.htmx import redirect_after_post, render
from models import Organisation, User, db


def second_factor_status(user: User) -> tuple[str, str]:
    """(label, badge kind) of the user's second factor."""
    if not needs_second_factor(user):
        return "Niet nodig", "neutral"
    if is_enrolled(user):
        return "Ingesteld", "success"
    return "Nog niet ingesteld", "warning"


def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/gebruikers")
@allow("beheer")
def users():
    page = max(request.args.get("pagina", 1, type=int), 1)
    query = select(User).options(joinedload(User.organisation)).order_by(User.name, User.id)
    accounts = db.paginate(query, page=page, per_page=50, error_out=False)
    return render(
        "admin/users.html",
        "admin/users_table.html",
        accounts=accounts,
        status_of=second_factor_status,
        form=EmptyForm(),
    )


@bp.route("/gebruikers/<int:user_id>/uitzetten", methods=["POST"])
@allow("beheer")
def user_disable(user_id):
    user = _load_user(user_id)
    if EmptyForm().validate_on_submit():
        if user.id == current_user.id:
            flash("U kunt uw eigen account niet uitzetten.", "warning")
        else:
            disable_user(user)
            db.session.commit()
            flash(f"{user.name} is uitgezet en overal uitgelogd.", "success")
    return redirect_after_post(url_for("admin.users"))


@bp.route("/gebruikers/<int:user_id>/aanzetten", methods=["POST"])
@allow("beheer")
def user_enable(user_id):
    user = _load_user(user_id)
    if EmptyForm().validate_on_submit():
        enable_user(user)
        db.session.commit()
        flash(f"{user.name} kan weer inloggen.", "success")
    return redirect_after_post(url_for("admin.users"))


@bp.route("/gebruikers/<int:user_id>/tweede-stap-herstellen", methods=["GET", "POST"])
@allow("beheer")
def user_reset_second_factor(user_id):
    """GET shows what a reset does and asks to confirm; only the confirmed POST resets."""
    user = _load_user(user_id)
    if user.id == current_user.id:
        flash("Uw eigen tweede stap kan een andere beheerder herstellen.", "warning")
        return redirect_after_post(url_for("admin.users"))
    form = ConfirmForm()
    if form.validate_on_submit() and form.confirmed.data == "ja":
        reset_user_second_factor(user)
        db.session.commit()
        flash(
            f"De tweede stap van {user.name} is gewist; bij de volgende keer inloggen stelt die hem opnieuw in.",
            "success",
        )
        return redirect_after_post(url_for("admin.users"))
    status = 422 if request.method == "POST" else 200
    return render(
        "admin/user_reset_confirm.html",
        "admin/partials/user_reset_confirm.html",
        status=status,
        form=form,
        account=user,
    )


def _organisation_choices(current: Organisation | None = None):
    """Active organisations, plus the account's own one even when it is no longer active."""
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    pairs = [("", "Geen (niet voor partners)")]
    pairs += [(str(o.id), o.name) for o in orgs if o.active or (current is not None and o.id == current.id)]
    return select_choices(pairs)


def _chosen_organisation(form: AccountForm) -> Organisation | None:
    raw = form.organisation.data or ""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return None
    return db.session.get(Organisation, int(raw))


def _apply_problems(form: AccountForm, problems: dict[str, str]) -> None:
    for name, message in problems.items():
        getattr(form, name).errors = [*getattr(form, name).errors, message]


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
@allow("beheer")
def user_new():
    form = AccountForm()
    form.organisation.choices = _organisation_choices()
    if form.validate_on_submit():
        org = _chosen_organisation(form)
        problems = account_problems(form.email.data, form.name.data, form.role.data, org)
        if not problems:
            user = create_account(form.email.data, form.name.data, form.role.data, org)
            send_password_link(user, current_user, new_account=True)
            db.session.commit()
            flash(
                f"{user.name} is aangemaakt en krijgt een mail om een wachtwoord in te stellen (48 uur geldig).",
                "success",
            )
            return redirect_after_post(url_for("admin.users"))
        _apply_problems(form, problems)
    return render(
        "admin/user_form.html", "admin/partials/user_form.html", status=form_status(form), form=form, account=None
    )


@bp.route("/gebruikers/<int:user_id>/wijzigen", methods=["GET", "POST"])
@allow("beheer")
def user_edit(user_id):
    user = _load_user(user_id)
    form = AccountForm(obj=None if request.method == "POST" else user)
    if request.method == "GET":
        form.organisation.data = str(user.organisation_id or "")
    form.organisation.choices = _organisation_choices(user.organisation)
    if form.validate_on_submit():
        org = _chosen_organisation(form)
        problems = account_problems(form.email.data, form.name.data, form.role.data, org, user=user)
        if user.id == current_user.id and form.role.data != user.role:
            problems["role"] = "U kunt uw eigen rol niet wijzigen; vraag dat aan een andere beheerder."
        if not problems:
            update_account(user, form.email.data, form.name.data, form.role.data, org)
            db.session.commit()
            flash(f"De gegevens van {user.name} zijn opgeslagen.", "success")
            return redirect_after_post(url_for("admin.users"))
        _apply_problems(form, problems)
    return render(
        "admin/user_form.html",
        "admin/partials/user_form.html",
        status=form_status(form),
        form=form,
        account=user,
        link_form=EmptyForm(),
    )


@bp.route("/gebruikers/<int:user_id>/wachtwoordlink", methods=["POST"])
@allow("beheer")
def user_send_password_link(user_id):
    """A set-password link for an existing account: a lost password, or a break-glass password for an SSO user."""
    user = _load_user(user_id)
    if EmptyForm().validate_on_submit():
        if not user.active:
            flash(f"{user.name} is uitgezet. Zet het account eerst aan.", "warning")
        else:
            send_password_link(user, current_user, new_account=False)
            db.session.commit()
            flash(
                f"{user.name} krijgt een mail met een link om een wachtwoord in te stellen (48 uur geldig).", "success"
            )
    return redirect_after_post(url_for("admin.user_edit", user_id=user.id))
