"""sign-in throttle per (account, address) pair instead of a lock per account

The account lock (user_account.failed_logins and locked_until) let anyone lock anyone out with
five wrong passwords. Its replacement, sign_in_throttle, counts failures per pair of account and
address (and per account from everywhere, with a short pause instead of a lock); see
blueprints/auth/throttle.py. Existing counters are dropped: they were at most 15 minutes of lock.

Revision ID: f3b9d1c7a504
Revises: d9af7945145c
Create Date: 2026-12-01 22:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = "f3b9d1c7a504"
down_revision = "d9af7945145c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=True),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.Column("trusted_until", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttle")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("failed_logins", server_default=None)
    op.drop_table("sign_in_throttle")
