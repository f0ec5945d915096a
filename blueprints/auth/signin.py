"""The rules of signing in: check a password, count failures, lock an account for a while,
hold a half-finished sign-in until the second factor, and start or end sessions.

Plain functions without HTTP, so the rules are tested directly.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import func, select

from blueprints.auth.passwords import HASHER, hash_password, verify_password
from models import User, db, utcnow

GENERIC_FAILURE = "Het e-mailadres of wachtwoord klopt niet, of het account is (tijdelijk) geblokkeerd."

# Session key of a sign-in that passed the password but not yet the second factor. Flask-Login
# ignores it: only `_user_id` makes a session signed in.
PENDING_KEY = "pending_2fa"
PENDING_LIFETIME = timedelta(minutes=10)


@dataclass
class SignInResult:
    user: User | None
    reason: str  # ok, unknown, wrong_password, locked, disabled


def find_user(email: str) -> User | None:
    email = (email or "").strip().lower()
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def is_locked(user: User) -> bool:
    return bool(user.locked_until and user.locked_until > utcnow())


def register_failure(user: User) -> None:
    """Count a wrong password or code; too many in a row lock the account for a while."""
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        user.locked_until = utcnow() + current_app.config["LOGIN_LOCKOUT"]
        user.failed_logins = 0


def check_password(email: str, password: str) -> SignInResult:
    """Verify credentials and update the failure counter; the caller commits.

    A correct password does not reset the counter: that happens only when the sign-in is
    complete (after the second factor), so alternating password and code guesses gains nothing.
    """
    user = find_user(email)
    if user is None:
        verify_password(None, password)  # same cost as a real check
        return SignInResult(None, "unknown")
    if is_locked(user):
        verify_password(None, password)
        return SignInResult(user, "locked")
    if not verify_password(user.password_hash, password):
        register_failure(user)
        return SignInResult(user, "wrong_password")
    if not user.active:
        return SignInResult(user, "disabled")
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return SignInResult(user, "ok")


def start_session(user: User, method: str | None = None) -> None:
    """A fresh session (no data carried over from before sign-in) that expires on its own.

    `method` ("password" or "sso") is kept so sign-out knows whether to end the provider's session too;
    after a second factor it comes from the half-finished sign-in.
    """
    pending = session.get(PENDING_KEY)
    method = method or (pending.get("method") if isinstance(pending, dict) else None) or "password"
    session.clear()
    login_user(user, remember=False)
    session.permanent = True
    session["auth_at"] = datetime.now(UTC).timestamp()
    session["auth_method"] = method
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()


def begin_pending(user: User, method: str = "password") -> None:
    """Password (or single sign-on) accepted, second factor still to come: no session yet, only this marker."""
    session.clear()
    session.permanent = True
    session[PENDING_KEY] = {
        "user_id": user.id,
        "version": user.session_version,
        "at": datetime.now(UTC).timestamp(),
        "method": method,
    }


def pending_user() -> User | None:
    """The user of a half-finished sign-in, if it is recent and still valid."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        age = datetime.now(UTC).timestamp() - float(pending["at"])
        user = db.session.get(User, int(pending["user_id"]))
        version = int(pending["version"])
    except (KeyError, TypeError, ValueError):
        return None
    if not 0 <= age <= PENDING_LIFETIME.total_seconds():
        return None
    if user is None or not user.active or user.session_version != version or is_locked(user):
        return None
    return user


def clear_pending() -> None:
    session.pop(PENDING_KEY, None)


def end_all_sessions(user: User) -> None:
    """Every cookie that carries the old session version is refused from now on."""
    user.session_version = (user.session_version or 1) + 1


def sign_out() -> None:
    logout_user()
    session.clear()
