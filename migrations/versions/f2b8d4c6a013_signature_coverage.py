"""signature coverage: what each signature covers, which checks were made, witness, carry-over; goal confidentiality

contract_signature gains covers/covered_sha256 (the parts and the SHA-256 of the exact text a
signature covers: partners sign the contract without the personal annex), factors (the checks
made, e.g. password and app code), witness_user_id (the coach when signing in person) and
carried_from_id (a partner's signature carried over from an earlier version with byte-identical text).
contract_party gains resign_requested (the coach asks a partner to sign again anyway); goal gains
confidential (goes into the personal annex). Existing signatures keep NULL: they covered the whole
version (version_sha256). Adding columns fires no row triggers, so the contract guards stay intact.

Revision ID: f2b8d4c6a013
Revises: e5a9c3b7d210
Create Date: 2026-12-01 22:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = "f2b8d4c6a013"
down_revision = "e5a9c3b7d210"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contract_signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("covers", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("covered_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("factors", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("witness_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("carried_from_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_contract_signature_witness_user_id_user_account"), "user_account", ["witness_user_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contract_signature_carried_from_id_contract_signature"),
            "contract_signature",
            ["carried_from_id"],
            ["id"],
        )
    with op.batch_alter_table("contract_party", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resign_requested", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_column("confidential")
    with op.batch_alter_table("contract_party", schema=None) as batch_op:
        batch_op.drop_column("resign_requested")
    with op.batch_alter_table("contract_signature", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_contract_signature_carried_from_id_contract_signature"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_contract_signature_witness_user_id_user_account"), type_="foreignkey")
        batch_op.drop_column("carried_from_id")
        batch_op.drop_column("witness_user_id")
        batch_op.drop_column("factors")
        batch_op.drop_column("covered_sha256")
        batch_op.drop_column("covers")
