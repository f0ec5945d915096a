"""Sign-in and sign-out: generic message, safe `next`, fresh session, throttling, audit, password rules."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from blueprints.auth import throttle
from blueprints.auth.passwords import MAX_LENGTH, hash_password, password_problem, verify_password
from blueprints.auth.signin import GENERIC_FAILURE, check_password
from models import AuditLog, SignInThrottle, User, db, utcnow
from tests.conftest import TEST_PASSWORD, make_user

WRONG = "verkeerd-wachtwoord-1234"


def post_login(client, email, password, next_url=None):
    url = "/inloggen" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def failure_message(response) -> str:
    assert response.status_code == 422
    assert GENERIC_FAILURE in response.text
    return response.text


# --------------------------------------------------------------------------- sign-in


def test_coach_signs_in_and_lands_on_start(client, app):
    user = make_user("coach", email="lotte@hengelo.test")
    response = post_login(client, "Lotte@Hengelo.test ", TEST_PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert client.get("/start/coach").status_code == 200
    assert db.session.get(User, user.id).last_login_at is not None


@pytest.mark.parametrize("role", ["coach", "financien"])
def test_roles_without_second_factor_get_a_session_from_the_password(client, role):
    user = make_user(role)
    response = post_login(client, user.email, TEST_PASSWORD)
    assert response.status_code == 303
    with client.session_transaction() as session:
        assert session["_user_id"] == user.get_id()


def test_same_generic_message_for_unknown_user_wrong_password_and_disabled(client, app):
    make_user("coach", email="echt@hengelo.test")
    make_user("coach", email="uit@hengelo.test", active=False)

    def body(email, password):
        text = failure_message(post_login(client, email, password))
        main = text.split('<main id="inhoud"', 1)[1].split("</main>", 1)[0]
        main = re.sub(r'name="csrf_token" value="[^"]*"', "", main)  # a timestamped token differs per second
        return main.replace(email, "EMAIL")

    unknown = body("niemand@hengelo.test", WRONG)
    assert body("echt@hengelo.test", WRONG) == unknown
    assert body("uit@hengelo.test", TEST_PASSWORD) == unknown
    assert "bestaat niet" not in unknown


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "https://evil.com",
        "http://evil.com/start",
        "/\\evil.com",
        "\\\\evil.com",
        "javascript:alert(1)",
        "evil.com",
        "/\r\nSet-Cookie:x=1",
        "/\tevil",
    ],
)
def test_next_only_goes_to_local_paths(client, target):
    user = make_user("coach")
    response = client.post(
        "/inloggen", query_string={"next": target}, data={"email": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_next_to_a_local_path_is_followed(client):
    user = make_user("coach")
    response = client.post(
        "/inloggen", query_string={"next": "/start/coach?x=1"}, data={"email": user.email, "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/start/coach?x=1"


def test_sign_in_starts_a_new_session_without_old_keys(client):
    user = make_user("coach")
    with client.session_transaction() as session:
        session["planted"] = "door een aanvaller"
        session["_user_id"] = "999:1"
    post_login(client, user.email, TEST_PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == user.get_id()
        assert session.permanent
        assert "auth_at" in session


def test_signed_in_user_visiting_login_goes_home(client, login_as):
    login_as("coach")
    assert client.get("/inloggen").status_code == 302


def test_empty_form_is_refused_with_dutch_messages(client):
    response = client.post("/inloggen", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "Vul uw e-mailadres in." in response.text


def test_overlong_input_is_refused_not_a_500(client):
    response = client.post("/inloggen", data={"email": "a" * 5000 + "@x.nl", "password": "p" * 5000})
    assert response.status_code == 422


# --------------------------------------------------------------------------- throttling (more in test_auth_throttle.py)


def test_after_n_failures_even_the_right_password_is_refused_from_that_address_until_the_pause_passes(client):
    user = make_user("coach")
    for _ in range(throttle.PAIR_FREE):
        failure_message(post_login(client, user.email, WRONG))
    refused = post_login(client, user.email, TEST_PASSWORD)
    assert refused.status_code == 429 and re.search(r"Wacht [1-3]?\d seconden", refused.text)
    db.session.execute(update(SignInThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()  # the pause passes
    assert post_login(client, user.email, TEST_PASSWORD).status_code == 303


def test_a_success_resets_the_failure_counter(client):
    user = make_user("coach")
    for _ in range(throttle.PAIR_FREE - 1):
        post_login(client, user.email, WRONG)
    assert post_login(client, user.email, TEST_PASSWORD).status_code == 303
    client.post("/uitloggen")
    for _ in range(throttle.PAIR_FREE):
        failure_message(post_login(client, user.email, WRONG))  # a fresh count of free tries


def test_check_password_rules_without_http(app):
    user = make_user("coach", email="regels@hengelo.test")
    assert check_password("niemand@x.nl", WRONG).reason == "unknown"
    assert check_password("REGELS@hengelo.test", WRONG).reason == "wrong_password"
    assert check_password("regels@hengelo.test", TEST_PASSWORD).reason == "ok"
    user.active = False
    assert check_password("regels@hengelo.test", TEST_PASSWORD).reason == "disabled"
    db.session.rollback()


# --------------------------------------------------------------------------- sign-out and audit


def test_sign_out_ends_the_session(client, login_as):
    login_as("coach")
    response = client.post("/uitloggen")
    assert response.status_code == 303
    assert client.get("/start/coach").status_code == 302


def test_sign_out_needs_post(client, login_as):
    login_as("coach")
    assert client.get("/uitloggen").status_code == 405


def test_audit_has_success_failure_logout_and_never_the_password(client, app):
    user = make_user("coach", email="audit@hengelo.test")
    post_login(client, user.email, WRONG)
    post_login(client, "onbekend@hengelo.test", "ander-fout-wachtwoord")
    post_login(client, user.email, TEST_PASSWORD)
    client.post("/uitloggen")
    rows = db.session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    actions = [r.action for r in rows]
    assert actions.count("login_failed") == 2
    assert "login" in actions and "logout" in actions
    failed = [r for r in rows if r.action == "login_failed"]
    assert {r.result for r in failed} == {"denied"}
    assert failed[0].changes["reason"][1] == "wrong_password"
    assert failed[1].changes["email"][1] == "onbekend@hengelo.test"
    everything = json.dumps([[r.actor_label, r.changes, r.action, r.object_type] for r in rows])
    for secret in (WRONG, "ander-fout-wachtwoord", TEST_PASSWORD):
        assert secret not in everything
    assert all(r.ip == "127.0.0.1" for r in rows if r.action.startswith("log"))


# --------------------------------------------------------------------------- hashing and policy


def test_stored_hash_names_argon2id_and_its_parameters(app):
    user = make_user("coach")
    stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert TEST_PASSWORD not in stored
    assert verify_password(stored, TEST_PASSWORD)
    assert not verify_password(stored, TEST_PASSWORD + "x")
    assert hash_password(TEST_PASSWORD) != stored  # salted


def test_plaintext_is_nowhere_in_the_database_after_a_password_change(client, login_as):
    user = login_as("coach")
    new = "een-heel-nieuw-geheim-zinnetje"
    client.post(
        "/wachtwoord-wijzigen",
        data={"current_password": TEST_PASSWORD, "new_password": new, "new_password_again": new},
    )
    dump = json.dumps(
        [[r.changes, r.actor_label] for r in db.session.scalars(select(AuditLog))]
        + [[u.password_hash, u.email, u.name] for u in db.session.scalars(select(User))]
    )
    assert new not in dump and TEST_PASSWORD not in dump
    assert db.session.get(User, user.id).password_hash.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("kort", False),
        ("elf-tekens!", False),  # 11
        ("twaalf-teken", True),  # 12
        ("vier woorden in een zin", True),
        ("a" * 64 + "bcd", True),
        ("lange zin " * 6 + "abcd", True),  # 64 characters with spaces
        ("x1y2z3" * 21 + "ab", True),  # 128
        ("x1y2z3" * 22, False),  # 132: over the maximum
        ("password1234", False),
        ("PASSWORD1234", False),  # common, case-insensitive
        ("welkom123456", False),
        ("aaaaaaaaaaaaaaaa", False),  # too simple
        ("ababababababab", False),
        ("zonder-cijfers-of-hoofdletters", True),  # no composition rules
    ],
)
def test_password_policy(password, ok):
    assert (password_problem(password) is None) is ok


def test_password_policy_allows_at_least_64_and_refuses_the_email():
    assert MAX_LENGTH >= 64
    assert password_problem("lotte@hengelo.test", "Lotte@Hengelo.test") is not None
