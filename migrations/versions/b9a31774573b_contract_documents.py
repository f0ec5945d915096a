"""contract documents: stored and sealed PDFs

A contract version's PDF is made once and stored: per state while it waits for signatures, and once
fully signed, sealed (PAdES) with a verification code that the public verify page looks up.

Revision ID: b9a31774573b
Revises: f2b8d4c6a013
Create Date: 2026-12-01 22:17:59.764613

"""
from alembic import op
import sqlalchemy as sa


revision = 'b9a31774573b'
down_revision = "f2b8d4c6a013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contract_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=64), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('sealed', sa.Boolean(), nullable=False),
    sa.Column('timestamped', sa.Boolean(), nullable=False),
    sa.Column('verification_code', sa.String(length=20), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['contract_version.id'], name=op.f('fk_contract_document_version_id_contract_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_document')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_contract_document_verification_code'))
    )
    with op.batch_alter_table('contract_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_document_pdf_sha256'), ['pdf_sha256'], unique=False)
        batch_op.create_index('ix_contract_document_version_state', ['version_id', 'audience', 'state'], unique=True)



def downgrade():
    with op.batch_alter_table('contract_document', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_document_version_state')
        batch_op.drop_index(batch_op.f('ix_contract_document_pdf_sha256'))

    op.drop_table('contract_document')
