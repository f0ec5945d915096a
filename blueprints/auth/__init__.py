"""Sign-in, sign-out and the password rules."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from blueprints.auth import views  # noqa: E402,F401
