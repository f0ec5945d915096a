"""Running totals of maatwerk requests, kept in the same transaction as every change of a request.

An `after_flush` listener turns each flushed insert, update or delete of a `MaatwerkRequest` into
deltas on `MaatwerkTotal` (pot x category x status x month paid) and `MaatwerkParticipantTotal`
(pot x participant, approved and paid only), applied as atomic upserts (`ON CONFLICT DO UPDATE SET
x = x + delta`) in a fixed key order, so concurrent transactions never lose an update or deadlock on
them. This covers the budget rules, the factories and the demo alike. Bulk inserts that bypass the
ORM (the benchmark seeder) call `rebuild_totals()` afterwards.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, delete, event, func, insert, inspect, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.history import keep_old_values
from core.money import cents_sum
from models import MaatwerkParticipantTotal, MaatwerkRequest, MaatwerkTotal

SPEND_STATUSES = ("goedgekeurd", "betaald")
TRACKED = ("pot_id", "participant_id", "category", "status", "amount", "paid_on")


def cents(amount) -> int:
    return int((Decimal(str(amount)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def paid_month(paid_on) -> int:
    return paid_on.year * 100 + paid_on.month if paid_on else 0


def _values(obj, old: bool) -> dict:
    """The tracked attributes of `obj` as they were before this flush (`old`) or are now."""
    state = inspect(obj)
    values = {}
    for key in TRACKED:
        history = state.attrs[key].history
        if old and history.deleted:
            values[key] = history.deleted[0]
        elif old and history.added:
            values[key] = None  # set for the first time in this flush: had no value before
        else:
            values[key] = getattr(obj, key)
    return values


def _add(deltas, participant_deltas, values: dict, sign: int) -> None:
    if values["pot_id"] is None or values["status"] is None or values["amount"] is None:
        return
    amount = sign * cents(values["amount"])
    paid = paid_month(values["paid_on"]) if values["status"] == "betaald" else 0
    key = (values["pot_id"], values["category"], values["status"], paid)
    deltas[key][0] += sign
    deltas[key][1] += amount
    if values["status"] in SPEND_STATUSES:
        pkey = (values["pot_id"], values["participant_id"])
        participant_deltas[pkey][0] += sign
        participant_deltas[pkey][1] += amount


def _upsert(connection, model, keys: tuple[str, ...], rows: list[dict]) -> None:
    dialect = connection.dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    table = model.__table__
    for row in rows:
        statement = make(table).values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c[k] for k in keys],
            set_={
                "requests": table.c.requests + statement.excluded.requests,
                "amount_cents": table.c.amount_cents + statement.excluded.amount_cents,
            },
        )
        connection.execute(statement)


keep_old_values(*(getattr(MaatwerkRequest, key) for key in TRACKED))  # so the delta knows what to subtract


@event.listens_for(Session, "after_flush")
def _keep_totals(session, flush_context) -> None:
    deltas = defaultdict(lambda: [0, 0])
    participant_deltas = defaultdict(lambda: [0, 0])
    for obj in session.new:
        if isinstance(obj, MaatwerkRequest):
            _add(deltas, participant_deltas, _values(obj, old=False), +1)
    for obj in session.dirty:
        if isinstance(obj, MaatwerkRequest) and session.is_modified(obj, include_collections=False):
            state = inspect(obj)
            if any(state.attrs[k].history.has_changes() for k in TRACKED):
                _add(deltas, participant_deltas, _values(obj, old=True), -1)
                _add(deltas, participant_deltas, _values(obj, old=False), +1)
    for obj in session.deleted:
        if isinstance(obj, MaatwerkRequest):
            _add(deltas, participant_deltas, _values(obj, old=True), -1)
    if not deltas and not participant_deltas:
        return
    connection = session.connection()
    _upsert(
        connection,
        MaatwerkTotal,
        ("pot_id", "category", "status", "paid_month"),
        [
            {"pot_id": p, "category": c, "status": s, "paid_month": m, "requests": n, "amount_cents": a}
            for (p, c, s, m), (n, a) in sorted(deltas.items())
            if n or a
        ],
    )
    _upsert(
        connection,
        MaatwerkParticipantTotal,
        ("pot_id", "participant_id"),
        [
            {"pot_id": p, "participant_id": pid, "requests": n, "amount_cents": a}
            for (p, pid), (n, a) in sorted(participant_deltas.items())
            if n or a
        ],
    )


def recomputed_totals(session) -> tuple[dict, dict]:
    """The totals as they follow from the requests themselves (for `rebuild_totals` and the check)."""
    req = MaatwerkRequest
    amount = cents_sum(req.amount)
    month = _month_sql(session)
    by_key = {
        (p, c, s, int(m)): (int(n), int(a))
        for p, c, s, m, n, a in session.execute(
            select(req.pot_id, req.category, req.status, month, func.count(req.id), amount).group_by(
                req.pot_id, req.category, req.status, month
            )
        )
    }
    by_participant = {
        (p, pid): (int(n), int(a))
        for p, pid, n, a in session.execute(
            select(req.pot_id, req.participant_id, func.count(req.id), amount)
            .where(req.status.in_(SPEND_STATUSES))
            .group_by(req.pot_id, req.participant_id)
        )
    }
    return by_key, by_participant


def stored_totals(session) -> tuple[dict, dict]:
    """The running totals as stored, without rows that add up to nothing."""
    t, pt = MaatwerkTotal, MaatwerkParticipantTotal
    by_key = {
        (p, c, s, m): (n, a)
        for p, c, s, m, n, a in session.execute(
            select(t.pot_id, t.category, t.status, t.paid_month, t.requests, t.amount_cents)
        )
        if n or a
    }
    by_participant = {
        (p, pid): (n, a)
        for p, pid, n, a in session.execute(select(pt.pot_id, pt.participant_id, pt.requests, pt.amount_cents))
        if n or a
    }
    return by_key, by_participant


def _month_sql(session):
    """yyyymm of paid_on for paid requests, else 0, in the database's own SQL."""
    req = MaatwerkRequest
    if session.get_bind().dialect.name == "sqlite":
        month = func.cast(func.strftime("%Y%m", req.paid_on), MaatwerkTotal.paid_month.type)
    else:
        month = func.cast(
            func.extract("year", req.paid_on) * 100 + func.extract("month", req.paid_on), MaatwerkTotal.paid_month.type
        )
    return case((req.status == "betaald", func.coalesce(month, 0)), else_=literal(0))


def rebuild_totals(session) -> None:
    """Recompute both totals tables from the requests: one INSERT ... SELECT ... GROUP BY each.

    For bulk loads that bypass the ORM. Takes the same write locks as a normal change would; the
    caller commits.
    """
    req = MaatwerkRequest
    amount = cents_sum(req.amount)
    month = _month_sql(session)
    session.execute(delete(MaatwerkTotal))
    session.execute(delete(MaatwerkParticipantTotal))
    session.execute(
        insert(MaatwerkTotal).from_select(
            ["pot_id", "category", "status", "paid_month", "requests", "amount_cents"],
            select(req.pot_id, req.category, req.status, month, func.count(req.id), amount).group_by(
                req.pot_id, req.category, req.status, month
            ),
        )
    )
    session.execute(
        insert(MaatwerkParticipantTotal).from_select(
            ["pot_id", "participant_id", "requests", "amount_cents"],
            select(req.pot_id, req.participant_id, func.count(req.id), amount)
            .where(req.status.in_(SPEND_STATUSES))
            .group_by(req.pot_id, req.participant_id),
        )
    )
