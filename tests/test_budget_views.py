"""Budget pages: dashboard page and fragment, inline decisions with out-of-band totals, coach form, exports."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from blueprints.budget.queries import maatwerk_for_participant
from blueprints.budget.totals import rebuild_totals
from models import MaatwerkRequest, db
from tests.conftest import count_queries, make_participant, make_user
from tests.factories_budget import maatwerk_pot, make_request, make_year

YEAR = date.today().year


@pytest.fixture
def finance(login_as):
    make_year(YEAR, total="10000.00", lifecoach="5000.00")
    return login_as("financien")


def test_dashboard_page_and_filter_fragment(client, finance, htmx_headers):
    make_request(
        "1200.00", status="betaald", year=YEAR, paid_on=date.today(), invoice_number="F1", category="huisvesting"
    )
    make_request("300.00", status="goedgekeurd", year=YEAR, category="vervoer")
    make_request("250.00", year=YEAR)
    page = client.get(f"/financien/{YEAR}")
    assert page.status_code == 200
    text = page.text
    assert "<h1>Financiën" in text and 'id="pot-cards"' in text and 'id="queue"' in text
    assert "€ 1.500,00" in text  # committed + paid on the maatwerk pot: 1.200 + 300 -> used
    assert "€ 3.500,00" in text  # remaining of 5.000
    assert 'role="img"' in text and "<title" in text  # the burn chart, with its table
    assert "Verwachting eind" in text
    fragment = client.get(f"/financien/{YEAR}?categorie=huisvesting", headers=htmx_headers)
    assert fragment.status_code == 200
    assert "<h1>" not in fragment.text and 'id="filtered"' in fragment.text
    assert "Huisvesting" in fragment.text and "Vervoer" not in fragment.text


def test_dashboard_warns_at_75_and_90_percent(client, finance):
    make_request("3800.00", status="goedgekeurd", year=YEAR)
    assert "meer dan 75%" in client.get(f"/financien/{YEAR}").text
    make_request("800.00", status="goedgekeurd", year=YEAR)
    assert "meer dan 90%" in client.get(f"/financien/{YEAR}").text


def _bulk(n: int) -> None:
    participants = [make_participant() for _ in range(5)]
    coach = make_user("coach")
    pot_id = maatwerk_pot(YEAR).id
    statuses = ["aangevraagd", "goedgekeurd", "betaald", "afgewezen", "ingetrokken"]
    rows = [
        {
            "pot_id": pot_id,
            "participant_id": participants[i % 5].id,
            "category": ["vervoer", "huisvesting", "opleiding"][i % 3],
            "description": "fiets",
            "supplier": "Fietsenhuis",
            "amount": Decimal("0.01"),
            "expected_on": date(YEAR, 1 + i % 12, 1),
            "justification": "goedkoopst",
            "status": statuses[i % 5],
            "requested_by_id": coach.id,
            "paid_on": date(YEAR, 1 + i % 12, 2) if statuses[i % 5] == "betaald" else None,
        }
        for i in range(n)
    ]
    db.session.execute(insert(MaatwerkRequest), rows)
    rebuild_totals(db.session)  # as the benchmark seeder does: bulk inserts bypass the running totals' listener
    db.session.commit()


def test_dashboard_request_list_counts_match_the_filters(client, finance, htmx_headers):
    """The list's count comes from the running totals; it must match the filtered requests exactly."""
    _bulk(60)  # 12 per status; vervoer/huisvesting/opleiding take turns
    page = client.get(f"/financien/{YEAR}").text
    assert "Pagina 1 van 3 (60 resultaten)" in page
    vervoer = client.get(f"/financien/{YEAR}?categorie=vervoer").text
    assert "Pagina 1 van 1" not in vervoer and "(20 resultaten)" not in vervoer  # 20 fit on one page: no pager
    both = client.get(f"/financien/{YEAR}?categorie=vervoer&status=aangevraagd", headers=htmx_headers).text
    assert both.count("Fietsenhuis") == 4  # i % 3 == 0 and i % 5 == 0: i in 0, 15, 30, 45
    _bulk(60)
    assert "Pagina 1 van 2 (40 resultaten)" in client.get(f"/financien/{YEAR}?categorie=vervoer").text
    assert "Pagina 2 van 2 (40 resultaten)" in client.get(f"/financien/{YEAR}?categorie=vervoer&pagina=2").text


def test_dashboard_query_count_does_not_grow_with_requests(client, finance):
    """100 vs 5,000 requests here (100,000 works the same but takes long in a test run)."""
    _bulk(100)
    with count_queries() as small:
        assert client.get(f"/financien/{YEAR}").status_code == 200
    _bulk(4900)
    with count_queries() as big:
        assert client.get(f"/financien/{YEAR}").status_code == 200
    assert small() == big()
    assert big() < 25


def test_inline_approve_updates_totals_out_of_band(client, finance, htmx_headers):
    request = make_request("400.00", year=YEAR)
    response = client.post(
        f"/financien/aanvragen/{request.id}/goedkeuren", data={"bron": "dashboard", "zeker": "ja"}, headers=htmx_headers
    )
    assert response.status_code == 200
    assert 'id="queue"' in response.text
    assert 'id="pot-cards"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "€ 4.600,00" in response.text  # remaining after approving 400 of 5.000
    assert "goedgekeurd" in response.text
    assert db.session.get(MaatwerkRequest, request.id).status == "goedgekeurd"


def test_inline_reject_needs_a_reason_and_plain_post_redirects(client, finance, htmx_headers):
    request = make_request("400.00", year=YEAR)
    response = client.post(
        f"/financien/aanvragen/{request.id}/afwijzen",
        data={"bron": "dashboard", "reason": "", "zeker": "ja"},
        headers=htmx_headers,
    )
    assert response.status_code == 422 and "reden" in response.text
    response = client.post(
        f"/financien/aanvragen/{request.id}/afwijzen",
        data={"bron": "dashboard", "reason": "Eerst bijzondere bijstand", "zeker": "ja"},
    )
    assert response.status_code == 303
    assert db.session.get(MaatwerkRequest, request.id).rejection_reason == "Eerst bijzondere bijstand"


def test_overspend_refusal_is_shown_and_nothing_changes(client, finance, htmx_headers):
    request = make_request("5000.01", year=YEAR)
    response = client.post(
        f"/financien/aanvragen/{request.id}/goedkeuren", data={"bron": "dashboard", "zeker": "ja"}, headers=htmx_headers
    )
    assert response.status_code == 422
    assert "overschreden" in response.text
    assert db.session.get(MaatwerkRequest, request.id).status == "aangevraagd"


def test_four_eyes_over_http(client, login_as):
    make_year(YEAR)
    user = make_user("financien")
    request = make_request(coach=user, year=YEAR)
    login_as(user=user)
    response = client.post(f"/financien/aanvragen/{request.id}/goedkeuren", data={"zeker": "ja"})
    assert response.status_code == 303
    assert db.session.get(MaatwerkRequest, request.id).status == "aangevraagd"
    assert "Vier-ogenprincipe" in client.get(f"/financien/aanvragen/{request.id}").text


def test_coach_request_form_shows_room_and_saves(client, login_as, htmx_headers):
    make_year(YEAR, total="1000.00", lifecoach="500.00")
    coach = login_as("coach")
    participant = make_participant(coach_id=coach.id)
    page = client.get(f"/financien/aanvragen/nieuw?deelnemer={participant.id}")
    assert page.status_code == 200 and "Nog vrij in de pot Maatwerk" in page.text and "€ 500,00" in page.text
    expected = date(YEAR, 12, 1).isoformat()
    fits = client.get(f"/financien/aanvragen/ruimte?amount=200&expected_on={expected}", headers=htmx_headers)
    assert "past in de pot" in fits.text and "<h1>" not in fits.text
    too_much = client.get(f"/financien/aanvragen/ruimte?amount=600,00&expected_on={expected}", headers=htmx_headers)
    assert "Past niet" in too_much.text
    assert "<h1>" in client.get(f"/financien/aanvragen/ruimte?amount=600&expected_on={expected}").text
    form = {
        "participant_id": participant.id,
        "category": "vervoer",
        "description": "Tweedehands fiets met slot",
        "supplier": "Twents Fietsenhuis",
        "amount": "1.234,567",
        "expected_on": expected,
        "goal_id": "",
        "justification": "Goedkoper dan een OV-abonnement voor een jaar.",
        "status": "goedgekeurd",  # mass assignment attempt: ignored
    }
    bad = client.post("/financien/aanvragen/nieuw", data=form)
    assert bad.status_code == 422 and "twee cijfers achter de komma" in bad.text
    assert db.session.query(MaatwerkRequest).count() == 0
    form["amount"] = "234,50"
    ok = client.post("/financien/aanvragen/nieuw", data=form)
    assert ok.status_code == 303
    saved = db.session.query(MaatwerkRequest).one()
    assert (saved.amount, saved.status, saved.requested_by_id) == (Decimal("234.50"), "aangevraagd", coach.id)
    listing = client.get("/financien/aanvragen")
    assert "Tweedehands fiets" not in listing.text and "€ 234,50" in listing.text
    assert client.get("/financien/aanvragen", headers=htmx_headers).text.count("<h1>") == 0


def test_coach_sees_only_own_requests_and_can_withdraw(client, login_as):
    make_year(YEAR)
    coach = login_as("coach")
    mine = make_request(coach=coach, year=YEAR)
    other = make_request(year=YEAR)
    assert client.get(f"/financien/aanvragen/{other.id}").status_code == 404
    assert client.post(f"/financien/aanvragen/{other.id}/intrekken").status_code == 404
    assert client.get(f"/financien/{YEAR}").status_code == 403
    assert client.post(f"/financien/aanvragen/{mine.id}/intrekken").status_code == 303
    assert db.session.get(MaatwerkRequest, mine.id).status == "ingetrokken"


def test_mark_paid_form(client, finance):
    request = make_request("100.00", status="goedgekeurd", year=YEAR, decided_at=None)
    bad = client.post(f"/financien/aanvragen/{request.id}/betaald", data={"invoice_number": "", "paid_on": "gisteren"})
    assert bad.status_code == 422 and "geldige datum" in bad.text
    ok = client.post(
        f"/financien/aanvragen/{request.id}/betaald",
        data={"invoice_number": "F-77", "paid_on": date.today().isoformat()},
    )
    assert ok.status_code == 303
    assert db.session.get(MaatwerkRequest, request.id).status == "betaald"


def test_exports_csv_and_xlsx_with_filters_and_formula_escaping(client, finance):
    participant = make_participant(first_name='=HYPERLINK("x")', last_name="Test")
    make_request("1234.56", year=YEAR, participant=participant, supplier="@evil", category="vervoer")
    make_request(
        "99.99", status="betaald", year=YEAR, paid_on=date.today(), invoice_number="+31", category="huisvesting"
    )
    csv_response = client.get(f"/financien/{YEAR}/export/aanvragen.csv?categorie=vervoer")
    assert csv_response.status_code == 200 and "attachment" in csv_response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(csv_response.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Nummer" and len(rows) == 2  # the filter keeps only 'vervoer'
    assert rows[1][1].startswith("'=HYPERLINK") and rows[1][4] == "'@evil" and rows[1][5] == "1234,56"
    payments = client.get(f"/financien/{YEAR}/export/betalingen.csv").text
    assert "'+31" in payments and "99,99" in payments

    xlsx = client.get(f"/financien/{YEAR}/export.xlsx")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.data))
    requests = list(workbook["Aanvragen"].iter_rows(values_only=True))
    amounts = sorted(row[5] for row in requests[1:])
    assert amounts == [pytest.approx(99.99), pytest.approx(1234.56)]
    assert all(isinstance(a, int | float) for a in amounts)
    names = [row[1] for row in requests[1:]]
    assert any(n.startswith("'=HYPERLINK") for n in names)
    assert all(cell.data_type != "f" for row in workbook["Aanvragen"].iter_rows() for cell in row)
    payment_rows = list(workbook["Betalingen"].iter_rows(values_only=True))
    assert payment_rows[1][6] == "'+31" and payment_rows[1][8] == pytest.approx(99.99)


def test_participant_history_partial(app):
    make_year(YEAR)
    participant = make_participant()
    make_request("100.00", status="betaald", participant=participant, year=YEAR, paid_on=date.today())
    make_request("50.00", status="goedgekeurd", participant=participant, year=YEAR)
    make_request("75.00", status="afgewezen", participant=participant, year=YEAR)
    history = maatwerk_for_participant(participant.id)
    assert history["total"] == Decimal("150.00") and len(history["requests"]) == 3
    from flask import render_template
    from flask_login import login_user

    with app.test_request_context():
        login_user(make_user("coach"))
        html = render_template("budget/partials/participant_maatwerk.html", maatwerk=history)
    assert "€ 150,00" in html and "Afgewezen" in html


def test_finance_start_page_shows_summary(client, finance):
    make_request("10.00", year=YEAR)
    text = client.get("/start/financien").text
    assert f"Budget {YEAR}" in text and "1 aanvraag wacht" in text


def test_years_months_and_invoices_pages(client, finance):
    assert client.get("/financien/jaren").status_code == 200
    bad = client.post("/financien/jaren", data={"year": str(YEAR + 5), "total": "-5", "lifecoach": "0"})
    assert bad.status_code == 422 and "negatief" in bad.text
    ok = client.post("/financien/jaren", data={"year": str(YEAR + 5), "total": "150.000", "lifecoach": "75.000"})
    assert ok.status_code == 303
    assert client.get(f"/financien/jaren/{YEAR + 5}").status_code == 200
    last_month = date.today().replace(day=1) - timedelta(days=1)
    closed = client.post("/financien/maanden", data={"month": f"{last_month:%Y-%m}"})
    assert closed.status_code == 303
    assert "afgesloten" in client.get("/financien/maanden").text
    invoice = {
        "supplier": "Coachbureau",
        "invoice_number": "C-1",
        "invoice_date": last_month.isoformat(),
        "description": "begeleiding",
        "amount": "100",
        "corrects_id": "",
    }
    response = client.post(f"/financien/{YEAR}/life-coach", data=invoice)
    if last_month.year == YEAR:
        assert response.status_code == 422 and "afgesloten" in response.text
    invoice["invoice_date"] = date.today().isoformat()
    assert client.post(f"/financien/{YEAR}/life-coach", data=invoice).status_code == 303
    assert "C-1" in client.get(f"/financien/{YEAR}/life-coach").text


def test_a_filter_value_outside_the_list_answers_422_with_the_message(client, finance):
    response = client.get(f"/financien/{YEAR}?status=onzin")
    assert response.status_code == 422
    assert "Ongeldige keuze" in response.text


def test_after_a_handover_the_files_coach_sees_and_withdraws_a_colleagues_request(client, login_as):
    """The request stays with the file: the coach who took it over opens it and takes it back; others do not."""
    make_year(2026)
    earlier, now_coach, other = make_user("coach"), make_user("coach"), make_user("coach")
    participant = make_participant(coach_id=now_coach.id)
    waiting = make_request(participant=participant, coach=earlier)

    login_as(user=other)
    assert client.get(f"/financien/aanvragen/{waiting.id}").status_code == 404
    assert client.post(f"/financien/aanvragen/{waiting.id}/intrekken").status_code == 404
    assert db.session.get(MaatwerkRequest, waiting.id).status == "aangevraagd"

    login_as(user=now_coach)
    page = client.get(f"/financien/aanvragen/{waiting.id}")
    assert page.status_code == 200 and "Aanvraag intrekken" in page.text
    section = client.get(f"/deelnemers/{participant.id}?tab=maatwerk")
    assert f'href="/financien/aanvragen/{waiting.id}"' in section.text
    client.post(f"/financien/aanvragen/{waiting.id}/intrekken")
    db.session.expire_all()
    assert db.session.get(MaatwerkRequest, waiting.id).status == "ingetrokken"
