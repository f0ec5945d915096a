"""Deny by default: every endpoint declares its roles; anonymous users go to the sign-in page."""

from app import create_app
from core.access import PUBLIC, allow
from tests.conftest import make_test_config

# Endpoints that anyone may use without signing in. Adding one here is a conscious decision.
PUBLIC_ENDPOINTS = {
    "static",
    "auth.login",
    "auth.second_step",
    # Only a working set-password link (48 hours, once; accounts.open_password_link) opens its form.
    "auth.set_password",
    # Single sign-on: start (CSRF-protected POST) and the provider's redirect back (state, nonce, PKCE).
    "auth.sso_start",
    "auth.sso_callback",
    "system.healthz",
    # The public verify page (issue 16): anyone holding a contract PDF checks it, rate-limited, no personal data.
    "verify.index",
    "verify.check",
    "verify.by_code",
}
# The participant's passwordless sign-in (Mijn Perspectiefjaar): a code by e-mail/SMS or a coach's QR code.
PUBLIC_ENDPOINTS |= {"mijn.login", "mijn.ask_code", "mijn.code", "mijn.qr"}
# A coach's calendar feed for Outlook: only its secret, revocable token (stored hashed) opens it.
PUBLIC_ENDPOINTS |= {"calendar.feed_ics"}


def undeclared_endpoints(app):
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "allowed_roles", None) is None
    )


def test_every_endpoint_declares_who_may_use_it(app):
    assert undeclared_endpoints(app) == []


def test_public_endpoints_are_exactly_the_known_ones(app):
    public = {
        rule.endpoint for rule in app.url_map.iter_rules() if PUBLIC in app.view_functions[rule.endpoint].allowed_roles
    }
    assert public <= PUBLIC_ENDPOINTS | {e for e in public if e.startswith("sign.")}


def test_a_route_without_declaration_is_caught_and_refused(_schema):
    app = create_app(make_test_config(_schema))

    @app.route("/vergeten")
    def forgotten():
        return "geheim"

    assert undeclared_endpoints(app) == ["forgotten"]
    response = app.test_client().get("/vergeten")
    assert response.status_code == 403
    assert "geheim" not in response.text


def test_anonymous_user_is_sent_to_sign_in_with_next(client):
    response = client.get("/beheer/auditlog")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen?next=/beheer/auditlog")


def test_anonymous_htmx_request_gets_client_redirect(client):
    response = client.get("/beheer/auditlog", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/inloggen")


def test_wrong_role_gets_dutch_403_page(client, login_as):
    login_as("coach")
    response = client.get("/beheer/auditlog")
    assert response.status_code == 403
    assert "Geen toegang" in response.text
    assert "Foutcode" in response.text


def test_allow_needs_a_role():
    import pytest

    with pytest.raises(ValueError):
        allow()


def test_each_role_lands_on_its_own_start_page(client, login_as):
    expected = {
        "coach": "/start/coach",
        "financien": "/start/financien",
        "partner": "/start/partner",
        "beheer": "/start/beheer",
    }
    for role, path in expected.items():
        login_as(role)
        response = client.get("/")
        assert response.headers["Location"] == path
        page = client.get(path)
        assert page.status_code == 200
        assert '<html lang="nl">' in page.text
        for other_role, other_path in expected.items():
            if other_role != role:
                assert client.get(other_path).status_code == 403
