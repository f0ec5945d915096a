"""Public signing pages for the participant: a personal one-time link, no account needed."""

from flask import Blueprint

bp = Blueprint("sign", __name__, url_prefix="/tekenen")

from blueprints.sign import views  # noqa: E402,F401
