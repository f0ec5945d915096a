"""Progress since the first assessment (`AssessmentProgress`), kept in the same transaction as every change.

An `after_flush` listener collects the participants whose assessments or ZRM scores were added, changed
or deleted in the flush and recomputes all their `assessment_progress` rows (delete + INSERT ... SELECT
on the flush's connection). A participant has only a few assessments, and recomputing them all covers
what a delta could miss: a backdated assessment becomes the new first and changes every other row. The
rows are read back from the database after the flush, so it does not matter in which order the flush
wrote an assessment and its scores. The report reads one row per participant instead of comparing
two sets of scores (blueprints/reports/figures.py, `progress`).

Bulk inserts that bypass the ORM (the benchmark seeder) call `rebuild_assessment_progress()` afterwards.
Statements that change assessments or scores without the unit of work (`update(ZrmScore)`) are not seen:
the app has none; the privacy purge only blanks assessment notes, which change no figure.
"""

from sqlalchemy import Date, and_, case, delete, event, func, insert, inspect, select
from sqlalchemy.orm import Session, aliased

from core.history import keep_old_values
from models import ZRM_DOMAIN_LABELS, Assessment, AssessmentProgress, Participant, ZrmScore

COLUMNS = {domain: f"change_{domain}" for domain in ZRM_DOMAIN_LABELS}


def progress_rows(participant_ids=None):
    """SELECT of every assessment_progress row (of `participant_ids` only, when given), from the source tables.

    Scores are pivoted to one row per assessment (one column per domain) and each assessment is joined
    to its participant's first one, numbered by (assessed_on, id); the next one's date comes along.
    """
    in_order = {"partition_by": Assessment.participant_id, "order_by": (Assessment.assessed_on, Assessment.id)}
    numbered = select(
        Assessment.id,
        Assessment.participant_id,
        Assessment.ladder_rung,
        Assessment.assessed_on,
        func.row_number().over(**in_order).label("nth"),
        func.lead(Assessment.assessed_on, type_=Date).over(**in_order).label("next_assessed_on"),
    )
    pivot = select(
        ZrmScore.assessment_id,
        *(func.max(case((ZrmScore.domain == d, ZrmScore.score))).label(d) for d in ZRM_DOMAIN_LABELS),
    ).group_by(ZrmScore.assessment_id)
    if participant_ids is not None:
        numbered = numbered.where(Assessment.participant_id.in_(participant_ids))
        pivot = pivot.join(Assessment, Assessment.id == ZrmScore.assessment_id).where(
            Assessment.participant_id.in_(participant_ids)
        )
    numbered = numbered.cte("numbered")
    pivot = pivot.cte("pivot")
    first = aliased(numbered, name="first_assessment")
    scores, first_scores = aliased(pivot, name="scores"), aliased(pivot, name="first_scores")
    later = numbered.c.nth > 1

    def change(now, then):
        return case((later, now - then))  # NULL on the first assessment; NULL - x stays NULL

    return (
        select(
            numbered.c.id.label("assessment_id"),
            numbered.c.participant_id,
            (numbered.c.nth == 1).label("is_first"),
            change(numbered.c.ladder_rung, first.c.ladder_rung).label("rung_change"),
            *(change(scores.c[d], first_scores.c[d]).label(column) for d, column in COLUMNS.items()),
            numbered.c.assessed_on,
            numbered.c.next_assessed_on,
        )
        .join(first, and_(first.c.participant_id == numbered.c.participant_id, first.c.nth == 1))
        .outerjoin(scores, scores.c.assessment_id == numbered.c.id)
        .outerjoin(first_scores, first_scores.c.assessment_id == first.c.id)
    )


def _insert_rows(connection, participant_ids=None) -> None:
    columns = ["assessment_id", "participant_id", "is_first", "rung_change", *COLUMNS.values()]
    columns += ["assessed_on", "next_assessed_on"]
    connection.execute(insert(AssessmentProgress).from_select(columns, progress_rows(participant_ids)))


def recompute_participants(connection, participant_ids) -> None:
    """Replace the rows of these participants with freshly computed ones.

    Two transactions adding an assessment for the same participant at once would each compute from
    what they can see, and the second would trip over the first's rows. So the participants are locked
    first, in id order (no deadlock between two such transactions): the second waits, then computes with
    the first's assessments included. FOR NO KEY UPDATE does not block inserts that only reference the
    participant (a conversation, another assessment). SQLite has one writer at a time anyway.
    """
    ids = sorted({int(i) for i in participant_ids if i is not None})
    if not ids:
        return
    connection.execute(
        select(Participant.id).where(Participant.id.in_(ids)).order_by(Participant.id).with_for_update(key_share=True)
    )
    connection.execute(delete(AssessmentProgress).where(AssessmentProgress.participant_id.in_(ids)))
    _insert_rows(connection, ids)


def rebuild_assessment_progress(connection_or_session) -> None:
    """Recompute every row from the assessments and scores: for bulk loads. The caller commits."""
    connection_or_session.execute(delete(AssessmentProgress))
    _insert_rows(connection_or_session)


# Moving an assessment or a score also redoes the participant it came from.
keep_old_values(Assessment.participant_id, ZrmScore.assessment_id)


def _old_and_new(obj, key: str) -> set:
    """The attribute's value now and, when this flush changed it, before."""
    history = inspect(obj).attrs[key].history
    return {getattr(obj, key), *history.deleted}


@event.listens_for(Session, "after_flush")
def _keep_progress(session, flush_context) -> None:
    participants, covered, score_assessments = set(), set(), set()
    for dirty, group in ((False, session.new), (True, session.dirty), (False, session.deleted)):
        for obj in group:
            if not isinstance(obj, Assessment | ZrmScore):
                continue
            if dirty and not session.is_modified(obj):
                continue
            if isinstance(obj, Assessment):
                participants |= _old_and_new(obj, "participant_id")
                covered.add(obj.id)
            else:
                score_assessments |= _old_and_new(obj, "assessment_id")
    score_assessments -= covered | {None}
    if not participants and not score_assessments:
        return
    connection = session.connection()
    if score_assessments:  # scores changed while their assessment itself did not
        participants |= set(
            connection.scalars(select(Assessment.participant_id).where(Assessment.id.in_(sorted(score_assessments))))
        )
    recompute_participants(connection, participants)
