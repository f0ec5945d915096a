"""Budget rules without HTTP: four-eyes, no overspending, lifecycle, closed months, exact sums."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from blueprints.budget.periods import PeriodClosed, close_month, ensure_open
from blueprints.budget.queries import maatwerk_for_participant
from blueprints.budget.rules import (
    BudgetError,
    add_contribution,
    approve_request,
    carry_over,
    change_split,
    create_budget_year,
    figures_for,
    mark_paid,
    pot_figures,
    pot_for,
    record_invoice,
    reject_request,
    withdraw_request,
)
from blueprints.budget.totals import rebuild_totals
from models import AuditLog, MaatwerkRequest, PotKind, RequestStatus, db
from tests.conftest import make_org, make_participant, make_user
from tests.factories_budget import maatwerk_pot, make_request, make_year

TODAY = date(2026, 6, 15)


def test_new_year_defaults_to_150000_split_50_50(app):
    make_year(2026)
    figures = pot_figures(year=2026)
    totals = {f.kind: f.total for f in figures.values()}
    assert totals == {"lifecoach": Decimal("75000.00"), "maatwerk": Decimal("75000.00")}
    with pytest.raises(BudgetError, match="bestaat al"):
        create_budget_year(2026)


def test_split_is_editable_but_not_below_what_is_spent(app):
    budget_year = make_year(2026)
    finance = make_user("financien")
    request = make_request("70000.00")
    approve_request(request, finance, TODAY)
    db.session.commit()
    with pytest.raises(BudgetError, match="al € 70.000,00"):
        change_split(budget_year, Decimal("150000.00"), Decimal("90000.00"))
    db.session.rollback()
    change_split(budget_year, Decimal("160000.00"), Decimal("80000.00"))
    db.session.commit()
    assert figures_for(maatwerk_pot().id).total == Decimal("80000.00")


def test_four_eyes_nobody_approves_their_own_request(app):
    make_year()
    finance = make_user("financien")
    request = make_request(coach=finance)  # made by the same person (guard by id, not only by role)
    with pytest.raises(BudgetError, match="Vier-ogenprincipe"):
        approve_request(request, finance, TODAY)
    db.session.rollback()
    assert db.session.get(MaatwerkRequest, request.id).status == "aangevraagd"


def test_only_finance_decides(app):
    make_year()
    request = make_request()
    with pytest.raises(BudgetError, match="Alleen financiën"):
        approve_request(request, make_user("coach"), TODAY)


def test_approval_that_would_overspend_is_refused_with_a_clear_message(app):
    make_year(total="1000.00", lifecoach="0.00")
    finance = make_user("financien")
    first = make_request("600.00")
    second = make_request("400.01")
    approve_request(first, finance, TODAY)
    db.session.commit()
    with pytest.raises(BudgetError) as refused:
        approve_request(second, finance, TODAY)
    assert "overschreden" in str(refused.value)
    assert "€ 400,00 vrij" in str(refused.value)
    db.session.rollback()
    assert db.session.get(MaatwerkRequest, second.id).status == "aangevraagd"
    exact = make_request("400.00")
    approve_request(exact, finance, TODAY)  # exactly up to the pot is fine
    db.session.commit()
    assert figures_for(maatwerk_pot().id).remaining == Decimal("0.00")


def test_paid_counts_against_the_pot_and_contributions_raise_it(app):
    make_year(total="1000.00", lifecoach="0.00")
    finance = make_user("financien")
    make_request("900.00", status=RequestStatus.BETAALD, paid_on=TODAY, invoice_number="F1")
    request = make_request("200.00")
    with pytest.raises(BudgetError):
        approve_request(request, finance, TODAY)
    db.session.rollback()
    add_contribution(
        maatwerk_pot(),
        make_org("Provincie Overijssel", "overheid"),
        Decimal("100.00"),
        TODAY,
        "Cofinanciering",
        finance,
    )
    db.session.commit()
    approve_request(request, finance, TODAY)
    db.session.commit()
    figures = figures_for(maatwerk_pot().id)
    assert (figures.total, figures.paid, figures.committed, figures.remaining) == (
        Decimal("1100.00"),
        Decimal("900.00"),
        Decimal("200.00"),
        Decimal("0.00"),
    )


def test_lifecycle_reject_withdraw_pay_and_audit(app):
    today = date.today()
    make_year()
    finance = make_user("financien")
    coach = make_user("coach")
    rejected = make_request(coach=coach)
    with pytest.raises(BudgetError, match="reden"):
        reject_request(rejected, finance, "  ", today)
    reject_request(rejected, finance, "Bijzondere bijstand gaat voor.", today)
    db.session.commit()
    assert rejected.status == "afgewezen" and rejected.rejection_reason == "Bijzondere bijstand gaat voor."

    withdrawn = make_request(coach=coach)
    with pytest.raises(BudgetError, match="Alleen wie"):
        withdraw_request(withdrawn, make_user("coach"), today)
    withdraw_request(withdrawn, coach, today)
    db.session.commit()
    assert withdrawn.status == "ingetrokken"
    with pytest.raises(BudgetError):
        approve_request(withdrawn, finance, today)
    db.session.rollback()

    paid = make_request(coach=coach)
    with pytest.raises(BudgetError, match="goedgekeurde"):
        mark_paid(paid, finance, "F-1", today, today)
    db.session.rollback()
    approve_request(paid, finance, today)
    db.session.commit()
    with pytest.raises(BudgetError, match="toekomst"):
        mark_paid(paid, finance, "F-1", today + timedelta(days=1), today)
    mark_paid(paid, finance, "F-2026-001", today, today)
    db.session.commit()
    assert (paid.status, paid.invoice_number, paid.paid_on) == ("betaald", "F-2026-001", today)

    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.object_type == "maatwerk_request")))
    assert {"create", "reject", "withdraw", "approve", "pay"} <= actions


def test_closed_month_blocks_entries_dated_in_it(app):
    make_year()
    finance = make_user("financien")
    close_month(2026, 5, finance, TODAY)
    db.session.commit()
    with pytest.raises(PeriodClosed, match="mei 2026"):
        ensure_open(date(2026, 5, 31))
    ensure_open(date(2026, 6, 1))
    with pytest.raises(PeriodClosed, match="al afgesloten"):
        close_month(2026, 5, finance, TODAY)
    with pytest.raises(PeriodClosed, match="voorbij"):
        close_month(2026, 6, finance, TODAY)

    request = make_request()
    approve_request(request, finance, TODAY)
    db.session.commit()
    with pytest.raises(BudgetError, match="afgesloten"):
        mark_paid(request, finance, "F-9", date(2026, 5, 20), TODAY)  # a payment dated in May
    db.session.rollback()
    late = make_request()
    with pytest.raises(BudgetError, match="afgesloten"):
        approve_request(late, finance, date(2026, 5, 10))  # a decision dated in a closed month
    db.session.rollback()

    pot = pot_for(2026, PotKind.LIFECOACH)
    with pytest.raises(BudgetError, match="afgesloten"):
        record_invoice(
            pot,
            finance,
            supplier="Coach",
            invoice_number="C-5",
            invoice_date=date(2026, 5, 28),
            description="mei",
            amount=Decimal("100.00"),
        )
    db.session.rollback()
    with pytest.raises(BudgetError, match="afgesloten"):
        add_contribution(
            maatwerk_pot(), make_org("Provincie", "overheid"), Decimal("10.00"), date(2026, 5, 2), "x", finance
        )


def test_invoice_correction_is_a_new_negative_entry(app):
    make_year(total="1000.00", lifecoach="500.00")
    finance = make_user("financien")
    pot = pot_for(2026, PotKind.LIFECOACH)
    invoice = record_invoice(
        pot,
        finance,
        supplier="Coach",
        invoice_number="C-1",
        invoice_date=TODAY,
        description="juni",
        amount=Decimal("450.00"),
    )
    db.session.commit()
    with pytest.raises(BudgetError, match="past niet"):
        record_invoice(
            pot,
            finance,
            supplier="Coach",
            invoice_number="C-2",
            invoice_date=TODAY,
            description="juni extra",
            amount=Decimal("50.01"),
        )
    db.session.rollback()
    record_invoice(
        pot,
        finance,
        supplier="Coach",
        invoice_number="CN-1",
        invoice_date=TODAY,
        description="correctie",
        amount=Decimal("50.00"),
        corrects=invoice,
    )
    db.session.commit()
    assert db.session.get(type(invoice), invoice.id).amount == Decimal("450.00")  # the original is unchanged
    assert figures_for(pot.id).paid == Decimal("400.00")


def test_carry_over_is_an_explicit_finance_decision(app):
    y2025 = make_year(2025, total="1000.00", lifecoach="0.00")
    make_year(2026, total="1000.00", lifecoach="0.00")
    finance = make_user("financien")
    with pytest.raises(BudgetError, match="Alleen financiën"):
        carry_over(y2025, Decimal("100.00"), "reden", TODAY, make_user("beheer"))
    with pytest.raises(BudgetError, match="waarom"):
        carry_over(y2025, Decimal("100.00"), " ", TODAY, finance)
    make_request("950.00", status=RequestStatus.BETAALD, year=2025, paid_on=date(2025, 6, 1), invoice_number="F")
    with pytest.raises(BudgetError, match="maar € 50,00"):
        carry_over(y2025, Decimal("60.00"), "onderbesteding", TODAY, finance)
    db.session.rollback()
    carry_over(y2025, Decimal("50.00"), "onderbesteding", TODAY, finance)
    db.session.commit()
    assert figures_for(pot_for(2025, PotKind.MAATWERK).id).remaining == Decimal("0.00")
    assert figures_for(pot_for(2026, PotKind.MAATWERK).id).total == Decimal("1050.00")
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "carry_over")) is not None


@pytest.mark.parametrize("count", [2000])
def test_sums_are_exact_for_many_random_amounts(app, count):
    make_year(total="999999.99", lifecoach="0.00")
    rng = random.Random(2026)
    participant = make_participant()
    coach = make_user("coach")
    amounts = [Decimal(rng.randint(1, 99_999)) / 100 for _ in range(count)]
    pot_id = maatwerk_pot().id
    rows = [
        {
            "pot_id": pot_id,
            "participant_id": participant.id,
            "category": "overig",
            "description": "x",
            "supplier": "y",
            "amount": amount,
            "expected_on": TODAY,
            "justification": "z",
            "status": "betaald" if i % 2 else "goedgekeurd",
            "requested_by_id": coach.id,
        }
        for i, amount in enumerate(amounts)
    ]
    db.session.execute(insert(MaatwerkRequest), rows)
    rebuild_totals(db.session)  # pot figures read the running totals; a bulk insert bypasses their listener
    db.session.commit()
    figures = figures_for(pot_id)
    assert figures.paid == sum(amounts[1::2], Decimal("0"))
    assert figures.committed == sum(amounts[0::2], Decimal("0"))
    assert figures.used == sum(amounts, Decimal("0"))
    history = maatwerk_for_participant(participant.id)
    assert history["total"] == sum(amounts, Decimal("0"))
