"""The beheer page of all users: list with role, organisation, status and second factor; disable, enable, reset."""

from sqlalchemy import select

from blueprints.auth.totp import new_recovery_codes
from models import AuditLog, RecoveryCode, User, db
from tests.conftest import count_queries, make_org, make_user
from tests.factories_auth import make_enrolled_user, sign_in, totp_code


def test_only_beheer_sees_the_users_page(client, login_as):
    assert client.get("/beheer/gebruikers").status_code == 302
    for role in ("coach", "financien", "partner"):
        login_as(role)
        assert client.get("/beheer/gebruikers").status_code == 403
        assert client.post(f"/beheer/gebruikers/{1}/uitzetten").status_code == 403
    login_as("beheer")
    assert client.get("/beheer/gebruikers").status_code == 200


def test_list_shows_role_organisation_status_and_second_factor(client, login_as):
    org = make_org("Leerwerkloket Twente", "leerwerkloket")
    make_enrolled_user("partner", organisation=org, name="Sander Oude Luttikhuis")
    make_user("partner", organisation=org, name="Nog Niet Ingesteld")
    make_user("coach", name="Lotte <b>Jansen</b>", active=False)
    login_as("beheer", name="Bram de Vries")
    page = client.get("/beheer/gebruikers")
    text = page.text
    assert "Sander Oude Luttikhuis" in text and "Leerwerkloket Twente" in text
    assert "Ingesteld" in text and "Nog niet ingesteld" in text and "Niet nodig" in text
    assert "Uitgezet" in text and "Lotte &lt;b&gt;Jansen&lt;/b&gt;" in text
    assert "Uw eigen account" in text
    assert page.headers["Cache-Control"] == "no-store"
    fragment = client.get("/beheer/gebruikers", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "Sander Oude Luttikhuis" in fragment.text
    assert 'href="/beheer/gebruikers"' in client.get("/start/beheer").text


def test_list_uses_a_fixed_number_of_queries(client, login_as):
    login_as("beheer")

    def queries():
        with count_queries() as n:
            assert client.get("/beheer/gebruikers").status_code == 200
        return n()

    for i in range(3):
        make_user("partner", organisation=make_org(f"Org {i}"))
    few = queries()
    for i in range(3, 15):
        make_user("partner", organisation=make_org(f"Org {i}"))
    assert queries() == few


def test_disable_ends_the_sessions_and_enable_lets_in_again(app, client, login_as):
    victim_client = app.test_client()
    victim = make_user("coach")
    assert sign_in(victim_client, victim).status_code == 303
    assert victim_client.get("/start/coach").status_code == 200

    login_as("beheer")
    response = client.post(f"/beheer/gebruikers/{victim.id}/uitzetten")
    assert response.status_code == 303 and response.headers["Location"] == "/beheer/gebruikers"
    assert db.session.get(User, victim.id).active is False
    assert victim_client.get("/start/coach").status_code == 302
    assert sign_in(victim_client, victim).status_code == 422

    htmx = client.post(f"/beheer/gebruikers/{victim.id}/aanzetten", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"] == "/beheer/gebruikers"
    assert sign_in(victim_client, victim).status_code == 303
    actions = [r.action for r in db.session.scalars(select(AuditLog))]
    assert "user_disabled" in actions and "user_enabled" in actions


def test_beheer_cannot_disable_or_reset_their_own_account(client, login_as):
    me = login_as("beheer")
    client.post(f"/beheer/gebruikers/{me.id}/uitzetten")
    client.post(f"/beheer/gebruikers/{me.id}/tweede-stap-herstellen")
    assert db.session.get(User, me.id).active is True
    assert client.get("/beheer/gebruikers").status_code == 200


def test_reset_second_factor_is_audited_and_forces_a_new_enrolment(app, client, login_as):
    partner = make_enrolled_user("partner")
    new_recovery_codes(partner)
    db.session.commit()
    partner_client = app.test_client()
    assert sign_in(partner_client, partner).status_code == 303

    login_as("beheer")
    assert (
        client.post(f"/beheer/gebruikers/{partner.id}/tweede-stap-herstellen", data={"confirmed": "ja"}).status_code
        == 303
    )
    fresh = db.session.get(User, partner.id)
    assert fresh.totp_secret is None and fresh.totp_enabled_at is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == partner.id)).all() == []
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "totp_reset")).one()
    assert entry.object_id == partner.id and entry.actor_label.startswith("beheer")
    assert partner_client.get("/start/partner").status_code == 302  # its session ended
    # the next sign-in goes through enrolment again
    partner_client.post("/inloggen", data={"email": partner.email, "password": "juist-paard-batterij-nietje"})
    assert "Tweede stap instellen" in partner_client.get("/inloggen/tweede-stap").text


def test_unknown_user_id_is_404(client, login_as):
    login_as("beheer")
    for action in ("uitzetten", "aanzetten", "tweede-stap-herstellen"):
        assert client.post(f"/beheer/gebruikers/999999/{action}").status_code == 404


def test_actions_need_post(client, login_as):
    user = make_user("coach")
    login_as("beheer")
    assert client.get(f"/beheer/gebruikers/{user.id}/uitzetten").status_code == 405
    assert db.session.get(User, user.id).active is True


def test_totp_code_helper_matches_the_app(app):
    user = make_enrolled_user("partner")
    from blueprints.auth.totp import verify_totp

    assert verify_totp(user, totp_code(user.totp_secret))
    db.session.rollback()
