"""Who is signing? Confirm a signed-in user's identity before a signature counts.

A signature asks for the password again, and for a code from the authenticator app when the
user has a second factor (partners and beheer always do). The one signing path
(`signing.sign_through`) calls `check_identity`; the factors it names go into the evidence.
"""

from blueprints.auth.passwords import verify_password
from blueprints.auth.totp import code_already_used, verify_totp
from models import User

FACTOR_PASSWORD = "wachtwoord"  # noqa: S105 (the name of a check, not a password)
FACTOR_APP_CODE = "code uit de authenticator-app"
WRONG_CREDENTIALS = "Het wachtwoord of de code uit de app klopt niet."
CODE_ALREADY_USED = "Deze code is al gebruikt. Wacht op de volgende code in uw app (binnen 30 seconden) en vul die in."


def second_factor_required(user: User) -> bool:
    return user.totp_enabled_at is not None


def check_identity(user: User, password: str, code: str | None = None) -> tuple[list[str], dict[str, str]]:
    """(the factors that were checked and passed, refusals per form field)."""
    if not verify_password(user.password_hash, password or ""):
        return [], {"password": WRONG_CREDENTIALS}
    factors = [FACTOR_PASSWORD]
    if second_factor_required(user):
        if code_already_used(user, code or ""):
            return factors, {"code": CODE_ALREADY_USED}
        if not verify_totp(user, code or ""):
            return factors, {"password": WRONG_CREDENTIALS}
        factors.append(FACTOR_APP_CODE)
    return factors, {}
