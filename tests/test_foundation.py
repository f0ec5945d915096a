"""Foundation: settings, health check, page-or-fragment rendering, error pages, CSRF, demo data."""

import base64
import hashlib
from pathlib import Path

import pytest
from flask import Blueprint, url_for
from sqlalchemy import func, select

import config
from app import create_app
from core.access import PUBLIC, allow
from core.htmx import render
from models import Organisation, Participant, User, db
from tests.conftest import make_test_config

ROOT = Path(__file__).resolve().parents[1]


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        create_app()


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/pj")
    settings = config.from_environment()
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/pj"
    assert settings["SESSION_COOKIE_SECURE"] is True


def test_default_database_is_sqlite_under_instance(monkeypatch):
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = config.from_environment()
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert "/instance/" in settings["SQLALCHEMY_DATABASE_URI"]


def test_htmx_is_pinned_with_sri_matching_the_npm_file():
    assert "htmx.org@2.0.11" in config.HTMX_URL
    npm_file = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
    if not npm_file.exists():
        pytest.skip("node_modules/htmx.org ontbreekt: voer 'npm ci' uit")
    digest = base64.b64encode(hashlib.sha384(npm_file.read_bytes()).digest()).decode()
    assert config.HTMX_SRI == f"sha384-{digest}"


def test_page_includes_htmx_with_integrity_and_safe_config(client, login_as):
    login_as("coach")
    html = client.get("/start/coach").text
    assert f'src="{config.HTMX_URL}" integrity="{config.HTMX_SRI}" crossorigin="anonymous"' in html
    assert '"allowEval":false' in html and '"selfRequestsOnly":true' in html and '"historyCacheSize":0' in html
    assert '<a class="skip-link" href="#inhoud">' in html
    assert '<main id="inhoud"' in html and 'aria-label="Hoofdmenu"' in html


def test_healthz_reports_database_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "niet ingesteld"}


def test_render_gives_fragment_only_to_real_htmx_requests(_schema):
    app = create_app(make_test_config(_schema))
    bp = Blueprint("probe", __name__, template_folder=str(ROOT / "tests" / "templates"))

    @bp.route("/probe")
    @allow(PUBLIC)
    def probe():
        return render("probe_page.html", "probe_partial.html")

    app.register_blueprint(bp)
    client = app.test_client()
    page = client.get("/probe")
    assert "<html" in page.text and "FRAGMENT" in page.text
    assert "HX-Request" in page.headers["Vary"]
    fragment = client.get("/probe", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "FRAGMENT" in fragment.text
    assert "HX-Request" in fragment.headers["Vary"]
    for extra in ({"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}):
        full = client.get("/probe", headers={"HX-Request": "true", **extra})
        assert "<html" in full.text


def test_404_is_dutch_with_incident_id(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text
    assert "Foutcode" in response.text


def test_500_is_dutch_without_stack_trace(_schema):
    app = create_app(make_test_config(_schema, TESTING=False, PROPAGATE_EXCEPTIONS=False))

    @app.route("/stuk")
    @allow(PUBLIC)
    def broken():
        raise RuntimeError("geheime details uit de database")

    response = app.test_client().get("/stuk")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.text
    assert "Foutcode" in response.text
    assert "geheime details" not in response.text
    assert "Traceback" not in response.text


def _post_endpoints(app):
    """Every POST route with dummy ids filled in (CSRF is checked before the object is loaded)."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods:
                yield rule.endpoint, url_for(rule.endpoint, **{arg: 1 for arg in rule.arguments})


def test_every_post_without_csrf_token_is_refused(_schema):
    app = create_app(make_test_config(_schema, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    endpoints = list(_post_endpoints(app))
    assert endpoints, "er zijn POST-routes om te controleren"
    for endpoint, url in endpoints:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(url, data={"x": "1"}, headers=headers)
            assert response.status_code == 400, f"{endpoint} ({url}) accepteerde een POST zonder CSRF-token"


def test_htmx_post_with_csrf_header_is_accepted(_schema):
    app = create_app(make_test_config(_schema, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    login_page = client.get("/inloggen").text
    token = login_page.split('"X-CSRFToken": "')[1].split('"')[0]
    response = client.post("/inloggen", data={"email": "a@b.nl", "password": "x"}, headers={"X-CSRFToken": token})
    assert response.status_code == 422  # past CSRF, refused as a wrong password


def test_demo_data_is_refused_in_production(_schema):
    from demo import DemoRefused, load_demo

    app = create_app(make_test_config(_schema, APP_ENV="production"))
    with app.app_context(), pytest.raises(DemoRefused):
        load_demo("perspectiefjaar-demo")


def test_demo_load_creates_the_pilot_and_the_eight_accounts(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load", "--if-empty"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    emails = set(db.session.scalars(select(User.email)))
    for email in [
        "coach@hengelo.test",
        "coach2@hengelo.test",
        "financien@hengelo.test",
        "beheer@hengelo.test",
        "roc@roc-twente.test",
        "leerwerkloket@leerwerkloket-twente.test",
        "provincie@overijssel.test",
        "werkgever@bouwbedrijf-hengelo.test",
    ]:
        assert email in emails
        assert email in result.output
    names = set(db.session.scalars(select(Organisation.name)))
    assert {"ROC van Twente", "Leerwerkloket Twente", "Provincie Overijssel", "Gemeente Hengelo"} <= names
    assert db.session.scalar(select(func.count(Organisation.id)).where(Organisation.kind == "werkgever")) >= 3
    participants = db.session.scalar(select(func.count(Participant.id)))
    assert 20 <= participants <= 40
    statuses = set(db.session.scalars(select(Participant.status).distinct()))
    assert statuses == {"aangemeld", "intake", "actief", "afgerond", "uitgevallen"}

    again = runner.invoke(args=["demo", "load", "--if-empty"], catch_exceptions=False)
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count(User.id))) == len(emails)


def test_every_link_on_each_demo_start_page_answers_without_error(app, client, login_as):
    app.test_cli_runner().invoke(args=["demo", "load"], catch_exceptions=False)
    import re

    for email in ["coach@hengelo.test", "financien@hengelo.test", "roc@roc-twente.test", "beheer@hengelo.test"]:
        user = db.session.scalar(select(User).where(User.email == email))
        login_as(user=user)
        start = client.get("/", follow_redirects=True)
        assert start.status_code == 200
        links = set(re.findall(r'href="(/[^"#]*)"', start.text))
        for link in sorted(links):
            response = client.get(link.replace("&amp;", "&"))
            assert response.status_code < 500, f"{email}: {link} gaf {response.status_code}"


def test_access_logs_never_hold_a_signing_token():
    import logging

    from core.security import SigningTokenFilter

    token = "AbCdEf0123456789_-xyzXYZ0123456789abcdef"
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        "",
        0,
        '%s "%s" %s',
        ("127.0.0.1", f"GET /tekenen/{token}/contract HTTP/1.1", "200"),
        None,
    )
    SigningTokenFilter().filter(record)
    assert token not in record.getMessage()
    assert "/tekenen/***/contract" in record.getMessage()


def test_beheer_start_page_counts_what_needs_attention(client, login_as):
    from blueprints.admin.overview import beheer_overview
    from core.audit import record
    from tests.conftest import make_user

    login_as("beheer")
    make_user("partner")  # a partner without a second factor yet
    record(db.session, "login_failed", object_type="user_account", result="denied")
    db.session.commit()
    page = client.get("/start/beheer")
    assert page.status_code == 200
    assert "partners en beheerders zonder ingestelde tweede factor" in page.text
    overview = beheer_overview()
    assert overview.failed_logins_24h == 1
    assert overview.without_second_factor == 2  # the new partner, and the beheer user of login_as


def test_production_logs_are_json_lines_with_the_incident_id():
    import json
    import logging

    from core.logs import JsonFormatter

    try:
        raise RuntimeError("kapot")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "perspectiefjaar.errors",
            logging.ERROR,
            "",
            0,
            "unexpected error incident=%s",
            ("ab12cd34",),
            sys.exc_info(),
        )
    record.incident = "ab12cd34"
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "ERROR" and entry["incident"] == "ab12cd34"
    assert entry["message"] == "unexpected error incident=ab12cd34" and "RuntimeError" in entry["exception"]
