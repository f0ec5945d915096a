"""A small, fully known dataset for the report tests: every figure can be worked out by hand.

Pilot years 2024 (empty: a budget year, nobody in it), 2025 (five trajectories closed) and 2026
(participants, but nobody finished). The hand calculations live in the tests, next to the asserts.
"""

from datetime import date, datetime
from decimal import Decimal

from models import (
    Assessment,
    BudgetContribution,
    BudgetPot,
    BudgetYear,
    CarryOver,
    Commitment,
    Conversation,
    LifeCoachInvoice,
    MaatwerkRequest,
    StatusChange,
    ZrmScore,
    db,
)
from tests.conftest import make_org, make_participant, make_user


def _participant(coach, referral, start, status, outcome=None, outcome_date=None, reason=None):
    return make_participant(
        coach_id=coach.id,
        referral_source=referral,
        start_date=start,
        end_date=date(start.year + 1, start.month, min(start.day, 28)),
        status=status,
        outcome=outcome,
        outcome_date=outcome_date,
        dropout_reason=reason,
    )


def _assessment(participant, on, rung, scores):
    assessment = Assessment(participant_id=participant.id, assessed_on=on, ladder_rung=rung, growth_rung=rung)
    assessment.scores = [ZrmScore(domain=d, score=s) for d, s in scores.items()]
    db.session.add(assessment)


def _conversations(participant, *items):
    for held_at, attendance in items:
        db.session.add(
            Conversation(
                participant_id=participant.id, held_at=held_at, kind="voortgangsgesprek", attendance=attendance
            )
        )


def _budget_year(year):
    budget_year = BudgetYear(year=year, total=Decimal("150000.00"))
    lifecoach = BudgetPot(kind="lifecoach", amount=Decimal("75000.00"))
    maatwerk = BudgetPot(kind="maatwerk", amount=Decimal("75000.00"))
    budget_year.pots = [lifecoach, maatwerk]
    db.session.add(budget_year)
    db.session.flush()
    return lifecoach, maatwerk


def _request(pot, participant, category, amount, status, requested_by):
    db.session.add(
        MaatwerkRequest(
            pot_id=pot.id,
            participant_id=participant.id,
            category=category,
            description="Test",
            supplier="Leverancier",
            amount=Decimal(amount),
            expected_on=date(2025, 6, 1),
            justification="Goedkoopste adequate oplossing",
            status=status,
            requested_by_id=requested_by.id,
        )
    )


def _invoice(pot, amount, on, recorded_by):
    db.session.add(
        LifeCoachInvoice(
            pot_id=pot.id,
            supplier="Coachbureau Twente",
            invoice_number=f"F-{on.isoformat()}-{amount}",
            invoice_date=on,
            description="Inhuur life-coach",
            amount=Decimal(amount),
            recorded_by_id=recorded_by.id,
        )
    )


def build_known_dataset() -> dict:
    anna = make_user("coach", name="Anna Coach")
    bram = make_user("coach", name="Bram Coach")
    finance = make_user("financien", name="Fien Financiën")
    roc = make_org("ROC van Twente", "onderwijs")
    lwl = make_org("Leerwerkloket Twente", "leerwerkloket")
    provincie = make_org("Provincie Overijssel", "overheid")

    p1 = _participant(anna, "rmc", date(2025, 2, 10), "afgerond", "betaald_werk", date(2025, 10, 1))
    p2 = _participant(
        anna, "werkplein", date(2025, 2, 20), "uitgevallen", "uitgevallen", date(2025, 6, 15), "Geen motivatie"
    )
    p3 = _participant(bram, "zelfmelder", date(2025, 5, 1), "afgerond", "opleiding", date(2025, 12, 1))
    p4 = _participant(bram, "rmc", date(2025, 9, 1), "uitgevallen", "uitgevallen", date(2025, 12, 20), "Geen motivatie")
    _participant(bram, "werkplein", date(2025, 9, 15), "afgerond", "leerwerktraject", date(2025, 12, 10))
    p9 = _participant(bram, "rmc", date(2025, 11, 1), "actief")
    p5 = _participant(anna, "zelfmelder", date(2026, 1, 15), "actief")
    p6 = _participant(bram, "partner", date(2026, 3, 1), "intake")
    _participant(anna, "rmc", date(2026, 3, 20), "aangemeld")

    # p9's history: still in intake at the end of 2025, active from January 2026.
    for on, from_status, to_status in (
        (date(2025, 10, 20), None, "aangemeld"),
        (date(2025, 10, 25), "aangemeld", "intake"),
        (date(2026, 1, 5), "intake", "actief"),
    ):
        db.session.add(StatusChange(participant_id=p9.id, from_status=from_status, to_status=to_status, changed_on=on))

    _conversations(
        p1,
        (datetime(2025, 3, 1, 10), "niet_verschenen"),
        (datetime(2025, 3, 8, 10), "niet_verschenen"),
        (datetime(2025, 3, 15, 10), "verschenen"),
    )
    # 31 December 23:30 UTC is already 1 January 2026 in Hengelo: one no-show in each year.
    _conversations(
        p9,
        (datetime(2025, 12, 1, 10), "niet_verschenen"),
        (datetime(2025, 12, 31, 23, 30), "niet_verschenen"),
        (datetime(2026, 1, 17, 10), "afgemeld"),
    )
    _conversations(
        p5,
        (datetime(2026, 2, 1, 10), "niet_verschenen"),
        (datetime(2026, 2, 8, 10), "niet_verschenen"),
        (datetime(2026, 2, 15, 10), "niet_verschenen"),
    )
    _conversations(p6, (datetime(2026, 3, 5, 10), "niet_verschenen"), (datetime(2026, 3, 12, 10), "verschenen"))

    _assessment(p1, date(2025, 2, 15), 2, {"financien": 2, "werk_opleiding": 1, "huisvesting": 3, "justitie": None})
    _assessment(p1, date(2025, 9, 20), 5, {"financien": 4, "werk_opleiding": 3, "huisvesting": 3, "justitie": 5})
    _assessment(p3, date(2025, 5, 5), 3, {"financien": 3, "werk_opleiding": 2, "huisvesting": None})
    _assessment(p3, date(2025, 11, 20), 3, {"financien": 2, "werk_opleiding": 4, "huisvesting": 4})
    _assessment(p9, date(2025, 11, 5), 4, {"financien": 3, "werk_opleiding": 2})
    _assessment(p9, date(2026, 2, 1), 3, {"financien": 3, "werk_opleiding": 2})
    _assessment(p5, date(2026, 1, 20), 1, {"financien": 1})
    _assessment(p2, date(2025, 3, 1), 2, {"financien": 1})

    commitments = [
        (roc, p1, "nagekomen", date(2025, 6, 1), None),
        (roc, p3, "niet_nagekomen", date(2025, 10, 1), None),
        (lwl, p9, "toegezegd", date(2026, 5, 1), None),
        (provincie, None, "nagekomen", date(2025, 12, 31), None),  # pilot-wide
        (lwl, p5, "vervallen", date(2026, 2, 1), None),
        (roc, p5, "nagekomen", date(2026, 4, 1), None),
        (roc, p6, "in_uitvoering", None, datetime(2026, 3, 2, 9)),  # no due date: counts by creation
    ]
    for org, participant, status, due, created in commitments:
        commitment = Commitment(
            organisation_id=org.id,
            participant_id=participant.id if participant else None,
            kind="overig",
            description="Toezegging",
            status=status,
            due_date=due,
        )
        if created:
            commitment.created_at = created
        db.session.add(commitment)

    _budget_year(2024)
    coach_2025, maatwerk_2025 = _budget_year(2025)
    coach_2026, maatwerk_2026 = _budget_year(2026)
    db.session.add(
        BudgetContribution(
            pot_id=maatwerk_2025.id,
            organisation_id=provincie.id,
            amount=Decimal("10000.00"),
            booked_on=date(2025, 3, 1),
            description="Cofinanciering",
        )
    )
    db.session.add(
        CarryOver(
            from_pot_id=maatwerk_2025.id,
            to_pot_id=maatwerk_2026.id,
            amount=Decimal("5000.00"),
            decided_on=date(2026, 1, 5),
            reason="Besluit",
            decided_by_id=finance.id,
        )
    )
    _invoice(coach_2025, "6000.00", date(2025, 3, 31), finance)
    _invoice(coach_2025, "6250.50", date(2025, 9, 30), finance)
    _invoice(coach_2026, "5000.00", date(2026, 3, 31), finance)
    _invoice(coach_2026, "-250.50", date(2026, 4, 2), finance)  # credit note

    _request(maatwerk_2025, p1, "opleiding", "1200.00", "betaald", anna)
    _request(maatwerk_2025, p1, "vervoer", "150.25", "goedgekeurd", anna)
    _request(maatwerk_2025, p3, "schulden", "800.00", "betaald", bram)
    _request(maatwerk_2025, p2, "huisvesting", "500.00", "afgewezen", anna)
    _request(maatwerk_2025, p9, "opleiding", "99.99", "aangevraagd", bram)
    _request(maatwerk_2025, p4, "overig", "75.00", "ingetrokken", bram)
    _request(maatwerk_2026, p9, "werkkleding", "300.00", "betaald", bram)
    _request(maatwerk_2026, p5, "opleiding", "450.10", "goedgekeurd", anna)
    db.session.commit()
    return {"anna": anna, "bram": bram, "finance": finance, "p1": p1, "p5": p5, "p9": p9, "roc": roc}


def add_bulk(count: int, coach, start=date(2026, 4, 1)) -> None:
    """More participants with conversations, assessments, commitments and maatwerk, for query counting."""
    pot = db.session.query(BudgetPot).join(BudgetYear).filter(BudgetYear.year == 2026, BudgetPot.kind == "maatwerk")
    pot = pot.one()
    org = make_org(f"Werkgever {count}", "werkgever")
    for index in range(count):
        participant = _participant(coach, "werkplein", start, "actief")
        _conversations(participant, (datetime(2026, 4, 2 + index % 20, 10), "niet_verschenen"))
        _assessment(participant, date(2026, 4, 3), 2, {"financien": 2})
        _assessment(participant, date(2026, 6, 3), 3, {"financien": 3})
        db.session.add(
            Commitment(organisation_id=org.id, participant_id=participant.id, kind="baan", description="Baan")
        )
        _request(pot, participant, "vervoer", "10.00", "betaald", coach)
    db.session.commit()
