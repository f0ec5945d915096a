"""report lookups: the latest assessment and status by a year's end, no-shows per participant

The report looked up every participant's latest assessment, and with a year filter its latest status
change, one participant at a time. assessment_progress now also holds each assessment's date and the
date of the participant's next assessment, so the rows that were the latest by a year's end are found
in one pass. status_change gets an index on (participant_id, changed_on, id) for the status lookup,
replacing the one on participant_id alone; conversation gets one on (attendance, participant_id,
held_at) for counting no-shows.
The table's rows are derived data: they are recomputed here with the same SQL as
`rebuild_assessment_progress()` at this revision.

Revision ID: c4e8a2d6f1b3
Revises: b7d2f4a9c615
Create Date: 2026-11-22 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "c4e8a2d6f1b3"
down_revision = "b7d2f4a9c615"
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
INSERT INTO assessment_progress (assessment_id, participant_id, is_first, rung_change, {columns},
  assessed_on, next_assessed_on)
WITH numbered AS (
  SELECT id, participant_id, ladder_rung, assessed_on,
    row_number() OVER (PARTITION BY participant_id ORDER BY assessed_on, id) AS nth,
    lead(assessed_on) OVER (PARTITION BY participant_id ORDER BY assessed_on, id) AS next_assessed_on
  FROM assessment
), pivot AS (
  SELECT assessment_id,
{pivot}
  FROM zrm_score GROUP BY assessment_id
)
SELECT numbered.id, numbered.participant_id, numbered.nth = 1,
  CASE WHEN numbered.nth > 1 THEN numbered.ladder_rung - first_assessment.ladder_rung END,
{changes},
  numbered.assessed_on, numbered.next_assessed_on
FROM numbered
JOIN numbered AS first_assessment
  ON first_assessment.participant_id = numbered.participant_id AND first_assessment.nth = 1
LEFT JOIN pivot AS scores ON scores.assessment_id = numbered.id
LEFT JOIN pivot AS first_scores ON first_scores.assessment_id = first_assessment.id
"""


def upgrade():
    op.execute("DELETE FROM assessment_progress")
    with op.batch_alter_table('assessment_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assessed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('next_assessed_on', sa.Date(), nullable=True))
    op.execute(backfill_sql())
    with op.batch_alter_table('assessment_progress', schema=None) as batch_op:
        batch_op.alter_column('assessed_on', existing_type=sa.Date(), nullable=False)

    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.create_index('ix_status_change_participant_on', ['participant_id', 'changed_on', 'id'], unique=False)
        batch_op.drop_index('ix_status_change_participant_id')  # the new index leads with participant_id

    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.create_index(
            'ix_conversation_attendance_participant', ['attendance', 'participant_id', 'held_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_attendance_participant')

    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.create_index('ix_status_change_participant_id', ['participant_id'], unique=False)
        batch_op.drop_index('ix_status_change_participant_on')

    with op.batch_alter_table('assessment_progress', schema=None) as batch_op:
        batch_op.drop_column('next_assessed_on')
        batch_op.drop_column('assessed_on')
