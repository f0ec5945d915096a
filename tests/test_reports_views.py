"""Report pages over HTTP: access, page and htmx fragment, filters, 'nog geen', CSV and XLSX exports."""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core import data_version
from models import db
from tests.conftest import count_queries
from tests.factories_reports import add_bulk, build_known_dataset

URL = "/rapportage/"
POSITIVE = "Positieve uitstroom (betaald werk, opleiding of leer-werktraject):"
FINISHED = "afgesloten trajecten (afgerond of uitgevallen)"
POSITIVE_NOUN = "positieve uitstroom (betaald werk, opleiding, BBL)"


@pytest.fixture
def data(app):
    return build_known_dataset()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("role", ["coach", "financien", "beheer"])
def test_roles_with_access_see_the_report_and_the_nav_link(client, login_as, data, role):
    login_as(role)
    response = client.get(URL)
    assert response.status_code == 200
    assert "<h1>Rapportage van de pilot</h1>" in response.text
    assert 'href="/rapportage/"' in response.text and ">Rapportage</a>" in response.text
    assert response.headers["Vary"] == "HX-Request" or "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("url", [URL, URL + "export.csv", URL + "export.xlsx"])
def test_partners_get_403(client, login_as, data, url):
    login_as("partner")
    assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, data):
    response = client.get(URL)
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_page_names_every_denominator(client, login_as, data):
    login_as("financien")
    page = text_of(client.get(URL + "?jaar=2025").text)
    assert "Resultaten van pilotjaar 2025" in page
    assert f"{POSITIVE} 3 van de 5 afgesloten trajecten (60%)" in page
    assert "Uitgevallen: 2 van de 5 afgesloten trajecten (40%)" in page
    assert "Geen motivatie 2" in page
    assert "Afgerond 3 3 van de 6 deelnemers in pilotjaar 2025 (50%)" in page
    assert "1 van de 6 deelnemers in pilotjaar 2025 (17%)" in page  # two or more no-shows
    assert "Nagekomen: 2 van de 3 toezeggingen met een uitkomst" in page
    assert "1 van de 2 deelnemers met twee of meer metingen (50%)" in page  # ladder up
    assert "Financiën +0,5 2" in page
    assert "Gemiddeld maatwerk per deelnemer € 358,38 € 2.150,25 gedeeld door 6 deelnemers" in page
    assert "Totale kosten per deelnemer € 2.400,13" in page
    assert "Kosten per positieve uitstroom € 4.800,25 € 14.400,75 gedeeld door 3 deelnemers" in page
    assert "Inhuur life-coach € 75.000,00 € 0,00 € 12.250,50 € 12.250,50" in page
    assert "Maatwerk € 80.000,00 € 150,25 € 2.000,00 € 2.150,25" in page


def test_year_where_nobody_finished_says_nog_geen(client, login_as, data):
    login_as("coach")
    page = text_of(client.get(URL + "?jaar=2026").text)
    assert "Nog geen afgesloten trajecten in pilotjaar 2026" in page
    assert "Uitgevallen: nog geen afgesloten trajecten" in page
    assert "Betaald werk 0 nog geen afgesloten trajecten" in page
    assert "Kosten per positieve uitstroom nog geen (nog geen positieve uitstroom)" in page
    assert "Totale kosten per deelnemer € 1.374,90" in page
    assert "ZeroDivision" not in page


def test_empty_year(client, login_as, data):
    login_as("beheer")
    response = client.get(URL + "?jaar=2024")
    assert response.status_code == 200
    page = text_of(response.text)
    assert "0 nieuwe deelnemers gestart in pilotjaar 2024" in page
    assert "Nog geen deelnemers met twee metingen" in page
    assert "Totale kosten per deelnemer nog geen (geen deelnemers)" in page
    assert "Nagekomen: nog geen toezeggingen met een uitkomst" in page


def test_empty_database(client, login_as):
    login_as("beheer")
    response = client.get(URL)
    assert response.status_code == 200
    assert "Nog geen deelnemers gestart." in response.text


def test_htmx_gets_the_fragment_only_and_the_page_includes_it(client, login_as, data, htmx_headers):
    login_as("coach")
    page = client.get(URL + "?jaar=2025")
    fragment = client.get(URL + "?jaar=2025", headers=htmx_headers)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "<h1>" not in fragment.text
    assert "Resultaten van pilotjaar 2025" in fragment.text
    assert fragment.text.strip() in page.text  # the page includes the very same fragment
    # A boosted or history-restore request gets the whole page.
    boosted = client.get(URL, headers={**htmx_headers, "HX-Boosted": "true"})
    assert "<h1>Rapportage van de pilot</h1>" in boosted.text


def test_filter_form_is_a_get_form_that_htmx_submits(client, login_as, data):
    login_as("coach")
    html = client.get(URL).text
    form = re.search(r"<form[^>]*class=\"filters report-filters\"[^>]*>", html, re.S).group(0)
    assert 'method="get"' in form and 'action="/rapportage/"' in form
    assert 'hx-get="/rapportage/"' in form and 'hx-target="#rapport"' in form and 'hx-push-url="true"' in form
    assert '<div id="rapport"' in html
    for name in ("jaar", "coach", "verwijzer"):
        assert f'<label class="label" for="{name}">' in html
    assert '<option value="2025">2025</option>' in html and ">Anna Coach</option>" in html


def test_coach_and_referral_filters(client, login_as, data, htmx_headers):
    login_as("financien")
    anna = data["anna"].id
    page = text_of(client.get(f"{URL}?jaar=2025&coach={anna}", headers=htmx_headers).text)
    assert "Life-coach Anna Coach" in page
    assert f"{POSITIVE} 1 van de 2 afgesloten trajecten (50%)" in page
    assert "2 van de 6 deelnemers, € 4.083,50 van € 12.250,50" in page
    assert "Totale kosten per deelnemer € 2.716,88" in page
    # Export links carry the same filters.
    assert f"/rapportage/export.csv?jaar=2025&amp;coach={anna}" in client.get(f"{URL}?jaar=2025&coach={anna}").text
    page = text_of(client.get(URL + "?verwijzer=rmc").text)
    assert "Verwezen door RMC" in page
    assert "1 van de 2 afgesloten trajecten (50%)" in page


@pytest.mark.parametrize("query", ["jaar=1999", "jaar=abc", "coach=999999", "verwijzer=%3Dcmd"])
def test_bad_filters_are_a_422_with_a_dutch_message(client, login_as, data, query, htmx_headers):
    login_as("coach")
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 422
    assert "Kies een waarde uit de lijst." in response.text
    assert "Deze filters kloppen niet" in response.text
    assert client.get(f"{URL}?{query}", headers=htmx_headers).status_code == 422
    assert client.get(f"{URL}export.csv?{query}").status_code == 422


def test_a_nul_in_a_filter_is_a_422_with_a_dutch_message(client, login_as, data, htmx_headers):
    """Refused before any view runs (core/input.py), for the page, its fragment and the export alike."""
    login_as("coach")
    for url, headers in ((URL, {}), (URL, htmx_headers), (f"{URL}export.csv", {})):
        response = client.get(f"{url}?jaar=2025%00", headers=headers)
        assert response.status_code == 422
        assert "onzichtbaar teken" in response.text


def test_page_respects_the_strict_csp(client, login_as, data):
    login_as("beheer")
    html = client.get(URL).text
    assert "style=" not in html
    assert "<script>" not in html and re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert re.search(r"\son[a-z]+=", html) is None
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) == 6
    assert all('role="img"' in s and "aria-labelledby" in s for s in svgs)
    assert html.count("<title id=") == 6 and html.count("<desc id=") == 6
    assert html.count("<caption>") >= 9


def test_page_query_count_does_not_grow(client, login_as, data):
    login_as("financien")
    bram = data["bram"]
    client.get(URL)
    some_change()  # the next request builds the report again
    with count_queries() as small:
        client.get(URL)
    add_bulk(30, bram)
    with count_queries() as large:
        response = client.get(URL)
    assert "Deelnemers 39 in de hele pilot" in text_of(response.text)
    # 17, as declared in bench/run.py: the user, the filter options, the data version, the report's 12
    # (figures.build_report), onward referrals and lasting outcomes (one each).
    assert small() == large() == 17
    for query in ("?jaar=2026", f"?coach={bram.id}", "?jaar=2025&verwijzer=rmc"):
        with count_queries() as filtered:
            client.get(URL + query)
        assert filtered() == 17, query


def some_change() -> None:
    data_version.bump(db.session)
    db.session.commit()


def test_the_report_is_built_once_per_change_and_never_stale(client, login_as, data):
    """The figures come from memory until data changes; a change (here a new participant) shows at once."""
    login_as("coach")
    first = text_of(client.get(URL).text)
    assert "Deelnemers 9 in de hele pilot" in first
    with count_queries() as cached:
        again = text_of(client.get(URL).text)
    assert again == first
    assert cached() == 3  # the user, the filter options, the data version: no figure is counted again
    add_bulk(1, data["bram"])
    with count_queries() as rebuilt:
        after = text_of(client.get(URL).text)
    assert "Deelnemers 10 in de hele pilot" in after
    assert rebuilt() == 17
    with count_queries() as export:
        response = client.get(URL + "export.csv")
    assert response.status_code == 200
    assert export() == 3  # the export shares the figures just built, as new as the page's


def test_a_change_that_is_rolled_back_keeps_the_cached_report(client, login_as, data):
    login_as("coach")
    client.get(URL)
    data["p1"].first_name = "Niet opgeslagen"
    db.session.flush()
    db.session.rollback()
    with count_queries() as cached:
        client.get(URL)
    assert cached() == 3


# --------------------------------------------------------------------------- exports


def csv_rows(response) -> list[list[str]]:
    return [line.split(";") for line in response.data.decode("utf-8-sig").splitlines()]


def test_csv_export_has_the_same_numbers(client, login_as, data):
    login_as("financien")
    response = client.get(URL + "export.csv?jaar=2025")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="rapportage-2025.csv"' in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    rows = csv_rows(response)
    assert ["Periode", "Pilotjaar 2025"] in rows
    assert [
        "Positieve uitstroom (betaald werk, opleiding, BBL)",
        "3",
        "5",
        "afgesloten trajecten (afgerond of uitgevallen)",
        "60",
    ] in rows
    assert [
        "Twee keer op rij niet verschenen (regel opvolging nodig)",
        "1",
        "6",
        "deelnemers in pilotjaar 2025",
        "17",
    ] in rows
    assert ["Financiën", "2", "0,5"] in rows
    # The pot row gained the share of the budget used (#17 point 8): 2,150.25 of 80,000 = 2.7%.
    assert ["Maatwerk", "80000,00", "150,25", "2000,00", "2150,25", "3"] in rows
    assert ["Totale kosten per deelnemer", "2400,13", "6", "deelnemers in pilotjaar 2025"] in rows
    assert [
        "Kosten per positieve uitstroom",
        "4800,25",
        "3",
        "positieve uitstroom (betaald werk, opleiding, BBL)",
    ] in rows


def test_csv_export_says_nog_geen_without_denominator(client, login_as, data):
    login_as("coach")
    rows = csv_rows(client.get(URL + "export.csv?jaar=2026"))
    assert ["Betaald werk", "0", "0", FINISHED, "nog geen"] in rows
    assert [
        "Kosten per positieve uitstroom",
        "nog geen",
        "0",
        "positieve uitstroom (betaald werk, opleiding, BBL)",
    ] in rows


def test_exports_escape_formula_text(client, login_as, data):
    from models import Participant, db

    participant = db.session.get(Participant, data["p1"].id)
    participant.status, participant.outcome, participant.dropout_reason = "uitgevallen", "uitgevallen", "=HYPERLINK(1)"
    db.session.commit()
    login_as("beheer")
    text = client.get(URL + "export.csv?jaar=2025").data.decode("utf-8-sig")
    assert "Reden: =HYPERLINK" in text  # starts with 'Reden: ', so not a formula
    from blueprints.reports.exports import safe_text

    assert safe_text("=1+1") == "'=1+1" and safe_text("+31") == "'+31"
    assert safe_text("-5") == "'-5" and safe_text("@SUM") == "'@SUM" and safe_text("Gewoon") == "Gewoon"


def test_exports_escape_a_coach_name_that_looks_like_a_formula(client, login_as, data):
    from tests.conftest import make_user

    evil = make_user("coach", name="=cmd|' /C calc'!A0")
    login_as("financien")
    rows = csv_rows(client.get(f"{URL}export.csv?coach={evil.id}"))
    assert ["Life-coach", "'=cmd|' /C calc'!A0"] in rows
    workbook = load_workbook(io.BytesIO(client.get(f"{URL}export.xlsx?coach={evil.id}").data))
    values = [c.value for row in workbook["Selectie"].iter_rows() for c in row]
    assert "'=cmd|' /C calc'!A0" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_xlsx_export_has_real_numbers_and_formats(client, login_as, data):
    login_as("financien")
    response = client.get(URL + "export.xlsx?jaar=2025")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    assert "Uitstroom" in workbook.sheetnames and "Kosten" in workbook.sheetnames
    outcomes = {row[0].value: row for row in workbook["Uitstroom"].iter_rows(min_row=2)}
    positive = outcomes["Positieve uitstroom (betaald werk, opleiding, BBL)"]
    assert [positive[1].value, positive[2].value] == [3, 5]
    assert positive[4].value == pytest.approx(0.6) and positive[4].number_format == "0%"
    costs = {row[0].value: row for row in workbook["Kosten"].iter_rows(min_row=2)}
    per_participant = costs["Totale kosten per deelnemer"]
    assert Decimal(str(per_participant[1].value)) == Decimal("2400.13")
    assert "€" in per_participant[1].number_format
    pots = {row[0].value: row for row in workbook["Geld per pot"].iter_rows(min_row=2)}
    assert Decimal(str(pots["Maatwerk"][1].value)) == Decimal("80000.00")
    zrm = {row[0].value: row for row in workbook["ZRM verandering"].iter_rows(min_row=2)}
    assert zrm["Werk & opleiding"][2].value == pytest.approx(2.0) and zrm["Justitie"][2].value == "nog geen"


def test_xlsx_export_of_an_empty_year(client, login_as, data):
    login_as("beheer")
    workbook = load_workbook(io.BytesIO(client.get(URL + "export.xlsx?jaar=2024").data))
    costs = {row[0].value: row for row in workbook["Kosten"].iter_rows(min_row=2)}
    assert costs["Totale kosten per deelnemer"][1].value == "nog geen"
    assert costs["Totale kosten"][1].value == 0


def test_partner_navigation_has_no_report_link(client, login_as, data):
    login_as("partner")
    html = client.get("/start/partner").text
    assert "/rapportage/" not in html


def test_print_stylesheet_has_a_reports_block(client, login_as):
    css = client.get("/static/app.css").text
    block = css[css.index("/* reports (rapportage)") :]
    assert "@media print" in block and ".report .actions" in block and "break-inside: avoid" in block
