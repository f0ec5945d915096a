"""user oidc subject: link a staff account to the municipality's identity provider

Single sign-on (OpenID Connect) finds the account by the provider's stable id of the person (Entra
`oid`, otherwise `sub`), never by e-mail alone. Unique, and empty for accounts that only use a password.

Revision ID: e5a9c3b7d210
Revises: e5a7c3b1d902
Create Date: 2026-12-01 22:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = "e5a9c3b7d210"
down_revision = "e5a7c3b1d902"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_user_account_oidc_subject"), ["oidc_subject"])


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_account_oidc_subject"), type_="unique")
        batch_op.drop_column("oidc_subject")
