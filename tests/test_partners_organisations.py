"""Beheer manages organisations and their partner accounts (create, disable, enable)."""

from flask import Flask

from models import AuditLog, Organisation, User, db
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


def test_beheer_creates_a_partner_user_with_a_hashed_password(client, login_as):
    login_as("beheer")
    org = make_org()
    other = make_org("Provincie Overijssel", "overheid")
    response = client.post(
        f"/partners/organisaties/{org.id}/gebruikers/nieuw",
        data={
            "name": "Marloes Ten Hove",
            "email": "Marloes@ROC.test",
            "password": GOOD_PASSWORD,
            "role": "beheer",  # not on the form: ignored
            "organisation_id": other.id,  # idem
        },
    )
    assert response.status_code == 303
    user = db.session.scalar(db.select(User).filter_by(email="marloes@roc.test"))
    assert user.role == "partner"
    assert user.organisation_id == org.id
    assert user.password_hash.startswith("$argon2id$")
    assert GOOD_PASSWORD not in user.password_hash
    page = client.get(f"/partners/organisaties/{org.id}")
    assert "Marloes Ten Hove" in page.text
    assert "marloes@roc.test" in page.text


def test_partner_user_password_follows_the_policy(client, login_as):
    login_as("beheer")
    org = make_org()
    make_user("coach", email="bestaat@test.nl")
    response = client.post(
        f"/partners/organisaties/{org.id}/gebruikers/nieuw",
        data={"name": "", "email": "BESTAAT@test.nl", "password": "kort"},
    )
    assert response.status_code == 422
    assert "Vul de naam in." in response.text
    assert "Er is al een account met dit e-mailadres." in response.text
    assert "minstens 12 tekens" in response.text
    response = client.post(
        f"/partners/organisaties/{org.id}/gebruikers/nieuw",
        data={"name": "Piet", "email": "piet@roc.test", "password": "wachtwoord1234"},
    )
    assert response.status_code == 422
    assert "te bekend of te eenvoudig" in response.text
    assert db.session.scalar(db.select(db.func.count(User.id)).filter_by(organisation_id=org.id)) == 0


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
