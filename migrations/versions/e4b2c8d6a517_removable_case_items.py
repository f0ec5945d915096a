"""removable case items: a conversation, goal or action removed by mistake is kept with who, when and why

Adds removed_at, removed_by_id and removed_reason to conversation, goal and goal_action (issue #19
point 5). Existing rows stay as they are (nothing removed), so every list and figure is unchanged.

Revision ID: e4b2c8d6a517
Revises: d0c5a1e7f301
Create Date: 2026-12-02 17:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = "e4b2c8d6a517"
down_revision = "d0c5a1e7f301"
branch_labels = None
depends_on = None

TABLES = ("conversation", "goal", "goal_action")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column("removed_by_id", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("removed_reason", sa.Text(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_removed_by_id_user_account"), "user_account", ["removed_by_id"], ["id"]
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_removed_by_id_user_account"), type_="foreignkey")
            batch_op.drop_column("removed_reason")
            batch_op.drop_column("removed_by_id")
            batch_op.drop_column("removed_at")
