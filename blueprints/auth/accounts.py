"""Account actions used by the beheer users page and the CLI: disable, enable, reset the second factor.

Plain functions without HTTP; each records its semantic audit event, the caller commits.
"""

from blueprints.auth.signin import end_all_sessions
from blueprints.auth.totp import reset_second_factor
from core.audit import record
from models import User, db


def disable_user(user: User) -> None:
    """Switch the account off and end every session it has, at once."""
    user.active = False
    end_all_sessions(user)
    record(db.session, "user_disabled", user)


def enable_user(user: User) -> None:
    user.active = True
    record(db.session, "user_enabled", user)


def reset_user_second_factor(user: User) -> None:
    """Forget the authenticator and recovery codes; sessions end; enrolment again at next sign-in."""
    reset_second_factor(user)
    end_all_sessions(user)
    record(db.session, "totp_reset", user)
