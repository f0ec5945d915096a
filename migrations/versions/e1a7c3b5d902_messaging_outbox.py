"""messaging: one outbox for e-mail and SMS, with status, attachments and the participant

core/messaging.py sends every outgoing message through outbox_message. It gains a channel (email/sms),
an HTML part, the participant it is about, a status (queued/sending/sent/bounced/failed) with the
number of attempts and the time a process claimed it, and a table of attachments. Existing rows get
status "sent" when they have a sent_at, "failed" when they have an error, otherwise "queued".

Revision ID: e1a7c3b5d902
Revises: c4e8a2d6f1b3
Create Date: 2026-12-01 22:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = "e1a7c3b5d902"
down_revision = "c4e8a2d6f1b3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=10), nullable=False, server_default="email"))
        batch_op.add_column(sa.Column("html", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("participant_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(length=20), nullable=False, server_default="queued"))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_message_participant_id_participant"), "participant", ["participant_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_outbox_message_participant_id"), ["participant_id"], unique=False)
        batch_op.create_index("ix_outbox_message_status", ["status", "channel"], unique=False)
    op.execute("UPDATE outbox_message SET status = 'sent' WHERE sent_at IS NOT NULL")
    op.execute("UPDATE outbox_message SET status = 'failed' WHERE sent_at IS NULL AND error IS NOT NULL")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.alter_column("channel", server_default=None)
        batch_op.alter_column("status", server_default=None)
        batch_op.alter_column("attempts", server_default=None)

    op.create_table(
        "outbox_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_message.id"],
            name=op.f("fk_outbox_attachment_message_id_outbox_message"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attachment")),
    )
    with op.batch_alter_table("outbox_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_attachment_message_id"), ["message_id"], unique=False)


def downgrade():
    with op.batch_alter_table("outbox_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_attachment_message_id"))
    op.drop_table("outbox_attachment")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_status")
        batch_op.drop_index(batch_op.f("ix_outbox_message_participant_id"))
        batch_op.drop_constraint(batch_op.f("fk_outbox_message_participant_id_participant"), type_="foreignkey")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("status")
        batch_op.drop_column("participant_id")
        batch_op.drop_column("html")
        batch_op.drop_column("channel")
