"""The pot lock: the one write lock that serialises every decision that moves money.

Approve, reject, withdraw, pay, invoice, credit note, contribution, carry-over, a new split and
closing a month all take it before they read the state they decide on, and re-read that state
after it. So of two racing decisions exactly one sees the state it expects; the other sees the
result of the first and is refused with a Dutch message.

PostgreSQL: `SELECT ... FOR UPDATE` on the pot rows, always in id order (so two decisions that
lock several pots cannot deadlock). A second transaction waits until the first commits and then
reads the new rows (READ COMMITTED gives each statement a fresh snapshot).
SQLite ignores FOR UPDATE, so the transaction starts with `BEGIN IMMEDIATE`, which takes the
database write lock before anything is read. Python's sqlite3 driver (legacy transaction control,
the default) opens a transaction itself only before INSERT/UPDATE/DELETE; the SELECTs a view ran
before this point opened none, so our BEGIN IMMEDIATE is the one that counts. If the driver already
opened a transaction, it did so for a write, so this connection holds the write lock already.
"""

from sqlalchemy import Select, select

from models import BudgetPot, db


def _locking(query: Select) -> Select:
    connection = db.session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    return query.with_for_update()


def lock_pots(pot_ids=None) -> list[BudgetPot]:
    """Lock the given pots (all pots when None), in id order, and return them freshly read."""
    query = select(BudgetPot).order_by(BudgetPot.id).execution_options(populate_existing=True)
    if pot_ids is not None:
        query = query.where(BudgetPot.id.in_(sorted(set(pot_ids))))
    return list(db.session.scalars(_locking(query)))
