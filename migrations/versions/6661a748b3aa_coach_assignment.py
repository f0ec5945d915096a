"""coach_assignment: who was a participant's life-coach when (youths/coach_history.py)

Every existing participant gets its periods: where the audit log holds changes of `coach_id` for it,
the earlier periods are rebuilt from them (each change ends one period and starts the next, by the
user who made it); otherwise one period from its registration. The last period is open and holds
today's `participant.coach_id`, so every figure that reads the coach today stays the same.

Revision ID: 6661a748b3aa
Revises: b7e3c9d1f402
Create Date: 2026-12-02 17:05:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


revision = "6661a748b3aa"
down_revision = "b7e3c9d1f402"
branch_labels = None
depends_on = None

FIRST_REASON = "Aanmelding"
AUDIT_REASON = "Gewijzigd (overgenomen uit het auditlog)"
NOW_REASON = "Huidige life-coach"

participant = sa.table(
    "participant", sa.column("id", sa.Integer), sa.column("coach_id", sa.Integer), sa.column("created_at", sa.DateTime)
)
audit_log = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("actor_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("changes", sa.JSON),
)
user_account = sa.table("user_account", sa.column("id", sa.Integer))


def _as_id(value):
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


def periods_for(current_coach, created_at, changes, users):
    """The periods of one participant from its audit changes [(action, at, actor_id, before, after), ...],
    oldest first. A 'create' row names the first coach; an 'update' row ends a period and starts the next."""
    first_at = min([created_at, *(at for _, at, _, _, _ in changes)]) if changes else created_at
    if changes and changes[0][0] == "create":
        coach = _as_id(changes[0][4])
        changes = changes[1:]
    else:
        coach = _as_id(changes[0][3]) if changes else current_coach
    periods = [{"coach_id": coach, "starts_at": first_at, "reason": FIRST_REASON, "assigned_by_id": None}]
    for _, at, actor, _, after in changes:
        after = _as_id(after)
        if after == periods[-1]["coach_id"]:
            continue
        at = max(at, periods[-1]["starts_at"])
        periods[-1]["ends_at"] = at
        by = actor if actor in users else None
        periods.append({"coach_id": after, "starts_at": at, "reason": AUDIT_REASON, "assigned_by_id": by})
    if periods[-1]["coach_id"] != current_coach:  # a change the audit log does not hold
        at = periods[-1]["starts_at"]
        periods[-1]["ends_at"] = at
        periods.append({"coach_id": current_coach, "starts_at": at, "reason": NOW_REASON, "assigned_by_id": None})
    return periods


def upgrade():
    table = op.create_table(
        "coach_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"], ["user_account.id"], name=op.f("fk_coach_assignment_assigned_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["coach_id"], ["user_account.id"], name=op.f("fk_coach_assignment_coach_id_user_account")),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participant.id"], name=op.f("fk_coach_assignment_participant_id_participant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_assignment")),
    )
    with op.batch_alter_table("coach_assignment") as batch_op:
        batch_op.create_index("ix_coach_assignment_coach_id", ["coach_id"], unique=False)
        batch_op.create_index("ix_coach_assignment_participant_starts", ["participant_id", "starts_at"], unique=False)
        batch_op.create_index(
            "uq_coach_assignment_open",
            ["participant_id"],
            unique=True,
            sqlite_where=sa.text("ends_at IS NULL"),
            postgresql_where=sa.text("ends_at IS NULL"),
        )

    bind = op.get_bind()
    users = set(bind.scalars(sa.select(user_account.c.id)))
    changes: dict[int, list] = {}
    query = (
        sa.select(audit_log.c.object_id, audit_log.c.action, audit_log.c.at, audit_log.c.actor_id, audit_log.c.changes)
        .where(
            audit_log.c.object_type == "participant",
            audit_log.c.action.in_(["create", "update"]),
            audit_log.c.object_id.is_not(None),
        )
        .order_by(audit_log.c.at, audit_log.c.id)
    )
    for object_id, action, at, actor_id, values in bind.execute(query):
        if isinstance(values, dict) and isinstance(values.get("coach_id"), list) and len(values["coach_id"]) == 2:
            before, after = values["coach_id"]
            changes.setdefault(object_id, []).append((action, at, actor_id, before, after))
    now = datetime.now(UTC).replace(tzinfo=None)
    batch = []
    for pid, coach_id, created_at in bind.execute(sa.select(participant).order_by(participant.c.id)):
        for period in periods_for(coach_id, created_at or now, changes.get(pid, []), users):
            batch.append({"participant_id": pid, "ends_at": None, "created_at": now, **period})
        if len(batch) >= 1000:
            op.bulk_insert(table, batch)
            batch = []
    if batch:
        op.bulk_insert(table, batch)


def downgrade():
    with op.batch_alter_table("coach_assignment") as batch_op:
        batch_op.drop_index("uq_coach_assignment_open")
        batch_op.drop_index("ix_coach_assignment_participant_starts")
        batch_op.drop_index("ix_coach_assignment_coach_id")
    op.drop_table("coach_assignment")
