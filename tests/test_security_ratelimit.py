"""Brute-force throttling per address (Flask-Limiter, Redis shared storage) on the password and the second
step; per (account, address) pair see test_auth_throttle.py."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from app import create_app
from tests.conftest import make_user
from tests.factories_auth import make_enrolled_user

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def app_config():
    # A fresh key prefix per test: counts of one test never leak into another.
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex}


def attempt(client, email, ip="10.0.0.1"):
    return client.post(
        "/inloggen", data={"email": email, "password": "verkeerd-wachtwoord"}, environ_base={"REMOTE_ADDR": ip}
    )


def test_failures_from_other_addresses_never_block_an_account(client):
    # Before: a per-account limit of 10 per 15 minutes, so anyone could lock anyone out.
    user = make_user("coach", email="doelwit@hengelo.test")
    codes = [
        attempt(client, user.email.upper() if i % 2 else user.email, ip=f"10.1.0.{i}").status_code for i in range(12)
    ]
    assert codes == [422] * 12
    signed_in = client.post(
        "/inloggen",
        data={"email": user.email, "password": "juist-paard-batterij-nietje"},
        environ_base={"REMOTE_ADDR": "10.1.1.1"},
    )
    assert signed_in.status_code == 303


def test_per_account_limit_does_not_reveal_whether_the_account_exists(client):
    make_user("coach", email="bestaat@hengelo.test")
    known = [attempt(client, "bestaat@hengelo.test", ip=f"10.2.0.{i}").status_code for i in range(11)]
    unknown = [attempt(client, "bestaat-niet@hengelo.test", ip=f"10.3.0.{i}").status_code for i in range(11)]
    assert known == unknown


def test_per_ip_limit(client):
    codes = [attempt(client, f"persoon{i}@hengelo.test", ip="10.4.0.1").status_code for i in range(31)]
    assert codes[:30] == [422] * 30
    assert codes[30] == 429
    assert attempt(client, "nog-een@hengelo.test", ip="10.4.0.2").status_code == 422


def test_get_of_the_sign_in_page_is_not_throttled(client):
    for _ in range(40):
        assert client.get("/inloggen").status_code == 200


def test_second_step_is_throttled_per_pending_account(client):
    user = make_enrolled_user("partner")
    client.post("/inloggen", data={"email": user.email, "password": "juist-paard-batterij-nietje"})
    codes = [client.post("/inloggen/tweede-stap", data={"code": "000000"}).status_code for _ in range(11)]
    # the password and four codes are free tries of this (account, address); then it pauses
    assert codes[:4] == [422] * 4
    assert set(codes[4:]) == {429}


def test_storage_comes_from_redis_url(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    assert create_app().config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    monkeypatch.delenv("REDIS_URL")
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "memory://"


PROCESS = """
import sys
from app import create_app
url, prefix, count, redis_url = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
app = create_app({
    "TESTING": True, "APP_ENV": "test", "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
    "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True, "REDIS_URL": redis_url, "RATELIMIT_KEY_PREFIX": prefix,
})
assert app.config["RATELIMIT_STORAGE_URI"] == redis_url
client = app.test_client()
for i in range(count):
    r = client.post("/inloggen", data={"email": f"gedeeld{i}@hengelo.test", "password": "verkeerd-wachtwoord"},
                    environ_base={"REMOTE_ADDR": "10.5.0.1"})
    print(r.status_code)
"""


def test_several_processes_share_the_counts_through_redis(_schema):
    prefix = "pjtest-" + uuid.uuid4().hex
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:

        def run(count):
            result = subprocess.run(  # noqa: S603
                [sys.executable, "-c", PROCESS, _schema, prefix, str(count), REDIS_URL],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=True,
            )
            return [int(line) for line in result.stdout.split()]

        # the per-address limit is 30 a minute
        assert run(16) == [422] * 16
        assert run(15) == [422] * 14 + [429]  # the second process sees the first one's sixteen attempts
    finally:
        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter(f"{prefix}*"):
            store.delete(key)
