"""Test fixtures: an app on an isolated database per test, clients, `login_as(role)` and factories.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. The schema
is created once per run; every test starts from empty tables.
"""

import os
import re
import threading
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

from app import create_app
from blueprints.auth.passwords import hash_password
from blueprints.youths import coach_history
from models import Organisation, Participant, User, db

TEST_PASSWORD = "juist-paard-batterij-nietje"
_PASSWORD_HASH = hash_password(TEST_PASSWORD)


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL")
    return f"database: {'PostgreSQL ' + url.rsplit('/', 1)[-1] if url else 'SQLite (tijdelijk bestand)'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def make_test_config(database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "APP_ENV": "test",
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "DEMO_PASSWORD": "perspectiefjaar-demo",
        "SERVER_NAME": None,
        "REFERRAL_IMPORT_WORKER": "inline",  # deterministic; tests of the thread set "thread"
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app(make_test_config(database_url))
    with app.app_context():
        db.drop_all()
        db.create_all()
    return database_url


def empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        # DELETE, not TRUNCATE: truncating 40-odd tables makes new files for each and took 0.5-1.8 s
        # per test (a third of the PostgreSQL suite); deleting the few rows a test made takes ~0.05 s.
        # The replica role skips triggers for this transaction only (the frozen-contract guards and the
        # foreign keys, so the order does not matter); the sequences start again at 1, as before.
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        for table in tables:
            db.session.execute(table.delete())
        db.session.execute(
            text(
                "SELECT setval(s.seqrelid, s.seqstart, false) FROM pg_sequence s"
                " JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = current_schema()::regnamespace"
            )
        )
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app_config():
    """Override in a test module to change settings: return a dict of extra config."""
    return {}


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context (own `g`, own DB session), as in production.

    The test's own session is expired afterwards, so objects the test holds show what the
    request committed.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def app(_schema, app_config):
    app = create_app(make_test_config(_schema, **app_config))
    app.test_client_class = IsolatedClient
    with app.app_context():
        empty_all_tables()
        yield app
        db.session.remove()
        db.engine.dispose()  # each test's app has its own pool: close it, or PostgreSQL runs out of slots


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true"}


# --------------------------------------------------------------------------- factories


def make_org(name="ROC van Twente", kind="onderwijs", **kw) -> Organisation:
    org = Organisation(name=name, kind=kind, **kw)
    db.session.add(org)
    db.session.commit()
    return org


_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_user(role="coach", organisation=None, email=None, name=None, **kw) -> User:
    if role == "partner" and organisation is None:
        organisation = make_org(name=f"Partner {_next()}")
    user = User(
        email=email or f"{role}{_next()}@test.nl",
        name=name or f"Test {role.capitalize()}",
        role=role,
        organisation=organisation,
        password_hash=_PASSWORD_HASH,
        **kw,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_participant(**kw) -> Participant:
    defaults = {
        "first_name": "Sanne",
        "last_name": f"de Jong {_next()}",
        "date_of_birth": date(2001, 5, 17),
        "referral_source": "zelfmelder",
        "start_date": date(2026, 9, 1),
        "end_date": date(2027, 9, 1),
        "status": "actief",
    }
    defaults.update(kw)
    participant = Participant(**defaults)
    db.session.add(participant)
    db.session.flush()
    # As every file the app makes: the coach history opens with the first coach (youths/coach_history.py).
    coach_history.start_history(participant, None)
    db.session.commit()
    return participant


@pytest.fixture
def login_as(client):
    """Sign `client` in as a new user of `role` (or as `user`) without the sign-in form."""

    def login(role="coach", user=None, **kw):
        user = user or make_user(role, **kw)
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session["auth_at"] = datetime.now(UTC).timestamp()
            session.permanent = True
        return user

    return login


def race_in_apps(schema: str, count: int, work, **config) -> list:
    """Run `work()` in `count` threads at once, each in its own app (as on several servers) with its
    own database session; return what each returned. The apps are built before the race: compiling URL
    rules in several threads at once trips a CPython ast bug ("recursion depth mismatch"), and a thread
    that died there would leave the others waiting at the barrier."""
    apps = [create_app(make_test_config(schema, **config)) for _ in range(count)]
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(other):
        with other.app_context():
            try:
                barrier.wait(timeout=60)
                results.append(work())
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()
                db.engine.dispose()

    threads = [threading.Thread(target=run, args=(other,)) for other in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not any(t.is_alive() for t in threads), "a racing thread did not finish"
    assert errors == []
    return results


# --------------------------------------------------------------------------- query counting


@contextmanager
def count_queries():
    """Count SQL statements sent to the database inside the block: `with count_queries() as n: ...; n()`."""
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield lambda: len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", before)


# --------------------------------------------------------------------------- a real SMTP server

CSRF_TOKEN = re.compile(r'(name="csrf_token" value=")[^"]*|("X-CSRFToken": ")[^"]*')


def without_tokens(html: str) -> str:
    """A page without its CSRF tokens, which are signed with the second they were made: two renders of the
    same page a second apart differ only there."""
    return CSRF_TOKEN.sub(lambda m: m.group(1) or m.group(2), html)


from tests.smtp import smtp_server  # noqa: E402,F401  (fixture: aiosmtpd on 127.0.0.1)
