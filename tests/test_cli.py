"""`flask users create / disable / enable / reset-2fa` through Flask's CliRunner."""

import pytest
from sqlalchemy import select

from models import AuditLog, RecoveryCode, User, db
from tests.conftest import make_org, make_user
from tests.factories_auth import make_enrolled_user

GOOD = "lange-zin-als-wachtwoord"


def create(app, *args, password=GOOD, again=None):
    again = password if again is None else again
    return app.test_cli_runner().invoke(
        args=["users", "create", *args], input=f"{password}\n{again}\n", catch_exceptions=False
    )


def find(email):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_create_asks_the_password_twice_and_hashes_it(app):
    result = create(app, "--email", "Nieuw@Hengelo.test", "--name", "Nieuwe Coach", "--role", "coach")
    assert result.exit_code == 0, result.output
    assert "Wachtwoord" in result.output and "Herhaal het wachtwoord" in result.output
    user = find("nieuw@hengelo.test")
    assert user.role == "coach" and user.organisation_id is None and user.active
    assert user.password_hash.startswith("$argon2id$") and GOOD not in user.password_hash
    assert GOOD not in result.output


def test_create_prompts_for_everything_when_no_options_are_given(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create"], input=f"vraag@hengelo.test\nVraag Persoon\nfinancien\n{GOOD}\n{GOOD}\n"
    )
    assert result.exit_code == 0, result.output
    assert find("vraag@hengelo.test").role == "financien"


def test_create_refuses_two_different_passwords(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "a@hengelo.test", "--name", "A", "--role", "coach"],
        input=f"{GOOD}\niets-heel-anders-123\n",
    )
    assert result.exit_code != 0
    assert find("a@hengelo.test") is None


@pytest.mark.parametrize(("password", "message"), [("kort", "minstens 12"), ("password1234", "te bekend")])
def test_create_validates_the_password_policy(app, password, message):
    result = create(app, "--email", "b@hengelo.test", "--name", "B", "--role", "coach", password=password)
    assert result.exit_code != 0 and message in result.output
    assert find("b@hengelo.test") is None


def test_partner_needs_exactly_one_existing_organisation(app):
    make_org("ROC van Twente")
    missing = create(app, "--email", "p1@roc.test", "--name", "P", "--role", "partner")
    assert missing.exit_code != 0 and "organisatie" in missing.output.lower()
    unknown = create(app, "--email", "p1@roc.test", "--name", "P", "--role", "partner", "--organisation", "Nergens")
    assert unknown.exit_code != 0
    assert find("p1@roc.test") is None
    ok = create(app, "--email", "p1@roc.test", "--name", "P", "--role", "partner", "--organisation", "roc van twente")
    assert ok.exit_code == 0, ok.output
    assert find("p1@roc.test").organisation.name == "ROC van Twente"
    assert "tweede stap" in ok.output


def test_only_partners_belong_to_an_organisation(app):
    make_org("ROC van Twente")
    result = create(
        app, "--email", "c@hengelo.test", "--name", "C", "--role", "coach", "--organisation", "ROC van Twente"
    )
    assert result.exit_code != 0 and find("c@hengelo.test") is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "geen-adres", "--name", "X", "--role", "coach"], "geldig e-mailadres"),
        (["--email", "x" * 260 + "@a.nl", "--name", "X", "--role", "coach"], "geldig e-mailadres"),
        (["--email", "x@hengelo.test", "--name", "   ", "--role", "coach"], "naam"),
        (["--email", "x@hengelo.test", "--name", "X" * 201, "--role", "coach"], "naam"),
    ],
)
def test_create_validates_email_and_name(app, args, message):
    result = create(app, *args)
    assert result.exit_code != 0 and message in result.output.lower()


def test_create_refuses_an_unknown_role(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "r@hengelo.test", "--name", "R", "--role", "baas"],
        input=f"{GOOD}\n{GOOD}\n",
    )
    assert result.exit_code != 0
    assert find("r@hengelo.test") is None


def test_create_refuses_a_duplicate_email_in_any_case(app):
    make_user("coach", email="dubbel@hengelo.test")
    result = create(app, "--email", "DUBBEL@hengelo.test", "--name", "D", "--role", "coach")
    assert result.exit_code != 0 and "bestaat al" in result.output


def test_creation_is_audited_without_the_password(app):
    create(app, "--email", "audit@hengelo.test", "--name", "Audit", "--role", "coach")
    rows = db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "user_account").order_by(AuditLog.id)
    ).all()
    assert rows and rows[0].changes["password_hash"] == [None, "***"]
    assert GOOD not in str([r.changes for r in rows])


def test_disable_ends_all_sessions_at_once(app, client, login_as):
    user = login_as("coach")
    assert client.get("/start/coach").status_code == 200
    result = app.test_cli_runner().invoke(args=["users", "disable", user.email.upper()])
    assert result.exit_code == 0, result.output
    fresh = find(user.email)
    assert fresh.active is False and fresh.session_version == 2
    assert client.get("/start/coach").status_code == 302
    assert "user_disabled" in [r.action for r in db.session.scalars(select(AuditLog))]


def test_disable_and_enable_unknown_email(app):
    for command in ("disable", "enable", "reset-2fa"):
        result = app.test_cli_runner().invoke(args=["users", command, "niemand@hengelo.test"])
        assert result.exit_code != 0 and "Geen gebruiker" in result.output


def test_enable_lets_a_disabled_user_in_again(app):
    user = make_user("coach", active=False)
    result = app.test_cli_runner().invoke(args=["users", "enable", user.email])
    assert result.exit_code == 0
    assert find(user.email).active is True


def test_reset_second_factor_from_the_command_line(app):
    from blueprints.auth.totp import new_recovery_codes

    user = make_enrolled_user("beheer")
    new_recovery_codes(user)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "reset-2fa", user.email])
    assert result.exit_code == 0, result.output
    fresh = find(user.email)
    assert fresh.totp_secret is None and fresh.totp_enabled_at is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    assert "totp_reset" in [r.action for r in db.session.scalars(select(AuditLog))]
