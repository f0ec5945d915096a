"""Start pages per role. Each feature contributes its own sections through plain query functions."""

from flask import redirect, url_for
from flask_login import current_user

from blueprints.home import bp
from core.access import SIGNED_IN, allow
from core.htmx import render
from models import Role

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
    return render("home/coach.html")


@bp.route("/start/financien")
@allow("financien")
def financien():
    return render("home/financien.html")


@bp.route("/start/partner")
@allow("partner")
def partner():
    return render("home/partner.html")


@bp.route("/start/beheer")
@allow("beheer")
def beheer():
    return render("home/beheer.html")
