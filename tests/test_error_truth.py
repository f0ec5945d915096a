"""A 500 tells the truth about the user's change: saved, not saved, or nothing to save.

A write that was committed and then failed (here: while rendering the result) once answered
"Uw wijziging is niet opgeslagen", so the user did it again.
"""

import pytest

import blueprints.budget.views as budget_views
from models import MaatwerkRequest, db
from tests.conftest import make_user
from tests.factories_budget import make_request, make_year


@pytest.fixture
def app_config():
    return {"TESTING": False, "PROPAGATE_EXCEPTIONS": False}  # the real error handler, as in production


@pytest.fixture
def pending(app, login_as):
    make_year()
    login_as("financien")
    return make_request("120.00", coach=make_user("coach"))


def broken(*args, **kwargs):
    raise RuntimeError("kapot")


def test_failure_after_the_commit_says_the_change_was_saved(client, pending, htmx_headers, monkeypatch):
    monkeypatch.setattr(budget_views, "render", broken)  # the approval commits, showing the result fails
    response = client.post(
        f"/financien/aanvragen/{pending.id}/goedkeuren", data={"bron": "dashboard", "zeker": "ja"}, headers=htmx_headers
    )
    assert response.status_code == 500
    assert db.session.get(MaatwerkRequest, pending.id).status == "goedgekeurd"
    assert "niet opgeslagen" not in response.text
    assert "Uw wijziging is wel opgeslagen" in response.text
    assert "Foutcode" in response.text


def test_failure_before_the_commit_says_nothing_was_saved(client, pending, monkeypatch):
    monkeypatch.setattr(budget_views, "approve_request", broken)
    response = client.post(f"/financien/aanvragen/{pending.id}/goedkeuren", data={"zeker": "ja"})
    assert response.status_code == 500
    assert db.session.get(MaatwerkRequest, pending.id).status == "aangevraagd"
    assert "Uw wijziging is niet opgeslagen" in response.text
    assert "wel opgeslagen" not in response.text


def test_failure_while_reading_a_page_claims_no_change(client, pending, monkeypatch):
    monkeypatch.setattr(budget_views, "render", broken)
    response = client.get(f"/financien/aanvragen/{pending.id}")
    assert response.status_code == 500
    assert "opgeslagen" not in response.text
    assert "iets mis bij het tonen van deze pagina" in response.text
