"""handover: a note, "tijdelijk tot" and "gelezen" on each period of a coach (youths/handover.py)

Revision ID: b7e3d9a1c402
Revises: d1f4a7c2e905
Create Date: 2026-12-03 06:40:00

Existing periods count as read: they predate the handover summary, and a coach should not find every
file ever handed over to them on the start page the morning after the update.
"""
from alembic import op
import sqlalchemy as sa


revision = "b7e3d9a1c402"
down_revision = "d1f4a7c2e905"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("coach_assignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("read_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE coach_assignment SET read_at = created_at")


def downgrade():
    with op.batch_alter_table("coach_assignment", schema=None) as batch_op:
        batch_op.drop_column("read_at")
        batch_op.drop_column("until")
        batch_op.drop_column("note")
