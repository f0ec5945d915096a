"""Beheer manages organisations and their partner accounts (create, disable, enable)."""

from datetime import timedelta

import pytest
from flask import Flask

from blueprints.auth.passwords import verify_password
from models import AuditLog, Organisation, PasswordSetLink, User, db
from tests.conftest import IsolatedClient, make_org, make_user

GOOD_PASSWORD = "fiets-regen-appel-lantaarn"


def test_beheer_sees_organisations_with_counts(client, login_as, htmx_headers):
    login_as("beheer")
    roc = make_org("ROC van Twente", "onderwijs", contact_name="Marloes Ten Hove")
    make_user("partner", organisation=roc)
    make_user("partner", organisation=roc, active=False)
    page = client.get("/partners/organisaties")
    assert page.status_code == 200
    assert "ROC van Twente" in page.text
    assert "Marloes Ten Hove" in page.text
    assert "2 (1)" in page.text


def test_other_roles_cannot_manage_organisations(client, login_as):
    org = make_org()
    for role in ("coach", "financien", "partner"):
        login_as(role)
        assert client.get("/partners/organisaties").status_code == 403
        assert client.post("/partners/organisaties/nieuw", data={"name": "X", "kind": "werkgever"}).status_code == 403
        assert client.get(f"/partners/organisaties/{org.id}").status_code == 403


def test_create_organisation(client, login_as):
    login_as("beheer")
    response = client.post(
        "/partners/organisaties/nieuw",
        data={
            "name": "Bakkerij Hengelo",
            "kind": "werkgever",
            "contact_name": "Anja Bakker",
            "contact_email": "anja@bakkerij.test",
            "contact_phone": "074 123 45 67",
            "active": "y",
        },
    )
    assert response.status_code == 303
    org = db.session.scalar(db.select(Organisation).filter_by(name="Bakkerij Hengelo"))
    assert (org.kind, org.contact_phone, org.active) == ("werkgever", "074 123 45 67", True)


def test_bad_organisation_input_shows_dutch_errors_and_saves_nothing(client, login_as):
    login_as("beheer")
    make_org("ROC van Twente")
    response = client.post(
        "/partners/organisaties/nieuw",
        data={"name": "roc van twente", "kind": "geheim", "contact_email": "geen-mail", "contact_phone": "<script>"},
    )
    assert response.status_code == 422
    assert "Er is al een organisatie met deze naam." in response.text
    assert "Vul een geldig e-mailadres in" in response.text
    assert "Vul een geldig telefoonnummer in" in response.text
    assert "Ongeldige keuze" in response.text
    assert "<script>" not in response.text
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1


def test_edit_organisation_keeps_its_own_name_and_can_deactivate(client, login_as):
    login_as("beheer")
    org = make_org("Leerwerkloket Twente", "leerwerkloket")
    response = client.post(
        f"/partners/organisaties/{org.id}/bewerken",
        data={"name": "Leerwerkloket Twente", "kind": "leerwerkloket", "contact_name": "Sander"},
    )
    assert response.status_code == 303
    assert org.contact_name == "Sander"
    assert org.active is False  # an unticked checkbox
    assert client.get("/partners/organisaties/999/bewerken").status_code == 404


@pytest.fixture
def inbox(app, smtp_server):
    host, port, messages = smtp_server
    app.config.update(SMTP_HOST=host, SMTP_PORT=port, SMTP_USER=None, MAIL_FROM="perspectiefjaar@hengelo.test")
    return messages


def test_beheer_creates_a_partner_user_who_gets_the_set_password_mail(app, client, login_as, inbox):
    """The organisation page makes accounts the way beheer's user page does (`auth/accounts.py`)."""
    login_as("beheer")
    org = make_org()
    other = make_org("Provincie Overijssel", "overheid")
    page = client.get(f"/partners/organisaties/{org.id}/gebruikers/nieuw")
    assert 'type="password"' not in page.text and "48 uur" in page.text
    response = client.post(
        f"/partners/organisaties/{org.id}/gebruikers/nieuw",
        data={
            "name": "Marloes Ten Hove",
            "email": " Marloes@ROC.test ",
            "password": GOOD_PASSWORD,  # not on the form any more: ignored
            "role": "beheer",  # not on the form: ignored
            "organisation_id": other.id,  # idem
        },
    )
    assert response.status_code == 303
    user = db.session.scalar(db.select(User).filter_by(email="marloes@roc.test"))
    assert (user.role, user.organisation_id, user.active) == ("partner", org.id, True)
    assert user.password_hash.startswith("$argon2id$")
    assert not verify_password(user.password_hash, GOOD_PASSWORD)  # nobody knows it until the link is used
    link = db.session.scalar(db.select(PasswordSetLink).filter_by(user_id=user.id))
    assert link.expires_at - link.created_at == timedelta(hours=48)
    assert db.session.scalar(db.select(AuditLog).filter_by(action="password_link_sent", object_id=user.id))
    [mail] = inbox.to("marloes@roc.test")
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "als Partner" in body and "/wachtwoord-instellen/" in body and "48 uur" in body
    page = client.get(f"/partners/organisaties/{org.id}")
    assert "Marloes Ten Hove" in page.text
    assert "marloes@roc.test" in page.text


def test_partner_user_form_uses_the_one_account_rule(client, login_as):
    login_as("beheer")
    org = make_org()
    make_user("coach", email="bestaat@test.nl")
    response = client.post(
        f"/partners/organisaties/{org.id}/gebruikers/nieuw", data={"name": "", "email": "BESTAAT@test.nl"}
    )
    assert response.status_code == 422
    assert "Vul de naam in." in response.text
    assert "Er bestaat al een gebruiker met e-mailadres BESTAAT@test.nl." in response.text
    response = client.post(
        f"/partners/organisaties/{org.id}/gebruikers/nieuw", data={"name": "Piet\x07", "email": "piet@roc.test"}
    )
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(User.id)).filter_by(organisation_id=org.id)) == 0
    assert db.session.scalar(db.select(db.func.count(PasswordSetLink.id))) == 0


def test_disabling_a_partner_user_ends_their_sessions(app: Flask, client, login_as):
    org = make_org()
    partner = make_user("partner", organisation=org)
    partner_client = app.test_client()
    assert isinstance(partner_client, IsolatedClient)
    with partner_client.session_transaction() as session:
        from datetime import UTC, datetime

        session["_user_id"] = partner.get_id()
        session["_fresh"] = True
        session["auth_at"] = datetime.now(UTC).timestamp()
    assert partner_client.get("/start/partner").status_code == 200
    version = partner.session_version

    login_as("beheer")
    response = client.post(f"/partners/organisaties/{org.id}/gebruikers/{partner.id}/uitschakelen")
    assert response.status_code == 303
    assert partner.active is False
    assert partner.session_version == version + 1
    assert partner_client.get("/start/partner").status_code == 302  # the old cookie no longer works
    actions = db.session.scalars(db.select(AuditLog.action).filter_by(object_id=partner.id)).all()
    assert "user_disabled" in actions

    response = client.post(f"/partners/organisaties/{org.id}/gebruikers/{partner.id}/inschakelen")
    assert response.status_code == 303
    assert partner.active is True


def test_disable_as_htmx_returns_the_user_table(client, login_as, htmx_headers):
    login_as("beheer")
    org = make_org()
    partner = make_user("partner", organisation=org, name="Henk Brinkhuis")
    response = client.post(
        f"/partners/organisaties/{org.id}/gebruikers/{partner.id}/uitschakelen", headers=htmx_headers
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="organisatie-gebruikers">')
    assert "Uitgeschakeld" in response.text
    assert "<html" not in response.text
    fragment = client.get(f"/partners/organisaties/{org.id}", headers=htmx_headers)
    assert "Henk Brinkhuis" in fragment.text and "<html" not in fragment.text


def test_user_of_another_organisation_is_404(client, login_as):
    login_as("beheer")
    org = make_org()
    other = make_org("Provincie Overijssel", "overheid")
    partner = make_user("partner", organisation=other)
    coach = make_user("coach")
    for user in (partner, coach):
        for action in ("uitschakelen", "inschakelen"):
            assert client.post(f"/partners/organisaties/{org.id}/gebruikers/{user.id}/{action}").status_code == 404
    assert partner.active is True


def test_organisation_list_uses_a_fixed_number_of_queries(client, login_as):
    from tests.conftest import count_queries

    login_as("beheer")

    def measure():
        with count_queries() as n:
            assert client.get("/partners/organisaties").status_code == 200
        return n()

    make_org("Org 0")
    small = measure()
    for i in range(1, 8):
        org = make_org(f"Org {i}")
        make_user("partner", organisation=org)
    assert measure() == small
