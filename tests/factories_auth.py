"""Helpers for tests that sign in through the real forms, second factor included.

Most tests use `login_as` from conftest: it writes `_user_id` into the session, and a session
with `_user_id` is a complete sign-in, so it keeps working for partner and beheer accounts.
"""

import time

import pyotp

from blueprints.auth.totp import code_at
from models import utcnow
from tests.conftest import TEST_PASSWORD, make_user

DEMO_SECRET = "JBSWY3DPEHPK3PXP"


def totp_code(secret: str, steps_ahead: int = 0) -> str:
    """The code of the current 30-second step, or of a later one (still accepted: one step of drift)."""
    return code_at(secret, time.time() + 30 * steps_ahead)


def make_enrolled_user(role: str = "partner", secret: str | None = None, **kw):
    """A user with a confirmed authenticator app."""
    return make_user(role, totp_secret=secret or pyotp.random_base32(), totp_enabled_at=utcnow(), **kw)


def sign_in(client, user, password: str = TEST_PASSWORD, code: str | None = None, **kw):
    """Post the password form and, for an enrolled partner/beheer, the second step. Returns the last response."""
    response = client.post("/inloggen", data={"email": user.email, "password": password}, **kw)
    if response.status_code == 303 and "/inloggen/tweede-stap" in response.headers["Location"]:
        response = client.post(response.headers["Location"], data={"code": code or totp_code(user.totp_secret)}, **kw)
    return response
