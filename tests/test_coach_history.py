"""Who was coach when (youths/coach_history.py): periods without gaps, one way to change a coach, the SQL
helper `coach_at` the report uses, every place that gives a file a coach, and the migration's backfill.

Runs on SQLite and (with TEST_DATABASE_URL) on PostgreSQL.
"""

from datetime import date, datetime, timedelta

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from app import create_app
from blueprints.youths import coach_history
from blueprints.youths.coach_history import AssignmentError, assign_coach, coach_at, coach_id_at, coached_by
from models import AuditLog, CoachAssignment, Conversation, Participant, ReferralImport, db
from tests.conftest import count_queries, make_participant, make_test_config, make_user
from tests.factories_referrals import csv_bytes, many_people, map_columns, upload
from tests.factories_youths import bulk_participants, make_conversation
from tests.test_migrations import fresh_database_url, insert_old_participants  # noqa: F401 (fixture)

T0 = datetime(2026, 1, 10, 9)
T1 = datetime(2026, 3, 1, 12)  # first handover
T2 = datetime(2026, 6, 15, 8, 30)  # second handover


def periods(participant_id: int) -> list[tuple]:
    return [(a.coach_id, a.starts_at, a.ends_at) for a in coach_history.history(participant_id)]


@pytest.fixture
def three(app):
    anna, bram, cees = make_user("coach", name="Anna"), make_user("coach", name="Bram"), make_user("coach", name="Cees")
    return anna, bram, cees


def handed_over_twice(anna, bram, cees) -> Participant:
    participant = make_participant(coach_id=anna.id, created_at=T0)
    assign_coach(participant, bram, "Anna met verlof", anna, at=T1)
    assign_coach(participant, cees, "Bram vertrekt", bram, at=T2)
    db.session.commit()
    return participant


# --------------------------------------------------------------------------- the rule


def test_a_new_file_has_one_open_period_from_its_registration(three):
    anna, _, _ = three
    participant = make_participant(coach_id=anna.id, created_at=T0)
    assert periods(participant.id) == [(anna.id, T0, None)]
    assert coach_history.history(participant.id)[0].reason == "Aanmelding"


def test_two_handovers_make_three_periods_without_a_gap_and_the_coach_now_follows(three):
    anna, bram, cees = three
    participant = handed_over_twice(anna, bram, cees)
    assert periods(participant.id) == [(anna.id, T0, T1), (bram.id, T1, T2), (cees.id, T2, None)]
    assert participant.coach_id == cees.id
    second = coach_history.history(participant.id)[1]
    assert (second.reason, second.assigned_by_id, second.coach.name) == ("Anna met verlof", anna.id, "Bram")
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "assign_coach").order_by(AuditLog.id)).all()
    assert [(e.object_id, e.changes["coach_id"], e.changes["reden"][1]) for e in audit] == [
        (participant.id, [anna.id, bram.id], "Anna met verlof"),
        (participant.id, [bram.id, cees.id], "Bram vertrekt"),
    ]


def test_the_same_coach_again_changes_nothing_and_a_reason_is_needed(three):
    anna, bram, _ = three
    participant = make_participant(coach_id=anna.id, created_at=T0)
    assert assign_coach(participant, anna, "Nogmaals", anna, at=T1) is None
    with pytest.raises(AssignmentError):
        assign_coach(participant, bram, "   ", anna, at=T1)
    db.session.commit()
    assert periods(participant.id) == [(anna.id, T0, None)]


def test_a_handover_dated_before_the_open_period_starts_when_that_period_started(three):
    anna, bram, _ = three
    participant = make_participant(coach_id=anna.id, created_at=T1)
    assign_coach(participant, bram, "Terug in de tijd", anna, at=T0)
    db.session.commit()
    assert periods(participant.id) == [(anna.id, T1, T1), (bram.id, T1, None)]


def test_the_database_refuses_a_second_open_period(three):
    anna, bram, _ = three
    participant = make_participant(coach_id=anna.id, created_at=T0)
    db.session.add(CoachAssignment(participant_id=participant.id, coach_id=bram.id, starts_at=T1, reason="x"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --------------------------------------------------------------------------- coach at moment T (SQL)


def test_coach_at_a_moment_in_each_period_and_on_the_boundaries(three):
    anna, bram, cees = three
    participant = handed_over_twice(anna, bram, cees)
    cases = [
        (T0 - timedelta(days=30), anna.id),  # before the file was registered: its first coach
        (T0, anna.id),
        (T1 - timedelta(seconds=1), anna.id),
        (T1, bram.id),  # a handover takes effect at its moment
        (T2 - timedelta(minutes=1), bram.id),
        (T2, cees.id),
        (datetime(2030, 1, 1), cees.id),
    ]
    for moment, expected in cases:
        assert coach_id_at(participant.id, moment) == expected, moment
    # A date compares as the start of that day.
    assert db.session.scalar(select(coach_at(participant.id, date(2026, 3, 1)))) == anna.id
    assert db.session.scalar(select(coach_at(participant.id, date(2026, 3, 2)))) == bram.id


def test_coach_at_groups_events_by_the_coach_of_the_time_in_one_query(three):
    """Conversations counted per coach at the time they were held, against the coach today."""
    anna, bram, cees = three
    first = handed_over_twice(anna, bram, cees)
    second = make_participant(coach_id=bram.id, created_at=T0)  # Bram all along
    for at in (datetime(2026, 2, 1, 10), datetime(2026, 2, 20, 10)):  # Anna's period
        make_conversation(first, at)
    make_conversation(first, datetime(2026, 4, 1, 10))  # Bram's period
    for at in (datetime(2026, 7, 1, 10), datetime(2026, 8, 1, 10), datetime(2026, 9, 1, 10)):  # Cees's period
        make_conversation(first, at)
    make_conversation(second, datetime(2026, 5, 5, 10))

    then = coach_at(Conversation.participant_id, Conversation.held_at).label("coach_id")
    query = select(then, func.count()).select_from(Conversation).group_by(then)
    with count_queries() as queries:
        per_coach = dict(db.session.execute(query).all())
    assert per_coach == {anna.id: 2, bram.id: 2, cees.id: 3}
    assert queries() == 1
    today = dict(
        db.session.execute(
            select(Participant.coach_id, func.count())
            .join(Conversation, Conversation.participant_id == Participant.id)
            .group_by(Participant.coach_id)
        ).all()
    )
    assert today == {cees.id: 6, bram.id: 1}  # what a "coach today" filter would have said
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Conversation)
            .where(coached_by(bram.id, Conversation.participant_id, Conversation.held_at))
        )
        == 2
    )


# --------------------------------------------------------------------------- every place that sets a coach


def test_intake_opens_the_history_with_the_chosen_coach(client, login_as):
    from tests.test_youths_views import intake_data

    me = login_as("coach")
    other = make_user("coach")
    assert client.post("/deelnemers/nieuw", data=intake_data(coach_id=str(other.id))).status_code == 303
    participant = db.session.scalar(select(Participant))
    [period] = coach_history.history(participant.id)
    assert (period.coach_id, period.ends_at, period.assigned_by_id, period.reason) == (
        other.id,
        None,
        me.id,
        "Aanmelding",
    )
    assert period.starts_at == participant.created_at


def test_editing_the_details_to_another_coach_is_a_handover_in_the_history(client, login_as):
    me = login_as("coach")
    other = make_user("coach")
    participant = make_participant(coach_id=me.id, created_at=T0, email=None, phone=None, address=None)
    form = {
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "highest_education": "vmbo",
        "coach_id": str(other.id),
    }
    assert client.post(f"/deelnemers/{participant.id}/gegevens", data=form).status_code == 303
    history = coach_history.history(participant.id)
    assert [(a.coach_id, a.ends_at is None) for a in history] == [(me.id, False), (other.id, True)]
    assert history[1].assigned_by_id == me.id
    assert db.session.get(Participant, participant.id).coach_id == other.id
    # Saving again without a change of coach adds nothing.
    assert client.post(f"/deelnemers/{participant.id}/gegevens", data=form).status_code == 303
    assert len(coach_history.history(participant.id)) == 2


def test_the_referral_import_gives_each_new_file_its_first_period(client, login_as):
    me = login_as("coach")
    second = make_user("coach")
    response = upload(client, csv_bytes(many_people(3)))
    assert response.status_code == 303
    job_id = db.session.scalar(select(func.max(ReferralImport.id)))
    if response.headers["Location"].endswith("/koppelen"):
        assert map_columns(client, job_id).status_code == 303
    assert client.post(f"/aanmeldlijsten/{job_id}/importeren").status_code == 303
    db.session.expire_all()
    people = db.session.scalars(select(Participant).order_by(Participant.id)).all()
    assert len(people) == 3
    for person in people:
        assert periods(person.id) == [(person.coach_id, person.created_at, None)]
    assert {p.coach_id for p in people} == {me.id, second.id}


def test_bulk_loads_get_their_first_periods_in_one_statement(three):
    anna, _, _ = three
    bulk_participants(4, anna.id)
    assert db.session.scalar(select(func.count()).select_from(CoachAssignment)) == 4
    coach_history.open_first_periods()  # nothing twice
    assert db.session.scalar(select(func.count()).select_from(CoachAssignment)) == 4


def test_the_demo_data_has_a_period_for_every_participant(app):
    from demo import load_demo

    load_demo("perspectiefjaar-demo")
    total = db.session.scalar(select(func.count()).select_from(Participant))
    open_periods = db.session.scalar(
        select(func.count()).select_from(CoachAssignment).where(CoachAssignment.ends_at.is_(None))
    )
    mismatched = db.session.scalar(
        select(func.count())
        .select_from(CoachAssignment)
        .join(Participant, Participant.id == CoachAssignment.participant_id)
        .where(CoachAssignment.ends_at.is_(None), CoachAssignment.coach_id != Participant.coach_id)
    )
    assert total > 0 and open_periods == total and mismatched == 0


# --------------------------------------------------------------------------- the migration


def test_the_migration_rebuilds_earlier_periods_from_the_audit_log(fresh_database_url):  # noqa: F811
    revision = "6661a748b3aa"
    app = create_app(make_test_config(fresh_database_url))
    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        flask_migrate.upgrade(revision=ScriptDirectory.from_config(config).get_revision(revision).down_revision)
        users = [
            {"id": n, "email": f"c{n}@test.nl", "name": f"Coach {n}", "role": "coach", "password_hash": "x"}
            for n in (1, 2, 3)
        ]
        db.session.execute(insert(db.metadata.tables["user_account"]), users)
        base = {"last_name": "Jong", "date_of_birth": date(2000, 1, 1), "referral_source": "rmc"}
        base |= {"start_date": date(2025, 1, 1), "end_date": date(2026, 1, 1), "created_at": T0}
        base |= {"portal_session_version": 1, "reminder_channel": "email"}
        insert_old_participants(
            [
                {"id": 1, "first_name": "Audit", "coach_id": 3} | base,  # 1 -> 2 -> 3 in the audit log
                {"id": 2, "first_name": "Stil", "coach_id": 2} | base,  # no audit rows: one period
                {"id": 3, "first_name": "Zonder", "coach_id": None} | base,  # never had a coach
            ]
        )
        audit = [
            ("create", T0, 1, {"first_name": [None, "Audit"], "coach_id": [None, 1]}),
            ("update", T1, 1, {"phone": [None, "06"]}),  # another field: no period
            ("update", T1, 1, {"coach_id": [1, 2]}),
            ("update", T2, 99, {"coach_id": [2, 3]}),  # an actor without an account: by nobody
        ]
        db.session.execute(
            insert(AuditLog.__table__),
            [
                {"at": at, "actor_id": actor, "action": action, "object_type": "participant", "object_id": 1}
                | {"changes": changes, "result": "ok"}
                for action, at, actor, changes in audit
            ],
        )
        db.session.commit()
        flask_migrate.upgrade(revision=revision)
        rows = db.session.execute(
            select(
                CoachAssignment.participant_id,
                CoachAssignment.coach_id,
                CoachAssignment.starts_at,
                CoachAssignment.ends_at,
                CoachAssignment.assigned_by_id,
            ).order_by(CoachAssignment.participant_id, CoachAssignment.starts_at, CoachAssignment.id)
        ).all()
        assert rows == [
            (1, 1, T0, T1, None),
            (1, 2, T1, T2, 1),
            (1, 3, T2, None, None),
            (2, 2, T0, None, None),
            (3, None, T0, None, None),
        ]
        assert coach_id_at(1, datetime(2026, 2, 1)) == 1 and coach_id_at(1, datetime(2026, 7, 1)) == 3
        db.session.remove()
        db.engine.dispose()
