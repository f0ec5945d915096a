"""password set link: one-time link to set a password, sent when beheer creates an account

Only the SHA-256 of the token is stored; valid 48 hours, used once.

Revision ID: b7e3c9d1f402
Revises: c4f7a2e9b815
Create Date: 2026-12-01 23:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = "b7e3c9d1f402"
down_revision = "c4f7a2e9b815"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "password_set_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], name=op.f("fk_password_set_link_created_by_id_user_account")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_password_set_link_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_set_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_set_link_token_hash")),
    )
    with op.batch_alter_table("password_set_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_set_link_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("password_set_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_set_link_user_id"))
    op.drop_table("password_set_link")
