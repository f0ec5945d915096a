"""Partners: organisations and their users, commitments (toezeggingen) and the partner portal."""

from datetime import date

from flask import Blueprint

from blueprints.partners import commitments

bp = Blueprint("partners", __name__, url_prefix="/partners")


@bp.app_context_processor
def commitment_helpers():
    """Rules the partner partials need, also where other features' pages include them."""
    return {
        "commitment_overdue": lambda c: commitments.is_overdue(c, date.today()),
        "commitment_progress": commitments.progress,
        "commitment_badge": lambda status: commitments.STATUS_BADGES.get(status, "neutral"),
    }


from blueprints.partners import views  # noqa: E402,F401
