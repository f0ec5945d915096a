"""Maatwerk budget and finance: budget years, pots, requests, decisions, payments, dashboard, exports."""

from flask import Blueprint

bp = Blueprint("budget", __name__, url_prefix="/financien")

from blueprints.budget import rules, totals, views  # noqa: E402,F401

# The request page and the approval queue ask the one rule whether approving needs the closed-file confirmation.
bp.add_app_template_global(rules.closed_file_needs_confirmation, "closed_file_needs_confirmation")
