"""One-time things happen once, also under concurrent requests: a TOTP step, a recovery code and the
birth-date tries of a signing link (conditional UPDATEs; SQLite and PostgreSQL)."""

import threading
import time

import pytest
from sqlalchemy import select

from blueprints.auth import views as auth_views
from blueprints.contracts import links
from blueprints.sign import views as sign_views
from models import ContractSigningLink, db
from tests.conftest import TEST_PASSWORD
from tests.factories_auth import make_enrolled_user, totp_code
from tests.factories_contracts import make_sent, make_world

RACERS = 8


@pytest.fixture
def app_config(database_url):
    if database_url.startswith("sqlite"):  # waiting for the write lock is normal in a race
        return {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 30}}}
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 24, "max_overflow": 4}}


@pytest.fixture
def slow_forms(monkeypatch):
    """Widen the race window the way a busy server does: every request has loaded its row and
    now takes a moment before it acts on it."""

    def slow(form_class):
        original = form_class.validate_on_submit

        def validate_on_submit(self, *args, **kwargs):
            time.sleep(0.3)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(form_class, "validate_on_submit", validate_on_submit)

    return slow


def race(app, count, action):
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(i):
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                results[i] = action(i)
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - any failure must fail the test
            errors.append(repr(error))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


def pending_clients(app, user, count):
    clients = []
    for i in range(count):
        client = app.test_client()
        # each pending sign-in from its own address, so the per-address throttle stays out of the race
        client.environ_base["REMOTE_ADDR"] = f"10.7.0.{i}"
        response = client.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
        assert response.headers["Location"].startswith("/inloggen/tweede-stap")
        clients.append(client)
    return clients


def signed_in(response) -> bool:
    return response.status_code == 303 and "/inloggen" not in response.headers["Location"]


def test_one_fresh_totp_code_lets_in_exactly_one_of_eight_pending_sign_ins(app, slow_forms):
    user = make_enrolled_user("partner")
    clients = pending_clients(app, user, RACERS)
    code = totp_code(user.totp_secret)
    slow_forms(auth_views.SecondFactorForm)
    responses = race(app, RACERS, lambda i: clients[i].post("/inloggen/tweede-stap", data={"code": code}))
    assert sum(signed_in(r) for r in responses) == 1, [r.status_code for r in responses]
    assert all(r.status_code == 422 for r in responses if not signed_in(r))


def test_one_recovery_code_lets_in_exactly_one(app, slow_forms):
    from blueprints.auth.totp import new_recovery_codes

    user = make_enrolled_user("beheer")
    codes = new_recovery_codes(user)
    db.session.commit()
    clients = pending_clients(app, user, RACERS)
    slow_forms(auth_views.SecondFactorForm)
    responses = race(app, RACERS, lambda i: clients[i].post("/inloggen/tweede-stap", data={"code": codes[0]}))
    assert sum(signed_in(r) for r in responses) == 1, [r.status_code for r in responses]


def test_twenty_concurrent_wrong_birth_dates_get_five_tries(app, slow_forms):
    _, _, token = make_sent(make_world())
    slow_forms(sign_views.BirthDateForm)
    clients = [app.test_client() for _ in range(20)]
    responses = race(
        app, 20, lambda i: clients[i].post(f"/tekenen/{token}", data={"date_of_birth": f"1990-01-{i + 1:02d}"})
    )
    wrong = [r for r in responses if r.status_code == 422]
    locked = [r for r in responses if r.status_code == 410]
    assert len(wrong) + len(locked) == 20
    # Four "klopt niet", the fifth try locks the link, everyone after that sees it locked.
    assert len(wrong) == links.MAX_FAILED_CHECKS - 1, [r.status_code for r in responses]
    assert all("te vaak" in r.text for r in locked)
    link = db.session.scalar(select(ContractSigningLink))
    assert link.failed_checks == links.MAX_FAILED_CHECKS and link.revoked_at is not None


def test_the_right_birth_date_does_not_use_up_a_try(client):
    _, _, token = make_sent(make_world())
    assert client.post(f"/tekenen/{token}", data={"date_of_birth": "1990-01-01"}).status_code == 422
    assert client.post(f"/tekenen/{token}", data={"date_of_birth": "2001-05-17"}).status_code == 303
    assert db.session.scalar(select(ContractSigningLink)).failed_checks == 1
