"""Security headers on every kind of response: pages, fragments, redirects, errors, static, health check."""

import pytest

from app import create_app
from core.access import PUBLIC, allow
from core.security import content_security_policy
from tests.conftest import make_test_config

CSP_PARTS = [
    "default-src 'self'",
    "script-src 'self' https://cdn.jsdelivr.net",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


def assert_security_headers(response, personal=True):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    for part in CSP_PARTS:
        assert part in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "*" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers  # plain http in these tests
    if personal:
        assert headers["Cache-Control"] == "no-store"


def test_csp_allows_only_the_cdn_host_for_scripts():
    script = next(p for p in content_security_policy().split("; ") if p.startswith("script-src"))
    assert script == "script-src 'self' https://cdn.jsdelivr.net"


def test_headers_on_a_full_page(client, login_as):
    login_as("beheer")
    response = client.get("/beheer/auditlog")
    assert response.status_code == 200
    assert_security_headers(response)


def test_headers_on_an_htmx_fragment(client, login_as):
    login_as("beheer")
    response = client.get("/beheer/auditlog", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.text
    assert_security_headers(response)


def test_headers_on_the_sign_in_page_and_a_refused_sign_in(client):
    assert_security_headers(client.get("/inloggen"))
    assert_security_headers(client.post("/inloggen", data={"email": "x@y.nl", "password": "verkeerd"}))


def test_headers_on_redirects(client):
    response = client.get("/beheer/auditlog")
    assert response.status_code == 302
    assert_security_headers(response)
    htmx = client.get("/beheer/auditlog", headers={"HX-Request": "true"})
    assert htmx.status_code == 204
    assert_security_headers(htmx)


def test_headers_on_403_and_404(client, login_as):
    assert_security_headers(client.get("/bestaat-niet"))
    assert_security_headers(client.get("/bestaat-niet", headers={"HX-Request": "true"}))
    login_as("coach")
    forbidden = client.get("/beheer/auditlog")
    assert forbidden.status_code == 403
    assert_security_headers(forbidden)


def test_headers_on_405(client):
    response = client.get("/uitloggen")
    assert response.status_code == 405
    assert_security_headers(response)


def test_headers_on_a_500(_schema):
    app = create_app(make_test_config(_schema, TESTING=False, PROPAGATE_EXCEPTIONS=False))

    @app.route("/kapot")
    @allow(PUBLIC)
    def broken():
        raise RuntimeError("stuk")

    client = app.test_client()
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get("/kapot", headers=headers)
        assert response.status_code == 500
        assert_security_headers(response)


def test_headers_on_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert_security_headers(response)


def test_headers_on_static_files_which_may_be_cached(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert_security_headers(response, personal=False)
    assert response.headers.get("Cache-Control") != "no-store"
    response.close()


@pytest.mark.parametrize("path", ["/inloggen", "/healthz", "/static/app.css", "/bestaat-niet"])
def test_hsts_only_over_https(client, path):
    secure = client.get(path, base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = client.get(path)
    assert "Strict-Transport-Security" not in plain.headers
    secure.close()
    plain.close()


def test_hsts_behind_a_trusted_proxy_that_terminates_https(_schema):
    app = create_app(make_test_config(_schema, TRUSTED_PROXIES=1))
    response = app.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers
    untrusted = (
        create_app(make_test_config(_schema)).test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    )
    assert "Strict-Transport-Security" not in untrusted.headers


def test_pages_carry_no_inline_script_or_style(client, login_as):
    for role, path in [("beheer", "/beheer/gebruikers"), ("coach", "/wachtwoord-wijzigen")]:
        login_as(role)
        text = client.get(path).text
        assert "<script>" not in text and " style=" not in text and " onclick=" not in text
    text = client.get("/inloggen").text
    assert " style=" not in text
