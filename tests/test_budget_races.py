"""Racing money decisions over HTTP: exactly one wins, the loser reads why in Dutch, the totals stay exact.

Each request runs in its own thread with its own client, app context, session and database
connection, as under gunicorn. To make the race real instead of lucky, the functions that read the
state a decision depends on (the request, the pot figures, the credit notes, the closed months)
pause after reading: without the pot lock, both racers read the same state before either writes.
With the lock the second racer waits, re-reads and is refused.

`RACE_WITHOUT_LOCK=1 pytest tests/test_budget_races.py` runs the same tests with the lock switched
off (`locks._locking` does nothing): they must fail then, which shows they test the lock.
"""

import os
import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import url_for
from flask.testing import FlaskClient
from sqlalchemy import func, select

from blueprints.budget import locks, periods, rules
from blueprints.budget.rules import figures_for, pot_for, record_invoice
from blueprints.budget.totals import recomputed_totals, stored_totals
from models import AuditLog, BudgetContribution, CarryOver, LifeCoachInvoice, MaatwerkRequest, PotKind, db
from tests.conftest import make_org, make_user
from tests.factories_budget import make_request, make_year

PAUSE = 0.3  # seconds between reading the state and writing: far longer than the racers' start skew
TODAY = date.today()


@pytest.fixture
def app_config(database_url):
    # Waiting for the lock is normal in a race; give SQLite waiters time instead of "database is locked".
    if database_url.startswith("sqlite"):
        return {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 30}}}
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 6, "max_overflow": 2}}


@pytest.fixture(autouse=True)
def slow_readers(monkeypatch):
    """Pause after every read a decision depends on; `read` is set once any of them has read."""
    read = threading.Event()

    def slowed(function):
        def wrapper(*args, **kwargs):
            result = function(*args, **kwargs)
            read.set()
            time.sleep(PAUSE)
            return result

        return wrapper

    monkeypatch.setattr(rules, "_reload_request", slowed(rules._reload_request))
    monkeypatch.setattr(rules, "figures_for", slowed(rules.figures_for))
    monkeypatch.setattr(rules, "credited_on", slowed(rules.credited_on))
    monkeypatch.setattr(periods, "is_closed", slowed(periods.is_closed))
    if os.environ.get("RACE_WITHOUT_LOCK"):
        monkeypatch.setattr(locks, "_locking", lambda query: query)
    return read


def race(app, *posts, after=None):
    """Send each (user, endpoint, url kwargs, form data) at the same moment from its own client.

    `after`: an Event the LAST post waits for instead of the common start (to order two racers).
    Returns the text of each final page (after the redirect), in order.
    """
    with app.test_request_context():
        urls = [url_for(endpoint, **kwargs) for _, endpoint, kwargs, _ in posts]
    login_ids = [user.get_id() for user, *_ in posts]
    barrier = threading.Barrier(len(posts) if after is None else len(posts) - 1)
    pages: list = [None] * len(posts)
    errors: list = []

    def run(index: int) -> None:
        client = FlaskClient(app)
        with client.session_transaction() as session:
            session["_user_id"] = login_ids[index]
            session["_fresh"] = True
            session["auth_at"] = time.time()
            session.permanent = True
        try:
            if after is not None and index == len(posts) - 1:
                assert after.wait(timeout=30)
            else:
                barrier.wait(timeout=30)
            with app.app_context():
                response = client.post(urls[index], data=posts[index][3], follow_redirects=True)
            assert response.status_code < 500, response.get_data(as_text=True)[:500]
            pages[index] = response.get_data(as_text=True)
        except Exception as error:  # noqa: BLE001 - any failure in a racer fails the test
            errors.append(repr(error))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [], errors
    db.session.expire_all()
    return pages


def assert_totals_exact():
    """Every running total equals the sum of the requests it counts."""
    recomputed, stored = recomputed_totals(db.session), stored_totals(db.session)
    assert stored[0] == {k: v for k, v in recomputed[0].items() if any(v)}
    assert stored[1] == {k: v for k, v in recomputed[1].items() if any(v)}


def audit_count(action: str, object_id=None) -> int:
    query = select(func.count(AuditLog.id)).where(AuditLog.action == action)
    if object_id is not None:
        query = query.where(AuditLog.object_id == object_id)
    return db.session.scalar(query)


@pytest.fixture
def world(app):
    make_year(2026, total="1000.00", lifecoach="400.00")
    return {
        "finance": [make_user("financien"), make_user("financien")],
        "coach": make_user("coach"),
    }


def test_approve_racing_reject_exactly_one_wins(app, world):
    first, second = world["finance"]
    request = make_request("250.00", coach=world["coach"])
    pages = race(
        app,
        (first, "budget.approve", {"request_id": request.id}, {"zeker": "ja"}),
        (second, "budget.reject", {"request_id": request.id}, {"reason": "Past niet in het plan.", "zeker": "ja"}),
    )
    approved = f"Aanvraag {request.id} is goedgekeurd." in pages[0]
    rejected = f"Aanvraag {request.id} is afgewezen." in pages[1]
    assert approved != rejected, "precies één beslissing mag winnen"
    if approved:
        assert "al goedgekeurd; afwijzen kan niet meer" in pages[1]
    else:
        assert "al afgewezen; goedkeuren kan niet meer" in pages[0]
    assert audit_count("approve", request.id) + audit_count("reject", request.id) == 1
    assert db.session.get(MaatwerkRequest, request.id).status == ("goedgekeurd" if approved else "afgewezen")
    assert figures_for(request.pot_id).committed == (Decimal("250.00") if approved else Decimal("0.00"))
    assert_totals_exact()


def test_double_approve_counts_once(app, world):
    request = make_request("250.00", coach=world["coach"])
    pages = race(
        app, *[(user, "budget.approve", {"request_id": request.id}, {"zeker": "ja"}) for user in world["finance"]]
    )
    assert sum(f"Aanvraag {request.id} is goedgekeurd." in page for page in pages) == 1
    assert sum("al goedgekeurd; goedkeuren kan niet meer" in page for page in pages) == 1
    assert audit_count("approve", request.id) == 1
    assert figures_for(request.pot_id).committed == Decimal("250.00")
    assert_totals_exact()


def test_double_pay_pays_once(app, world):
    request = make_request("250.00", status="goedgekeurd", coach=world["coach"], decided_at=None)
    data = {"invoice_number": "F-2026-7", "paid_on": TODAY.isoformat()}
    pages = race(app, *[(user, "budget.pay", {"request_id": request.id}, data) for user in world["finance"]])
    assert sum(f"Aanvraag {request.id} is als betaald gemarkeerd." in page for page in pages) == 1
    assert sum("al als betaald gemarkeerd; twee keer betalen kan niet" in page for page in pages) == 1
    assert audit_count("pay", request.id) == 1
    figures = figures_for(request.pot_id)
    assert (figures.paid, figures.committed) == (Decimal("250.00"), Decimal("0.00"))
    assert_totals_exact()


def test_withdraw_racing_approve_exactly_one_wins(app, world):
    request = make_request("250.00", coach=world["coach"])
    pages = race(
        app,
        (world["finance"][0], "budget.approve", {"request_id": request.id}, {"zeker": "ja"}),
        (world["coach"], "budget.withdraw", {"request_id": request.id}, {}),
    )
    approved = f"Aanvraag {request.id} is goedgekeurd." in pages[0]
    withdrawn = "De aanvraag is ingetrokken." in pages[1]
    assert approved != withdrawn, "precies één beslissing mag winnen"
    if approved:
        assert "Er is al over deze aanvraag beslist; intrekken kan niet meer." in pages[1]
    else:
        assert "al ingetrokken; goedkeuren kan niet meer" in pages[0]
    assert audit_count("approve", request.id) + audit_count("withdraw", request.id) == 1
    assert_totals_exact()


def test_racing_invoices_never_overspend_the_life_coach_pot(app, world):
    data = {
        "supplier": "Coachbureau Twente",
        "invoice_date": TODAY.isoformat(),
        "description": "Inhuur december",
        "amount": "250,00",
    }
    pages = race(
        app,
        *[
            (user, "budget.invoices", {"year": 2026}, {**data, "invoice_number": f"C-{n}"})
            for n, user in enumerate(world["finance"])
        ],
    )
    assert sum("De factuur is geboekt." in page for page in pages) == 1
    assert sum("past niet in de pot Inhuur life-coach 2026" in page for page in pages) == 1
    figures = figures_for(pot_for(2026, PotKind.LIFECOACH).id)
    assert figures.paid == Decimal("250.00") and figures.used <= figures.total


def test_racing_credit_notes_never_credit_more_than_the_invoice(app, world):
    pot = pot_for(2026, PotKind.LIFECOACH)
    invoice = record_invoice(
        pot,
        world["finance"][0],
        supplier="Coachbureau Twente",
        invoice_number="C-1",
        invoice_date=TODAY,
        description="Inhuur november",
        amount=Decimal("300.00"),
    )
    db.session.commit()
    data = {
        "supplier": "Coachbureau Twente",
        "invoice_date": TODAY.isoformat(),
        "description": "Correctie november",
        "amount": "300,00",
        "corrects_id": str(invoice.id),
    }
    pages = race(
        app,
        *[
            (user, "budget.invoices", {"year": 2026}, {**data, "invoice_number": f"CN-{n}"})
            for n, user in enumerate(world["finance"])
        ],
    )
    assert sum("De factuur is geboekt." in page for page in pages) == 1
    assert sum("Op factuur C-1 is al € 300,00 gecrediteerd." in page for page in pages) == 1
    credits = db.session.scalars(select(LifeCoachInvoice.amount).where(LifeCoachInvoice.corrects_id == invoice.id))
    assert list(credits) == [Decimal("-300.00")]
    assert figures_for(pot.id).paid == Decimal("0.00")


def test_racing_carry_overs_never_move_more_than_is_left(app, world):
    make_year(2027, total="1000.00", lifecoach="400.00")
    data = {"meenemen-amount": "400,00", "meenemen-decided_on": TODAY.isoformat(), "meenemen-reason": "Onderbesteding"}
    pages = race(app, *[(user, "budget.carry", {"year": 2026}, data) for user in world["finance"]])
    assert sum("Het besluit is vastgelegd" in page for page in pages) == 1
    assert sum("Er is maar € 200,00 over in Maatwerk 2026" in page for page in pages) == 1
    assert db.session.scalar(select(func.count(CarryOver.id))) == 1
    source = figures_for(pot_for(2026, PotKind.MAATWERK).id)
    assert source.remaining == Decimal("200.00") and source.remaining >= 0


def test_contribution_racing_a_month_closure_never_lands_in_the_closed_month(app, world, slow_readers):
    """The closure reads first and holds the lock; the contribution dated in that month must then be refused."""
    last_month = TODAY.replace(day=1) - timedelta(days=1)
    if last_month.year != 2026:
        make_year(last_month.year, total="1000.00", lifecoach="400.00")
    organisation = make_org("Provincie Overijssel", "overheid")
    contribution = {
        "bijdrage-pot": PotKind.MAATWERK.value,
        "bijdrage-organisation_id": str(organisation.id),
        "bijdrage-amount": "100,00",
        "bijdrage-booked_on": last_month.isoformat(),
        "bijdrage-description": "Cofinanciering",
    }
    pages = race(
        app,
        (world["finance"][0], "budget.months", {}, {"month": f"{last_month:%Y-%m}"}),
        (world["finance"][1], "budget.contribution", {"year": last_month.year}, contribution),
        after=slow_readers,
    )
    assert "is afgesloten." in pages[0]
    assert "Die maand is afgesloten en kan niet meer veranderen." in pages[1]
    assert db.session.scalar(select(func.count(BudgetContribution.id))) == 0
    assert audit_count("contribution") == 0
