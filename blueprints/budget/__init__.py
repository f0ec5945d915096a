"""Maatwerk budget and finance: budget years, pots, requests, decisions, payments, dashboard, exports."""

from flask import Blueprint

bp = Blueprint("budget", __name__, url_prefix="/financien")

from blueprints.budget import totals, views  # noqa: E402,F401
