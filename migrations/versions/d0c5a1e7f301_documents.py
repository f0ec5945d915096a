"""documents: uploaded files per participant, maatwerk request and contract (issue #19 point 4)

The bytes live in their own table (BYTEA on PostgreSQL), so lists never load them and a backup of the
database holds them. A document can be removed with a reason and restored (removed_* columns).

Revision ID: d0c5a1e7f301
Revises: 2ec81137f3ea
Create Date: 2026-12-02 16:46:26.115091

"""
from alembic import op
import sqlalchemy as sa


revision = 'd0c5a1e7f301'
down_revision = '2ec81137f3ea'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('maatwerk_request_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.Column('removed_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_document_contract_id_contract')),
    sa.ForeignKeyConstraint(['maatwerk_request_id'], ['maatwerk_request.id'], name=op.f('fk_document_maatwerk_request_id_maatwerk_request')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_document_participant_id_participant')),
    sa.ForeignKeyConstraint(['removed_by_id'], ['user_account.id'], name=op.f('fk_document_removed_by_id_user_account')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_document_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_contract_id', ['contract_id'], unique=False)
        batch_op.create_index('ix_document_maatwerk_request_id', ['maatwerk_request_id'], unique=False)
        batch_op.create_index('ix_document_participant_id', ['participant_id'], unique=False)

    op.create_table('document_content',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_content_document_id_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_document_content'))
    )


def downgrade():
    op.drop_table('document_content')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_participant_id')
        batch_op.drop_index('ix_document_maatwerk_request_id')
        batch_op.drop_index('ix_document_contract_id')

    op.drop_table('document')
