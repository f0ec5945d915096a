"""Sessions: idle and absolute timeouts, server-side invalidation, cookie flags, changing the password."""

import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import itsdangerous.timed
import pytest

import config
from app import create_app
from blueprints.auth.signin import end_all_sessions
from models import User, db
from tests.conftest import TEST_PASSWORD, make_test_config, make_user

COOKIE = "pj_session"
NEW = "een-nieuw-lang-wachtwoord"


def captured_cookie(client) -> str:
    return client.get_cookie(COOKIE).value


def replay(client, value: str, path="/start/coach"):
    client.delete_cookie(COOKIE)
    client.set_cookie(COOKIE, value)
    return client.get(path)


def crafted_cookie(app, data: dict, age_seconds: int, monkeypatch) -> str:
    """A correctly signed session cookie as the app would have made it `age_seconds` ago."""
    serializer = app.session_interface.get_signing_serializer(app)
    with monkeypatch.context() as m:
        m.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: int(time.time()) - age_seconds)
        return serializer.dumps(data)


def session_data(user, auth_age=0) -> dict:
    return {
        "_user_id": user.get_id(),
        "_fresh": True,
        "_permanent": True,
        "auth_at": datetime.now(UTC).timestamp() - auth_age,
    }


# --------------------------------------------------------------------------- timeouts


def test_idle_timeout_is_30_minutes_not_flasks_31_days(app):
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=30)
    assert app.config["SESSION_ABSOLUTE_LIFETIME"] == timedelta(hours=12)


def test_session_used_29_minutes_ago_still_works(app, client, monkeypatch):
    user = make_user("coach")
    client.set_cookie(COOKIE, crafted_cookie(app, session_data(user), 29 * 60, monkeypatch))
    assert client.get("/start/coach").status_code == 200


def test_session_idle_for_more_than_30_minutes_is_refused(app, client, monkeypatch):
    user = make_user("coach")
    client.set_cookie(COOKIE, crafted_cookie(app, session_data(user), 31 * 60, monkeypatch))
    response = client.get("/start/coach")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen")


def test_each_request_renews_the_cookie_so_only_idle_time_counts(client, login_as):
    login_as("coach")
    response = client.get("/start/coach")
    cookie = response.headers.get("Set-Cookie", "")
    assert cookie.startswith(f"{COOKIE}=")
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert timedelta(minutes=29) < expires - datetime.now(UTC) <= timedelta(minutes=30)


def test_absolute_lifetime_of_12_hours(client, login_as):
    login_as("coach")
    with client.session_transaction() as session:
        session["auth_at"] = datetime.now(UTC).timestamp() - 11 * 3600
    assert client.get("/start/coach").status_code == 200
    with client.session_transaction() as session:
        session["auth_at"] = datetime.now(UTC).timestamp() - 12 * 3600 - 60
    response = client.get("/start/coach")
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_session_without_sign_in_time_is_refused(client, login_as):
    login_as("coach")
    with client.session_transaction() as session:
        del session["auth_at"]
    assert client.get("/start/coach").status_code == 302


# --------------------------------------------------------------------------- server-side invalidation


def test_captured_cookie_is_refused_after_sign_out(client, login_as):
    login_as("coach")
    assert client.get("/start/coach").status_code == 200
    stolen = captured_cookie(client)
    client.post("/uitloggen")
    assert replay(client, stolen).status_code == 302


def test_captured_cookie_is_refused_after_the_user_is_disabled(client, app, login_as):
    user = login_as("coach")
    stolen = captured_cookie(client)
    beheer = client.application.test_client()
    with beheer.session_transaction() as session:
        admin = make_user("beheer")
        session.update(session_data(admin))
    beheer.post(f"/beheer/gebruikers/{user.id}/uitzetten")
    assert db.session.get(User, user.id).active is False
    assert replay(client, stolen).status_code == 302


def test_captured_cookie_is_refused_after_a_password_change_elsewhere(client, app, login_as):
    user = login_as("coach")
    stolen = captured_cookie(client)
    other = client.application.test_client()
    with other.session_transaction() as session:
        session.update(session_data(user))
    response = other.post(
        "/wachtwoord-wijzigen",
        data={"current_password": TEST_PASSWORD, "new_password": NEW, "new_password_again": NEW},
    )
    assert response.status_code == 303
    assert other.get("/start/coach").status_code == 200  # the browser that changed it continues
    assert replay(client, stolen).status_code == 302  # every other session has ended


def test_bumping_the_session_version_ends_every_session(client, login_as):
    user = login_as("coach")
    end_all_sessions(user)
    db.session.commit()
    assert client.get("/start/coach").status_code == 302


def test_tampered_cookie_is_refused(client, login_as):
    login_as("coach")
    value = captured_cookie(client)
    assert replay(client, value[:-2] + ("AA" if not value.endswith("AA") else "BB")).status_code == 302


# --------------------------------------------------------------------------- cookie flags and settings


def test_session_cookie_is_httponly_samesite_lax_and_secure_when_configured(_schema):
    app = create_app(make_test_config(_schema, SESSION_COOKIE_SECURE=True))
    with app.app_context():
        user = make_user("coach")
        response = app.test_client().post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
        db.session.delete(db.session.get(User, user.id))
        db.session.commit()
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert timedelta(minutes=29) < expires - datetime.now(UTC) <= timedelta(minutes=30)


@pytest.mark.parametrize(
    ("env", "secure"), [("production", True), ("staging", True), ("test", True), ("development", False)]
)
def test_secure_cookie_everywhere_except_local_development(monkeypatch, env, secure):
    monkeypatch.setenv("APP_ENV", env)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    settings = config.from_environment()
    assert settings["SESSION_COOKIE_SECURE"] is secure
    assert config.DEFAULTS["SESSION_COOKIE_HTTPONLY"] is True
    assert config.DEFAULTS["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_remember_me_cookie_is_never_set(client):
    user = make_user("coach")
    response = client.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
    assert "remember_token" not in " ".join(response.headers.getlist("Set-Cookie"))


# --------------------------------------------------------------------------- change password page


def test_change_password_page_for_every_role(client, login_as):
    for role in ("coach", "financien", "partner", "beheer"):
        login_as(role)
        response = client.get("/wachtwoord-wijzigen")
        assert response.status_code == 200
        assert "Wachtwoord wijzigen" in response.text
        assert 'autocomplete="new-password"' in response.text


def test_change_password_needs_sign_in(client):
    assert client.get("/wachtwoord-wijzigen").status_code == 302


def test_change_password_then_sign_in_with_the_new_one(client, login_as):
    user = login_as("coach")
    response = client.post(
        "/wachtwoord-wijzigen",
        data={"current_password": TEST_PASSWORD, "new_password": NEW, "new_password_again": NEW},
    )
    assert response.status_code == 303
    assert client.get("/start/coach").status_code == 200
    fresh = client.application.test_client()
    assert fresh.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 422
    assert fresh.post("/inloggen", data={"email": user.email, "password": NEW}).status_code == 303


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "message"),
    [
        ("fout-huidig-wachtwoord", NEW, NEW, "current_password", "Uw huidige wachtwoord klopt niet."),
        (TEST_PASSWORD, "kort", "kort", "new_password", "minstens 12 tekens"),
        (TEST_PASSWORD, "password1234", "password1234", "new_password", "te bekend"),
        (TEST_PASSWORD, NEW, NEW + "x", "new_password_again", "niet gelijk"),
        (TEST_PASSWORD, TEST_PASSWORD, TEST_PASSWORD, "new_password", "ander wachtwoord dan uw huidige"),
    ],
)
def test_change_password_refusals_keep_the_old_password(client, login_as, current, new, again, field, message):
    user = login_as("coach")
    before = user.password_hash
    response = client.post(
        "/wachtwoord-wijzigen", data={"current_password": current, "new_password": new, "new_password_again": again}
    )
    assert response.status_code == 422
    assert message in response.text
    assert f'id="{field}-error"' in response.text
    assert db.session.get(User, user.id).password_hash == before
    assert client.get("/start/coach").status_code == 200  # still signed in


def test_change_password_htmx_fragment_and_redirect(client, login_as, htmx_headers):
    login_as("coach")
    fragment = client.get("/wachtwoord-wijzigen", headers=htmx_headers)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and 'hx-post="/wachtwoord-wijzigen"' in fragment.text
    bad = client.post(
        "/wachtwoord-wijzigen",
        data={"current_password": "fout", "new_password": NEW, "new_password_again": NEW},
        headers=htmx_headers,
    )
    assert bad.status_code == 422 and "<html" not in bad.text
    good = client.post(
        "/wachtwoord-wijzigen",
        data={"current_password": TEST_PASSWORD, "new_password": NEW, "new_password_again": NEW},
        headers=htmx_headers,
    )
    assert good.status_code == 204 and good.headers["HX-Redirect"] == "/"


def test_password_change_is_audited_without_the_password(client, login_as):
    from sqlalchemy import select

    from models import AuditLog

    user = login_as("coach")
    client.post(
        "/wachtwoord-wijzigen",
        data={"current_password": TEST_PASSWORD, "new_password": NEW, "new_password_again": NEW},
    )
    rows = db.session.scalars(select(AuditLog).where(AuditLog.object_id == user.id)).all()
    assert "password_changed" in [r.action for r in rows]
    update = next(r for r in rows if r.action == "update")
    assert update.changes["password_hash"] == ["***", "***"]
