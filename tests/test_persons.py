"""Persons and trajectories (issue #17 point 1): re-entry, the duplicate check at intake (a second step,
without JavaScript, audited), "opnieuw aanmelden" from a closed file, the referral import's linking, the
counts for the report and the migration that gives every existing participant its own person.

Runs on SQLite and (with TEST_DATABASE_URL) on PostgreSQL.
"""

from datetime import date

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import func, select

from app import create_app
from blueprints.youths import persons
from blueprints.youths.same_person import same_people
from models import AuditLog, Participant, Person, ReferralImport, db
from tests.conftest import make_participant, make_test_config
from tests.factories_referrals import csv_bytes, map_columns, person, upload
from tests.factories_youths import bulk_participants
from tests.test_migrations import fresh_database_url, insert_old_participants  # noqa: F401 (fixture)
from tests.test_youths_views import intake_data

BORN = date(2001, 5, 17)


@pytest.fixture
def coach(login_as):
    return login_as("coach", name="Lotte Jansen")


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def closed_file(first="Zoë", last="van der Berg", **kw) -> Participant:
    defaults = {"status": "afgerond", "outcome": "betaald_werk", "outcome_date": date(2025, 12, 1)}
    defaults |= {"start_date": date(2025, 1, 6), "end_date": date(2026, 1, 6)}
    return make_participant(first_name=first, last_name=last, date_of_birth=BORN, **(defaults | kw))


def intake(client, coach, **overrides):
    data = intake_data(first_name="Zoe", last_name="Van der  Berg", date_of_birth=BORN.isoformat())
    return client.post("/deelnemers/nieuw", data=data | {"coach_id": str(coach.id)} | overrides)


# --------------------------------------------------------------------------- the rule


def test_every_new_trajectory_gets_a_person_of_its_own(app):
    participant = make_participant(first_name="Daan", email="daan@example.nl")
    assert participant.person is not None
    assert (participant.person.full_name, participant.person.email) == (participant.full_name, "daan@example.nl")
    bulk_participants(3)
    assert count(Participant, Participant.person_id.is_(None)) == 0
    assert count(Person) == 4
    make_participant(first_name="Eva")  # the bulk rows' person ids are not handed out twice
    assert count(Person) == 5


@pytest.mark.parametrize(
    "name, born, found",
    [
        ("Zoe van der Berg", BORN, True),  # accent
        ("ZOË VAN DER BERG", BORN, True),  # case
        ("Zoë  vanderBerg ", BORN, True),  # spacing
        ("Zoë van-der-Berg", BORN, True),  # punctuation
        ("Zoë Berg", BORN, False),  # another name
        ("Zoë van der Berg", date(2001, 5, 18), False),  # another date of birth
    ],
)
def test_the_duplicate_check_ignores_accents_spacing_and_case_but_not_the_date(app, name, born, found):
    earlier = closed_file()
    assert [p.id for p in same_people(name, born)] == ([earlier.person_id] if found else [])


def test_counts_of_persons_and_trajectories_follow_a_condition(app):
    earlier = closed_file()
    again = make_participant(first_name="Zoë", last_name="van der Berg", date_of_birth=BORN, person=earlier.person)
    make_participant(first_name="Daan", referral_source="rmc")
    assert persons.count_persons_and_trajectories() == persons.PersonCount(2, 3)
    zelfmelders = Participant.referral_source == "zelfmelder"
    assert persons.count_persons_and_trajectories(zelfmelders) == persons.PersonCount(1, 2)
    assert persons.trajectories_of(again).earlier == [earlier]
    assert persons.trajectories_of(earlier).later == [again]


# --------------------------------------------------------------------------- intake


def test_intake_of_someone_already_known_asks_first_and_saves_nothing(client, coach):
    earlier = closed_file()
    response = intake(client, coach)
    assert response.status_code == 200
    page = response.text
    assert "Is dit dezelfde persoon?" in page and "Zoë van der Berg" in page
    assert f'name="person" value="{earlier.person_id}"' in page and 'name="person" value="nieuw"' in page
    assert 'name="first_name" value="Zoe"' in page  # the intake's answers travel along in the form
    assert count(Participant) == 1


def test_the_same_person_gets_a_new_trajectory_audited(client, coach):
    earlier = closed_file()
    response = intake(client, coach, person=str(earlier.person_id))
    assert response.status_code == 303
    new = db.session.scalars(select(Participant).order_by(Participant.id.desc())).first()
    assert new.id != earlier.id and new.person_id == earlier.person_id
    assert persons.count_persons_and_trajectories() == persons.PersonCount(1, 2)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "same_person_linked"))
    assert entry.object_id == new.id
    assert entry.changes["persoon"][1] == earlier.person_id and entry.changes["eerdere trajecten"][1] == str(earlier.id)
    # Both files show the other trajectory.
    later_page = client.get(f"/deelnemers/{new.id}").text
    assert "Eerder:" in later_page and f"/deelnemers/{earlier.id}" in later_page
    earlier_page = client.get(f"/deelnemers/{earlier.id}").text
    assert "Later:" in earlier_page and f"/deelnemers/{new.id}" in earlier_page
    assert "Opnieuw aanmelden" not in earlier_page  # the person has an open trajectory now


def test_someone_else_with_the_same_name_gets_a_person_of_their_own_audited(client, coach):
    earlier = closed_file()
    assert intake(client, coach, person="nieuw").status_code == 303
    assert persons.count_persons_and_trajectories() == persons.PersonCount(2, 2)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "same_person_other"))
    assert entry.changes["niet dezelfde als persoon"][1] == str(earlier.person_id)


def test_a_person_with_a_running_trajectory_cannot_get_a_second_one(client, coach):
    running = closed_file(status="actief", outcome=None, outcome_date=None)
    page = intake(client, coach).text
    assert "heeft nu een lopend traject" in page
    assert f'name="person" value="{running.person_id}"' not in page  # no button to link
    refused = intake(client, coach, person=str(running.person_id))
    assert refused.status_code == 422 and "heeft al een lopend traject" in refused.text
    assert count(Participant) == 1


@pytest.mark.parametrize("value", ["abc", "-1", "12 ", "9" * 12, "0"])
def test_a_bad_person_value_is_refused_with_a_message(client, coach, value):
    closed_file()
    response = intake(client, coach, person=value)
    assert response.status_code == 422 and "Kies opnieuw of dit dezelfde persoon is." in response.text
    assert count(Participant) == 1


def test_an_unknown_person_is_refused_with_a_message(client, coach):
    response = intake(client, coach, person="987654")
    assert response.status_code == 422 and "Deze persoon bestaat niet (meer)." in response.text
    assert count(Participant) == 0


def test_a_new_name_without_a_match_is_registered_in_one_step(client, coach):
    closed_file()
    response = intake(client, coach, first_name="Noor")
    assert response.status_code == 303 and count(Participant) == 2
    assert count(AuditLog, AuditLog.action.in_(["same_person_linked", "same_person_other"])) == 0


# --------------------------------------------------------------------------- opnieuw aanmelden


def test_a_closed_file_offers_a_new_trajectory_with_the_details_filled_in(client, coach):
    earlier = closed_file(email="zoe@example.nl", phone="06 12345678", highest_education="vmbo")
    page = client.get(f"/deelnemers/{earlier.id}").text
    assert f"/deelnemers/nieuw?opnieuw={earlier.id}" in page
    form = client.get(f"/deelnemers/nieuw?opnieuw={earlier.id}").text
    assert "Opnieuw aanmelden" in form
    for value in ('value="Zoë"', 'value="van der Berg"', 'value="zoe@example.nl"', 'value="2001-05-17"'):
        assert value in form
    assert f'name="person" type="hidden" value="{earlier.person_id}"' in form
    # Posting it links straight away: the person was chosen on the closed file.
    data = intake_data(first_name="Zoë", last_name="van der Berg", date_of_birth=BORN.isoformat())
    response = client.post("/deelnemers/nieuw", data=data | {"coach_id": str(coach.id), "person": earlier.person_id})
    assert response.status_code == 303
    assert persons.count_persons_and_trajectories() == persons.PersonCount(1, 2)


def test_an_open_file_offers_no_new_trajectory(client, coach):
    running = make_participant(status="actief")
    assert "Opnieuw aanmelden" not in client.get(f"/deelnemers/{running.id}").text
    form = client.get(f"/deelnemers/nieuw?opnieuw={running.id}").text
    assert f'name="person" type="hidden" value="{running.person_id}"' not in form
    assert 'name="person" type="hidden" value=""' in form and running.last_name not in form
    assert client.get("/deelnemers/nieuw?opnieuw=99999999").status_code == 404


def test_editing_the_details_updates_the_person(client, coach):
    participant = make_participant(coach_id=coach.id, email=None, phone=None, address=None)
    form = {"first_name": "Sanne", "last_name": "de Vries", "highest_education": "vmbo", "coach_id": str(coach.id)}
    form["email"] = "sanne@example.nl"
    assert client.post(f"/deelnemers/{participant.id}/gegevens", data=form).status_code == 303
    person_row = db.session.get(Person, participant.person_id)
    assert (person_row.last_name, person_row.email) == ("de Vries", "sanne@example.nl")


# --------------------------------------------------------------------------- the referral import


def test_the_referral_import_links_a_returning_person_and_skips_a_running_one(client, coach):
    earlier = closed_file(first="Sanne", last="de Jong")  # the factory's person(): Sanne de Jong, 17-05-2001
    running = make_participant(first_name="Ali", last_name="Yilmaz", date_of_birth=date(2000, 3, 3))
    rows = [person(), person(first="Ali", infix="", last="Yilmaz", born="03-03-2000"), person(first="Noor")]
    response = upload(client, csv_bytes(rows))
    assert response.status_code == 303
    job_id = db.session.scalar(select(func.max(ReferralImport.id)))
    if response.headers["Location"].endswith("/koppelen"):
        assert map_columns(client, job_id).status_code == 303
    dry = client.get(f"/aanmeldlijsten/{job_id}").text
    assert "1 terugkeer" in dry and "Importeren (2 nieuw)" in dry
    assert client.post(f"/aanmeldlijsten/{job_id}/importeren").status_code == 303
    db.session.expire_all()
    assert count(Participant) == 4
    again = db.session.scalars(
        select(Participant).where(Participant.first_name == "Sanne").order_by(Participant.id.desc())
    ).first()
    assert again.id != earlier.id and again.person_id == earlier.person_id and again.status == "aangemeld"
    assert count(Participant, Participant.person_id == running.person_id) == 1
    linked = db.session.scalar(select(AuditLog).where(AuditLog.action == "same_person_linked"))
    assert linked.object_id == again.id and linked.changes["aanmeldlijst"][1] == job_id
    assert persons.count_persons_and_trajectories() == persons.PersonCount(3, 4)


# --------------------------------------------------------------------------- the migration


def test_the_migration_gives_every_participant_a_person_and_keeps_the_counts(fresh_database_url):  # noqa: F811
    revision = "2ec81137f3ea"
    app = create_app(make_test_config(fresh_database_url))
    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        parents = ScriptDirectory.from_config(config).get_revision(revision).down_revision
        for parent in parents if isinstance(parents, tuple) else (parents,):
            flask_migrate.upgrade(revision=parent)
        base = {"date_of_birth": BORN, "referral_source": "rmc", "start_date": date(2025, 1, 1)}
        base |= {"end_date": date(2026, 1, 1), "portal_session_version": 1, "reminder_channel": "email"}
        base |= {"email": None, "phone": None}
        insert_old_participants(
            [
                base | {"id": 1, "first_name": "Zoë", "last_name": "Berg", "email": "z@example.nl"},
                base | {"id": 2, "first_name": "Zoe", "last_name": "Berg"},  # the same name: not merged
                base | {"id": 5, "first_name": "Daan", "last_name": "Smit", "phone": "06 1"},
            ]
        )
        db.session.commit()
        flask_migrate.upgrade(revision=revision)
        pairs = db.session.execute(select(Participant.id, Participant.person_id).order_by(Participant.id)).all()
        assert pairs == [(1, 1), (2, 2), (5, 5)]
        first = db.session.get(Person, 1)
        assert (first.full_name, first.date_of_birth, first.email) == ("Zoë Berg", BORN, "z@example.nl")
        assert db.session.get(Person, 5).phone == "06 1"
        assert persons.count_persons_and_trajectories() == persons.PersonCount(3, 3)
        new = Person(first_name="Eva", last_name="Ster", date_of_birth=BORN)  # the id sequence moved on
        db.session.add(new)
        db.session.commit()
        assert new.id == 6
        db.session.remove()
        db.engine.dispose()


# --------------------------------------------------------------------------- the report


def test_the_report_counts_persons_and_trajectories_separately_and_says_so(client, login_as):
    earlier = closed_file()  # 2025, afgerond
    make_participant(
        first_name="Zoë",
        last_name="van der Berg",
        date_of_birth=BORN,
        person=earlier.person,
        start_date=date(2026, 2, 2),
    )
    make_participant(first_name="Daan", start_date=date(2026, 3, 2))
    from blueprints.reports.figures import Filters, build_report

    whole = build_report(Filters())
    assert (whole.persons.persons, whole.persons.trajectories) == (2, 3)
    assert whole.statuses.total == 3  # every other figure counts trajectories
    year = build_report(Filters(year=2025))  # only Zoë's first trajectory was in the pilot in 2025
    assert (year.persons.persons, year.persons.trajectories) == (1, 1)
    login_as("coach")
    page = client.get("/rapportage/").get_data(as_text=True)
    assert "3 trajecten van 2 personen" in page
