"""The report as a PDF for the council (issue #17 point 10) and the onward referrals, lasting outcomes and
council table in the CSV and XLSX downloads: the same figures as the page, counted by hand below."""

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from models import LastingOutcomeCheck, OnwardReferral, db
from tests.conftest import make_participant, make_user
from tests.pdf_text import pdf_text

URL = "/rapportage/"


def refer(p, destination, on, result="onbekend", result_on=None):
    db.session.add(
        OnwardReferral(
            participant_id=p.id,
            destination=destination,
            referred_on=on,
            reason="Geheime reden Q7",
            result=result,
            result_on=result_on,
        )
    )


def answer(p, months, situation, at: datetime):
    db.session.add(LastingOutcomeCheck(participant_id=p.id, months=months, situation=situation, answered_at=at))


@pytest.fixture
def world(app):
    """Four participants, three of them closed in 2025 (so both questions are long due), four referrals.

    Council (whole pilot): 4 registrations, 3 closed trajectories.
    - care arranged: p2 and p4 were referred to GGZ: 2 of 4 (50%); of the closed only p2: 1 of 3 (33%).
    - to the WerkBedrijf or work: p1 (paid work, and referred there): 1 of 4 (25%), 1 of 3 (33%).
    Onward: GGZ 2 (1 arrived, 1 unknown), Schuldhulp 1 (not arrived), WerkBedrijf 1 (arrived); total 4
    from 3 participants, arrived 2 of the 3 with a known result (67%).
    Lasting at 6 months: werk, uitkering, school; 3 due, werkt of leert 2 of 3 (67%), unknown 0.
    At 12 months: werk, (not asked), onbekend; 3 due, werkt of leert 1 of 3 (33%), unknown 2 of 3 (67%).
    """
    coach = make_user("coach", name="Anna")
    start = date(2024, 9, 2)
    p1 = make_participant(
        coach_id=coach.id, start_date=start, status="afgerond", outcome="betaald_werk", outcome_date=date(2025, 3, 1)
    )
    p2 = make_participant(
        coach_id=coach.id, start_date=start, status="uitgevallen", outcome="uitgevallen", outcome_date=date(2025, 5, 1)
    )
    p3 = make_participant(
        coach_id=coach.id, start_date=start, status="afgerond", outcome="opleiding", outcome_date=date(2025, 6, 1)
    )
    p4 = make_participant(coach_id=coach.id, start_date=date(2026, 1, 5), status="actief")  # 2026 can be chosen
    refer(p4, "ggz", date(2026, 2, 1), "aangekomen", date(2026, 2, 20))
    refer(p4, "schuldhulp", date(2026, 3, 1), "niet_aangekomen", date(2026, 4, 1))
    refer(p2, "ggz", date(2025, 1, 10))
    refer(p1, "werkbedrijf", date(2024, 12, 1), "aangekomen", date(2024, 12, 20))
    answer(p1, 6, "werk", datetime(2025, 9, 5, 10))
    answer(p1, 12, "werk", datetime(2026, 3, 5, 10))
    answer(p2, 6, "uitkering", datetime(2025, 11, 5, 10))
    answer(p3, 6, "school", datetime(2025, 12, 5, 10))
    answer(p3, 12, "onbekend", datetime(2026, 6, 5, 10))
    db.session.commit()
    return coach


def test_the_pdf_has_the_pages_figures_for_the_council(client, login_as, world):
    login_as("coach")
    response = client.get(URL + "export.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="rapportage-hele-pilot.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF-")
    text = pdf_text(response.data)
    assert "Rapportage Perspectiefjaar 23+ Resultaten van de hele pilot" in text
    assert "Periode Hele pilot Life-coach Alle coaches Verwezen door Alle verwijzers" in text
    # The council's table, both denominators.
    assert (
        "Zorg geregeld (verwezen naar zorg of GGZ, of uitstroom naar zorg) 2 van de 4 aanmeldingen (50%) "
        "1 van de 3 afgesloten trajecten (33%)"
    ) in text
    assert "Naar het WerkBedrijf of werk 1 van de 4 aanmeldingen (25%) 1 van de 3 afgesloten trajecten (33%)" in text
    assert "Wilde niet (niet gestart) 0 van de 4 aanmeldingen (0%) niet van toepassing (nooit gestart)" in text
    # Onward referrals: destination, referrals, arrived, not arrived, unknown.
    assert "4 verwijzingen van 3 deelnemers in de hele pilot" in text
    assert "GGZ 2 1 0 1" in text and "Schuldhulp 1 0 1 0" in text and "WerkBedrijf 1 1 0 0" in text
    assert "Totaal 4 2 1 1" in text
    assert "Aangekomen: 2 van de 3 verwijzingen met een bekende uitkomst (67%)." in text
    # Lasting outcomes at 6 and 12 months.
    assert "Na 6 maanden werkt of leert: 2 van de 3 trajecten (67%). Nog onbekend: nog geen trajecten" not in text
    assert "Na 6 maanden werkt of leert: 2 van de 3 trajecten (67%). Nog onbekend: 0 van de 3 trajecten (0%)." in text
    assert "Na 12 maanden werkt of leert: 1 van de 3 trajecten (33%). Nog onbekend: 2 van de 3 trajecten (67%)." in text
    assert "Werkt 1 (33%) 1 (33%)" in text and "Nog niet gevraagd 0 (0%) 1 (33%)" in text
    assert "Aan de beurt 3 3" in text
    # Money per outcome, per domain and the years side by side are there, and the charts' labels.
    for heading in ("Maatwerk per uitstroom", "Maatwerk per leefgebied", "De pilotjaren naast elkaar"):
        assert heading in text
    assert "Uitstroom per categorie" in text and "Deelnemers per status" in text
    assert "Geheime reden Q7" not in text  # counts only, no case content


def test_the_pdf_follows_the_filters_and_refuses_bad_ones(client, login_as, world):
    login_as("financien")
    response = client.get(URL + f"export.pdf?jaar=2026&coach={world.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="rapportage-2026-coach-{world.id}.pdf"'
    text = pdf_text(response.data)
    assert "Resultaten van pilotjaar 2026" in text and "Periode Pilotjaar 2026 Life-coach Anna" in text
    # 2026: p4's two referrals, both with their result known by 31 December.
    assert "2 verwijzingen van 1 deelnemers in pilotjaar 2026" in text and "Totaal 2 1 1 0" in text
    bad = client.get(URL + "export.pdf?jaar=1800")
    assert bad.status_code == 422 and "Kies geldige filters" in bad.text


def test_the_page_links_to_the_pdf_with_its_filters(client, login_as, world):
    login_as("coach")
    page = client.get(URL + "?jaar=2026")
    assert 'href="/rapportage/export.pdf?jaar=2026"' in page.text and "Download als PDF" in page.text


def csv_rows(client, query=""):
    return [line.split(";") for line in client.get(URL + "export.csv" + query).data.decode("utf-8-sig").splitlines()]


def test_csv_has_onward_lasting_and_the_council_table(client, login_as, world):
    login_as("coach")
    rows = csv_rows(client)
    # Verwezen naar: referrals, arrived, not arrived, unknown, arrived of the known results (%).
    assert ["GGZ", "2", "1", "0", "1", "100"] in rows
    assert ["Schuldhulp", "1", "0", "1", "0", "0"] in rows
    assert ["Zorg via de klantmanager", "0", "0", "0", "0", "nog geen"] in rows
    assert ["Totaal", "4", "2", "1", "1", "67"] in rows
    assert ["Deelnemers met een verwijzing", "3", "", "", "", "nog geen"] in rows
    # Na afloop: count and share at 6 months, at 12 months.
    assert ["Werkt", "1", "33", "1", "33"] in rows
    assert ["Heeft een uitkering", "1", "33", "0", "0"] in rows
    assert ["Niet bereikbaar / weet ik niet", "0", "0", "1", "33"] in rows
    assert ["Nog niet gevraagd", "0", "0", "1", "33"] in rows
    assert ["Werkt of leert", "2", "67", "1", "33"] in rows
    assert ["Nog onbekend (niet bereikbaar of nog niet gevraagd)", "0", "0", "2", "67"] in rows
    assert ["Aan de beurt", "3", "nog geen", "3", "nog geen"] in rows
    # The council's table with both denominators.
    zorg = "Zorg geregeld (verwezen naar zorg of GGZ, of uitstroom naar zorg)"
    assert [zorg, "2", "4", "50", "1", "3", "33"] in rows
    assert ["Wilde niet (niet gestart)", "0", "4", "0", "niet van toepassing", "", "niet van toepassing"] in rows
    # 2026: only p4's referrals; the questions due in 2026 are the 12-month ones of p1, p2 and p3.
    year = csv_rows(client, "?jaar=2026")
    assert ["Totaal", "2", "1", "1", "0", "50"] in year
    assert ["Aan de beurt", "0", "nog geen", "3", "nog geen"] in year


def test_xlsx_has_onward_and_lasting_sheets_with_numbers(client, login_as, world):
    login_as("financien")
    workbook = load_workbook(io.BytesIO(client.get(URL + "export.xlsx").data))
    onward = {row[0].value: [c.value for c in row] for row in workbook["Verwezen naar"].iter_rows(min_row=2)}
    assert onward["Totaal"][:5] == ["Totaal", 4, 2, 1, 1]
    assert onward["Totaal"][5] == pytest.approx(0.67)
    lasting = {
        row[0].value: [c.value for c in row] for row in workbook["Na afloop (6 en 12 maanden)"].iter_rows(min_row=2)
    }
    assert lasting["Werkt of leert"][1] == 2 and lasting["Werkt of leert"][2] == pytest.approx(0.67)
    assert lasting["Aan de beurt"][1] == 3 and lasting["Aan de beurt"][3] == 3
    council = workbook["Resultaten voor de raad"]
    assert council.cell(1, 4).value == "Aandeel van alle aanmeldingen"
