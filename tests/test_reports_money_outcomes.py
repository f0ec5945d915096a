"""Money next to every outcome (issue #17 point 8), hand-counted on the known dataset and on small sets.

Known dataset (tests/factories_reports.py), approved (verplicht) and paid (gerealiseerd) maatwerk:
p1 betaald werk (closed 2025): 1,200.00 paid + 150.25 approved (2025); p3 opleiding (2025): 800.00 paid;
p8 BBL (2025): none; p2 and p4 uitgevallen (2025): only a rejected and a withdrawn request;
p9 (active): 300.00 paid (2026) and a pending 99.99; p5 (active): 450.10 approved (2026).
"""

from datetime import date
from decimal import Decimal

import pytest

from blueprints.reports.figures import Filters, Share, build_report
from blueprints.reports.money_outcomes import median, money_by_domain, money_by_outcome, pilot_years
from models import BudgetPot, BudgetYear, Goal, MaatwerkRequest, db
from tests.conftest import make_participant, make_user
from tests.factories_reports import build_known_dataset

D = Decimal


@pytest.fixture
def data(app):
    return build_known_dataset()


def by_key(rows):
    return {r.key: r for r in rows}


def test_money_per_outcome_category_2025(data):
    rows = by_key(money_by_outcome(Filters(year=2025)))
    work = rows["betaald_werk"]
    assert (work.trajectories, work.with_maatwerk, work.committed, work.realised) == (1, 1, D("150.25"), D("1200.00"))
    assert work.total == work.per_trajectory == work.median == D("1350.25")
    school = rows["opleiding"]
    assert (school.trajectories, school.total, school.per_trajectory, school.median) == (
        1,
        D("800.00"),
        D("800.00"),
        D("800.00"),
    )
    bbl = rows["leerwerktraject"]
    assert (bbl.trajectories, bbl.with_maatwerk, bbl.total, bbl.median) == (1, 0, D("0.00"), D("0.00"))
    # Rejected and withdrawn requests are no money: two dropouts, EUR 0 each.
    dropped = rows["uitgevallen"]
    assert (dropped.trajectories, dropped.with_maatwerk, dropped.total, dropped.per_trajectory) == (
        2,
        0,
        D("0.00"),
        D("0.00"),
    )
    assert rows["zorg"].trajectories == 0 and rows["zorg"].per_trajectory is None and rows["zorg"].median is None
    # Nobody closed in 2026: active participants' money (p9, p5) is in no outcome row.
    assert all(r.trajectories == 0 and r.total == 0 for r in money_by_outcome(Filters(year=2026)))
    # Bram's closed trajectories: p3 (opleiding), p8 (BBL), p4 (uitgevallen).
    bram = by_key(money_by_outcome(Filters(coach_id=data["bram"].id)))
    assert bram["betaald_werk"].trajectories == 0 and bram["opleiding"].total == D("800.00")
    assert bram["uitgevallen"].trajectories == 1


def test_per_trajectory_and_median_count_every_trajectory_of_the_category(app):
    coach = make_user("coach")
    year = BudgetYear(year=2026, total=D("150000.00"))
    pot = BudgetPot(kind="maatwerk", amount=D("75000.00"))
    year.pots = [pot]
    db.session.add(year)
    db.session.flush()

    def closed(outcome, *amounts):
        p = make_participant(
            status="uitgevallen" if outcome == "uitgevallen" else "afgerond",
            outcome=outcome,
            outcome_date=date(2026, 6, 1),
            start_date=date(2026, 1, 5),
            coach_id=coach.id,
        )
        for amount, status in amounts:
            db.session.add(
                MaatwerkRequest(
                    pot_id=pot.id,
                    participant_id=p.id,
                    category="overig",
                    description="x",
                    supplier="y",
                    amount=D(amount),
                    expected_on=date(2026, 2, 1),
                    justification="z",
                    status=status,
                    requested_by_id=coach.id,
                )
            )
        db.session.commit()

    # Four dropouts: EUR 0, 100.00, 300.00 (250 paid + 50 approved) and 1,000.01.
    closed("uitgevallen")
    closed("uitgevallen", ("100.00", "betaald"))
    closed("uitgevallen", ("250.00", "betaald"), ("50.00", "goedgekeurd"), ("999.00", "afgewezen"))
    closed("uitgevallen", ("1000.01", "betaald"))
    # Two to school: 0.02 and 0.03, the median 0.025 rounds half up to 0.03.
    closed("opleiding", ("0.02", "betaald"))
    closed("opleiding", ("0.03", "goedgekeurd"))
    # Three to work: 10, 20, 5000: the median is the middle one.
    closed("betaald_werk", ("5000.00", "betaald"))
    closed("betaald_werk", ("10.00", "betaald"))
    closed("betaald_werk", ("20.00", "betaald"))

    rows = by_key(money_by_outcome(Filters(year=2026)))
    dropped = rows["uitgevallen"]
    assert dropped.total == D("1400.01") and dropped.committed == D("50.00") and dropped.realised == D("1350.01")
    assert dropped.trajectories == 4 and dropped.with_maatwerk == 3
    assert dropped.per_trajectory == D("350.00")  # 1400.01 / 4 = 350.0025
    assert dropped.median == D("200.00")  # (100 + 300) / 2
    assert rows["opleiding"].median == D("0.03") and rows["opleiding"].per_trajectory == D("0.03")
    assert rows["betaald_werk"].median == D("20.00") and rows["betaald_werk"].per_trajectory == D("1676.67")
    assert median([]) is None and median([D("1.00")]) == D("1.00")


def test_money_per_life_domain_of_the_goal(app):
    coach = make_user("coach")
    year = BudgetYear(year=2026, total=D("150000.00"))
    pot = BudgetPot(kind="maatwerk", amount=D("75000.00"))
    year.pots = [pot]
    db.session.add(year)
    other_coach = make_user("coach")
    a = make_participant(coach_id=coach.id)
    b = make_participant(coach_id=other_coach.id)
    money_goal = Goal(participant_id=a.id, domain="financien", description="Schulden op orde")
    work_goal_a = Goal(participant_id=a.id, domain="werk_opleiding", description="Rijbewijs")
    work_goal_b = Goal(participant_id=b.id, domain="werk_opleiding", description="Cursus")
    db.session.add_all([money_goal, work_goal_a, work_goal_b])
    db.session.flush()
    for participant, goal, amount, status in (
        (a, money_goal, "400.00", "betaald"),
        (a, money_goal, "99.50", "goedgekeurd"),
        (a, work_goal_a, "1000.00", "betaald"),
        (b, work_goal_b, "250.00", "goedgekeurd"),
        (b, work_goal_b, "777.00", "aangevraagd"),  # not decided: no money yet
        (b, None, "30.00", "betaald"),  # no goal named
    ):
        db.session.add(
            MaatwerkRequest(
                pot_id=pot.id,
                participant_id=participant.id,
                goal_id=goal.id if goal else None,
                category="overig",
                description="x",
                supplier="y",
                amount=D(amount),
                expected_on=date(2026, 2, 1),
                justification="z",
                status=status,
                requested_by_id=coach.id,
            )
        )
    db.session.commit()

    rows = by_key(money_by_domain(Filters(year=2026)))
    assert (rows["financien"].requests, rows["financien"].participants) == (2, 1)
    assert (rows["financien"].committed, rows["financien"].realised) == (D("99.50"), D("400.00"))
    assert (rows["werk_opleiding"].requests, rows["werk_opleiding"].participants) == (2, 2)
    assert rows["werk_opleiding"].total == D("1250.00") and rows["werk_opleiding"].committed == D("250.00")
    assert (rows["geen_doel"].requests, rows["geen_doel"].total, rows["geen_doel"].label) == (
        1,
        D("30.00"),
        "Geen doel gekoppeld",
    )
    assert rows["justitie"].requests == 0 and rows["justitie"].total == 0
    assert sum((r.total for r in rows.values()), D(0)) == D("1779.50")
    # Another budget year has none of it; a coach filter keeps only that coach's participants.
    assert all(r.total == 0 for r in money_by_domain(Filters(year=2025)))
    mine = by_key(money_by_domain(Filters(coach_id=coach.id)))
    assert mine["werk_opleiding"].total == D("1000.00") and mine["geen_doel"].total == 0


def test_pilot_years_side_by_side(data):
    columns = {c.year: c for c in pilot_years(Filters())}
    assert list(columns) == [2024, 2025, 2026, None]
    y2024, y2025, y2026, whole = columns[2024], columns[2025], columns[2026], columns[None]
    # Budgets: 2024 75k + 75k; 2025 + 10k contribution - 5k carried to 2026; 2026 + 5k carried in.
    assert [c.budget for c in (y2024, y2025, y2026, whole)] == [
        D("150000.00"),
        D("155000.00"),
        D("155000.00"),
        D("460000.00"),
    ]
    assert [c.participants for c in (y2024, y2025, y2026, whole)] == [0, 6, 4, 9]
    assert [(c.finished, c.positive) for c in (y2024, y2025, y2026, whole)] == [(0, 0), (5, 3), (0, 0), (5, 3)]
    assert (y2025.committed, y2025.realised) == (D("150.25"), D("2000.00"))
    assert (y2026.committed, y2026.realised) == (D("450.10"), D("300.00"))
    assert (whole.committed, whole.realised) == (D("600.35"), D("2300.00"))
    assert [c.lifecoach_share for c in (y2025, y2026, whole)] == [D("12250.50"), D("4749.50"), D("17000.00")]
    assert [c.total_cost for c in (y2024, y2025, y2026, whole)] == [
        D("0.00"),
        D("14400.75"),
        D("5499.60"),
        D("19900.35"),
    ]
    # 14,400.75 of 155,000 = 9.29%; 5,499.60 of 155,000 = 3.55%; 19,900.35 of 460,000 = 4.33%.
    assert [c.budget_used.percent for c in (y2024, y2025, y2026, whole)] == [D(0), D(9), D(4), D(4)]
    assert y2025.cost_per_positive_outcome == D("4800.25") and y2026.cost_per_positive_outcome is None
    assert y2025.positive_share == Share(3, 5)


def test_each_year_column_is_that_years_report(data):
    for filters in (Filters(), Filters(coach_id=data["bram"].id), Filters(referral="rmc")):
        for column in pilot_years(filters):
            report = build_report(Filters(year=column.year, coach_id=filters.coach_id, referral=filters.referral))
            m = report.money
            assert column.participants == report.statuses.total
            assert (column.finished, column.positive) == (report.outcomes.finished, report.outcomes.positive.part)
            assert column.budget == m.budget_total
            assert column.maatwerk == m.maatwerk_total and column.lifecoach_share == m.lifecoach_share
            assert column.total_cost == m.total_cost and column.budget_used == m.budget_used


def test_under_a_coach_filter_the_budget_is_the_whole_pilots(data):
    columns = {c.year: c for c in pilot_years(Filters(coach_id=data["bram"].id))}
    # Bram: 4 of the 6 participants of 2025 (p3, p4, p8, p9), 2 of 4 in 2026 (p9, p6), 5 of 9 in all.
    assert [columns[y].participants for y in (2025, 2026, None)] == [4, 2, 5]
    assert columns[2025].budget == D("155000.00") and columns[None].budget == D("460000.00")
    assert (columns[2025].committed, columns[2025].realised) == (D("0.00"), D("800.00"))
    # Life-coach: 12,250.50 x 4/6 = 8,167.00; 4,749.50 x 2/4 = 2,374.75; 17,000 x 5/9 = 9,444.44.
    assert [columns[y].lifecoach_share for y in (2025, 2026, None)] == [D("8167.00"), D("2374.75"), D("9444.44")]


def test_pot_share_of_the_budget_used(data):
    pots = {p.kind: p for p in build_report(Filters(year=2025)).money.pots}
    # Maatwerk 2,150.25 of 80,000 = 2.69%; life-coach 12,250.50 of 75,000 = 16.33%; together 9.29%.
    assert pots["maatwerk"].budget_used.percent == D(3) and pots["lifecoach"].budget_used.percent == D(16)
    assert build_report(Filters(year=2025)).money.budget_used.percent == D(9)


def csv_rows(response) -> list[list[str]]:
    return [line.split(";") for line in response.data.decode("utf-8-sig").splitlines()]


def test_page_and_exports_carry_the_money_tables(client, login_as, data):
    import io
    import re

    from openpyxl import load_workbook

    login_as("financien")
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/rapportage/?jaar=2025").text))
    assert "Betaald werk 1 1 € 150,25 € 1.200,00 € 1.350,25 € 1.350,25 € 1.350,25" in page
    assert "Deel van het budget gebruikt 0% 9% 4% 4%" in page
    assert "Maatwerk € 80.000,00 € 150,25 € 2.000,00 € 2.150,25 3%" in page
    assert "Het budget is het budget van de hele pilot" not in page
    rows = csv_rows(client.get("/rapportage/export.csv?jaar=2025"))
    assert ["Betaald werk", "1", "1", "150,25", "1200,00", "1350,25", "1350,25", "1350,25"] in rows
    assert ["Uitgevallen / gestopt", "2", "0", "0,00", "0,00", "0,00", "0,00", "0,00"] in rows
    assert [
        "2025",
        "6",
        "5",
        "3",
        "60",
        "155000,00",
        "150,25",
        "2000,00",
        "12250,50",
        "14400,75",
        "9",
        "4800,25",
    ] in rows
    assert ["Geen doel gekoppeld", "3", "2", "150,25", "2000,00", "2150,25"] in rows  # p1 twice, p3
    workbook = load_workbook(io.BytesIO(client.get("/rapportage/export.xlsx?jaar=2025").data))
    years = {row[0].value: row for row in workbook["Pilotjaren naast elkaar"].iter_rows(min_row=2)}
    assert years["2025"][10].value == pytest.approx(0.09) and years["2025"][10].number_format == "0%"
    assert years["Hele pilot"][5].value == pytest.approx(460000.0)

    coach_page = client.get(f"/rapportage/?coach={data['bram'].id}").text
    assert "Het budget is het budget van de hele pilot" in coach_page
    assert "Budget (hele pilot)" in coach_page
