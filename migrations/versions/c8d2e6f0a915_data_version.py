"""data version: one row bumped by every committing change, the key of the report cache (core/data_version.py)

Revision ID: c8d2e6f0a915
Revises: b7e3d9a1c402
Create Date: 2026-12-03 07:35:00

The row is made here with a fresh token, so the first report after the update is built and cached.
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = "c8d2e6f0a915"
down_revision = "b7e3d9a1c402"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"id": 1, "token": uuid.uuid4().hex, "n": 1}])


def downgrade():
    op.drop_table("data_version")
