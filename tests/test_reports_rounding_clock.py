"""One rounding and one clock (issue #17 point 11): page, CSV, XLSX and PDF show the same percentage,
rounded half up; every year boundary of the report is midnight in Hengelo (Europe/Amsterdam)."""

import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from blueprints.budget.rules import PotFigures
from blueprints.reports.figures import Filters, Share, build_report
from core.percent import percent_of
from models import Commitment, Conversation, db
from tests.conftest import make_org, make_participant
from tests.pdf_text import pdf_text

URL = "/rapportage/"
D = Decimal


def test_percent_of_rounds_half_up_from_the_exact_fraction():
    # 23 / 107 = 21.4953...%: 21 (rounding 0.2150 again once made the CSV say 22).
    assert percent_of(23, 107) == D(21)
    # 17 / 136 = 12.5% exactly: half up is 13 (half-even once made the CSV say 12).
    assert percent_of(17, 136) == D(13)
    # 1 / 8 = 12.5% as well, and one decimal: 2 / 16 = 12.5 stays, 1 / 3 = 33.3.
    assert percent_of(1, 8) == D(13) and percent_of(2, 16, places=1) == D("12.5")
    assert percent_of(1, 3, places=1) == D("33.3") and percent_of(2, 3) == D(67)
    assert percent_of(0, 0) is None and percent_of(5, 0) is None
    assert Share(23, 107).percent == D(21) and Share(17, 136).percent == D(13)


def test_the_budget_pot_uses_the_same_rounding():
    zero = D("0.00")
    # 125.25 of 1,000.00 = 12.525%: to one decimal 12.5.
    pot = PotFigures(1, "maatwerk", "Maatwerk", 2026, D("1000.00"), zero, zero, zero, D("100.25"), D("25.00"), zero)
    assert pot.percent_used == percent_of(D("125.25"), D("1000.00"), places=1) == D("12.5")
    # 0.125%: to one decimal 0.1.
    small = PotFigures(1, "maatwerk", "Maatwerk", 2026, D("1000.00"), zero, zero, zero, D("1.25"), zero, zero)
    assert small.percent_used == D("0.1")
    tie = PotFigures(1, "maatwerk", "Maatwerk", 2026, D("1000.00"), zero, zero, zero, D("0.50"), D("0.00"), zero)
    assert tie.percent_used == D("0.1")  # 0.05% exactly: half up to 0.1, never half-even 0.0


@pytest.fixture
def shares(app):
    """107 closed trajectories, 23 of them to paid work (21%); 136 participants, 17 in intake (12.5%)."""
    for n in range(107):
        outcome = "betaald_werk" if n < 23 else "uitgevallen"
        status = "afgerond" if n < 23 else "uitgevallen"
        make_participant(status=status, outcome=outcome, outcome_date=date(2026, 6, 1), start_date=date(2026, 1, 5))
    for n in range(29):
        make_participant(status="intake" if n < 17 else "actief", start_date=date(2026, 2, 1))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_page_csv_xlsx_and_pdf_show_the_same_rounded_percentages(client, login_as, shares):
    login_as("financien")
    page = text_of(client.get(URL).text)
    assert "Betaald werk 23 23 van de 107 afgesloten trajecten (21%)" in page
    assert "Intake 17 17 van de 136 deelnemers in de hele pilot (13%)" in page

    rows = [line.split(";") for line in client.get(URL + "export.csv").data.decode("utf-8-sig").splitlines()]
    assert ["Betaald werk", "23", "107", "afgesloten trajecten (afgerond of uitgevallen)", "21"] in rows
    assert ["Intake", "17", "136", "deelnemers in de hele pilot", "13"] in rows

    workbook = load_workbook(io.BytesIO(client.get(URL + "export.xlsx").data))
    outcomes = {row[0].value: row for row in workbook["Uitstroom"].iter_rows(min_row=2)}
    statuses = {row[0].value: row for row in workbook["Deelnemers per status"].iter_rows(min_row=2)}
    for cell, shown in ((outcomes["Betaald werk"][4], 0.21), (statuses["Intake"][4], 0.13)):
        # A number (not text, not 0.2150 or 0.125) with a percent format: Excel shows 21% and 13%.
        assert isinstance(cell.value, float) and cell.value == pytest.approx(shown, abs=1e-12)
        assert cell.number_format == "0%"

    pdf = pdf_text(client.get(URL + "export.pdf").data)
    assert "Betaald werk 23 23 van de 107 afgesloten trajecten (21%)" in pdf
    assert "Intake 17 17 van de 136 deelnemers in de hele pilot (13%)" in pdf
    assert "(22%)" not in pdf and "(12%)" not in pdf  # neither the twice-rounded nor the half-even figure


def test_commitment_without_due_date_created_on_new_years_eve_2330_utc_counts_in_the_new_year(app):
    """31 December 23:30 UTC is 1 January 00:30 in Hengelo: the commitment belongs to the new year, like a
    conversation at that moment does."""
    org = make_org("ROC van Twente", "onderwijs")
    participant = make_participant(status="actief", start_date=date(2025, 3, 1), end_date=date(2026, 12, 1))
    late = datetime(2025, 12, 31, 23, 30)
    db.session.add(
        Commitment(
            organisation_id=org.id,
            participant_id=participant.id,
            kind="overig",
            description="Stageplek",
            status="nagekomen",
            created_at=late,
        )
    )
    db.session.add(
        Commitment(
            organisation_id=org.id,
            participant_id=participant.id,
            kind="overig",
            description="Gesprek",
            status="toegezegd",
            created_at=datetime(2025, 12, 31, 22, 59),  # 23:59 in Hengelo: still 2025
        )
    )
    for held_at in (late, datetime(2026, 1, 10, 10)):
        db.session.add(
            Conversation(
                participant_id=participant.id, held_at=held_at, kind="voortgangsgesprek", attendance="niet_verschenen"
            )
        )
    db.session.commit()

    in_2025, in_2026 = build_report(Filters(year=2025)), build_report(Filters(year=2026))
    assert in_2025.commitments.total == 1 and in_2026.commitments.total == 1
    assert {r.key: r.count for r in in_2026.commitments.rows if r.count} == {"nagekomen": 1}
    assert {r.key: r.count for r in in_2025.commitments.rows if r.count} == {"toegezegd": 1}
    # Both no-shows fall in 2026 in Hengelo: two in 2026, none in 2025.
    assert in_2026.no_shows == Share(1, 1) and in_2025.no_shows == Share(0, 1)
