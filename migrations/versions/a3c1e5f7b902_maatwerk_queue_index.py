"""maatwerk approval queue index

The finance dashboard's approval queue asks for the oldest pending requests of one pot. With
(pot_id, status, requested_at) the database reads exactly those rows in order instead of walking
every request of the year.

Revision ID: a3c1e5f7b902
Revises: dfde47c91a24
Create Date: 2026-11-22 18:05:00

"""
from alembic import op


revision = "a3c1e5f7b902"
down_revision = "dfde47c91a24"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("maatwerk_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_maatwerk_request_pot_status_requested", ["pot_id", "status", "requested_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("maatwerk_request", schema=None) as batch_op:
        batch_op.drop_index("ix_maatwerk_request_pot_status_requested")
