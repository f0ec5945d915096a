"""The rules of signing in: check a password, count failures, lock an account for a while.

Plain functions without HTTP, so the rules are tested directly.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import func, select

from blueprints.auth.passwords import verify_password
from models import User, db, utcnow

GENERIC_FAILURE = "Het e-mailadres of wachtwoord klopt niet, of het account is (tijdelijk) geblokkeerd."


@dataclass
class SignInResult:
    user: User | None
    reason: str  # ok, unknown, wrong_password, locked, disabled


def find_user(email: str) -> User | None:
    email = (email or "").strip().lower()
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def check_password(email: str, password: str) -> SignInResult:
    """Verify credentials and update the failure counter; the caller commits."""
    user = find_user(email)
    now = utcnow()
    if user is None:
        verify_password(None, password)  # same cost as a real check
        return SignInResult(None, "unknown")
    if user.locked_until and user.locked_until > now:
        verify_password(None, password)
        return SignInResult(user, "locked")
    if not verify_password(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + current_app.config["LOGIN_LOCKOUT"]
            user.failed_logins = 0
        return SignInResult(user, "wrong_password")
    if not user.active:
        return SignInResult(user, "disabled")
    user.failed_logins = 0
    user.locked_until = None
    return SignInResult(user, "ok")


def start_session(user: User) -> None:
    """A fresh session (no data carried over from before sign-in) that expires on its own."""
    session.clear()
    login_user(user, remember=False)
    session.permanent = True
    session["auth_at"] = datetime.now(UTC).timestamp()
    user.last_login_at = utcnow()


def end_all_sessions(user: User) -> None:
    """Every cookie that carries the old session version is refused from now on."""
    user.session_version = (user.session_version or 1) + 1


def sign_out() -> None:
    logout_user()
    session.clear()
