"""audit_seal: one seal per finished day of the audit log, chained to the day before

See blueprints/admin/auditchain.py. Existing audit rows are sealed by the first `flask audit seal`
(or `flask audit verify`) after this migration.

Revision ID: a8d4e2f6b173
Revises: bd54b57ada48
Create Date: 2026-12-01 23:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = "a8d4e2f6b173"
down_revision = "bd54b57ada48"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_seal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("rows_sha256", sa.String(length=64), nullable=False),
        sa.Column("previous_seal", sa.String(length=64), nullable=False),
        sa.Column("seal", sa.String(length=64), nullable=False),
        sa.Column("sealed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_seal")),
        sa.UniqueConstraint("day", name=op.f("uq_audit_seal_day")),
    )


def downgrade():
    op.drop_table("audit_seal")
