"""One number that moves with every committed change of the data: the key for caches that may never be stale.

The version row is bumped inside the transaction that makes the change, just before its COMMIT, so a
reader sees either the old data with the old version or the new data with the new version; a cache
entry keyed by the version a request read holds data at least that new. Only rows that are no data of a
page (audit rows, e.g. a logged view; sign-in bookkeeping) do not count as a change.

ORM flushes and DML through the session (`session.execute(insert(...))`) count. SQL sent straight to a
connection does not; the two places that do that (the benchmark seeder, the tests' clean-up) either
call `bump` or remove the row, and without a row nothing is cached. The token is new whenever the row
is created, so a database that is emptied and filled again never reuses an old key.
"""

import uuid
import weakref

from sqlalchemy import event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session

from models import data_version

FLAG = "pj_data_changed"
# Written on reads or by sign-in, never shown in a page that a cache holds.
NOT_DATA = {"audit_log", "audit_seal", "sign_in_throttle"}


def _is_data(table_name: str | None) -> bool:
    return table_name is None or table_name not in NOT_DATA


@event.listens_for(Session, "after_flush")
def _note_flush(session, flush_context) -> None:
    for obj in (*session.new, *session.deleted, *session.dirty):
        if not _is_data(getattr(obj, "__tablename__", None)):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        session.info[FLAG] = True
        return


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if _is_data(getattr(table, "name", None)):
            state.session.info[FLAG] = True


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session) -> None:
    # Every change first, so the version row is the last lock a transaction takes (no lock waits after it).
    session.flush()
    if session.info.pop(FLAG, False):
        bump(session)


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(FLAG, None)


# Engines whose database has the table. Code can run on an older schema (a migration's own session, the
# migration tests), where there is nothing to bump; the migrations call `forget_schema` when they ran.
_engines_with_table: weakref.WeakSet = weakref.WeakSet()


def _has_table(connection) -> bool:
    if connection.engine in _engines_with_table:
        return True
    if inspect(connection).has_table(data_version.name):
        _engines_with_table.add(connection.engine)
        return True
    return False


def forget_schema() -> None:
    _engines_with_table.clear()


def bump(session) -> None:
    """Move the version on (creating the row with a new token when it is missing), in this transaction."""
    connection = session.connection()
    if not _has_table(connection):
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(data_version).values(id=1, token=uuid.uuid4().hex, n=1)
    statement = statement.on_conflict_do_update(index_elements=["id"], set_={"n": data_version.c.n + 1})
    connection.execute(statement)


def current(session) -> tuple[str, int] | None:
    """The version this request sees (one query), or None when there is no row yet (then: do not cache)."""
    if not _has_table(session.connection()):
        return None
    row = session.execute(select(data_version.c.token, data_version.c.n).where(data_version.c.id == 1)).first()
    return (row.token, row.n) if row else None
