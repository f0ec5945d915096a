"""Privacy rights (AVG): the inzage export per participant, retention dates and `flask privacy purge`."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/privacy", cli_group="privacy")

from blueprints.privacy import commands, views  # noqa: E402,F401
