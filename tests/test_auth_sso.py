"""Staff single sign-on against a real OpenID Connect provider (oidc-provider-mock on 127.0.0.1).

Sign-in, sign-out, and refusal of a wrong issuer, audience, nonce, signature and of an expired token:
each refusal shows a Dutch message, signs nobody in and is audited as a failed sign-in. The account
rules (link by oid/sub, roles from groups, partners never) are tested without HTTP as well.
"""

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from blueprints.auth import oidc
from config import ConfigError
from models import AuditLog, User, db
from tests.conftest import make_user
from tests.factories_auth import make_enrolled_user, totp_code
from tests.oidc_provider import local_path, running_provider, set_person, sign_in_at_provider

CLIENT_ID = "perspectiefjaar-test"
GROUPS = {"coach": "grp-coach", "financien": "grp-financien", "beheer": "grp-beheer"}
ROLE_GROUPS = ",".join(f"{role}={group}" for role, group in GROUPS.items())


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def app_config(provider):
    return {
        "OIDC_ISSUER": provider.base_url,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": "test-secret",
        "OIDC_ROLE_GROUPS": ROLE_GROUPS,
    }


@pytest.fixture(autouse=True)
def _clean_provider(provider):
    provider.reset()
    yield
    provider.reset()


def person(provider, groups=("coach",), email=None, **claims):
    """A person at the provider; returns their `sub` (their `oid` is `oid-<sub>`)."""
    sub = uuid.uuid4().hex
    set_person(
        provider,
        sub,
        oid=f"oid-{sub}",
        preferred_username=email or f"{sub[:8]}@hengelo.nl",
        name="Kim de Vries",
        groups=[GROUPS[g] for g in groups],
        **claims,
    )
    return sub


def sso_sign_in(client, sub, next_url=None):
    """The whole journey: button on the sign-in page, provider's page, back to the app."""
    data = {"next": next_url} if next_url else {}
    start = client.post("/inloggen/gemeente", data=data)
    assert start.status_code == 303
    authorize_url = start.headers["Location"]
    assert authorize_url.startswith(oidc.settings().issuer)
    callback = sign_in_at_provider(authorize_url, sub)
    return client.get(local_path(callback))


def signed_in(client) -> bool:
    """The home route sends a signed-in user to their start page and anyone else to the sign-in page."""
    response = client.get("/")
    return response.status_code == 302 and not response.headers["Location"].startswith("/inloggen")


def failures():
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "login_failed").order_by(AuditLog.id))
    return [row.changes["reason"][1] for row in rows]


def login_page_text(client) -> str:
    return client.get("/inloggen").get_data(as_text=True)


# --------------------------------------------------------------------------- sign-in and sign-out


def test_new_coach_signs_in_through_group_and_lands_on_next(client, provider):
    sub = person(provider, groups=("coach",), email="Kim.de.Vries@hengelo.nl")
    response = sso_sign_in(client, sub, next_url="/deelnemers")
    assert response.status_code == 303
    assert response.headers["Location"] == "/deelnemers"
    assert signed_in(client)
    user = db.session.scalar(select(User).where(User.oidc_subject == f"oid-{sub}"))
    assert (user.email, user.role, user.name) == ("kim.de.vries@hengelo.nl", "coach", "Kim de Vries")
    login = db.session.scalar(select(AuditLog).where(AuditLog.action == "login"))
    assert login.actor_id == user.id and login.changes["method"][1] == "sso"
    with client.session_transaction() as session:
        assert session["_user_id"] == user.get_id()  # carries the session version
        assert session.permanent and "auth_at" in session  # idle and absolute timeout apply


def test_linked_account_keeps_the_role_beheer_gave_it(client, provider):
    sub = person(provider, groups=("coach",))
    user = make_user("financien", oidc_subject=f"oid-{sub}")
    assert sso_sign_in(client, sub).status_code == 303
    assert signed_in(client)
    db.session.refresh(user)
    assert user.role == "financien"
    assert db.session.scalar(select(db.func.count(User.id))) == 1


def test_sign_out_ends_the_session_here_and_at_the_provider(client, provider):
    sub = person(provider)
    sso_sign_in(client, sub)
    with client.session_transaction() as session:
        old_cookie_id = session["_user_id"]
    response = client.post("/uitloggen")
    assert response.status_code == 303
    end = urlsplit(response.headers["Location"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == provider.base_url + "/oauth2/end_session"
    query = parse_qs(end.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["post_logout_redirect_uri"] == ["http://localhost/inloggen"]
    assert not signed_in(client)
    # A captured cookie from before sign-out is refused (session version bumped).
    with client.session_transaction() as session:
        session["_user_id"] = old_cookie_id
        session["auth_at"] = datetime.now(UTC).timestamp()
    assert not signed_in(client)
    assert "U bent uitgelogd." in login_page_text(client)


def test_sso_session_offers_no_password_change(client, provider, login_as):
    sso_sign_in(client, person(provider))
    assert "Wachtwoord wijzigen" not in client.get("/start/coach").text


def test_beheer_sees_which_accounts_are_linked(client, login_as):
    make_user("coach", name="Gekoppelde Coach", oidc_subject="oid-1")
    make_user("coach", name="Losse Coach")
    login_as("beheer")
    page = client.get("/beheer/gebruikers").text
    assert '<th scope="col">Gemeenteaccount</th>' in page
    linked_row = page.split("Gekoppelde Coach")[1].split("</tr>")[0]
    loose_row = page.split("Losse Coach")[1].split("</tr>")[0]
    assert "Gekoppeld" in linked_row and "Niet gekoppeld" in loose_row


@pytest.mark.parametrize("provider_state", ["no-end-session-endpoint", "unreachable"])
def test_sign_out_ends_the_local_session_whatever_the_provider_does(app, client, provider, provider_state):
    sso_sign_in(client, person(provider))
    metadata = app.extensions[oidc.EXTENSION].oauth.create_client(oidc.CLIENT_NAME).server_metadata
    if provider_state == "unreachable":
        metadata.clear()  # forget what was fetched and look in a place where nothing listens
        app.extensions[oidc.EXTENSION].oauth.create_client(
            oidc.CLIENT_NAME
        )._server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
    else:
        metadata.pop("end_session_endpoint")
    response = client.post("/uitloggen")
    assert response.status_code == 303 and response.headers["Location"] == "/inloggen"
    assert not signed_in(client)


def test_password_sign_out_does_not_visit_the_provider(client, login_as):
    login_as("coach")
    response = client.post("/uitloggen")
    assert response.headers["Location"] == "/inloggen"


def test_absolute_lifetime_applies_to_sso_sessions(client, provider):
    sso_sign_in(client, person(provider))
    with client.session_transaction() as session:
        session["auth_at"] = (datetime.now(UTC) - timedelta(hours=13)).timestamp()
    assert not signed_in(client)


def test_beheer_via_sso_still_passes_the_second_factor(client, provider):
    sub = person(provider, groups=("beheer",))
    response = sso_sign_in(client, sub)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/inloggen/tweede-stap")
    assert not signed_in(client)
    with client.session_transaction() as session:
        assert session["pending_2fa"]["method"] == "sso"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "login_sso_ok")) is not None


def test_beheer_after_the_second_factor_is_an_sso_session_that_signs_out_at_the_provider(client, provider):
    sub = person(provider, groups=("beheer",))
    user = make_enrolled_user("beheer", oidc_subject=f"oid-{sub}")
    second_step = sso_sign_in(client, sub).headers["Location"]
    response = client.post(second_step, data={"code": totp_code(user.totp_secret)})
    assert response.status_code == 303 and signed_in(client)
    login = db.session.scalar(select(AuditLog).where(AuditLog.action == "login"))
    assert login.changes["factor"][1] == "totp"
    assert client.post("/uitloggen").headers["Location"].startswith(provider.base_url + "/oauth2/end_session")


def test_a_forged_authorization_code_is_refused(client, provider):
    start = client.post("/inloggen/gemeente")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    client.get(f"/inloggen/gemeente/terug?code=made-up-code&state={state}")
    assert not signed_in(client)
    assert failures() == ["sso_provider_invalid_grant"]


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("changes", "reason", "message"),
    [
        ({"iss": "https://login.example.com/other-tenant/v2.0"}, "sso_token_iss", "niet van de gemeente"),
        # azp names this app, so only a real audience check catches it (Authlib alone checks azp).
        ({"aud": "another-app", "azp": CLIENT_ID}, "sso_token_aud", "niet voor Perspectiefjaar bedoeld"),
        ({"nonce": "nonce-of-another-sign-in"}, "sso_token_nonce", "hoort niet bij"),
        ({"exp": 1_700_000_000, "iat": 1_699_990_000}, "sso_token_expired", "is verlopen"),
    ],
    ids=["wrong-issuer", "wrong-audience", "wrong-nonce", "expired"],
)
def test_untrustworthy_id_token_is_refused(client, provider, changes, reason, message):
    sub = person(provider)
    provider.tamper(**changes)
    response = sso_sign_in(client, sub)
    assert response.status_code == 303 and response.headers["Location"] == "/inloggen"
    assert message in login_page_text(client)
    assert not signed_in(client)
    assert failures() == [reason]
    assert db.session.scalar(select(User).where(User.oidc_subject == f"oid-{sub}")) is None


def test_the_same_token_with_only_a_fresh_signature_is_accepted(client, provider):
    """The tampering provider itself is sound: re-signing without changes signs in."""
    provider.tamper()
    assert sso_sign_in(client, person(provider)).status_code == 303
    assert signed_in(client)


def test_token_signed_with_an_unknown_key_is_refused(client, provider):
    sub = person(provider)
    provider.unpublished_key = True
    sso_sign_in(client, sub)
    assert not signed_in(client)
    assert len(failures()) == 1 and failures()[0].startswith("sso_token_")


def test_replayed_callback_is_refused(client, provider):
    sub = person(provider)
    start = client.post("/inloggen/gemeente")
    callback = local_path(sign_in_at_provider(start.headers["Location"], sub))
    assert client.get(callback).status_code == 303
    client.post("/uitloggen")
    client.get(callback)  # the state was used up with the first sign-in
    assert not signed_in(client)
    assert failures() == ["sso_state"]
    assert "verlopen of niet meer geldig" in login_page_text(client)


def test_abandoned_attempts_do_not_grow_the_session(client, provider):
    sub = person(provider)
    for _ in range(20):
        start = client.post("/inloggen/gemeente")
    with client.session_transaction() as session:
        assert len([key for key in session if key.startswith("_state_")]) == 1
    callback = sign_in_at_provider(start.headers["Location"], sub)
    assert client.get(local_path(callback)).status_code == 303
    assert signed_in(client)


def test_cancel_at_the_provider_is_refused(client, provider):
    start = client.post("/inloggen/gemeente")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    response = client.get(f"/inloggen/gemeente/terug?error=access_denied&state={state}")
    assert response.headers["Location"] == "/inloggen"
    assert "afgebroken of niet gelukt" in login_page_text(client)
    assert failures() == ["sso_provider_access_denied"]


def test_unknown_person_without_a_mapped_group_is_refused(client, provider):
    sub = person(provider, groups=())
    sso_sign_in(client, sub)
    assert not signed_in(client)
    assert "nog geen toegang tot Perspectiefjaar" in login_page_text(client)
    assert failures() == ["sso_no_role"]
    assert db.session.scalar(select(db.func.count(User.id))) == 0


def test_partner_never_signs_in_with_sso(client, provider):
    sub = person(provider, groups=("coach",))
    partner = make_user("partner", oidc_subject=f"oid-{sub}")
    sso_sign_in(client, sub)
    assert not signed_in(client)
    assert "Partners loggen in met hun e-mailadres en wachtwoord" in login_page_text(client)
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "login_failed"))
    assert (audit.object_id, audit.changes["reason"][1]) == (partner.id, "sso_partner")


def test_disabled_account_is_refused(client, provider):
    sub = person(provider)
    make_user("coach", oidc_subject=f"oid-{sub}", active=False)
    sso_sign_in(client, sub)
    assert not signed_in(client)
    assert failures() == ["sso_disabled"]


def test_provider_down_gives_a_message_not_an_error(app, client):
    app.extensions[oidc.EXTENSION].oauth.create_client(
        oidc.CLIENT_NAME
    )._server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
    response = client.post("/inloggen/gemeente")
    assert response.status_code == 303 and response.headers["Location"] == "/inloggen"
    assert "nu niet bereikbaar" in login_page_text(client)


def test_forms_may_lead_to_the_provider_and_nowhere_else(client, provider):
    """Chromium applies form-action to the redirect after a POST: sign-in and sign-out go to the provider."""
    policy = client.get("/inloggen").headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider.base_url};" in policy


def test_sign_in_page_shows_the_button_only_with_sso(client, app):
    page = login_page_text(client)
    assert "Inloggen met uw gemeenteaccount" in page
    assert 'action="/inloggen/gemeente"' in page


# --------------------------------------------------------------------------- rules without HTTP


def test_role_groups_setting():
    assert oidc.parse_role_groups("coach=a, coach=b ,beheer=c,") == {"a": "coach", "b": "coach", "c": "beheer"}
    assert oidc.parse_role_groups("") == {}
    for bad in ("partner=a", "coach", "coach=", "baas=a", "coach=a,beheer=a"):
        with pytest.raises(ConfigError):
            oidc.parse_role_groups(bad)


def test_subject_prefers_entra_oid_and_refuses_control_characters():
    assert oidc.subject_of({"sub": "pairwise", "oid": "object-id"}) == "object-id"
    assert oidc.subject_of({"sub": "s1"}) == "s1"
    assert oidc.subject_of({"sub": "a\x00b"}) is None
    assert oidc.subject_of({"sub": ""}) is None


def test_resolve_links_an_existing_account_only_for_the_same_role(app):
    role_groups = {"g-coach": "coach", "g-fin": "financien"}
    coach = make_user("coach", email="sam@hengelo.nl")
    make_user("beheer", email="boss@hengelo.nl")

    linked = oidc.resolve_account(
        {"sub": "s1", "preferred_username": "Sam@hengelo.nl", "groups": ["g-coach"]}, role_groups
    )
    assert (linked.reason, linked.user) == ("linked", coach) and coach.oidc_subject == "s1"
    # A coach group never takes over the beheer account that happens to share the address.
    claims = {"sub": "s2", "preferred_username": "boss@hengelo.nl", "groups": ["g-coach"]}
    taken = oidc.resolve_account(claims, role_groups)
    assert taken.reason == "email_taken"
    several = oidc.resolve_account({"sub": "s3", "email": "x@hengelo.nl", "groups": ["g-coach", "g-fin"]}, role_groups)
    assert several.reason == "several_roles"
    no_email = oidc.resolve_account({"sub": "s4", "groups": ["g-fin"]}, role_groups)
    assert no_email.reason == "no_email"
    created = oidc.resolve_account({"sub": "s5", "email": "new@hengelo.nl", "groups": ["g-fin"]}, role_groups)
    assert (created.reason, created.user.role, created.user.name) == ("created", "financien", "new@hengelo.nl")


def test_button_absent_and_routes_closed_without_sso(_schema):
    from app import create_app
    from tests.conftest import IsolatedClient, make_test_config

    plain = create_app(make_test_config(_schema))
    plain.test_client_class = IsolatedClient
    with plain.app_context():
        client = plain.test_client()
        assert "gemeenteaccount" not in client.get("/inloggen").get_data(as_text=True)
        assert client.post("/inloggen/gemeente").status_code == 404
        assert client.get("/inloggen/gemeente/terug?code=x&state=y").status_code == 404
        db.engine.dispose()


def test_beheer_links_an_account_by_hand_with_the_cli(app):
    coach = make_user("coach", email="noor@hengelo.nl")
    partner = make_user("partner", email="p@roc.test")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "link-sso", "noor@hengelo.nl", "oid-noor"])
    assert result.exit_code == 0, result.output
    db.session.refresh(coach)
    assert coach.oidc_subject == "oid-noor" and coach.role == "coach"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "sso_linked")).object_id == coach.id
    taken = runner.invoke(args=["users", "link-sso", partner.email, "oid-noor"])
    assert taken.exit_code != 0 and "Partners loggen niet in met single sign-on" in taken.output
    make_user("financien", email="fin@hengelo.nl")
    duplicate = runner.invoke(args=["users", "link-sso", "fin@hengelo.nl", "oid-noor"])
    assert duplicate.exit_code != 0 and "hoort al bij noor@hengelo.nl" in duplicate.output


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"OIDC_ROLE_GROUPS": "partner=grp"}, "OIDC_ROLE_GROUPS"),
        ({"OIDC_ISSUER": "https://idp.example", "OIDC_CLIENT_ID": ""}, "OIDC_CLIENT_ID ontbreekt"),
        ({"OIDC_ISSUER": "idp.example", "OIDC_CLIENT_ID": "x"}, "geen https-adres"),
    ],
)
def test_wrong_settings_stop_the_start(_schema, settings, message):
    from app import create_app
    from tests.conftest import make_test_config

    with pytest.raises(ConfigError, match=message):
        create_app(make_test_config(_schema, **settings))
