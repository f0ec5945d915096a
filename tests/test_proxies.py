"""TRUSTED_PROXIES: behind that many proxies the client address (audit, per-address limits) comes from
X-Forwarded-For; with 0 a forged header changes nothing."""

import uuid

import pytest
from sqlalchemy import select

import config
from models import AuditLog, db


def test_trusted_proxies_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert config.from_environment()["TRUSTED_PROXIES"] == 2
    monkeypatch.delenv("TRUSTED_PROXIES")
    assert config.from_environment()["TRUSTED_PROXIES"] == 0
    for bad in ("een", "-1", "٣", "99"):
        monkeypatch.setenv("TRUSTED_PROXIES", bad)
        with pytest.raises(config.ConfigError, match="TRUSTED_PROXIES"):
            config.from_environment()


@pytest.fixture
def app_config(request):
    return {
        "TRUSTED_PROXIES": request.param,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex,
    }


PROXY = "10.0.0.1"  # the reverse proxy: every request arrives from it


def through_proxy(client, client_ip, email="iemand@hengelo.test"):
    return client.post(
        "/inloggen",
        data={"email": email, "password": "fout-wachtwoord"},
        environ_base={"REMOTE_ADDR": PROXY},
        headers={"X-Forwarded-For": client_ip, "X-Forwarded-Proto": "https"},
    )


def audited_ips():
    return [
        e.ip
        for e in db.session.scalars(select(AuditLog).where(AuditLog.action == "login_failed").order_by(AuditLog.id))
    ]


@pytest.mark.parametrize("app_config", [1], indirect=True)
def test_behind_one_proxy_the_audit_records_the_client_address(client):
    assert through_proxy(client, "203.0.113.7").status_code == 422
    assert audited_ips() == ["203.0.113.7"]


@pytest.mark.parametrize("app_config", [1], indirect=True)
def test_behind_one_proxy_the_per_address_limit_counts_each_client(client):
    # 31 clients behind one proxy: none is throttled for another's attempts.
    codes = [through_proxy(client, f"203.0.113.{i}", email=f"p{i}@hengelo.test").status_code for i in range(31)]
    assert 429 not in codes
    # One client's 31st attempt in a minute is throttled, whoever else uses the proxy.
    codes = [through_proxy(client, "198.51.100.9", email=f"q{i}@hengelo.test").status_code for i in range(31)]
    assert codes[:30] == [422] * 30 and codes[30] == 429
    assert through_proxy(client, "198.51.100.10", email="r@hengelo.test").status_code == 422


@pytest.mark.parametrize("app_config", [0], indirect=True)
def test_without_trusted_proxies_a_forged_header_is_ignored(client):
    assert through_proxy(client, "203.0.113.7").status_code == 422
    assert audited_ips() == [PROXY]
    # Rotating the forged header does not escape the per-address limit.
    codes = [through_proxy(client, f"203.0.113.{i}", email=f"p{i}@hengelo.test").status_code for i in range(30)]
    assert codes[-1] == 429


@pytest.mark.parametrize("app_config", [2], indirect=True)
def test_two_proxies_take_the_address_the_outer_proxy_saw(client):
    # The client forged the first entry; the outer proxy appended the real one, the inner proxy connects.
    through_proxy(client, "6.6.6.6, 203.0.113.8, 10.0.0.2")
    assert audited_ips() == ["203.0.113.8"]
