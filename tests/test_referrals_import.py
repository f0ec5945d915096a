"""The bulk referral import end to end over HTTP and through the worker: upload, mapping, dry run, import.

Runs on SQLite and (with TEST_DATABASE_URL) on PostgreSQL.
"""

import io
import time
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from blueprints.referrals import jobs, rules
from blueprints.reports.figures import Filters, build_report
from models import AuditLog, Participant, ReferralImport, ReferralImportRow, ReferralMapping, StatusChange, db
from tests.conftest import make_participant, make_user
from tests.factories_referrals import csv_bytes, many_people, map_columns, person, upload, xlsx_bytes


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def job_of(response) -> ReferralImport:
    import_id = int(response.headers["Location"].rstrip("/").split("/")[-1].replace("koppelen", "") or 0)
    return db.session.get(ReferralImport, import_id)


def last_job() -> ReferralImport:
    return db.session.scalars(select(ReferralImport).order_by(ReferralImport.id.desc())).first()


def dry_run_file(client, data, filename="lijst.csv", **kw) -> ReferralImport:
    response = upload(client, data, filename, **kw)
    assert response.status_code == 303, response.get_data(as_text=True)
    job = last_job()
    if response.headers["Location"].endswith("/koppelen"):
        assert map_columns(client, job.id).status_code == 303
    db.session.expire_all()
    return db.session.get(ReferralImport, job.id)


@pytest.fixture
def coach(login_as):
    return login_as("coach")


# --------------------------------------------------------------------------- upload and mapping


def test_upload_then_mapping_then_dry_run_shows_every_row(client, coach):
    existing = make_participant(first_name="Sanne", last_name="de Jong", date_of_birth=date(2001, 5, 17))
    rows = [
        person(),  # already known
        person(first="Zoë", last="Çelik", born="31/12/2001"),  # new
        person(first="Jan", last="Klein", born="2005-01-01"),  # too young
        person(first='=HYPERLINK("http://x.test","klik")', last="Boos"),  # wrong
    ]
    response = upload(client, csv_bytes(rows))
    assert response.status_code == 303 and response.headers["Location"].endswith("/koppelen")
    job = last_job()
    page = client.get(f"/aanmeldlijsten/{job.id}/koppelen").get_data(as_text=True)
    assert "Kolommen koppelen" in page and "Zoë" in page  # preview of the first rows

    assert map_columns(client, job.id).status_code == 303
    body = client.get(f"/aanmeldlijsten/{job.id}").get_data(as_text=True)
    assert "Proefimport" in body and "Importeren (1 nieuw)" in body
    assert f"/deelnemers/{existing.id}" in body  # linked to the existing person
    assert "Op de startdatum is de deelnemer 21 jaar" in body
    assert "Voornaam: Begint met =" in body
    planned = dict(db.session.execute(select(ReferralImportRow.row_number, ReferralImportRow.planned)).all())
    assert planned == {2: rules.KNOWN, 3: rules.NEW, 4: rules.EXCLUDED, 5: rules.WRONG}


def test_the_dry_run_saves_nothing_for_participants(client, coach):
    make_participant()
    before = (count(Participant), count(StatusChange))
    job = dry_run_file(client, csv_bytes(many_people(20)))
    assert job.status == "proef"
    assert (count(Participant), count(StatusChange)) == before
    participant_audit = select(func.count()).where(AuditLog.object_type.in_(("participant", "status_change")))
    assert db.session.scalar(participant_audit) == 1  # only the participant made before the upload
    assert db.session.scalar(select(func.count()).where(ReferralImportRow.result.is_not(None))) == 0


def test_the_mapping_is_remembered_per_source(client, coach):
    dry_run_file(client, csv_bytes([person()]), source="werkplein")
    assert db.session.scalar(select(ReferralMapping.source)) == "werkplein"
    second = upload(client, csv_bytes([person(first="Ali")]), source="werkplein")
    assert second.status_code == 303 and not second.headers["Location"].endswith("/koppelen")
    assert last_job().status == "proef"
    other_source = upload(client, csv_bytes([person(first="Ali")]), source="rmc")
    assert other_source.headers["Location"].endswith("/koppelen")


def test_missing_required_columns_are_refused_with_a_message_at_the_field(client, coach):
    data = csv_bytes([["Sanne", "de Jong"]], header=["Voornaam", "Achternaam"])
    upload(client, data)
    job = last_job()
    response = map_columns(client, job.id, {"first_name": "Voornaam", "last_name": "Achternaam"})
    assert response.status_code == 422
    assert "Kies de kolom met de geboortedatum; die is verplicht." in response.get_data(as_text=True)
    assert last_job().status == "koppelen"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "leeg.csv", "Het bestand is leeg."),
        (b"%PDF-1.4 ...", "lijst.xlsx", "Dit is een PDF-bestand, geen lijst."),
        (bytes(range(256)) * 10, "lijst.csv", "Dit bestand is geen tekst."),
    ],
)
def test_a_wrong_file_gets_a_dutch_message_and_nothing_is_stored(client, coach, data, filename, message):
    response = upload(client, data, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(ReferralImport) == 0 and count(ReferralImportRow) == 0


def test_a_file_over_20_mb_is_refused(client, coach):
    data = csv_bytes(many_people(1)) + b"x" * (20 * 1024 * 1024)
    response = upload(client, data)
    assert response.status_code == 422
    assert "groter dan 20 MB" in response.get_data(as_text=True)
    assert count(ReferralImport) == 0


def test_upload_form_errors_are_at_the_field(client, coach):
    response = upload(client, csv_bytes([person()]), source="onbekend", start=date(2019, 1, 1))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Kies van wie de lijst komt." in body or "Geen geldige keuze" in body
    assert "Kies een startdatum tussen 2020" in body
    assert count(ReferralImport) == 0


# --------------------------------------------------------------------------- import


def test_import_creates_aangemeld_participants_with_source_date_and_chosen_coach(client, coach):
    other = make_user("coach", name="Tweede Coach")
    job = dry_run_file(
        client, xlsx_bytes([person(first="Zoë"), person(first="Anaïs", last="Çelik")]), "lijst.xlsx", coach_id=other.id
    )
    response = client.post(f"/aanmeldlijsten/{job.id}/importeren")
    assert response.status_code == 303
    db.session.expire_all()
    people = db.session.scalars(select(Participant).order_by(Participant.id)).all()
    assert [p.full_name for p in people] == ["Zoë de Jong", "Anaïs de Çelik"]
    for p in people:
        assert (p.status, p.referral_source, p.coach_id) == ("aangemeld", "rmc", other.id)
        assert p.start_date == date(2026, 9, 1) and p.end_date == date(2027, 9, 1)
    changes = db.session.scalars(select(StatusChange)).all()
    assert {(c.to_status, c.changed_on, c.changed_by_id) for c in changes} == {
        ("aangemeld", date(2026, 8, 1), coach.id)
    }
    job = db.session.get(ReferralImport, job.id)
    assert (job.status, job.processed_rows, job.created_rows) == ("klaar", 2, 2)


def test_new_people_are_spread_evenly_over_the_coaches(client, coach):
    second = make_user("coach")
    job = dry_run_file(client, csv_bytes(many_people(7)))
    client.post(f"/aanmeldlijsten/{job.id}/importeren")
    per_coach = dict(
        db.session.execute(select(Participant.coach_id, func.count()).group_by(Participant.coach_id)).all()
    )
    assert per_coach == {coach.id: 4, second.id: 3}


def test_the_import_and_every_rows_result_are_in_the_audit(client, coach):
    job = dry_run_file(client, csv_bytes([person(), person(born="01-01-2005", first="Jong")]))
    client.post(f"/aanmeldlijsten/{job.id}/importeren")
    entries = db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "referral_import").order_by(AuditLog.id)
    ).all()
    assert [e.action for e in entries] == ["referral_import_start", "referral_import"]
    done = entries[1].changes
    assert done["Aangemaakt"] == [None, 1] and done["regels Aangemaakt"] == [None, "2"]
    assert done["regels Niet in de doelgroep"] == [None, "3"]
    created = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "participant")).all()
    assert len(created) == 1 and created[0].actor_id == coach.id


def test_importing_the_same_file_again_creates_nothing_twice(client, coach):
    data = csv_bytes(many_people(30))
    first = dry_run_file(client, data)
    client.post(f"/aanmeldlijsten/{first.id}/importeren")
    assert count(Participant) == 30
    second = dry_run_file(client, data)
    assert jobs.verdict_counts(second.id)[rules.IMPORTED] == 30
    client.post(f"/aanmeldlijsten/{second.id}/importeren")  # nothing new: the button is refused politely
    overlapping = dry_run_file(client, csv_bytes(many_people(40, start=20)))
    assert jobs.verdict_counts(overlapping.id)[rules.NEW] == 30
    client.post(f"/aanmeldlijsten/{overlapping.id}/importeren")
    assert count(Participant) == 60


def test_starting_twice_imports_once(client, coach):
    job = dry_run_file(client, csv_bytes(many_people(5)))
    client.post(f"/aanmeldlijsten/{job.id}/importeren")
    client.post(f"/aanmeldlijsten/{job.id}/importeren")
    assert count(Participant) == 5


def test_the_unique_row_hash_refuses_a_second_participant_from_the_same_row(app, client, coach):
    job = dry_run_file(client, csv_bytes([person()]))
    client.post(f"/aanmeldlijsten/{job.id}/importeren")
    digest = db.session.scalar(select(ReferralImportRow.imported_hash))
    db.session.add(ReferralImportRow(import_id=job.id, row_number=99, cells=[], imported_hash=digest))
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.commit()
    db.session.rollback()


def test_an_interrupted_import_resumes_where_it_stopped(app, client, coach):
    """The worker dies after batch 2 of 5: nothing is lost or doubled, and another worker finishes it."""
    app.config["REFERRAL_IMPORT_WORKER"] = "none"
    job = dry_run_file(client, csv_bytes(many_people(50)))
    client.post(f"/aanmeldlijsten/{job.id}/importeren")
    assert jobs.run(job.id, "worker-a", max_batches=2, size=10) is False  # dies: its lease stays
    db.session.expire_all()
    assert (count(Participant), db.session.get(ReferralImport, job.id).processed_rows) == (20, 20)

    assert jobs.claim(job.id, "worker-b") is False  # the lease of the dead worker still runs
    body = client.get(f"/aanmeldlijsten/{job.id}").get_data(as_text=True)
    assert 'max="50" value="20"' in body and "20 van 50 regels" in body

    db.session.execute(ReferralImport.__table__.update().values(claimed_until=date.today() - timedelta(days=1)))
    db.session.commit()
    assert jobs.resumable_jobs() == [job.id]
    assert jobs.run(job.id, "worker-b", size=10) is True
    db.session.expire_all()
    assert count(Participant) == 50
    assert db.session.scalar(select(func.count(func.distinct(Participant.last_name)))) == 50
    assert db.session.get(ReferralImport, job.id).status == "klaar"


def test_a_worker_that_lost_its_lease_commits_nothing(app, client, coach):
    app.config["REFERRAL_IMPORT_WORKER"] = "none"
    job = dry_run_file(client, csv_bytes(many_people(10)))
    client.post(f"/aanmeldlijsten/{job.id}/importeren")
    assert jobs.claim(job.id, "worker-a")
    db.session.execute(ReferralImport.__table__.update().values(claimed_by="worker-b"))
    db.session.commit()
    with pytest.raises(jobs.LeaseLost):
        jobs.process_batch(job.id, "worker-a", size=5)
    assert count(Participant) == 0


def test_the_progress_poll_is_the_fragment_and_a_stalled_import_offers_resume(app, client, coach, htmx_headers):
    app.config["REFERRAL_IMPORT_WORKER"] = "none"
    job = dry_run_file(client, csv_bytes(many_people(3)))
    client.post(f"/aanmeldlijsten/{job.id}/importeren")
    fragment = client.get(f"/aanmeldlijsten/{job.id}", headers=htmx_headers).get_data(as_text=True)
    assert fragment.lstrip().startswith("{#") is False and "<html" not in fragment
    assert 'id="import-status"' in fragment and "Import hervatten" in fragment and "Vernieuw" in fragment
    app.config["REFERRAL_IMPORT_WORKER"] = "inline"
    assert client.post(f"/aanmeldlijsten/{job.id}/hervatten").status_code == 303
    db.session.expire_all()
    assert db.session.get(ReferralImport, job.id).status == "klaar" and count(Participant) == 3
    # The poll that sees the end reloads the whole page once; the plain page shows every result.
    done = client.get(f"/aanmeldlijsten/{job.id}", headers=htmx_headers)
    assert done.headers["HX-Refresh"] == "true"
    assert "Import klaar" in client.get(f"/aanmeldlijsten/{job.id}").get_data(as_text=True)


def test_the_cli_resumes_a_stalled_import(app, client, coach):
    app.config["REFERRAL_IMPORT_WORKER"] = "none"
    job = dry_run_file(client, csv_bytes(many_people(4)))
    client.post(f"/aanmeldlijsten/{job.id}/importeren")
    result = app.test_cli_runner().invoke(args=["referrals", "resume"])
    assert f"Import {job.id}: klaar; 4 van 4 regels verwerkt." in result.output
    assert count(Participant) == 4


def test_a_background_thread_imports_while_the_browser_only_watches(app, client, coach):
    app.config["REFERRAL_IMPORT_WORKER"] = "thread"
    job = dry_run_file(client, csv_bytes(many_people(30)))
    assert client.post(f"/aanmeldlijsten/{job.id}/importeren").status_code == 303
    for _ in range(100):
        db.session.expire_all()
        if db.session.get(ReferralImport, job.id).status == "klaar":
            break
        time.sleep(0.1)
    assert db.session.get(ReferralImport, job.id).status == "klaar"
    assert count(Participant) == 30
    actors = db.session.scalars(select(AuditLog.actor_id).where(AuditLog.object_type == "participant")).all()
    assert set(actors) == {coach.id}  # the thread acts for the user who started it


# --------------------------------------------------------------------------- result file and report


def test_the_result_file_has_one_row_per_input_row_and_never_a_formula(client, coach):
    formula = '=HYPERLINK("http://x.test","klik")'
    rows = [person(), person(first=formula), person(first="Ali", email="@SUM(1)"), person(first="Nul", last="Jo\x00ng")]
    job = dry_run_file(client, csv_bytes(rows))
    client.post(f"/aanmeldlijsten/{job.id}/importeren")
    response = client.get(f"/aanmeldlijsten/{job.id}/resultaat.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0][0] == "Regel" and values[0][-3] == "Resultaat"
    assert [v[0] for v in values[1:]] == [2, 3, 4, 5]
    assert [v[-3] for v in values[1:]] == ["Aangemaakt", "Fout in de regel", "Fout in de regel", "Fout in de regel"]
    assert "NUL-teken" in values[4][-2]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f" and not str(cell.value or "").startswith(("=", "@"))


def test_the_reports_inflow_by_referral_source_counts_imported_people(client, coach):
    make_participant(referral_source="werkplein", start_date=date(2026, 9, 1))
    job = dry_run_file(client, csv_bytes(many_people(6)), source="rmc")
    client.post(f"/aanmeldlijsten/{job.id}/importeren")
    assert build_report(Filters(referral="rmc")).inflow_total == 6
    assert build_report(Filters(referral="werkplein")).inflow_total == 1
    page = client.get("/rapportage/?verwijzer=rmc")
    assert page.status_code in (200, 302)


def test_finished_imports_forget_the_uploaded_cells_after_90_days_but_keep_the_results(app, client, coach):
    job = dry_run_file(client, csv_bytes(many_people(3)))
    client.post(f"/aanmeldlijsten/{job.id}/importeren")
    runner = app.test_cli_runner()
    assert "Van 0 import(s)" in runner.invoke(args=["referrals", "forget"]).output  # too recent
    db.session.execute(ReferralImport.__table__.update().values(finished_at=date.today() - timedelta(days=91)))
    db.session.commit()
    assert "Van 1 import(s) zijn de ingelezen gegevens gewist" in runner.invoke(args=["referrals", "forget"]).output
    rows = db.session.scalars(select(ReferralImportRow)).all()
    assert [r.cells for r in rows] == [[], [], []]
    assert [r.result for r in rows] == [rules.CREATED] * 3 and all(r.participant_id for r in rows)
    assert count(Participant) == 3
    assert "(gewist na 90 dagen)" in client.get(f"/aanmeldlijsten/{job.id}").get_data(as_text=True)


def test_discarding_an_upload_removes_its_rows(client, coach):
    job = dry_run_file(client, csv_bytes(many_people(3)))
    assert client.post(f"/aanmeldlijsten/{job.id}/weggooien").status_code == 303
    assert count(ReferralImport) == 0 and count(ReferralImportRow) == 0


def test_finance_and_partners_may_not_import(client, login_as):
    login_as("financien")
    assert client.get("/aanmeldlijsten/").status_code == 403
    assert upload(client, csv_bytes([person()])).status_code == 403
    assert count(ReferralImport) == 0


def test_beheer_may_import_but_gets_no_link_into_case_files(client, login_as):
    existing = make_participant(first_name="Sanne", last_name="de Jong", date_of_birth=date(2001, 5, 17))
    login_as("beheer")
    make_user("coach")
    job = dry_run_file(client, csv_bytes([person()]))
    body = client.get(f"/aanmeldlijsten/{job.id}").get_data(as_text=True)
    assert "Al bekend" in body and f"/deelnemers/{existing.id}" not in body
