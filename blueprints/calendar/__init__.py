"""Calendar of conversations: week and month views for coaches, and a personal iCalendar feed (issue #19.6)."""

from flask import Blueprint

bp = Blueprint("calendar", __name__, url_prefix="/agenda")

from blueprints.calendar import views  # noqa: E402,F401
