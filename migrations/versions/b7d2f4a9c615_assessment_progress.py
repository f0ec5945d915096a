"""assessment progress: each assessment's change since the participant's first one

The report compared every participant's first and latest assessment through zrm_score (two joins over
~120k score rows at 100x the pilot). assessment_progress holds those changes per assessment, kept by an
after_flush listener (blueprints/youths/progress.py). This revision creates the table and fills it from
the assessments already there, with the same SQL as `rebuild_assessment_progress()` at this revision.

Revision ID: b7d2f4a9c615
Revises: a3c1e5f7b902
Create Date: 2026-11-22 18:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "b7d2f4a9c615"
down_revision = "a3c1e5f7b902"
branch_labels = None
depends_on = None

# The ZRM domains at this revision (models.ZRM_DOMAIN_LABELS), one change column each.
DOMAINS = (
    "financien",
    "werk_opleiding",
    "tijdsbesteding",
    "huisvesting",
    "huiselijke_relaties",
    "geestelijke_gezondheid",
    "lichamelijke_gezondheid",
    "middelengebruik",
    "basale_adl",
    "instrumentele_adl",
    "sociaal_netwerk",
    "maatschappelijke_participatie",
    "justitie",
)


def backfill_sql() -> str:
    """Every row from the source tables; plain SQL that SQLite and PostgreSQL both run."""
    pivot = ",\n".join(f"    max(CASE WHEN domain = '{d}' THEN score END) AS {d}" for d in DOMAINS)
    changes = ",\n".join(
        f"  CASE WHEN numbered.nth > 1 THEN scores.{d} - first_scores.{d} END" for d in DOMAINS
    )
    columns = ", ".join(f"change_{d}" for d in DOMAINS)
    return f"""
INSERT INTO assessment_progress (assessment_id, participant_id, is_first, rung_change, {columns})
WITH numbered AS (
  SELECT id, participant_id, ladder_rung,
    row_number() OVER (PARTITION BY participant_id ORDER BY assessed_on, id) AS nth
  FROM assessment
), pivot AS (
  SELECT assessment_id,
{pivot}
  FROM zrm_score GROUP BY assessment_id
)
SELECT numbered.id, numbered.participant_id, numbered.nth = 1,
  CASE WHEN numbered.nth > 1 THEN numbered.ladder_rung - first_assessment.ladder_rung END,
{changes}
FROM numbered
JOIN numbered AS first_assessment
  ON first_assessment.participant_id = numbered.participant_id AND first_assessment.nth = 1
LEFT JOIN pivot AS scores ON scores.assessment_id = numbered.id
LEFT JOIN pivot AS first_scores ON first_scores.assessment_id = first_assessment.id
"""


def upgrade():
    op.create_table('assessment_progress',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('is_first', sa.Boolean(), nullable=False),
    sa.Column('rung_change', sa.Integer(), nullable=True),
    *(sa.Column(f'change_{d}', sa.Integer(), nullable=True) for d in DOMAINS),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_assessment_progress_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_assessment_progress_participant_id_participant')),
    sa.PrimaryKeyConstraint('assessment_id', name=op.f('pk_assessment_progress'))
    )
    with op.batch_alter_table('assessment_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_progress_participant_id'), ['participant_id'], unique=False)

    op.execute(backfill_sql())


def downgrade():
    with op.batch_alter_table('assessment_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_progress_participant_id'))

    op.drop_table('assessment_progress')
