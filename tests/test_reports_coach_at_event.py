"""The coach filter counts an event for the coach who had the file at that moment (issue #17 point 11):
a handover never moves past results or money to the new coach. Hand-counted on one handed-over file."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import update

from blueprints.reports.figures import Filters, Share, build_report
from blueprints.youths import coach_history
from models import BudgetPot, BudgetYear, CoachAssignment, Conversation, MaatwerkRequest, db
from tests.conftest import make_participant, make_user

D = Decimal


@pytest.fixture
def handed_over(app):
    """Q: started 1 Feb 2025 with Anna, handed to Bram on 1 Sep 2025, closed 'opleiding' on 15 Nov 2025.
    Anna asked for EUR 400 (paid) in March and saw two no-shows in a row in April; Bram asked for EUR 100
    (approved) in October."""
    anna, bram = make_user("coach", name="Anna"), make_user("coach", name="Bram")
    q = make_participant(
        coach_id=anna.id,
        start_date=date(2025, 2, 1),
        end_date=date(2026, 2, 1),
        status="afgerond",
        outcome="opleiding",
        outcome_date=date(2025, 11, 15),
    )
    # The file was registered in January 2025 (the factory opened the period today).
    db.session.execute(
        update(CoachAssignment).where(CoachAssignment.participant_id == q.id).values(starts_at=datetime(2025, 1, 15))
    )
    coach_history.assign_coach(q, bram, "Overdracht", None, at=datetime(2025, 9, 1, 8))
    year = BudgetYear(year=2025, total=D("150000.00"))
    pot = BudgetPot(kind="maatwerk", amount=D("75000.00"))
    year.pots = [pot, BudgetPot(kind="lifecoach", amount=D("75000.00"))]
    db.session.add(year)
    db.session.flush()
    for amount, status, requested_at, by in (
        ("400.00", "betaald", datetime(2025, 3, 1, 9), anna),
        ("100.00", "goedgekeurd", datetime(2025, 10, 1, 9), bram),
    ):
        db.session.add(
            MaatwerkRequest(
                pot_id=pot.id,
                participant_id=q.id,
                category="opleiding",
                description="x",
                supplier="y",
                amount=D(amount),
                expected_on=date(2025, 6, 1),
                justification="z",
                status=status,
                requested_by_id=by.id,
                requested_at=requested_at,
            )
        )
    for day in (1, 8):
        db.session.add(
            Conversation(
                participant_id=q.id,
                held_at=datetime(2025, 4, day, 10),
                kind="voortgangsgesprek",
                attendance="niet_verschenen",
                coach_id=anna.id,
            )
        )
    db.session.commit()
    return {"anna": anna, "bram": bram, "q": q}


def test_past_results_and_money_stay_with_the_coach_of_that_moment(handed_over):
    anna, bram = handed_over["anna"].id, handed_over["bram"].id
    for_anna = build_report(Filters(year=2025, coach_id=anna))
    for_bram = build_report(Filters(year=2025, coach_id=bram))
    # The start was Anna's; at the end of 2025 the file was Bram's; the outcome (15 Nov) was Bram's.
    assert (for_anna.inflow_total, for_bram.inflow_total) == (1, 0)
    assert (for_anna.statuses.total, for_bram.statuses.total) == (0, 1)
    assert (for_anna.outcomes.finished, for_bram.outcomes.finished) == (0, 1)
    # Money by request date: Anna's EUR 400 paid, Bram's EUR 100 approved.
    assert (for_anna.money.maatwerk_total, for_bram.money.maatwerk_total) == (D("400.00"), D("100.00"))
    assert (for_anna.money.maatwerk_participants, for_bram.money.maatwerk_participants) == (1, 1)
    anna_year = next(c for c in for_anna.years if c.year == 2025)
    bram_year = next(c for c in for_bram.years if c.year == 2025)
    assert (anna_year.realised, anna_year.committed, bram_year.realised, bram_year.committed) == (
        D("400.00"),
        D("0.00"),
        D("0.00"),
        D("100.00"),
    )
    # The April appointments were Anna's (both missed, no reminder sent).
    assert for_anna.reminder_effect.without_reminder == Share(2, 2)
    assert for_bram.reminder_effect.without_reminder == Share(0, 0)
    # Money per outcome: the trajectory is Bram's (his outcome), with all its maatwerk.
    bram_school = next(r for r in for_bram.money_by_outcome if r.key == "opleiding")
    assert (bram_school.trajectories, bram_school.total) == (1, D("500.00"))
    assert all(r.trajectories == 0 for r in for_anna.money_by_outcome)
    # Without a coach filter nothing changes.
    everyone = build_report(Filters(year=2025))
    assert (everyone.statuses.total, everyone.outcomes.finished, everyone.money.maatwerk_total) == (1, 1, D("500.00"))


def test_the_page_says_whose_figures_a_coach_filter_shows(client, login_as, handed_over):
    login_as("coach")
    page = client.get(f"/rapportage/?jaar=2025&coach={handed_over['anna'].id}").text
    assert "de coach die het dossier had op het moment" in page
    assert client.get("/rapportage/?jaar=2025").text.count("de coach die het dossier had op het moment") == 0
