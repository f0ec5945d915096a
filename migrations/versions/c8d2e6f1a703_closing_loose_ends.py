"""closing loose ends: kept maatwerk requests, a cleared follow-up flag, a cleared decline alert

Three nullable columns; existing rows keep NULL, so every existing figure stays the same.

Revision ID: c8d2e6f1a703
Revises: d6e1a4c8b2f7
Create Date: 2026-12-02 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "c8d2e6f1a703"
down_revision = "d6e1a4c8b2f7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("maatwerk_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kept_on_closing_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("followup_cleared_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("contract_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alert_cleared_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("contract_version", schema=None) as batch_op:
        batch_op.drop_column("alert_cleared_at")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("followup_cleared_at")
    with op.batch_alter_table("maatwerk_request", schema=None) as batch_op:
        batch_op.drop_column("kept_on_closing_reason")
