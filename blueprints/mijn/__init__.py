"""Mijn Perspectiefjaar: the young adult's own place (sign-in without password, home, appointments).

The participant is not a `User`: they sign in with a one-time code or a QR code from the coach
(`signin.py`), and views declare `@allow(PARTICIPANT)`. Rules live in `home.py`, calendar files in
`ics.py`.
"""

from flask import Blueprint

bp = Blueprint("mijn", __name__, url_prefix="/mijn")

from blueprints.mijn import views  # noqa: E402,F401
