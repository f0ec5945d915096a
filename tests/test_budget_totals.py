"""Running maatwerk totals: after random requests, decisions, payments, edits and deletes they equal a recount."""

import random
from datetime import date
from decimal import Decimal

from blueprints.budget.queries import Filters, dashboard, filtered_context
from blueprints.budget.rules import (
    BudgetError,
    approve_request,
    mark_paid,
    reject_request,
    submit_request,
    withdraw_request,
)
from blueprints.budget.totals import rebuild_totals, recomputed_totals, stored_totals
from models import MaatwerkRequest, RequestStatus, db
from tests.conftest import make_participant, make_user
from tests.factories_budget import make_request, make_year

TODAY = date(2026, 6, 15)
CATEGORIES = ["vervoer", "opleiding", "huisvesting", "schulden"]


def _assert_consistent():
    db.session.expire_all()
    assert stored_totals(db.session) == recomputed_totals(db.session)


def test_totals_follow_every_change_and_match_a_recount(app):
    rng = random.Random(2026)
    make_year(2026, total="100000.00")
    make_year(2027, total="100000.00")
    coaches = [make_user("coach") for _ in range(2)]
    finance = make_user("financien")
    participants = [make_participant() for _ in range(4)]
    for step in range(120):
        action = rng.random()
        pending = list(db.session.scalars(db.select(MaatwerkRequest).where(MaatwerkRequest.status == "aangevraagd")))
        approved = list(db.session.scalars(db.select(MaatwerkRequest).where(MaatwerkRequest.status == "goedgekeurd")))
        try:
            if action < 0.35 or not pending:
                coach = rng.choice(coaches)
                submit_request(
                    rng.choice(participants),
                    coach,
                    category=rng.choice(CATEGORIES),
                    description="Fiets",
                    supplier="Fietsenhuis",
                    amount=Decimal(rng.randint(100, 90000)) / 100,
                    expected_on=date(rng.choice([2026, 2027]), rng.randint(1, 12), 1),
                    justification="Goedkoopst.",
                )
            elif action < 0.6:
                approve_request(rng.choice(pending), finance, today=TODAY)
            elif action < 0.7:
                reject_request(rng.choice(pending), finance, "Past niet.", today=TODAY)
            elif action < 0.78:
                request = rng.choice(pending)
                withdraw_request(request, db.session.get(type(coaches[0]), request.requested_by_id), today=TODAY)
            elif action < 0.9 and approved:
                mark_paid(rng.choice(approved), finance, f"F-{step}", date.today(), date.today())
            elif action < 0.95:  # an edit outside the rules (a correction in the database): still counted
                request = rng.choice(pending + approved)
                request.amount = Decimal(rng.randint(100, 5000)) / 100
                request.category = rng.choice(CATEGORIES)
            else:  # a delete (e.g. a test or a purge)
                db.session.delete(rng.choice(pending))
            db.session.commit()
        except BudgetError:
            db.session.rollback()
        if step % 30 == 0:
            _assert_consistent()
    _assert_consistent()
    statuses = {r.status for r in db.session.scalars(db.select(MaatwerkRequest))}
    assert {"aangevraagd", "goedgekeurd", "betaald"} <= statuses


def test_rollback_leaves_totals_untouched(app):
    make_year(2026)
    request = make_request("100.00")
    before = stored_totals(db.session)
    request.status = RequestStatus.GOEDGEKEURD.value
    db.session.flush()
    db.session.rollback()
    assert stored_totals(db.session) == before
    _assert_consistent()


def test_rebuild_from_bulk_inserted_rows(app):
    make_year(2026)
    made = make_request("10.00")
    row = {c: getattr(made, c) for c in ("pot_id", "participant_id", "description", "supplier", "expected_on")}
    row |= {"justification": "x", "requested_by_id": made.requested_by_id, "requested_at": made.requested_at}
    db.session.execute(
        db.insert(MaatwerkRequest),
        [
            row | {"category": "vervoer", "amount": Decimal("12.34"), "status": "betaald", "paid_on": date(2026, 3, 4)},
            row | {"category": "opleiding", "amount": Decimal("0.10"), "status": "goedgekeurd"},
        ],
    )
    db.session.commit()
    assert stored_totals(db.session) != recomputed_totals(db.session)  # the ORM listener did not see them
    rebuild_totals(db.session)
    db.session.commit()
    _assert_consistent()


def test_dashboard_figures_from_totals_equal_the_requests(app):
    make_year(2026, total="10000.00", lifecoach="5000.00")
    one, two = make_participant(), make_participant()
    make_request("100.10", status="goedgekeurd", participant=one)
    make_request("200.20", status="betaald", participant=one, paid_on=date(2026, 2, 3), category="opleiding")
    make_request("300.30", status="betaald", participant=two, paid_on=date(2026, 2, 9))
    make_request("999.99", status="afgewezen", participant=two)
    data = filtered_context(2026, Filters(), 1, today=TODAY) | dashboard(2026, Filters(), today=TODAY)
    assert data["average"] == {"total": Decimal("600.60"), "participants": 2, "average": Decimal("300.30")}
    assert [(c["category"], c["amount"], c["count"]) for c in data["by_category"]] == [
        ("vervoer", Decimal("400.40"), 2),
        ("opleiding", Decimal("200.20"), 1),
    ]
    assert [(p["amount"], p["count"]) for p in data["top"]] == [(Decimal("300.30"), 2), (Decimal("300.30"), 1)]
    assert data["burn"]["monthly"][1] == Decimal("500.50")
    filtered = filtered_context(2026, Filters(status="afgewezen"), 1, today=TODAY)
    assert filtered["average"]["total"] == Decimal("999.99") and filtered["top"][0]["count"] == 1


def test_the_burn_chart_axis_has_round_amounts():
    from blueprints.budget.queries import chart_geometry, nice_top

    assert nice_top(Decimal("190850")) == 200000 and nice_top(Decimal("99")) == 100
    ticks = chart_geometry([Decimal("12000")], Decimal("173500"), Decimal("150000"), 1)["ticks"]
    assert [t["value"] for t in ticks] == [0, 50000, 100000, 150000, 200000]
