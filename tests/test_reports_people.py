"""Every number leads to its people (issue #17 point 9): the list behind a count has exactly that count,
with the same filters; finance sees names and money only; partners have no report; 2 queries a page."""

import re
from datetime import date, timedelta

import pytest

from blueprints.reports.drilldown import CELLS, PER_PAGE, people_behind
from blueprints.reports.figures import Filters, build_report
from models import db
from tests.conftest import count_queries, make_participant
from tests.factories_reports import add_bulk, build_known_dataset

URL = "/rapportage/lijst"


@pytest.fixture
def data(app):
    known = build_known_dataset()
    make_participant(
        status="niet_gestart",
        not_started_reason="wil_niet",
        start_date=date(2026, 4, 1),
        outcome_date=date(2026, 3, 1),
        coach_id=known["anna"].id,
        first_name="Wil",
        last_name="Niet",
    )
    return known


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_cell_lists_exactly_its_count(data):
    for filters in (Filters(), Filters(year=2025), Filters(year=2026), Filters(coach_id=data["bram"].id)):
        report = build_report(filters)
        expected = {("status", "alle"): report.statuses.total, ("uitstroom", "alle"): report.outcomes.finished}
        expected |= {("status", r.key): r.count for r in report.statuses.rows}
        expected |= {("uitstroom", r.key): r.count for r in report.outcomes.rows}
        expected[("uitstroom", "positief")] = report.outcomes.positive.part
        expected[("niet_verschenen", "twee_op_rij")] = report.no_shows.part
        for row in report.council.rows:
            expected[("raad", f"{row.key}.aanmeldingen")] = row.registered.part
            if row.closed is not None:
                expected[("raad", f"{row.key}.afgesloten")] = row.closed.part
        for key, count in expected.items():
            page = people_behind(CELLS[key], filters)
            assert page.total == count == len(page.people), (filters, key)


def test_the_list_names_the_people_hand_counted(data):
    # Closed in 2025 with a positive outcome: p1 (work), p3 (school), p8 (BBL).
    page = people_behind(CELLS["uitstroom", "positief"], Filters(year=2025))
    assert sorted(p.participant_id for p in page.people) == sorted(
        [data["p1"].id, data["p1"].id + 2, data["p1"].id + 4]
    )
    p1 = next(p for p in page.people if p.participant_id == data["p1"].id)
    assert str(p1.maatwerk) == "1350.25" and p1.outcome == "Betaald werk" and p1.coach == "Anna Coach"
    declined = people_behind(CELLS["raad", "wil_niet.aanmeldingen"], Filters())
    assert [p.name for p in declined.people] == ["Wil Niet"]


def test_page_for_a_coach_links_to_the_case_file(client, login_as, data):
    login_as("coach")
    report = client.get("/rapportage/?jaar=2025").text
    assert "/rapportage/lijst?cijfer=uitstroom&amp;cel=positief&amp;jaar=2025" in report
    page = client.get(URL + "?cijfer=uitstroom&cel=positief&jaar=2025")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Positieve uitstroom (betaald werk, opleiding of leer-werktraject) : 3 trajecten" in text
    assert f'href="/deelnemers/{data["p1"].id}"' in page.text
    assert "Betaald werk (01-10-2025)" in text and "€ 1.350,25" in text


def test_finance_sees_names_and_money_only(client, login_as, data):
    login_as("financien")
    page = client.get(URL + "?cijfer=uitstroom&cel=positief&jaar=2025")
    text = text_of(page.text)
    assert page.status_code == 200 and "€ 1.350,25" in text
    assert "Betaald werk (01-10-2025)" not in text and "Status" not in text and "Anna Coach" not in text
    assert "/deelnemers/" not in page.text


@pytest.mark.parametrize(
    "query", ["?cijfer=bestaat_niet&cel=x", "?cijfer=status&cel=onzin", "?cijfer=raad&cel=wil_niet.afgesloten", ""]
)
def test_unknown_cells_are_404(client, login_as, data, query):
    login_as("coach")
    assert client.get(URL + query).status_code == 404


def test_bad_filters_are_422_and_partners_403(client, login_as, data):
    login_as("coach")
    response = client.get(URL + "?cijfer=status&cel=alle&jaar=1999")
    assert response.status_code == 422 and "Deze filters kloppen niet" in response.text
    login_as("partner")
    assert client.get(URL + "?cijfer=status&cel=alle").status_code == 403


def test_paginated_with_a_fixed_query_count(client, login_as, data):
    login_as("coach")
    url = URL + "?cijfer=status&cel=actief"
    client.get(url)
    with count_queries() as small:
        client.get(url)
    add_bulk(PER_PAGE + 5, data["bram"])
    with count_queries() as large:
        first = client.get(url)
    assert small() == large()
    # Active: p9, p5 and the bulk.
    assert f"{PER_PAGE + 7} trajecten" in text_of(first.text) and "Pagina 1 van 2" in text_of(first.text)
    second = client.get(url + "&pagina=2")
    assert len(re.findall(r'href="/deelnemers/\d+"', second.text)) == 7
    assert client.get(url + "&pagina=9").status_code == 200


def test_a_planned_start_is_no_inflow_yet(app):
    """Inflow counts trajectories that started by today; a registration starting next month is not 'gestart'."""
    make_participant(status="actief", start_date=date.today() - timedelta(days=30))
    make_participant(status="aangemeld", start_date=date.today() + timedelta(days=20))
    db.session.commit()
    report = build_report(Filters())
    assert report.inflow_total == 1
    assert max((m.year, m.month) for m in report.inflow) <= (date.today().year, date.today().month)
