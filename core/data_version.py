"""One number that moves with every committed change of the data: the key for caches that may never be stale.

The version row is bumped inside the transaction that makes the change, just before its COMMIT, so a
reader sees either the old data with the old version or the new data with the new version; a cache
entry keyed by the version a request read holds data at least that new. Only rows that are no data of a
page (audit rows, e.g. a logged view; sign-in bookkeeping) do not count as a change.

ORM flushes and DML through the session (`session.execute(insert(...))`) count. SQL sent straight to a
connection does not; the two places that do that (the benchmark seeder, the tests' clean-up) either
call `bump` or remove the row, and without a row nothing is cached. The token is new whenever the row
is created, so a database that is emptied and filled again never reuses an old key.

A scope is a part of the data with a version of its own (its own row), moved only by a change of one of its
tables: a cache of figures that read nothing else (the finance dashboard's money figures) stays valid across
every other change (a conversation, a contract). A statement whose table is unknown moves every scope.
"""

import uuid
import weakref

from sqlalchemy import event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session

from models import data_version

FLAG = "pj_data_changed"  # in session.info: the names of the tables this transaction changed
UNKNOWN = None  # a statement whose table is not known: it may have changed anything
# Written on reads or by sign-in, never shown in a page that a cache holds.
NOT_DATA = {"audit_log", "audit_seal", "sign_in_throttle"}
EVERYTHING = 1  # the row of the whole data
# Scope name: (its row, the tables whose change moves it).
SCOPES = {
    # What the finance dashboard's money figures read (budget/queries.year_figures): pots, contributions,
    # carry-overs, invoices, requests and their running totals. Participant names are read live.
    "budget": (
        2,
        frozenset(
            {
                "budget_year",
                "budget_pot",
                "budget_contribution",
                "budget_carry_over",
                "lifecoach_invoice",
                "maatwerk_request",
                "maatwerk_total",
                "maatwerk_participant_total",
            }
        ),
    ),
    # Names and people: participants and accounts. The participant list reads nothing else
    # (blueprints/youths/list_cache.py); the finance dashboard's filtered part reads these and the budget.
    "people": (3, frozenset({"participant", "user_account"})),
}


def _is_data(table_name: str | None) -> bool:
    return table_name is None or table_name not in NOT_DATA


def _note(session, table_name: str | None) -> None:
    if _is_data(table_name):
        session.info.setdefault(FLAG, set()).add(table_name)


@event.listens_for(Session, "after_flush")
def _note_flush(session, flush_context) -> None:
    for obj in (*session.new, *session.deleted, *session.dirty):
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        _note(session, getattr(obj, "__tablename__", UNKNOWN))


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        _note(state.session, getattr(table, "name", UNKNOWN))


def _rows_moved_by(tables: set) -> list[int]:
    rows = [EVERYTHING]
    for row, scope_tables in SCOPES.values():
        if UNKNOWN in tables or tables & scope_tables:
            rows.append(row)
    return rows


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session) -> None:
    # Every change first, so the version rows are the last locks a transaction takes (no lock waits after them).
    session.flush()
    tables = session.info.pop(FLAG, None)
    if tables:
        _bump_rows(session, _rows_moved_by(tables))


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
    """Move the version and every scope's on (as a change of anything would), in this transaction."""
    _bump_rows(session, [EVERYTHING, *(row for row, _ in SCOPES.values())])


def _bump_rows(session, rows: list[int]) -> None:
    """Move these rows on (creating a missing row with a new token), in rows order, in this transaction."""
    connection = session.connection()
    if not _has_table(connection):
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    for row in rows:  # always the same order, so two committing transactions never wait for each other in a circle
        statement = dialect.insert(data_version).values(id=row, token=uuid.uuid4().hex, n=1)
        statement = statement.on_conflict_do_update(index_elements=["id"], set_={"n": data_version.c.n + 1})
        connection.execute(statement)


def current(session, scope: str | tuple[str, ...] | None = None) -> tuple | None:
    """The version of the whole data (or of one scope) this request sees, or None when there is no row yet
    (then: do not cache). With several scopes, their versions together: one query either way."""
    if not _has_table(session.connection()):
        return None
    scopes = scope if isinstance(scope, tuple) else (scope,)
    row_ids = [SCOPES[name][0] if name else EVERYTHING for name in scopes]
    found = {
        row.id: (row.token, row.n)
        for row in session.execute(
            select(data_version.c.id, data_version.c.token, data_version.c.n).where(data_version.c.id.in_(row_ids))
        )
    }
    if any(row_id not in found for row_id in row_ids):
        return None
    versions = tuple(found[row_id] for row_id in row_ids)
    return versions if isinstance(scope, tuple) else versions[0]
