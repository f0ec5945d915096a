"""Sign-in (password, then a second factor for partner and beheer), sign-out and changing the password."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from blueprints.auth import accounts, bp, oidc, throttle
from blueprints.auth.forms import ChangePasswordForm, EnrolForm, LoginForm, SecondFactorForm, SetPasswordForm
from blueprints.auth.passwords import hash_password, password_problem, verify_password
from blueprints.auth.signin import (
    GENERIC_FAILURE,
    PENDING_KEY,
    begin_pending,
    check_password,
    clear_pending,
    end_all_sessions,
    find_user,
    pending_user,
    sign_out,
    start_session,
)
from blueprints.auth.totp import (
    complete_enrolment,
    grouped_secret,
    is_enrolled,
    needs_second_factor,
    prepare_enrolment,
    qr_svg,
    recovery_codes_left,
    use_recovery_code,
    verify_totp,
)
from core.access import PUBLIC, SIGNED_IN, allow
from core.audit import record
from core.forms import EmptyForm, form_status
from core.htmx import redirect_after_post, render
from extensions import limiter, login_manager
from models import User, db

WRONG_CODE = "Deze code klopt niet. Gebruik de nieuwste code uit uw app, of een herstelcode."
PENDING_EXPIRED = "Uw inlogpoging is verlopen of niet meer geldig. Log opnieuw in."


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
    if any(ord(ch) < 32 for ch in target):
        return None
    return target


def pending_key() -> str:
    """Rate-limit key per half-finished sign-in and address: someone else's tries never block the user."""
    pending = session.get(PENDING_KEY)
    user_id = pending.get("user_id") if isinstance(pending, dict) else None
    return f"second-factor:{user_id}:{request.remote_addr}"


def _record_failure(user: User | None, reason: str, email: str | None = None) -> None:
    changes = {"reason": (None, reason)}
    if email is not None:
        changes["email"] = (None, email[:254])
    record(
        db.session,
        "login_failed",
        object_type="user_account",
        object_id=user.id if user else None,
        changes=changes,
        result="denied",
    )


def _refused(user: User | None, email: str | None = None) -> None:
    """Audit a try refused by the throttle (without checking the password or code)."""
    _record_failure(user, "throttled", email)
    db.session.commit()


# Per address only (Flask-Limiter); per account the database throttle (auth/throttle.py) counts
# per (account, address) pair, so nobody can lock another person's account.
@bp.route("/inloggen", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit("30 per minute; 200 per hour", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    next_url = safe_next(request.values.get("next"))
    if form.validate_on_submit():
        verdict = throttle.claim(form.email.data, request.remote_addr)
        if not verdict.allowed:
            _refused(find_user(form.email.data), form.email.data)
            form.password.errors.append(verdict.message)
            return render_template("auth/login.html", form=form, next_url=next_url), 429
        result = check_password(form.email.data, form.password.data)
        if result.reason == "ok" and needs_second_factor(result.user):
            prepare_enrolment(result.user)
            begin_pending(result.user)
            record(db.session, "login_password_ok", result.user, actor=result.user)
            db.session.commit()
            return redirect(url_for("auth.second_step", next=next_url), code=303)
        if result.reason == "ok":
            start_session(result.user)
            throttle.succeeded(form.email.data, request.remote_addr)
            record(db.session, "login", result.user, actor=result.user)
            db.session.commit()
            return redirect(next_url or url_for("home.index"), code=303)
        _record_failure(result.user, result.reason, form.email.data)
        db.session.commit()
        form.password.errors.append(GENERIC_FAILURE)
        return render_template("auth/login.html", form=form, next_url=next_url), 422
    status = form_status(form)
    return render_template("auth/login.html", form=form, next_url=next_url), status


@bp.route("/inloggen/tweede-stap", methods=["GET", "POST"])
@allow(PUBLIC)  # guarded by the pending sign-in in the session, see `pending_user`
@limiter.limit("20 per minute", methods=["POST"])
@limiter.limit("10 per 15 minutes", key_func=pending_key, methods=["POST"])
def second_step():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    user = pending_user()
    if user is None:
        clear_pending()
        flash(PENDING_EXPIRED, "info")
        return redirect(url_for("auth.login"), code=303)
    next_url = safe_next(request.args.get("next"))
    if not is_enrolled(user):
        return _enrol(user, next_url)
    form = SecondFactorForm()
    if form.validate_on_submit():
        # Code tries count for the same (account, address) pair as passwords: the counter is
        # reset only by a complete sign-in, so alternating password and code guesses gains nothing.
        verdict = throttle.claim(user.email, request.remote_addr)
        if not verdict.allowed:
            _refused(user)
            form.code.errors.append(verdict.message)
            return render_template("auth/second_step.html", form=form, next_url=next_url), 429
        code = form.code.data.strip()
        factor = "totp" if verify_totp(user, code) else "herstelcode" if use_recovery_code(user, code) else None
        if factor:
            start_session(user)
            throttle.succeeded(user.email, request.remote_addr)
            record(db.session, "login", user, actor=user, changes={"factor": (None, factor)})
            db.session.commit()
            if factor == "herstelcode":
                flash(f"U heeft een herstelcode gebruikt. U heeft er nog {recovery_codes_left(user)}.", "info")
            return redirect(next_url or url_for("home.index"), code=303)
        _code_failed(user)
        form.code.errors.append(WRONG_CODE)
    status = form_status(form)
    return render_template("auth/second_step.html", form=form, next_url=next_url), status


def _enrol(user: User, next_url: str | None):
    """First sign-in of a partner or beheer account: set up the authenticator app."""
    form = EnrolForm()
    if form.validate_on_submit():
        verdict = throttle.claim(user.email, request.remote_addr)
        if not verdict.allowed:
            _refused(user)
            form.code.errors.append(verdict.message)
            page = render_template(
                "auth/enrol.html", form=form, qr=qr_svg(user), secret=grouped_secret(user), next_url=next_url
            )
            return page, 429
        if verify_totp(user, form.code.data):
            codes = complete_enrolment(user)
            start_session(user)
            throttle.succeeded(user.email, request.remote_addr)
            record(db.session, "totp_enrolled", user, actor=user)
            record(db.session, "login", user, actor=user, changes={"factor": (None, "totp")})
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url or url_for("home.index"))
        _code_failed(user)
        form.code.errors.append("Deze code klopt niet. Controleer de tijd op uw telefoon en probeer de nieuwste code.")
    status = form_status(form)
    return (
        render_template("auth/enrol.html", form=form, qr=qr_svg(user), secret=grouped_secret(user), next_url=next_url),
        status,
    )


def _code_failed(user: User) -> None:
    """A wrong code: audited; the try was already counted by the throttle."""
    _record_failure(user, "wrong_code")
    db.session.commit()


@bp.route("/uitloggen", methods=["POST"])
@allow(SIGNED_IN)
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        provider_logout = oidc.end_session_url()  # read before the session is cleared
        end_all_sessions(user)
        record(db.session, "logout", user, actor=user)
        db.session.commit()
        sign_out()
        flash("U bent uitgelogd.", "info")
        if provider_logout:
            return redirect(provider_logout, code=303)
    return redirect(url_for("auth.login"), code=303)


@bp.route("/wachtwoord-wijzigen", methods=["GET", "POST"])
@allow(SIGNED_IN)
@limiter.limit("10 per 15 minutes", methods=["POST"])
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        new = form.new_password.data
        verdict = throttle.claim(user.email, request.remote_addr)
        if not verdict.allowed:
            _refused(user)
            form.current_password.errors.append(verdict.message)
            # 422, not 429: htmx swaps 422 (base.html), so the message shows at the field.
            return render("auth/change_password.html", "auth/partials/change_password_form.html", status=422, form=form)
        if not verify_password(user.password_hash, form.current_password.data):
            _record_failure(user, "wrong_current_password")
            db.session.commit()
            form.current_password.errors.append("Uw huidige wachtwoord klopt niet.")
            return render("auth/change_password.html", "auth/partials/change_password_form.html", status=422, form=form)
        throttle.succeeded(user.email, request.remote_addr)  # the right current password: no failure
        db.session.commit()
        if problem := password_problem(new, user.email):
            form.new_password.errors.append(problem)
        elif verify_password(user.password_hash, new):
            form.new_password.errors.append("Kies een ander wachtwoord dan uw huidige.")
        else:
            user.password_hash = hash_password(new)
            end_all_sessions(user)  # every other browser is signed out
            record(db.session, "password_changed", user)
            start_session(user)  # this browser continues with a fresh session
            db.session.commit()
            flash("Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd.", "success")
            return redirect_after_post(url_for("home.index"))
    status = form_status(form)
    return render("auth/change_password.html", "auth/partials/change_password_form.html", status=status, form=form)


@bp.route("/wachtwoord-instellen/<link_token>", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit("20 per minute", methods=["POST"])
def set_password(link_token):
    """Public, but only a working link (48 hours, once) opens the form; a dead link gets 404."""
    link = accounts.open_password_link(link_token)
    if link is None:
        return render_template("auth/set_password_gone.html"), 404
    user = link.user
    form = SetPasswordForm()
    if form.validate_on_submit():
        if problem := password_problem(form.new_password.data, user.email):
            form.new_password.errors.append(problem)
        elif accounts.set_password_with_link(link, form.new_password.data):
            db.session.commit()
            flash("Uw wachtwoord is ingesteld. Log nu in met uw e-mailadres en dit wachtwoord.", "success")
            return redirect_after_post(url_for("auth.login"))
        else:
            db.session.rollback()
            return render_template("auth/set_password_gone.html"), 404
    return render(
        "auth/set_password.html",
        "auth/partials/set_password_form.html",
        status=form_status(form),
        form=form,
        account=user,
        token=link_token,
    )


login_manager.login_view = "auth.login"
login_manager.login_message = "Log in om verder te gaan."
login_manager.login_message_category = "info"
