"""`may(endpoint)` in templates gives the same answer as the request would get."""

import re
from pathlib import Path

import pytest
from flask import render_template
from flask_login import login_user

from blueprints.budget.queries import maatwerk_for_participant
from core.access import PUBLIC, SIGNED_IN, may
from core.nav import MENUS, main_menu
from tests.conftest import make_participant, make_user
from tests.factories_budget import make_request, make_year

ROLES = ("coach", "financien", "partner", "beheer")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.mark.parametrize("role", ROLES)
def test_may_follows_the_allow_declaration_of_every_endpoint(app, role):
    user = make_user(role)
    with app.test_request_context():
        login_user(user)
        for endpoint, view in app.view_functions.items():
            roles = view.allowed_roles
            expected = PUBLIC in roles or SIGNED_IN in roles or role in roles
            assert may(endpoint) is expected, endpoint


def test_may_is_false_for_anonymous_users_except_public_endpoints(app):
    with app.test_request_context():
        assert may("auth.login") is True
        assert may("budget.approve") is False
        assert may("auth.logout") is False
        assert may("no.such.endpoint") is False


def test_request_link_shows_exactly_when_the_request_page_opens(app, client, login_as):
    """A coach sees a link to their own request on the case file, not to a colleague's (which is a 404)."""
    make_year(2026)
    participant = make_participant()
    own_coach, colleague = make_user("coach"), make_user("coach")
    own = make_request("10.00", participant=participant, coach=own_coach)
    other = make_request("20.00", participant=participant, coach=colleague)
    history = maatwerk_for_participant(participant.id)
    with app.test_request_context():
        login_user(own_coach)
        html = render_template("budget/partials/participant_maatwerk.html", maatwerk=history)
    assert f'/financien/aanvragen/{own.id}"' in html
    assert f'/financien/aanvragen/{other.id}"' not in html
    login_as(user=own_coach)
    assert client.get(f"/financien/aanvragen/{own.id}").status_code == 200
    assert client.get(f"/financien/aanvragen/{other.id}").status_code == 404


def test_finance_sees_every_request_link(app):
    make_year(2026)
    participant = make_participant()
    request = make_request("10.00", participant=participant)
    with app.test_request_context():
        login_user(make_user("financien"))
        html = render_template(
            "budget/partials/participant_maatwerk.html", maatwerk=maatwerk_for_participant(participant.id)
        )
    assert f'/financien/aanvragen/{request.id}"' in html


def test_no_template_checks_a_role_by_name():
    """Permissions in templates come from `may()`; the menu's lists per role live in core/nav.py."""
    pattern = re.compile(r"(current_user\.role|\.role)\s*(==|!=|in\b|not in\b|\])")
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_offers_only_pages_its_user_may_open(app, role):
    user = make_user(role)
    with app.test_request_context():
        login_user(user)
        menu = main_menu()
        assert menu, "every role has a start page in its menu"
        assert menu[0][1] == "Start"
        for endpoint, _label in menu:
            assert may(endpoint), endpoint
        assert [e for e, _ in menu] == [e for e, _ in MENUS[role]]  # nothing in a role's list is refused
