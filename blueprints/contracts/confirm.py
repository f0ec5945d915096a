"""Who is signing? Confirm a signed-in user's identity before a signature counts.

A signature asks for the password again, and for a code from the authenticator app when the
user has a second factor (partners and beheer always do). Views call only `confirm_identity`.
"""

from blueprints.auth.passwords import verify_password
from blueprints.auth.totp import verify_totp
from models import User


def second_factor_required(user: User) -> bool:
    return user.totp_enabled_at is not None


def confirm_identity(user: User, password: str, code: str | None = None) -> tuple[bool, str]:
    """(ok, how it was checked). The text goes into the signature's evidence."""
    if not verify_password(user.password_hash, password or ""):
        return False, ""
    if second_factor_required(user):
        if not verify_totp(user, code or ""):
            return False, ""
        return True, (
            f"ingelogd als {user.email} ({user.role}); wachtwoord en code uit de authenticator-app "
            "opnieuw ingevoerd bij het tekenen"
        )
    return True, f"ingelogd als {user.email} ({user.role}); wachtwoord opnieuw ingevoerd bij het tekenen"
