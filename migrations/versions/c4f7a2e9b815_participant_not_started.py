"""participant.not_started_reason: a registration can end as 'niet gestart' with a reason (issue #17)

The status itself is a new value of the existing string column; existing rows keep their status.

Revision ID: c4f7a2e9b815
Revises: a8d4e2f6b173
Create Date: 2026-12-01 23:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = "c4f7a2e9b815"
down_revision = "a8d4e2f6b173"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participant") as batch_op:
        batch_op.add_column(sa.Column("not_started_reason", sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table("participant") as batch_op:
        batch_op.drop_column("not_started_reason")
