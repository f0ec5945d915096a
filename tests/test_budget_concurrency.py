"""Racing approvals can never together overspend a pot, on SQLite (BEGIN IMMEDIATE) and PostgreSQL (FOR UPDATE).

The SQLite run uses the suite's file database (conftest), so every thread has its own connection.
"""

import threading
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, exc, select, text

from blueprints.budget.rules import BudgetError, approve_request, figures_for, lock_pot
from models import MaatwerkRequest, User, db
from tests.conftest import make_participant, make_user
from tests.factories_budget import maatwerk_pot, make_request, make_year

THREADS = 12
ROUNDS = 5


@pytest.fixture
def app_config(database_url):
    # Waiting for the write lock is normal under a race; give SQLite waiters time instead of "database is locked".
    if database_url.startswith("sqlite"):
        return {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 30}}}
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": THREADS, "max_overflow": 4}}


def _race(app, request_ids, finance_ids):
    barrier = threading.Barrier(len(request_ids))
    outcome = {"approved": [], "refused": [], "errors": []}

    def approve(request_id, finance_id):
        with app.app_context():
            try:
                request = db.session.get(MaatwerkRequest, request_id)
                user = db.session.get(User, finance_id)
                barrier.wait(timeout=30)
                approve_request(request, user)
                db.session.commit()
                outcome["approved"].append(request_id)
            except BudgetError:
                db.session.rollback()
                outcome["refused"].append(request_id)
            except Exception as error:  # noqa: BLE001 - any other failure must fail the test
                db.session.rollback()
                outcome["errors"].append(repr(error))
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=approve, args=(rid, finance_ids[i % len(finance_ids)]))
        for i, rid in enumerate(request_ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcome


def test_racing_approvals_never_overspend_the_pot(app):
    make_year(total="1000.00", lifecoach="0.00")
    finance_ids = [make_user("financien").id for _ in range(3)]
    coach = make_user("coach")
    participant = make_participant()
    pot_id = maatwerk_pot().id
    for round_number in range(ROUNDS):
        # Each round: twelve requests of 300 = 3600 against whatever is left of 1000.
        ids = [make_request("300.00", participant=participant, coach=coach).id for _ in range(THREADS)]
        outcome = _race(app, ids, finance_ids)
        db.session.expire_all()
        assert outcome["errors"] == [], outcome["errors"]
        assert len(outcome["approved"]) + len(outcome["refused"]) == THREADS
        figures = figures_for(pot_id)
        assert figures.used <= figures.total, f"round {round_number}: {figures.used} > {figures.total}"
        approved_total = sum(
            db.session.scalars(select(MaatwerkRequest.amount).where(MaatwerkRequest.status == "goedgekeurd")),
            Decimal("0"),
        )
        assert approved_total == Decimal("900.00")  # three fit in the first round, none after
        if round_number == 0:
            assert len(outcome["approved"]) == 3


def test_lock_pot_really_holds_a_write_lock(app, database_url):
    """While one session holds the pot lock, another connection cannot take it."""
    make_year()
    pot_id = maatwerk_pot().id
    lock_pot(pot_id)
    other = create_engine(database_url, connect_args={"timeout": 0.2} if database_url.startswith("sqlite") else {})
    try:
        with other.connect() as connection:
            with pytest.raises(exc.OperationalError):
                if database_url.startswith("sqlite"):
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                else:
                    connection.execute(
                        text("SELECT id FROM budget_pot WHERE id = :id FOR UPDATE NOWAIT"), {"id": pot_id}
                    )
            connection.rollback()
    finally:
        db.session.rollback()
        other.dispose()
    with other.connect() as connection:  # released after rollback
        if database_url.startswith("sqlite"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(text("SELECT id FROM budget_pot WHERE id = :id FOR UPDATE NOWAIT"), {"id": pot_id})
        connection.rollback()
    other.dispose()
