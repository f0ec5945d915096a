"""Settings of every SQLite connection, chosen on purpose (README "Prestaties", "SQLite-instellingen").

SQLite's defaults (rollback journal, Python's 5-second busy timeout) made a reader wait for a writer:
committing takes an EXCLUSIVE lock that first waits for every reader to finish, and meanwhile no new
reader may start. Readers then sleep in SQLite's busy handler (1, 2, 5 ... 100 ms at a time) and one
request in a few hundred took 0.5-2 s (issue #21 point 6; tests/test_database_settings.py shows it). In WAL a
writer appends to the write-ahead log while readers keep reading the last committed state: readers
never wait for a writer and a writer never waits for readers. Only two writers wait for each other.

Set on every new connection (an engine `connect` event), so a pool, a CLI command, a migration and the
benchmark all get the same. PostgreSQL needs none of this: its readers never block on writers.
"""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Long enough for any single write of the app to finish (a referral-import batch of 250 people, the
# longest, takes about 2 s on a busy machine), well below gunicorn's 30 s worker timeout: a write that
# still cannot get the lock after this gets "database is locked" and an error page saying nothing was saved.
BUSY_TIMEOUT_MS = 10_000

SQLITE_PRAGMAS = (
    # First, so that switching to WAL (which needs a moment alone with the file) waits instead of failing.
    # A longer wait given explicitly (`connect_args={"timeout": 30}`, as the race tests do) is kept.
    ("busy_timeout", BUSY_TIMEOUT_MS),
    # Readers and the writer no longer block each other (kept in the database file once set).
    ("journal_mode", "WAL"),
    # NORMAL: a commit is written to the log but not flushed to disk each time (the log is flushed at
    # each checkpoint). Measured here: 0.06 ms a commit instead of 3.8 ms (FULL) and 15.7 ms (the old
    # rollback journal), and every GET of a case file commits its access entry. Safe against a crashed
    # or killed app server (the data is in the operating system's cache) and never corrupts the file;
    # only a power cut or kernel crash may undo the last commits. Production runs PostgreSQL, which flushes
    # every commit; SQLite serves development, the demo, tests and small single-machine installations.
    ("synchronous", "NORMAL"),
    # 32 MiB page cache per connection instead of 2 MiB: the 100x benchmark database (~150 MiB) keeps
    # its hot indexes in memory. Negative means KiB.
    ("cache_size", -32_000),
)


def apply_sqlite_settings(dbapi_connection) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for name, value in SQLITE_PRAGMAS:
            if name == "busy_timeout":
                value = max(value, cursor.execute("PRAGMA busy_timeout").fetchone()[0])
            cursor.execute(f"PRAGMA {name} = {value}")
    finally:
        cursor.close()


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        apply_sqlite_settings(dbapi_connection)


def sqlite_settings_in_force(connection) -> dict:
    """The values a connection really has (for the test and `bench/stall.py`)."""
    return {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name, _ in SQLITE_PRAGMAS}
