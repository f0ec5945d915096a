"""Beheer page of all user accounts: role, organisation, active, second factor; disable, enable, reset."""

from flask import abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.admin import bp
from blueprints.auth.accounts import disable_user, enable_user, reset_user_second_factor
from blueprints.auth.totp import is_enrolled, needs_second_factor
from core.access import allow
from core.forms import EmptyForm
from core.htmx import redirect_after_post, render
from models import User, db


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


@bp.route("/gebruikers/<int:user_id>/tweede-stap-herstellen", methods=["POST"])
@allow("beheer")
def user_reset_second_factor(user_id):
    user = _load_user(user_id)
    if EmptyForm().validate_on_submit():
        if user.id == current_user.id:
            flash("Uw eigen tweede stap kan een andere beheerder herstellen.", "warning")
        else:
            reset_user_second_factor(user)
            db.session.commit()
            flash(
                f"De tweede stap van {user.name} is gewist; bij de volgende keer inloggen stelt die hem opnieuw in.",
                "success",
            )
    return redirect_after_post(url_for("admin.users"))
