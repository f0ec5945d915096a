"""Deciding needs the "gecontroleerd" tick on the server too, and a mistaken decision is corrected with a reason.

Correcting puts the request back to waiting: an approval releases its committed money at once, a paid request
is final (realised money is never silently undone), and the request page shows the whole decision history.
"""

from datetime import date
from decimal import Decimal

import pytest

from blueprints.budget.periods import close_month
from blueprints.budget.rules import (
    PAID_IS_FINAL,
    BudgetError,
    approve_request,
    decision_history,
    figures_for,
    mark_paid,
    reject_request,
    reverse_decision,
)
from blueprints.budget.totals import recomputed_totals, stored_totals
from core.input import CONTROL_MESSAGE
from models import AuditLog, MaatwerkRequest, RequestStatus, db
from tests.conftest import make_user
from tests.factories_budget import maatwerk_pot, make_request, make_year

TODAY = date(2026, 6, 15)
YEAR = date.today().year


# --------------------------------------------------------------------------- the rule, without HTTP


def test_reversing_an_approval_releases_the_committed_money_exactly(app):
    make_year(2026, total="10000.00", lifecoach="5000.00")
    finance = make_user("financien")
    pot = maatwerk_pot(2026)
    request = make_request("1234.56")
    make_request("0.10", status=RequestStatus.GOEDGEKEURD)
    approve_request(request, finance, today=TODAY)
    db.session.commit()
    before = figures_for(pot.id)
    assert before.committed == Decimal("1234.66") and before.remaining == Decimal("3765.34")

    reverse_decision(request, finance, "  Verkeerde deelnemer gekozen.  ", today=TODAY)
    db.session.commit()
    after = figures_for(pot.id)
    assert after.committed == Decimal("0.10")
    assert after.pending == Decimal("1234.56")
    assert after.remaining == Decimal("4999.90")
    assert isinstance(after.remaining, Decimal)
    assert stored_totals(db.session) == recomputed_totals(db.session)  # the running totals stay exact
    request = db.session.get(MaatwerkRequest, request.id)
    assert (request.status, request.decided_by_id, request.decided_at) == ("aangevraagd", None, None)
    entry = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "reverse_decision")).one()
    assert entry.changes == {"status": ["goedgekeurd", "aangevraagd"], "reden": [None, "Verkeerde deelnemer gekozen."]}
    # Waiting again: finance decides anew, with the usual checks.
    reject_request(request, finance, "Past niet in het plan.", today=TODAY)
    db.session.commit()
    assert figures_for(pot.id).committed == Decimal("0.10")


def test_reversing_a_rejection_puts_it_back_in_the_queue(app):
    make_year(2026)
    finance = make_user("financien")
    request = make_request("80.00")
    reject_request(request, finance, "Eerst bijzondere bijstand.", today=TODAY)
    db.session.commit()
    reverse_decision(request, finance, "Bijzondere bijstand is al afgewezen.", today=TODAY)
    db.session.commit()
    request = db.session.get(MaatwerkRequest, request.id)
    assert request.status == "aangevraagd" and request.rejection_reason is None
    assert figures_for(request.pot_id).pending == Decimal("80.00")
    approve_request(request, finance, today=TODAY)
    db.session.commit()
    assert figures_for(request.pot_id).committed == Decimal("80.00")

    history = decision_history(request.id)
    assert [step.action for step in history] == ["reject", "reverse_decision", "approve"]
    assert [step.label for step in history] == ["Afgewezen", "Besluit teruggedraaid", "Goedgekeurd"]
    assert history[0].reason == "Eerst bijzondere bijstand."  # the old reason stays readable here
    assert history[1].reason == "Bijzondere bijstand is al afgewezen."
    assert (history[1].status_before, history[1].status_after) == ("Afgewezen", "Aangevraagd")


def test_paid_money_is_never_reversed(app):
    make_year(2026)
    finance = make_user("financien")
    request = make_request("500.00")
    approve_request(request, finance, today=TODAY)
    mark_paid(request, finance, "F-1", date.today())
    db.session.commit()
    with pytest.raises(BudgetError) as refused:
        reverse_decision(request, finance, "Toch niet.", today=TODAY)
    assert str(refused.value) == PAID_IS_FINAL
    db.session.rollback()
    assert figures_for(request.pot_id).paid == Decimal("500.00")
    assert db.session.get(MaatwerkRequest, request.id).status == "betaald"


@pytest.mark.parametrize(
    ("status", "message"),
    [(RequestStatus.AANGEVRAAGD, "geen besluit om terug te draaien"), (RequestStatus.INGETROKKEN, "ingetrokken")],
)
def test_only_a_decision_can_be_reversed(app, status, message):
    make_year(2026)
    request = make_request(status=status)
    with pytest.raises(BudgetError, match=message):
        reverse_decision(request, make_user("financien"), "Reden.", today=TODAY)


def test_reversing_needs_finance_a_reason_and_an_open_month(app):
    make_year(2026)
    finance = make_user("financien")
    request = make_request(status=RequestStatus.GOEDGEKEURD)
    with pytest.raises(BudgetError, match="Alleen financiën"):
        reverse_decision(request, make_user("coach"), "Reden.", today=TODAY)
    with pytest.raises(BudgetError, match="waarom"):
        reverse_decision(request, finance, "   ", today=TODAY)
    with pytest.raises(BudgetError, match="te lang"):
        reverse_decision(request, finance, "x" * 2001, today=TODAY)
    close_month(2026, 5, finance)
    db.session.commit()
    with pytest.raises(BudgetError, match="afgesloten"):
        reverse_decision(request, finance, "Reden.", today=date(2026, 5, 20))
    db.session.rollback()
    assert db.session.get(MaatwerkRequest, request.id).status == "goedgekeurd"


# --------------------------------------------------------------------------- over HTTP


@pytest.fixture
def finance(login_as):
    make_year(YEAR, total="10000.00", lifecoach="5000.00")
    return login_as("financien")


def test_approve_and_reject_without_the_tick_save_nothing(client, finance):
    request = make_request("400.00", year=YEAR)
    page = client.post(f"/financien/aanvragen/{request.id}/goedkeuren")
    assert page.status_code == 422
    assert "Vink eerst aan dat u de aanvraag hebt gecontroleerd." in page.text
    assert 'aria-invalid="true" aria-describedby="zeker-goedkeuren-error"' in page.text
    page = client.post(f"/financien/aanvragen/{request.id}/afwijzen", data={"reason": "Te duur.", "zeker": ""})
    assert page.status_code == 422
    assert "Vink eerst aan dat u de aanvraag hebt gecontroleerd." in page.text
    assert "Te duur." in page.text  # the form keeps what was typed
    db.session.expire_all()
    assert db.session.get(MaatwerkRequest, request.id).status == "aangevraagd"
    assert not db.session.scalars(db.select(AuditLog).where(AuditLog.action.in_(["approve", "reject"]))).all()
    assert figures_for(request.pot_id).committed == Decimal("0.00")


def test_the_queue_refuses_a_decision_without_the_tick_also_for_htmx(client, finance, htmx_headers):
    request = make_request("400.00", year=YEAR)
    url = f"/financien/aanvragen/{request.id}/goedkeuren"
    swapped = client.post(url, data={"bron": "dashboard"}, headers=htmx_headers)
    assert swapped.status_code == 422
    assert 'id="queue"' in swapped.text and 'role="alert"' in swapped.text
    assert f"Aanvraag {request.id}: Vink eerst aan dat u de aanvraag hebt gecontroleerd." in swapped.text
    plain = client.post(url, data={"bron": "dashboard"}, follow_redirects=True)
    assert "Vink eerst aan" in plain.text and plain.request.path == f"/financien/{YEAR}"
    reject = client.post(
        f"/financien/aanvragen/{request.id}/afwijzen", data={"bron": "dashboard", "reason": "Nee"}, headers=htmx_headers
    )
    assert reject.status_code == 422 and "Vink eerst aan" in reject.text
    db.session.expire_all()
    assert db.session.get(MaatwerkRequest, request.id).status == "aangevraagd"
    ok = client.post(url, data={"bron": "dashboard", "zeker": "ja"}, headers=htmx_headers)
    assert ok.status_code == 200 and "is goedgekeurd" in ok.text


def test_finance_reverses_an_approval_on_the_request_page(client, finance):
    request = make_request("1234.50", year=YEAR)
    client.post(f"/financien/aanvragen/{request.id}/goedkeuren", data={"zeker": "ja"})
    page = client.get(f"/financien/aanvragen/{request.id}")
    assert "Besluit terugdraaien" in page.text and "€ 1.234,50 is meteen weer vrij" in page.text
    assert "verplicht € 1.234,50" in page.text

    done = client.post(
        f"/financien/aanvragen/{request.id}/terugdraaien",
        data={"reverse_reason": "Dubbel ingediend."},
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert "De aanvraag wacht weer op een besluit. € 1.234,50 is weer vrij in de pot." in done.text
    assert "verplicht € 0,00" in done.text and "nog vrij <strong>€ 5.000,00</strong>" in done.text
    history = done.text.split("Geschiedenis van het besluit")[1]
    assert "Goedgekeurd" in history and "Besluit teruggedraaid" in history
    assert "(Goedgekeurd &rarr; Aangevraagd)" in history and "Reden: Dubbel ingediend." in history
    assert finance.name in history
    assert f'action="/financien/aanvragen/{request.id}/goedkeuren"' in done.text  # waiting: decide again


def test_reversing_refuses_bad_input_with_a_dutch_message(client, finance):
    request = make_request("50.00", year=YEAR, status=RequestStatus.AFGEWEZEN, rejection_reason="Nee.")
    url = f"/financien/aanvragen/{request.id}/terugdraaien"
    for data, message in [
        ({}, "Schrijf op waarom het besluit wordt teruggedraaid."),
        ({"reverse_reason": "   "}, "Schrijf op waarom het besluit wordt teruggedraaid."),
        ({"reverse_reason": "a\x00b"}, CONTROL_MESSAGE),
        ({"reverse_reason": "x" * 2001}, "Hoogstens 2000 tekens."),
    ]:
        page = client.post(url, data=data)
        assert page.status_code == 422, data
        assert message in page.text
    assert client.post("/financien/aanvragen/99999999999999999999/terugdraaien").status_code == 404
    db.session.expire_all()
    assert db.session.get(MaatwerkRequest, request.id).status == "afgewezen"


def test_a_paid_request_cannot_be_reversed_over_http(client, finance):
    request = make_request("50.00", year=YEAR, status=RequestStatus.BETAALD, paid_on=date.today(), invoice_number="F")
    page = client.get(f"/financien/aanvragen/{request.id}")
    assert "Een betaling draait u niet terug" in page.text and "/terugdraaien" not in page.text
    refused = client.post(
        f"/financien/aanvragen/{request.id}/terugdraaien", data={"reverse_reason": "Toch niet."}, follow_redirects=True
    )
    assert PAID_IS_FINAL in refused.text
    db.session.expire_all()
    assert db.session.get(MaatwerkRequest, request.id).status == "betaald"


def test_a_coach_sees_the_history_but_cannot_reverse(client, login_as):
    make_year(YEAR)
    coach = make_user("coach")
    request = make_request("60.00", year=YEAR, coach=coach)
    reject_request(request, make_user("financien", name="Fien Financiën"), "Te duur.")
    db.session.commit()
    login_as(user=coach)
    page = client.get(f"/financien/aanvragen/{request.id}")
    assert "Geschiedenis van het besluit" in page.text and "Fien Financiën" in page.text
    assert "/terugdraaien" not in page.text
    assert (
        client.post(f"/financien/aanvragen/{request.id}/terugdraaien", data={"reverse_reason": "x"}).status_code == 403
    )
