"""Sign-in and sign-out pages."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.auth import bp
from blueprints.auth.forms import LoginForm
from blueprints.auth.signin import GENERIC_FAILURE, check_password, end_all_sessions, sign_out, start_session
from core.access import PUBLIC, SIGNED_IN, allow
from core.audit import record
from core.forms import EmptyForm
from extensions import limiter, login_manager
from models import User, db


@login_manager.user_loader
def load_user(user_id: str):
    """The id carries the session version: an old cookie after sign-out finds no user."""
    try:
        raw_id, raw_version = user_id.split(":")
        user = db.session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or str(user.session_version) != raw_version:
        return None
    return user


def safe_next(target: str | None) -> str | None:
    """Only local paths, never another host (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.route("/inloggen", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit("30 per minute; 200 per hour", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    next_url = safe_next(request.values.get("next"))
    if form.validate_on_submit():
        result = check_password(form.email.data, form.password.data)
        if result.reason == "ok":
            start_session(result.user)
            record(db.session, "login", result.user, actor=result.user)
            db.session.commit()
            return redirect(next_url or url_for("home.index"), code=303)
        record(
            db.session,
            "login_failed",
            object_type="user_account",
            object_id=result.user.id if result.user else None,
            changes={"email": (None, form.email.data[:254]), "reason": (None, result.reason)},
            result="denied",
        )
        db.session.commit()
        form.password.errors.append(GENERIC_FAILURE)
        return render_template("auth/login.html", form=form, next_url=next_url), 422
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form, next_url=next_url), status


@bp.route("/uitloggen", methods=["POST"])
@allow(SIGNED_IN)
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        end_all_sessions(user)
        record(db.session, "logout", user, actor=user)
        db.session.commit()
        sign_out()
        flash("U bent uitgelogd.", "info")
    return redirect(url_for("auth.login"), code=303)


login_manager.login_view = "auth.login"
login_manager.login_message = "Log in om verder te gaan."
login_manager.login_message_category = "info"
