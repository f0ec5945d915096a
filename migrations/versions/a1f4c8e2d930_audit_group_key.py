"""audit group key: the rows one action wrote (one request, or one transaction outside a request)

The readable audit log shows one group per action: a ZRM measurement with 13 scores is one entry.
Rows written before this column exist stay ungrouped (NULL: each row is its own group); nothing
else changes, and the daily seals do not cover the key (it only arranges the display).

Revision ID: a1f4c8e2d930
Revises: c8d2e6f1a703
Create Date: 2026-12-02 17:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "a1f4c8e2d930"
down_revision = "c8d2e6f1a703"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.add_column(sa.Column("group_key", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_audit_log_group_key", ["group_key"], unique=False)


def downgrade():
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_index("ix_audit_log_group_key")
        batch_op.drop_column("group_key")
