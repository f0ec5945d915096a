"""The rules of signing in: check a password, hold a half-finished sign-in until the second
factor, and start or end sessions. Throttling wrong tries is auth/throttle.py's job.

Plain functions without HTTP, so the rules are tested directly.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import session
from flask_login import login_user, logout_user
from sqlalchemy import func, select

from blueprints.auth.passwords import HASHER, hash_password, verify_password
from models import User, db, utcnow

GENERIC_FAILURE = "Het e-mailadres of wachtwoord klopt niet, of het account staat uit."

# Session key of a sign-in that passed the password but not yet the second factor. Flask-Login
# ignores it: only `_user_id` makes a session signed in.
PENDING_KEY = "pending_2fa"
PENDING_LIFETIME = timedelta(minutes=10)


@dataclass
class SignInResult:
    user: User | None
    reason: str  # ok, unknown, wrong_password, disabled


def find_user(email: str) -> User | None:
    email = (email or "").strip().lower()
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def check_password(email: str, password: str) -> SignInResult:
    """Verify credentials; the caller has claimed the try (throttle.claim) and commits."""
    user = find_user(email)
    if user is None:
        verify_password(None, password)  # same cost as a real check
        return SignInResult(None, "unknown")
    if not verify_password(user.password_hash, password):
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
    if user is None or not user.active or user.session_version != version:
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
