"""Start pages per role. Each feature contributes its own sections through plain query functions."""

from datetime import date

from flask import redirect, url_for
from flask_login import current_user
from markupsafe import Markup

from blueprints.admin.overview import beheer_overview
from blueprints.budget.queries import finance_summary
from blueprints.contracts.queries import coach_attention, partner_waiting
from blueprints.home import bp
from blueprints.mijn.home import coach_news
from blueprints.partners.queries import overdue_for_coach, portal_region
from blueprints.youths.handover import unread_for as handed_over_to
from blueprints.youths.lasting import coach_tasks as lasting_tasks
from blueprints.youths.onward import today as today_in_hengelo
from blueprints.youths.queries import coach_overview
from core.access import SIGNED_IN, allow
from core.htmx import render
from core.paging import ListPage
from core.versioned_cache import rendered, version_key
from models import Role, utcnow

LASTING_SHOWN = 10

START_PAGES = {
    Role.COACH: "home.coach",
    Role.FINANCIEN: "home.financien",
    Role.PARTNER: "home.partner",
    Role.BEHEER: "home.beheer",
}


@bp.route("/")
@allow(SIGNED_IN)
def index():
    return redirect(url_for(START_PAGES[Role(current_user.role)]))


@bp.route("/start/coach")
@allow("coach")
def coach():
    return render(
        "home/coach.html",
        caseload=coach_overview(current_user.id, date.today(), utcnow()),
        portal_news=coach_news(current_user.id),
        handed_over=handed_over_to(current_user.id),  # handover lane: files handed to this coach, unread
        loose_ends=coach_loose_ends(current_user),
    )


LOOSE_ENDS_STORE = "pj_coach_loose_ends"


def coach_loose_ends(coach) -> Markup:
    """The questions after the end, the late commitments and the contracts that wait, as HTML kept per
    version of all data, coach and day (each counts in days; no form or token in them). The caseload stays
    live: who needs attention is counted to the hour."""
    today, local_today = date.today(), today_in_hengelo()
    return rendered(
        LOOSE_ENDS_STORE,
        version_key(coach.id, today, local_today),
        "home/partials/coach_loose_ends.html",
        lambda: {
            # 6 and 12 months after the end: the oldest few, with a link to all (youths.lasting_tasks)
            "lasting_tasks": ListPage.of(lasting_tasks(coach.id, local_today), 1, LASTING_SHOWN),
            "overdue_commitments": overdue_for_coach(coach, today),
            "contract_attention": coach_attention(coach),
        },
    )


@bp.route("/start/financien")
@allow("financien")
def financien():
    return render("home/financien.html", budget=finance_summary(date.today()))


@bp.route("/start/partner")
@allow("partner")
def partner():
    """The partner portal: contracts to sign and the organisation's own commitments (partners feature)."""
    return render(
        "home/partner.html",
        portal_body=portal_region(current_user.organisation_id, current_user.role, date.today()),
        contracts_to_sign=partner_waiting(current_user),
    )


@bp.route("/start/beheer")
@allow("beheer")
def beheer():
    return render("home/beheer.html", overview=beheer_overview())
