"""Case files (deelnemers): the life-coach's daily work with participants, under /deelnemers."""

from flask import Blueprint

bp = Blueprint("youths", __name__, url_prefix="/deelnemers")

from blueprints.youths import onward_views, progress, views  # noqa: E402,F401
