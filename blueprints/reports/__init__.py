"""Pilot reports (rapportage): the council's figures per pilot year and for the whole pilot, under /rapportage."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/rapportage")

from blueprints.reports import pdf_views, views  # noqa: E402,F401
