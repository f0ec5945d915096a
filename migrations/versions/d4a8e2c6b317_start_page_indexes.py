"""indexes for the coach's start page (contracts a coach made, recent cancellations) and the audit log's actions

Revision ID: d4a8e2c6b317
Revises: c8d2e6f0a915
Create Date: 2026-12-03 12:00:00

Without them PostgreSQL scanned every contract and every conversation for each start page, and the whole
audit log for the list of actions in its filter (issue #21).
"""
from alembic import op


revision = "d4a8e2c6b317"
down_revision = "c8d2e6f0a915"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_contract_created_by_id", "contract", ["created_by_id"])
    op.create_index("ix_conversation_cancelled", "conversation", ["cancelled_by", "cancelled_at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action"])


def downgrade():
    op.drop_index("ix_audit_log_action", table_name="audit_log")
    op.drop_index("ix_conversation_cancelled", table_name="conversation")
    op.drop_index("ix_contract_created_by_id", table_name="contract")
