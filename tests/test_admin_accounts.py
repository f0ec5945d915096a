"""Beheer creates, edits and invites accounts in the browser; the set-password link (48 hours, once);
the second-factor reset asks for confirmation. The rules are the ones `flask users` uses."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from blueprints.auth import accounts
from core.input import CONTROL_MESSAGE
from models import AuditLog, OutboxMessage, PasswordSetLink, User, db, utcnow
from tests.conftest import make_org, make_user
from tests.factories_auth import make_enrolled_user, sign_in

NEW_PASSWORD = "lange-zin-met-vier-woorden"


@pytest.fixture
def inbox(app, smtp_server):
    host, port, messages = smtp_server
    app.config.update(SMTP_HOST=host, SMTP_PORT=port, SMTP_USER=None, MAIL_FROM="perspectiefjaar@hengelo.test")
    return messages


def _link_path(mail) -> str:
    body = mail.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(/wachtwoord-instellen/\S+)", body)
    assert match, body
    return match.group(1)


def _new_user(client, **data):
    form = {"name": "Sanne Vos", "email": "sanne@roc.test", "role": "coach", "organisation": ""}
    form.update(data)
    return client.post("/beheer/gebruikers/nieuw", data=form)


def test_beheer_creates_a_partner_who_gets_a_working_link_once(app, client, login_as, inbox):
    org = make_org("ROC van Twente")
    login_as("beheer")
    assert "Nieuwe gebruiker" in client.get("/beheer/gebruikers").text
    assert client.get("/beheer/gebruikers/nieuw").status_code == 200
    response = _new_user(client, role="partner", organisation=str(org.id), email=" Sanne@ROC.test ")
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "sanne@roc.test"))
    assert user.role == "partner" and user.organisation_id == org.id and user.active
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "password_link_sent"))
    [mail] = inbox.to("sanne@roc.test")
    path = _link_path(mail)
    token = path.rsplit("/", 1)[1]
    # Only the hash is kept: not in the link table, not in the stored outbox copy.
    assert db.session.scalar(select(PasswordSetLink)).token_hash != token
    assert token not in db.session.scalar(select(OutboxMessage)).body

    visitor = app.test_client()
    page = visitor.get(path)
    assert page.status_code == 200 and "sanne@roc.test" in page.text
    weak = visitor.post(path, data={"new_password": "kort", "new_password_again": "kort"})
    assert weak.status_code == 422 and "minstens 12 tekens" in weak.text
    done = visitor.post(path, data={"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"].endswith("/inloggen")
    # A partner signs in with the new password and then sets up the authenticator app, as before.
    signed = app.test_client().post("/inloggen", data={"email": "sanne@roc.test", "password": NEW_PASSWORD})
    assert signed.status_code == 303 and "/inloggen/tweede-stap" in signed.headers["Location"]
    # The link works once.
    assert visitor.get(path).status_code == 404
    again = visitor.post(path, data={"new_password": "nog-een-andere-zin", "new_password_again": "nog-een-andere-zin"})
    assert again.status_code == 404 and "werkt niet meer" in again.text


def test_the_link_expires_after_48_hours(app):
    user = make_user("coach")
    now = utcnow()
    token = accounts.create_password_link(user, None, now=now)
    db.session.commit()
    assert accounts.open_password_link(token, now + timedelta(hours=47, minutes=59)) is not None
    assert accounts.open_password_link(token, now + timedelta(hours=48)) is None
    assert accounts.open_password_link("x" * 500) is None and accounts.open_password_link("onbekend") is None


def test_an_expired_link_gives_404(app, client):
    user = make_user("coach")
    token = accounts.create_password_link(user, None, now=utcnow() - timedelta(hours=49))
    db.session.commit()
    assert client.get(f"/wachtwoord-instellen/{token}").status_code == 404


def test_a_new_link_replaces_the_old_one(app):
    user = make_user("coach")
    first = accounts.create_password_link(user, None)
    second = accounts.create_password_link(user, None)
    db.session.commit()
    assert accounts.open_password_link(first) is None and accounts.open_password_link(second) is not None


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"email": "bestaat@roc.test"}, "Er bestaat al een gebruiker met e-mailadres bestaat@roc.test."),
        ({"name": "Sanne\x00Vos"}, CONTROL_MESSAGE),
        ({"name": "   "}, "Vul een naam in"),
        ({"email": "sanne\x07@roc.test"}, CONTROL_MESSAGE),
        ({"role": "partner"}, "Een partner hoort bij precies één organisatie"),
        ({"role": "baas"}, "Kies een rol."),
        ({"role": "partner", "organisation": "99999999999999999999"}, "Een partner hoort bij precies één organisatie"),
        ({"role": "partner", "organisation": "١"}, "Een partner hoort bij precies één organisatie"),
        # A full-width look-alike of an existing address would be a second account for the same name.
        ({"email": "ｂｅｓｔａａｔ@roc.test"}, "Gebruik in het e-mailadres geen accenten, brede of bijzondere tekens."),
    ],
)
def test_bad_input_gets_a_dutch_message_422_and_saves_nothing(client, login_as, data, field_message):
    make_user("coach", email="bestaat@roc.test")
    login_as("beheer")
    before = db.session.scalar(select(db.func.count(User.id)))
    response = _new_user(client, **data)
    assert response.status_code == 422
    assert field_message in response.text
    assert db.session.scalar(select(db.func.count(User.id))) == before
    assert db.session.scalar(select(OutboxMessage)) is None


def test_the_municipality_is_no_partner_organisation(client, login_as):
    municipality = make_org(name="Gemeente Hengelo", kind="gemeente")
    login_as("beheer")
    response = _new_user(client, role="partner", organisation=str(municipality.id))
    assert response.status_code == 422 and "De gemeente is geen partnerorganisatie." in response.text


def test_a_coach_cannot_have_an_organisation(client, login_as):
    org = make_org()
    login_as("beheer")
    response = _new_user(client, organisation=str(org.id))
    assert response.status_code == 422 and "Alleen partners horen bij een organisatie." in response.text


def test_edit_changes_name_email_role_and_organisation_and_ends_sessions(app, client, login_as):
    org = make_org("Leerwerkloket")
    user = make_user("coach", name="Oud")
    other_browser = app.test_client()
    assert sign_in(other_browser, user).status_code == 303
    login_as("beheer")
    page = client.get(f"/beheer/gebruikers/{user.id}/wijzigen")
    assert page.status_code == 200 and 'value="Oud"' in page.text
    response = client.post(
        f"/beheer/gebruikers/{user.id}/wijzigen",
        data={"name": "Nieuw", "email": "nieuw@lwl.test", "role": "partner", "organisation": str(org.id)},
    )
    assert response.status_code == 303
    db.session.refresh(user)
    assert (user.name, user.email, user.role, user.organisation_id) == ("Nieuw", "nieuw@lwl.test", "partner", org.id)
    # The new role: the open browser with the old rights is signed out.
    assert other_browser.get("/start/coach").status_code == 302
    audit = db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "user_account", AuditLog.object_id == user.id)
    )
    assert any(a.action == "update" for a in audit)


def test_edit_keeps_the_email_unique_and_own_role(client, login_as):
    make_user("coach", email="bezet@test.nl")
    target = make_user("coach")
    me = login_as("beheer")
    taken = client.post(
        f"/beheer/gebruikers/{target.id}/wijzigen",
        data={"name": "X", "email": "bezet@test.nl", "role": "coach", "organisation": ""},
    )
    assert taken.status_code == 422 and "Er bestaat al een gebruiker" in taken.text
    own = client.post(
        f"/beheer/gebruikers/{me.id}/wijzigen",
        data={"name": "Ik", "email": me.email, "role": "coach", "organisation": ""},
    )
    assert own.status_code == 422 and "eigen rol" in own.text
    assert db.session.get(User, me.id).role == "beheer"


def test_an_sso_user_gets_a_break_glass_password_link(client, login_as, inbox):
    user = make_user("coach", oidc_subject="oid-123")
    login_as("beheer")
    page = client.get(f"/beheer/gebruikers/{user.id}/wijzigen")
    assert "Stuur link om wachtwoord in te stellen" in page.text and "gemeenteaccount" in page.text
    assert client.post(f"/beheer/gebruikers/{user.id}/wachtwoordlink").status_code == 303
    [mail] = inbox.to(user.email)
    assert "/wachtwoord-instellen/" in _link_path(mail)


def test_disable_from_the_page_ends_sessions(app, client, login_as):
    user = make_user("coach")
    browser = app.test_client()
    assert sign_in(browser, user).status_code == 303
    login_as("beheer")
    assert client.post(f"/beheer/gebruikers/{user.id}/uitzetten").status_code == 303
    assert browser.get("/start/coach").status_code == 302
    # A disabled account's link does not work either.
    token = accounts.create_password_link(user, None)
    db.session.commit()
    assert client.get(f"/wachtwoord-instellen/{token}").status_code == 404


def test_second_factor_reset_needs_the_confirmation(client, login_as):
    user = make_enrolled_user("partner")
    login_as("beheer")
    table = client.get("/beheer/gebruikers").text
    assert f'href="/beheer/gebruikers/{user.id}/tweede-stap-herstellen"' in table
    confirm = client.get(f"/beheer/gebruikers/{user.id}/tweede-stap-herstellen")
    assert confirm.status_code == 200 and "Ja, tweede stap herstellen" in confirm.text
    unconfirmed = client.post(f"/beheer/gebruikers/{user.id}/tweede-stap-herstellen")
    assert unconfirmed.status_code == 422
    assert db.session.get(User, user.id).totp_enabled_at is not None
    confirmed = client.post(f"/beheer/gebruikers/{user.id}/tweede-stap-herstellen", data={"confirmed": "ja"})
    assert confirmed.status_code == 303
    assert db.session.get(User, user.id).totp_enabled_at is None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "totp_reset", AuditLog.object_id == user.id))


def test_access_logs_mask_the_set_password_token():
    import logging

    from core.security import SigningTokenFilter

    record = logging.LogRecord(
        "werkzeug", logging.INFO, "", 0, "%s", ("GET /wachtwoord-instellen/geheim-token-1234567 HTTP/1.1",), None
    )
    SigningTokenFilter().filter(record)
    assert "geheim-token" not in record.getMessage() and "/wachtwoord-instellen/***" in record.getMessage()
