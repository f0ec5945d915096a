"""The four doors to a signature share one path: the same checks, evidence and refusals."""

import time

import pytest
from sqlalchemy import select

from blueprints.auth.totp import STEP_SECONDS, code_at
from blueprints.contracts import links, rules, signing
from models import ContractSignature, db, utcnow
from tests.conftest import TEST_PASSWORD
from tests.factories_contracts import make_sent, make_world, party


@pytest.mark.parametrize(
    ("typed", "expected", "match"),
    [
        ("Sanne de Jong", "Sanne de Jong", True),
        ("  sanne   DE  jong ", "Sanne de Jong", True),
        ("Zoe Celik", "Zoë Çelik", True),
        ("ZOË ÇELIK", "Zoe Celik", True),
        ("Piet Pietersen", "Sanne de Jong", False),
        ("Sanne", "Sanne de Jong", False),
        ("   ", "Sanne de Jong", False),
        ("", "", False),
    ],
)
def test_names_match_ignores_case_accents_and_spaces_only(typed, expected, match):
    assert rules.names_match(typed, expected) is match


def _attempt(door, name, **kw):
    return signing.Attempt(door=door, typed_name=name, ip="127.0.0.1", user_agent="pytest", **kw)


def test_every_door_refuses_another_name_at_the_field(app):
    world = make_world()
    _contract, version, token = make_sent(world)
    link = links.verify_token(token).link
    cases = [
        (signing.LINK, "deelnemer", {"link": link}),
        (signing.IN_PERSON, "deelnemer", {"user": world["coach"], "date_of_birth": world["participant"].date_of_birth}),
        (signing.MUNICIPALITY, "gemeente", {"user": world["coach"], "password": TEST_PASSWORD}),
        (signing.PORTAL, "partner", {"user": world["partner_users"][0], "password": TEST_PASSWORD}),
    ]
    for door, kind, kw in cases:
        with pytest.raises(signing.SigningError) as refused:
            signing.sign_through(version, party(version, kind), _attempt(door, "Piet Pietersen", **kw))
        assert "Deze naam klopt niet" in refused.value.errors["signer_name"], door
    assert db.session.scalar(select(ContractSignature)) is None


def test_in_person_signature_records_the_coach_as_witness(app):
    world = make_world()
    _contract, version, _ = make_sent(world)
    p = party(version, "deelnemer")
    with pytest.raises(signing.SigningError) as refused:
        signing.sign_through(version, p, _attempt(signing.IN_PERSON, "Sanne de Jong", user=world["coach"]))
    assert "geboortedatum klopt niet" in refused.value.errors["date_of_birth"]
    attempt = _attempt(
        signing.IN_PERSON, "sanne DE jong", user=world["coach"], date_of_birth=world["participant"].date_of_birth
    )
    result = signing.sign_through(version, p, attempt)
    db.session.commit()
    signature = result.signature
    assert signature.witness_user_id == world["coach"].id and signature.user_id is None
    assert signature.method == "ter_plaatse" and signature.factors == "geboortedatum"
    assert "die getuige was" in signature.authentication


def test_a_double_submitted_signature_counts_once(app):
    world = make_world()
    _contract, version, _ = make_sent(world)
    p = party(version, "gemeente")
    attempt = _attempt(signing.MUNICIPALITY, "Lotte Jansen", user=world["coach"], password=TEST_PASSWORD)
    first = signing.sign_through(version, p, attempt)
    second = signing.sign_through(version, p, attempt)
    db.session.commit()
    assert first.created and not second.created and second.signature.id == first.signature.id
    assert len(db.session.scalars(select(ContractSignature)).all()) == 1


def test_evidence_names_the_factors_and_a_used_code_must_wait(app):
    world = make_world()
    _contract, version, _ = make_sent(world)
    user = world["partner_users"][0]
    user.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    user.totp_enabled_at = utcnow()
    user.totp_last_step = int(time.time() // STEP_SECONDS)  # this step's code was just used to sign in
    db.session.commit()
    p = party(version, "partner")
    used = _attempt(signing.PORTAL, user.name, user=user, password=TEST_PASSWORD, code=code_at(user.totp_secret))
    with pytest.raises(signing.SigningError) as refused:
        signing.sign_through(version, p, used)
    assert "Wacht op de volgende code" in refused.value.errors["code"]
    user.totp_last_step -= 2  # as if the last code was used a minute ago
    result = signing.sign_through(version, p, used)
    db.session.commit()
    assert result.signature.factors == "wachtwoord, code uit de authenticator-app"
    assert "gecontroleerd: wachtwoord en code uit de authenticator-app" in result.signature.authentication


# --------------------------------------------------------------------------- through HTTP


def test_link_refuses_another_persons_name_and_accepts_the_right_one_in_other_case(client):
    world = make_world()
    _contract, version, token = make_sent(world)
    assert client.post(f"/tekenen/{token}", data={"date_of_birth": "2001-05-17"}).status_code == 303
    other = client.post(f"/tekenen/{token}/teken", data={"signer_name": "Kees de Vries", "intent": "y"})
    assert other.status_code == 422
    assert "Deze naam klopt niet. Typ je naam zoals in het contract: Sanne de Jong." in other.text
    assert db.session.scalar(select(ContractSignature)) is None
    right = client.post(f"/tekenen/{token}/teken", data={"signer_name": "  sanne  DE JONG ", "intent": "y"})
    assert right.status_code == 303
    signature = db.session.scalar(select(ContractSignature))
    assert signature.factors == "persoonlijke link, geboortedatum" and signature.link_id is not None


def test_portal_says_wait_for_the_next_code(client, login_as):
    world = make_world()
    _contract, version, _ = make_sent(world)
    user = world["partner_users"][0]
    user.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    user.totp_enabled_at = utcnow()
    user.totp_last_step = int(time.time() // STEP_SECONDS)
    db.session.commit()
    login_as(user=user)
    form = {
        "teken-signer_name": user.name,
        "teken-intent": "y",
        "teken-password": TEST_PASSWORD,
        "teken-code": code_at(user.totp_secret),
    }
    refused = client.post(f"/contracten/portaal/{version.id}/tekenen", data=form)
    assert refused.status_code == 422 and "Wacht op de volgende code" in refused.text
    assert db.session.scalar(select(ContractSignature)) is None
