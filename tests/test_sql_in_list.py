"""`in_list` (core/sql.py): the same rows as `IN (subquery)` on both databases, written so each uses its index."""

from sqlalchemy import select

from blueprints.youths.queries import in_caseload
from models import Participant, db
from tests.conftest import make_participant, make_user


def test_in_caseload_keeps_exactly_the_coachs_own_participants(app):
    coach, other = make_user("coach"), make_user("coach")
    mine = {make_participant(coach_id=coach.id).id for _ in range(3)}
    make_participant(coach_id=other.id)
    found = set(db.session.scalars(select(Participant.id).where(in_caseload(Participant.id, coach.id))))
    assert found == mine
    assert set(db.session.scalars(select(Participant.id).where(~in_caseload(Participant.id, coach.id)))) == (
        set(db.session.scalars(select(Participant.id))) - mine
    )
    nobody = make_user("coach")
    assert db.session.scalars(select(Participant.id).where(in_caseload(Participant.id, nobody.id))).all() == []


def test_it_is_written_for_the_database_at_hand(app):
    statement = select(Participant.id).where(in_caseload(Participant.id, 7))
    sql = str(statement.compile(db.engine))
    if db.engine.dialect.name == "postgresql":
        assert "= ANY(ARRAY((SELECT participant.id" in sql
    else:
        # a plain IN, with no "= 1" after it: SQLite would then not use the index for the list
        assert "IN (SELECT participant.id" in sql and "= 1" not in sql
