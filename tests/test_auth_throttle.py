"""Locking cannot be used against a user: failures are throttled per (account, address) with growing
pauses, a generous per-account ceiling only pauses (and not the user's own address), concurrent tries
are counted one by one (SQLite and PostgreSQL)."""

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from blueprints.auth import throttle
from models import AuditLog, db, utcnow
from tests.conftest import TEST_PASSWORD, make_user

ATTACKER, USER_HOME, USER_PHONE = "198.51.100.66", "203.0.113.10", "203.0.113.11"


def login(client, email, password, ip):
    return client.post("/inloggen", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip})


def test_pauses_grow_per_pair_without_http(app):
    now = utcnow()
    verdicts = [throttle.claim("doel@hengelo.test", ATTACKER, now) for _ in range(throttle.PAIR_FREE + 1)]
    assert all(v.allowed for v in verdicts[:-1])
    assert not verdicts[-1].allowed and verdicts[-1].wait == timedelta(seconds=30)
    # each pause that passes and fails again doubles the next one, up to 15 minutes
    waits = []
    for _ in range(8):
        now += verdicts[-1].wait if not verdicts[-1].allowed else timedelta(0)
        assert throttle.claim("doel@hengelo.test", ATTACKER, now).allowed
        verdicts.append(throttle.claim("doel@hengelo.test", ATTACKER, now))
        waits.append(int(verdicts[-1].wait.total_seconds()))
    assert waits == [60, 120, 240, 480, 900, 900, 900, 900]
    # another address for the same account is not affected at all
    assert throttle.claim("doel@hengelo.test", USER_PHONE, now).allowed
    # a day of quiet forgets the failures
    assert throttle.claim("doel@hengelo.test", ATTACKER, now + timedelta(hours=25)).allowed


def test_guessing_from_one_address_does_not_lock_out_the_real_user(client):
    # Before: five wrong passwords from anywhere locked the account for 15 minutes, again and again.
    user = make_user("coach", email="sanne.coach@hengelo.test")
    for _ in range(throttle.PAIR_FREE):
        assert login(client, user.email, "geraden-wachtwoord", ATTACKER).status_code == 422
    for _ in range(20):
        refused = login(client, user.email, "geraden-wachtwoord", ATTACKER)
        assert refused.status_code == 429 and re.search(r"Wacht [1-3]?\d seconden", refused.text)
    # the attacker, even with the right password, stays paused
    assert login(client, user.email, TEST_PASSWORD, ATTACKER).status_code == 429
    # the real user from home signs in at once
    assert login(client, user.email, TEST_PASSWORD, USER_HOME).status_code == 303
    reasons = [
        e.changes["reason"][1] for e in db.session.scalars(select(AuditLog).where(AuditLog.action == "login_failed"))
    ]
    assert reasons.count("wrong_password") == throttle.PAIR_FREE and reasons.count("throttled") == 21


def test_unknown_accounts_are_throttled_exactly_like_real_ones(client):
    make_user("coach", email="bestaat@hengelo.test")

    def codes(email):
        return [login(client, email, "fout", ATTACKER).status_code for _ in range(throttle.PAIR_FREE + 2)]

    assert codes("bestaat@hengelo.test") == codes("bestaat-niet@hengelo.test") == [422] * 5 + [429] * 2


def test_distributed_guessing_only_pauses_the_account_and_never_the_users_own_address(app, client, monkeypatch):
    monkeypatch.setattr(throttle, "ACCOUNT_FREE", 20)
    user = make_user("coach", email="populair@hengelo.test")
    assert login(client, user.email, TEST_PASSWORD, USER_HOME).status_code == 303  # her usual address
    client.post("/uitloggen")
    codes = [login(client, user.email, "gok", f"10.66.{i // 200}.{i % 200}").status_code for i in range(25)]
    # her own first sign-in was one of the account's 20 tries that hour
    assert codes[:19] == [422] * 19
    assert set(codes[19:]) == {429}  # past the ceiling: a 10-second pause between tries for the account
    paused = login(client, user.email, TEST_PASSWORD, USER_PHONE)
    assert paused.status_code == 429 and re.search(r"Wacht \d+ seconden", paused.text)  # a new address waits briefly
    assert login(client, user.email, TEST_PASSWORD, USER_HOME).status_code == 303  # her own address does not


def test_the_account_ceiling_is_a_pause_not_a_lock(app, monkeypatch):
    monkeypatch.setattr(throttle, "ACCOUNT_FREE", 3)
    now = utcnow()
    for i in range(3):
        assert throttle.claim("x@hengelo.test", f"10.0.0.{i}", now).allowed
    assert not throttle.claim("x@hengelo.test", "10.0.1.1", now).allowed
    assert throttle.claim("x@hengelo.test", "10.0.1.1", now + throttle.ACCOUNT_DELAY).allowed


@pytest.fixture
def app_config(database_url):
    if database_url.startswith("sqlite"):
        return {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 30}}}
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 16, "max_overflow": 4}}


def test_concurrent_tries_on_one_pair_are_counted_one_by_one(app):
    racers = 12
    barrier = threading.Barrier(racers)
    allowed, errors = [], []

    def run():
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                allowed.append(throttle.claim("race@hengelo.test", ATTACKER).allowed)
            except Exception as error:  # noqa: BLE001 - any failure must fail the test
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert allowed.count(True) == throttle.PAIR_FREE, allowed


def test_stale_counters_are_forgotten(app):
    from models import SignInThrottle

    now = utcnow()
    throttle.claim("oud@hengelo.test", ATTACKER, now - timedelta(days=2))
    throttle.claim("nieuw@hengelo.test", ATTACKER, now)
    throttle.claim("thuis@hengelo.test", USER_HOME, now - timedelta(days=2))
    throttle.succeeded("thuis@hengelo.test", USER_HOME, now - timedelta(days=2))  # trusted for 90 days
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "forget-failures"])
    # gone: "oud" (its pair and its account) and the account counter of "thuis"; her trusted home address stays
    assert result.exit_code == 0 and "3 oude teller(s)" in result.output
    assert db.session.query(SignInThrottle).count() == 3
