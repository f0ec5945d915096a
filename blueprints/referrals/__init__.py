"""Bulk referrals: upload an RMC or Werkplein list, see a dry run, import it with progress, under /aanmeldlijsten."""

from flask import Blueprint

bp = Blueprint("referrals", __name__, url_prefix="/aanmeldlijsten", cli_group="referrals")

from blueprints.referrals import commands, views  # noqa: E402,F401
