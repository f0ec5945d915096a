"""The audit log: every change recorded in the same transaction, secrets masked, a filterable page."""

from datetime import timedelta

from sqlalchemy import select

from core.audit import record
from models import AuditLog, Organisation, db, utcnow
from tests.conftest import make_org, make_user


def entries(**where):
    query = select(AuditLog).order_by(AuditLog.id)
    for key, value in where.items():
        query = query.where(getattr(AuditLog, key) == value)
    return list(db.session.scalars(query))


def test_create_update_delete_are_recorded_with_before_and_after(app):
    org = make_org("Bouwbedrijf Hengelo", "werkgever")
    created = entries(object_type="organisation", action="create")
    assert created[-1].object_id == org.id
    assert created[-1].changes["name"] == [None, "Bouwbedrijf Hengelo"]

    org.name = "Bouwbedrijf Hengelo BV"
    db.session.commit()
    updated = entries(object_type="organisation", action="update")[-1]
    assert updated.changes == {"name": ["Bouwbedrijf Hengelo", "Bouwbedrijf Hengelo BV"]}

    db.session.delete(org)
    db.session.commit()
    deleted = entries(object_type="organisation", action="delete")[-1]
    assert deleted.changes["name"] == ["Bouwbedrijf Hengelo BV", None]


def test_audit_row_is_written_in_the_same_transaction(app):
    db.session.add(Organisation(name="Teruggedraaid", kind="werkgever"))
    db.session.flush()
    db.session.rollback()
    assert entries(object_type="organisation") == []


def test_passwords_and_secrets_never_reach_the_log(app):
    user = make_user("partner")
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    db.session.commit()
    for entry in entries(object_type="user_account"):
        text = str(entry.changes)
        assert user.password_hash not in text
        assert "JBSWY3DPEHPK3PXP" not in text
    assert entries(object_type="user_account", action="create")[-1].changes["password_hash"] == [None, "***"]


def test_log_lines_cannot_be_forged_with_newlines(app):
    record(db.session, "login_failed", object_type="user_account", changes={"email": (None, "x\nFAKE ENTRY")})
    db.session.commit()
    assert "\n" not in entries(action="login_failed")[-1].changes["email"][1]


def test_sign_in_success_failure_and_sign_out_are_logged(client):
    user = make_user("coach", email="lotte@hengelo.test")
    client.post("/inloggen", data={"email": "lotte@hengelo.test", "password": "fout-wachtwoord-123"})
    client.post("/inloggen", data={"email": "lotte@hengelo.test", "password": "juist-paard-batterij-nietje"})
    client.post("/uitloggen")
    actions = [e.action for e in entries(object_type="user_account", object_id=user.id)]
    assert actions[-3:] == ["login_failed", "login", "logout"]
    assert all("juist-paard" not in str(e.changes) for e in entries())


def test_beheer_filters_the_audit_log_and_paginates(client, login_as):
    login_as("beheer")
    make_org("Zichtbaar BV", "werkgever")
    for i in range(30):  # 30 actions (one transaction each outside a request): 25 per page
        record(db.session, "view", object_type="participant", object_id=i + 1)
        db.session.commit()

    page = client.get("/beheer/auditlog?object_type=organisation")
    assert page.status_code == 200
    assert "Zichtbaar BV" in page.text
    assert "Deelnemer #" not in page.text

    first = client.get("/beheer/auditlog?object_type=participant")
    assert "Pagina 1 van 2" in first.text
    second = client.get("/beheer/auditlog?object_type=participant&pagina=2", headers={"HX-Request": "true"})
    assert second.status_code == 200
    assert "<html" not in second.text
    assert "Pagina 2 van 2" in second.text

    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    future = client.get(f"/beheer/auditlog?date_from={tomorrow}")
    assert "Geen regels gevonden" in future.text


def test_audit_log_output_is_escaped(client, login_as):
    login_as("beheer")
    make_org('<script>alert("x")</script>', "werkgever")
    page = client.get("/beheer/auditlog")
    assert '<script>alert("x")</script>' not in page.text
    assert "&lt;script&gt;" in page.text
