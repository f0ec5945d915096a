"""The second factor (TOTP) for partner and beheer: never a session from a password alone."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from blueprints.auth import throttle
from blueprints.auth import totp as totp_rules
from blueprints.auth.signin import PENDING_KEY
from models import AuditLog, RecoveryCode, User, db
from tests.conftest import TEST_PASSWORD, make_user
from tests.factories_auth import make_enrolled_user, sign_in, totp_code

SECOND_STEP = "/inloggen/tweede-stap"


def password_step(client, user, password=TEST_PASSWORD, next_url=None):
    query = {"next": next_url} if next_url else None
    return client.post("/inloggen", query_string=query, data={"email": user.email, "password": password})


def wrong_code(secret: str) -> str:
    """A six-digit code that is not valid now (nor one step before or after)."""
    valid = {totp_code(secret, k) for k in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def session_keys(client) -> set:
    with client.session_transaction() as session:
        return set(session.keys())


def is_signed_in(client, role) -> bool:
    return client.get(f"/start/{role}").status_code == 200


# --------------------------------------------------------------------------- password alone is not enough


@pytest.mark.parametrize("role", ["partner", "beheer"])
@pytest.mark.parametrize("enrolled", [True, False])
def test_password_alone_never_yields_a_session(client, role, enrolled):
    user = make_enrolled_user(role) if enrolled else make_user(role)
    response = password_step(client, user)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(SECOND_STEP)
    keys = session_keys(client)
    assert "_user_id" not in keys
    assert PENDING_KEY in keys
    assert not is_signed_in(client, role)
    # the pages of the role still send the visitor to sign in, fragments included
    assert client.get("/", headers={"HX-Request": "true"}).status_code in (204, 302)


def test_pending_state_holds_only_id_version_time_and_method(client):
    user = make_enrolled_user("partner")
    password_step(client, user)
    with client.session_transaction() as session:
        pending = session[PENDING_KEY]
    assert set(pending) == {"user_id", "version", "at", "method"}  # "method": password or single sign-on
    assert pending["user_id"] == user.id and pending["version"] == user.session_version
    assert pending["method"] == "password"


def test_second_step_with_a_valid_code_starts_a_session(client):
    user = make_enrolled_user("beheer")
    password_step(client, user, next_url="/beheer/auditlog")
    page = client.get(SECOND_STEP)
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text
    response = client.post(SECOND_STEP + "?next=/beheer/auditlog", data={"code": totp_code(user.totp_secret)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/beheer/auditlog"
    keys = session_keys(client)
    assert PENDING_KEY not in keys and "_user_id" in keys and "auth_at" in keys
    assert is_signed_in(client, "beheer")


def test_second_step_refuses_a_foreign_next(client):
    user = make_enrolled_user("partner")
    password_step(client, user)
    response = client.post(SECOND_STEP + "?next=//evil.com", data={"code": totp_code(user.totp_secret)})
    assert response.headers["Location"] == "/"


def test_wrong_code_is_refused_with_a_dutch_message(client):
    user = make_enrolled_user("partner")
    password_step(client, user)
    response = client.post(SECOND_STEP, data={"code": wrong_code(user.totp_secret)})
    assert response.status_code == 422
    assert "Deze code klopt niet" in response.text
    assert not is_signed_in(client, "partner")


def test_second_step_without_pending_sign_in_goes_back_to_the_form(client):
    assert client.get(SECOND_STEP).headers["Location"] == "/inloggen"
    assert client.post(SECOND_STEP, data={"code": "123456"}).headers["Location"] == "/inloggen"


def test_pending_state_expires_after_ten_minutes(client):
    user = make_enrolled_user("partner")
    password_step(client, user)
    with client.session_transaction() as session:
        pending = dict(session[PENDING_KEY])
        pending["at"] -= 11 * 60
        session[PENDING_KEY] = pending
    response = client.post(SECOND_STEP, data={"code": totp_code(user.totp_secret)})
    assert response.headers["Location"] == "/inloggen"
    assert not is_signed_in(client, "partner")


def test_pending_state_dies_when_the_user_is_disabled_meanwhile(client):
    user = make_enrolled_user("partner")
    password_step(client, user)
    user.active = False
    user.session_version += 1
    db.session.commit()
    response = client.post(SECOND_STEP, data={"code": totp_code(user.totp_secret)})
    assert response.headers["Location"] == "/inloggen"


def test_forged_pending_state_without_password_is_useless(client):
    """The cookie is signed; a made-up pending key for another user cannot be created client-side."""
    user = make_enrolled_user("beheer")
    client.set_cookie("pj_session", f'{{"pending_2fa": {{"user_id": {user.id}}}}}')
    assert client.post(SECOND_STEP, data={"code": totp_code(user.totp_secret)}).headers["Location"] == "/inloggen"


# --------------------------------------------------------------------------- replay and recovery codes


def test_the_same_code_is_never_accepted_twice(client, app):
    user = make_enrolled_user("partner")
    code = totp_code(user.totp_secret)
    assert sign_in(client, user, code=code).status_code == 303
    client.post("/uitloggen")
    response = sign_in(client, user, code=code)
    assert response.status_code == 422
    assert not is_signed_in(client, "partner")
    # the next step's code still works
    assert client.post(SECOND_STEP, data={"code": totp_code(user.totp_secret, 1)}).status_code == 303


def test_verify_totp_rules_without_http(app):
    user = make_enrolled_user("partner")
    totp = pyotp.TOTP(user.totp_secret)
    now = time.time()
    assert totp_rules.verify_totp(user, totp.at(now - 30), now)  # one step of clock drift
    assert not totp_rules.verify_totp(user, totp.at(now - 30), now)  # used
    assert totp_rules.verify_totp(user, totp.at(now), now)
    assert not totp_rules.verify_totp(user, totp.at(now - 60), now)  # older than the last used
    assert not totp_rules.verify_totp(user, totp.at(now + 90), now)  # too far ahead
    assert not totp_rules.verify_totp(user, "12345", now)
    assert not totp_rules.verify_totp(user, "abcdef", now)
    db.session.rollback()


def test_recovery_code_works_once(client):
    user = make_enrolled_user("partner")
    codes = totp_rules.new_recovery_codes(user)
    db.session.commit()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", c) for c in codes)
    password_step(client, user)
    response = client.post(SECOND_STEP, data={"code": codes[3].lower().replace("-", " ")})
    assert response.status_code == 303
    assert "nog 9" in client.get("/start/partner").text
    client.post("/uitloggen")
    assert sign_in(client, user, code=codes[3]).status_code == 422
    assert sign_in(client, user, code=codes[4]).status_code == 303


def test_recovery_codes_are_stored_salted_and_hashed(app):
    user = make_enrolled_user("beheer")
    codes = totp_rules.new_recovery_codes(user)
    db.session.commit()
    stored = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10
    assert len({s.salt for s in stored}) == 10
    dump = " ".join(f"{s.salt} {s.secret_hash}" for s in stored)
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump
    assert all(re.fullmatch(r"[0-9a-f]{64}", s.secret_hash) for s in stored)


def test_wrong_codes_count_towards_the_throttle_of_this_address(client):
    user = make_enrolled_user("partner")
    password_step(client, user)
    wrong = wrong_code(user.totp_secret)
    for _ in range(throttle.PAIR_FREE - 1):  # the password was the first try of this address
        assert client.post(SECOND_STEP, data={"code": wrong}).status_code == 422
    # paused: even the right code is not looked at from this address for a while
    response = client.post(SECOND_STEP, data={"code": totp_code(user.totp_secret)})
    assert response.status_code == 429 and "Wacht" in response.text
    assert PENDING_KEY in session_keys(client)


def test_a_correct_password_does_not_reset_code_failures(client):
    user = make_enrolled_user("partner")
    wrong = wrong_code(user.totp_secret)
    for _ in range(throttle.PAIR_FREE):
        password_step(client, user)
        client.post(SECOND_STEP, data={"code": wrong})
    # 5 passwords + 5 codes were tries on this address: the right password now waits too
    assert password_step(client, user).status_code == 429


# --------------------------------------------------------------------------- enrolment


def test_first_sign_in_enrols_with_an_inline_svg_qr_code_and_the_secret_as_text(client):
    user = make_user("partner")
    password_step(client, user)
    page = client.get(SECOND_STEP)
    assert page.status_code == 200
    assert "Tweede stap instellen" in page.text
    secret = db.session.get(User, user.id).totp_secret
    assert secret and db.session.get(User, user.id).totp_enabled_at is None
    assert '<svg role="img"' in page.text and "<title>" in page.text
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page.text
    assert "style=" not in page.text and "<script>" not in page.text
    assert "http" not in page.text.split("<svg", 1)[1].split("</svg>")[0]  # nothing fetched from elsewhere


def test_enrolment_confirms_with_a_code_and_shows_ten_recovery_codes_once(client):
    user = make_user("beheer")
    password_step(client, user)
    client.get(SECOND_STEP)
    secret = db.session.get(User, user.id).totp_secret
    wrong = client.post(SECOND_STEP, data={"code": wrong_code(secret)})
    assert wrong.status_code == 422 and db.session.get(User, user.id).totp_enabled_at is None
    response = client.post(SECOND_STEP, data={"code": totp_code(secret)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([A-Z2-9]{4}(?:-[A-Z2-9]{4}){3})</code>", response.text)
    assert len(codes) == 10
    assert response.headers["Cache-Control"] == "no-store"
    assert db.session.get(User, user.id).totp_enabled_at is not None
    assert is_signed_in(client, "beheer")
    assert "totp_enrolled" in [a.action for a in db.session.scalars(select(AuditLog))]
    # shown once: the start page and a new sign-in do not show them again
    assert codes[0] not in client.get("/start/beheer").text
    client.post("/uitloggen")
    assert sign_in(client, user, code=codes[0]).status_code == 303


def test_a_new_password_step_gives_an_unenrolled_user_a_new_secret(client):
    user = make_user("partner")
    password_step(client, user)
    first = db.session.get(User, user.id).totp_secret
    password_step(client, user)
    assert db.session.get(User, user.id).totp_secret != first


def test_the_totp_secret_never_reaches_the_audit_log(client):
    user = make_user("partner")
    password_step(client, user)
    secret = db.session.get(User, user.id).totp_secret
    client.post(SECOND_STEP, data={"code": totp_code(secret)})
    dump = " ".join(str(r.changes) for r in db.session.scalars(select(AuditLog)))
    assert secret not in dump
    assert "***" in dump


# --------------------------------------------------------------------------- login_as and the demo


def test_login_as_gives_a_complete_session_for_partner_and_beheer(client, login_as):
    login_as("partner")
    assert is_signed_in(client, "partner")
    assert PENDING_KEY not in session_keys(client)
    login_as("beheer")
    assert is_signed_in(client, "beheer")


def test_demo_accounts_that_need_it_have_the_known_secret_enrolled(app, client):
    from demo import foundation

    foundation.load("perspectiefjaar-demo")
    db.session.commit()
    users = db.session.scalars(select(User)).all()
    for user in users:
        if user.role in ("partner", "beheer"):
            assert user.totp_secret == "JBSWY3DPEHPK3PXP" and user.totp_enabled_at is not None
        else:
            assert user.totp_secret is None
    beheer = next(u for u in users if u.email == "beheer@hengelo.test")
    assert sign_in(client, beheer, password="perspectiefjaar-demo").status_code == 303
    assert is_signed_in(client, "beheer")


def test_demo_secret_is_refused_in_production(app):
    user = make_enrolled_user("beheer", secret=totp_rules.DEMO_SECRET)
    assert totp_rules.verify_totp(user, totp_code(totp_rules.DEMO_SECRET))
    user.totp_last_step = None
    app.config["APP_ENV"] = "production"
    try:
        with pytest.raises(ValueError):
            totp_rules._TOTP(totp_rules.DEMO_SECRET)
        assert not totp_rules.verify_totp(user, totp_code(totp_rules.DEMO_SECRET, 1))
    finally:
        app.config["APP_ENV"] = "test"
        db.session.rollback()
