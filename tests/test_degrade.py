"""Redis gone: sign-in, password change and signing keep working on local limits, /healthz says degraded,
and the shared limits come back by themselves when Redis does (a closed port and a real redis-server)."""

import logging
import shutil
import socket
import subprocess
import time
import uuid

import pytest
import redis

from extensions import limiter
from tests.conftest import TEST_PASSWORD, make_user
from tests.factories_contracts import make_sent, make_world


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CLOSED_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there


@pytest.fixture(autouse=True)
def _fresh_limiter_state():
    # The limiter is one module-level object shared by every app of the test run: start and end
    # each test with its storage considered alive, as a freshly started process would.
    limiter._storage_dead = False
    yield
    limiter._storage_dead = False


def redis_app_config(url: str) -> dict:
    return {
        "RATELIMIT_ENABLED": True,
        "REDIS_URL": url,
        "RATELIMIT_STORAGE_URI": url,
        "RATELIMIT_KEY_PREFIX": "pjtest-" + uuid.uuid4().hex,
    }


@pytest.fixture
def app_config():
    return redis_app_config(CLOSED_URL)


def wrong_login(client, email="iemand@hengelo.test", ip="10.9.0.1"):
    return client.post(
        "/inloggen", data={"email": email, "password": "fout-wachtwoord"}, environ_base={"REMOTE_ADDR": ip}
    )


def test_sign_in_works_with_redis_unreachable_and_warns(client, caplog):
    user = make_user("coach", email="coach@hengelo.test")
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        response = client.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 303
    assert any("in-memory" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "/inloggen" not in client.get("/").headers.get("Location", "")


def test_local_limits_still_throttle_while_redis_is_down(client):
    codes = [wrong_login(client, email=f"p{i}@hengelo.test").status_code for i in range(31)]
    assert codes[:30] == [422] * 30
    assert codes[30] == 429


def test_password_change_works_with_redis_unreachable(client, login_as):
    login_as("coach")
    response = client.post(
        "/wachtwoord-wijzigen",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "een-heel-nieuw-wachtwoord-2026",
            "new_password_again": "een-heel-nieuw-wachtwoord-2026",
        },
    )
    assert response.status_code in (302, 303), response.text


def test_participant_signing_works_with_redis_unreachable(client):
    _, _, token = make_sent(make_world())
    assert client.post(f"/tekenen/{token}", data={"date_of_birth": "2001-05-17"}).status_code == 303
    response = client.post(f"/tekenen/{token}/teken", data={"signer_name": "Sanne de Jong", "intent": "y"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/tekenen/klaar")


def test_healthz_reports_each_dependency_and_degraded(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "degraded", "database": "ok", "redis": "onbereikbaar"}


@pytest.mark.parametrize("app_config", [{}], indirect=False)
def test_healthz_without_redis_configured_is_ok(client):
    assert client.get("/healthz").json == {"status": "ok", "database": "ok", "redis": "niet ingesteld"}


# --------------------------------------------------------------------------- a real Redis that goes and comes back

REDIS_SERVER = shutil.which("redis-server")


class RedisServer:
    def __init__(self, port: int, tmp_path):
        self.port, self.dir, self.process = port, tmp_path, None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    if REDIS_SERVER is None:
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    server = RedisServer(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


def keys_in(server) -> int:
    # This Redis serves this test alone, so every key in it is a counter of this test.
    return len(list(redis.Redis(port=server.port).scan_iter("LIMITS:*")))


def test_redis_stops_and_returns(_schema, redis_server):
    from app import create_app
    from models import db
    from tests.conftest import IsolatedClient, empty_all_tables, make_test_config

    url = f"redis://127.0.0.1:{redis_server.port}/0"
    config = redis_app_config(url)
    app = create_app(make_test_config(_schema, **config))
    app.test_client_class = IsolatedClient
    with app.app_context():
        empty_all_tables()
        client = app.test_client()
        user = make_user("coach", email="terug@hengelo.test")

        assert wrong_login(client).status_code == 422
        assert keys_in(redis_server) > 0  # shared counters live in Redis
        assert client.get("/healthz").json["status"] == "ok"

        redis_server.stop()
        assert wrong_login(client).status_code == 422  # local counters now
        assert client.get("/healthz").json == {"status": "degraded", "database": "ok", "redis": "onbereikbaar"}
        signed_in = client.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
        assert signed_in.status_code == 303
        client.post("/uitloggen")

        redis_server.start()  # an empty Redis on the same port
        assert keys_in(redis_server) == 0
        assert client.get("/healthz").json["status"] == "ok"
        # Flask-Limiter probes the storage again after a growing pause (1, 2, 4 ... s).
        deadline = time.time() + 40
        tries = 0
        while keys_in(redis_server) == 0 and time.time() < deadline:
            time.sleep(0.5)
            tries += 1  # another account each time: the database throttle per (account, address) stays out of it
            assert wrong_login(client, email=f"poging{tries}@hengelo.test").status_code == 422
        assert keys_in(redis_server) > 0, "the shared limits did not come back"
        db.session.remove()
        db.engine.dispose()
