"""SQLite's settings (core/database.py): WAL, a busy timeout, applied to every connection; readers and a
writer no longer wait for each other (issue #21 point 6). Each test uses its own SQLite file, so the test
runs in the PostgreSQL suite too."""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from core.database import BUSY_TIMEOUT_MS
from models import db
from tests.conftest import make_test_config


@pytest.fixture
def sqlite_app(tmp_path):
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'instellingen.db'}"))
    with app.app_context():
        yield app, db
        db.session.remove()
        db.engine.dispose()


def pragmas(connection) -> dict:
    return {
        name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
        for name in ("journal_mode", "busy_timeout", "synchronous", "cache_size")
    }


def test_every_new_connection_of_the_app_gets_the_settings(sqlite_app):
    _, db = sqlite_app
    # Two connections at once: the pool opens a second one, which must get them too.
    with db.engine.connect() as first, db.engine.connect() as second:
        for connection in (first, second):
            assert pragmas(connection) == {
                "journal_mode": "wal",
                "busy_timeout": BUSY_TIMEOUT_MS,
                "synchronous": 1,  # NORMAL
                "cache_size": -32000,
            }


def test_any_engine_gets_them_too_and_other_databases_are_untouched(tmp_path):
    # A CLI command, a migration or the benchmark make their own engine: the same settings.
    engine = create_engine(f"sqlite:///{tmp_path / 'los.db'}")
    with engine.connect() as connection:
        assert pragmas(connection)["journal_mode"] == "wal"
        assert pragmas(connection)["busy_timeout"] == BUSY_TIMEOUT_MS
    engine.dispose()


def _holding_a_read_open(connection):
    """Start reading a large result and stop halfway, as a page does while it renders."""
    cursor = connection.execute("SELECT n FROM t")
    assert cursor.fetchone() is not None
    return cursor


def _fill(path):
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
    raw.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(5000)])
    raw.commit()
    raw.close()


def test_without_wal_a_reader_blocks_a_writers_commit(tmp_path):
    # The stall of issue #21, reproduced with SQLite's defaults: while a page is still reading, a
    # commit cannot get its exclusive lock, and the writer sleeps in the busy handler.
    path = tmp_path / "standaard.db"
    _fill(path)
    reader = sqlite3.connect(path)
    writer = sqlite3.connect(path, timeout=0.2)
    try:
        cursor = _holding_a_read_open(reader)
        writer.execute("INSERT INTO t VALUES (-1)")
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            writer.commit()
        assert time.monotonic() - started >= 0.15  # it waited out its busy timeout
        cursor.close()
    finally:
        reader.close()
        writer.close()


def test_with_the_settings_readers_and_a_writer_never_wait_for_each_other(sqlite_app, tmp_path):
    _, db = sqlite_app
    with db.engine.connect() as setup:
        setup.exec_driver_sql("CREATE TABLE t (n INTEGER)")
        setup.execute(text("INSERT INTO t VALUES (:n)"), [{"n": n} for n in range(5000)])
        setup.commit()
    reader = db.engine.raw_connection()
    writer = db.engine.raw_connection()
    try:
        cursor = _holding_a_read_open(reader.driver_connection)
        started = time.monotonic()
        writer.driver_connection.execute("INSERT INTO t VALUES (-1)")
        writer.driver_connection.commit()  # no waiting for the reader
        # ... and while the writer holds the write lock, a new reader reads the committed state at once.
        writer.driver_connection.execute("INSERT INTO t VALUES (-2)")
        other = db.engine.raw_connection()
        try:
            counts = other.driver_connection.execute("SELECT count(*), min(n) FROM t").fetchone()
        finally:
            other.close()
        assert time.monotonic() - started < 1.0
        assert counts == (5001, -1)  # the committed -1, not the uncommitted -2
        writer.driver_connection.commit()
        cursor.close()
    finally:
        reader.close()
        writer.close()


def test_a_second_writer_waits_for_the_first_instead_of_failing(sqlite_app):
    _, db = sqlite_app
    with db.engine.connect() as setup:
        setup.exec_driver_sql("CREATE TABLE t (n INTEGER)")
        setup.commit()
    engine = db.engine
    first = engine.raw_connection()
    first.driver_connection.execute("BEGIN IMMEDIATE")
    first.driver_connection.execute("INSERT INTO t VALUES (1)")
    done = []

    def second_writer():
        connection = engine.raw_connection()
        try:
            connection.driver_connection.execute("INSERT INTO t VALUES (2)")
            connection.driver_connection.commit()
            done.append(time.monotonic())
        finally:
            connection.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.5)  # the first writer holds the lock for half a second
    released = time.monotonic()
    first.driver_connection.commit()
    first.close()
    thread.join(timeout=BUSY_TIMEOUT_MS / 1000)
    assert done and done[0] >= released  # it waited, then succeeded
    with db.engine.connect() as check:
        assert check.exec_driver_sql("SELECT count(*) FROM t").scalar() == 2


def test_a_longer_busy_timeout_given_explicitly_is_kept(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'geduldig.db'}", connect_args={"timeout": 30})
    with engine.connect() as connection:
        assert pragmas(connection)["busy_timeout"] == 30_000
    engine.dispose()
