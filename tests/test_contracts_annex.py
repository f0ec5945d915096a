"""The personal annex stays with the participant and the municipality; only what changed is signed again."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

import core.pdf
from blueprints.contracts import drafting, links, rules, signing
from blueprints.contracts.pdf import build_pdf
from models import ContractSignature, Goal, db
from tests.crawl import crawl
from tests.factories_contracts import make_sent, make_world, party, sign

HEALTH_GOAL = "Hulp bij somberheid via de huisarts"
CONFIDENTIAL_GOAL = "Schulden bij de zorgverzekeraar regelen"


def _world_with_personal_goals(partner_names=("ROC van Twente",)):
    world = make_world(partner_names)
    pid = world["participant"].id
    db.session.add(Goal(participant_id=pid, domain="geestelijke_gezondheid", description=HEALTH_GOAL))
    db.session.add(Goal(participant_id=pid, domain="financien", description=CONFIDENTIAL_GOAL, confidential=True))
    db.session.commit()
    return world


def test_sensitive_and_confidential_goals_go_into_the_annex(app):
    world = _world_with_personal_goals()
    _contract, version, _ = make_sent(world)
    annex = drafting.annex_section(version)
    assert HEALTH_GOAL in annex["body"] and CONFIDENTIAL_GOAL in annex["body"]
    assert HEALTH_GOAL in version.canonical_text and drafting.ANNEX_HEADING in version.canonical_text
    partner_text = drafting.partner_view_text(version)
    assert "Een BBL-plek vinden" in partner_text  # the shared goal stays in the contract
    assert HEALTH_GOAL not in partner_text and CONFIDENTIAL_GOAL not in partner_text
    assert drafting.ANNEX_HEADING not in partner_text
    assert version.canonical_text.startswith(partner_text.rstrip("\n"))


def test_each_signature_says_which_parts_it_covers(app):
    world = _world_with_personal_goals()
    _contract, version, _ = make_sent(world)
    participant_signature = sign(version, party(version, "deelnemer"), name="Sanne de Jong").signature
    partner_signature = sign(version, party(version, "partner"), user=world["partner_users"][0]).signature
    assert participant_signature.covers == "hele contract met persoonlijke bijlage"
    assert participant_signature.covered_sha256 == version.text_sha256
    assert partner_signature.covers == "algemene afspraken en het deel van ROC van Twente, zonder persoonlijke bijlage"
    scope = drafting.partner_scope_text(version, world["partners"][0].id)
    assert HEALTH_GOAL not in scope and partner_signature.covered_sha256 == drafting.sha256_hex(scope)


def test_annex_text_is_never_on_a_partner_page_or_pdf(client, login_as, monkeypatch):
    # The core font writes PDF text as plain Latin-1 strings, so the bytes can be searched.
    monkeypatch.setattr(core.pdf, "REGULAR", Path("/nonexistent/DejaVuSans.ttf"))
    world = _world_with_personal_goals()
    contract, version, _ = make_sent(world)
    sign(version, party(version, "partner"), user=world["partner_users"][0])
    db.session.commit()
    full = build_pdf(version, compress=False)
    assert HEALTH_GOAL.encode("latin-1") in full  # the search works: the full copy has it
    partner_pdf = build_pdf(version, compress=False, for_partner=True)
    assert HEALTH_GOAL.encode("latin-1") not in partner_pdf
    assert CONFIDENTIAL_GOAL.encode("latin-1") not in partner_pdf

    login_as(user=world["partner_users"][0])
    pages = crawl(client, "/start/partner").pages
    urls = set(pages) | {
        f"/contracten/portaal/{version.id}",
        f"/contracten/versie/{version.id}/controle",
        f"/contracten/versie/{version.id}/inspanningscontract.pdf",
    }
    assert f"/contracten/portaal/{version.id}" in pages
    for url in sorted(urls):
        response = client.get(url)
        assert response.status_code in (200, 302, 303), url
        for secret in (HEALTH_GOAL, CONFIDENTIAL_GOAL):
            assert secret.encode("latin-1") not in response.data, url
            assert secret.encode("utf-8") not in response.data, url
    # The coach and the participant do see it.
    login_as(user=world["coach"])
    assert HEALTH_GOAL in client.get(f"/contracten/{contract.id}/tekenen/ter-plaatse").text


# --------------------------------------------------------------------------- carry-over


def _signed_v1(world):
    contract, v1, token = make_sent(world)
    link = links.verify_token(token).link
    sign(v1, party(v1, "deelnemer"), name="Sanne de Jong", link=link)
    sign(v1, party(v1, "gemeente"), user=world["coach"])
    for org, user in zip(world["partners"], world["partner_users"], strict=True):
        sign(v1, party(v1, "partner", org), user=user)
    db.session.commit()
    return contract, v1


def _next(world, contract, change):
    v2 = drafting.next_version(contract, world["coach"])
    v2.sections = [change(dict(s)) for s in v2.sections]
    db.session.flush()
    return v2


def _edit(key, body):
    def change(section):
        if section["key"] == key:
            section["body"] = body(section["body"])
        return section

    return change


@pytest.fixture
def two_partners(app):
    world = make_world(("ROC van Twente", "Leerwerkloket Twente"))
    contract, v1 = _signed_v1(world)
    roc, lwl = world["partners"]
    return world, contract, v1, roc, lwl


def test_partner_with_unchanged_text_keeps_its_signature(two_partners):
    world, contract, v1, roc, lwl = two_partners
    v2 = _next(world, contract, _edit(f"partner-{lwl.id}", lambda body: body + "\n- Een extra gesprek in maart."))
    plan = {c.party.organisation_id: c.state for c in signing.carry_over_plan(v2)}
    assert plan == {roc.id: "ongewijzigd", lwl.id: "gewijzigd"}
    signing.send_version(v2, world["coach"])
    db.session.commit()
    carried = party(v2, "partner", roc).signature
    original = party(v1, "partner", roc).signature
    assert carried is not None and carried.carried_from_id == original.id and carried.method == "overgenomen"
    assert carried.covered_sha256 == original.covered_sha256 and carried.signed_at == original.signed_at
    assert "getekend op versie 1, tekst ongewijzigd" in carried.authentication
    for kind, org in (("deelnemer", None), ("gemeente", None), ("partner", lwl)):
        assert party(v2, kind, org).signature is None  # participant and municipality always sign again
    # The last three signatures complete the proposal; version 1 is then replaced.
    sign(v2, party(v2, "deelnemer"), name="Sanne de Jong")
    sign(v2, party(v2, "gemeente"), user=world["coach"])
    result = sign(v2, party(v2, "partner", lwl), user=world["partner_users"][1])
    db.session.commit()
    assert result.completed and v1.status == "vervangen" and rules.version_in_force(contract) is v2
    # The certificate names, per party, the version and the hash its signature covers.
    certificate = build_pdf(v2, compress=False)
    assert original.covered_sha256.encode() in certificate


@pytest.mark.parametrize(
    "change",
    [
        _edit("doel", lambda body: body + " "),  # a trailing space is normalised away...
        _edit("doel", lambda body: body.replace(" ", "  ", 1)),  # ...but one extra space inside is not
        _edit("doel", lambda body: body + "!"),
        _edit("niet-vrijblijvend", lambda body: body.replace("Meedoen", "Meedoen")),
    ],
)
def test_carry_over_only_when_the_covered_text_is_byte_identical(two_partners, change):
    world, contract, v1, roc, _lwl = two_partners
    v2 = _next(world, contract, change)
    old = drafting.partner_scope_text(v1, roc.id).encode()
    new = drafting.partner_scope_text(v2, roc.id).encode()
    state = {c.party.organisation_id: c.state for c in signing.carry_over_plan(v2)}[roc.id]
    assert state == ("ongewijzigd" if old == new else "gewijzigd")
    signing.send_version(v2, world["coach"])
    db.session.commit()
    assert (party(v2, "partner", roc).signature is not None) == (old == new)


def test_coach_can_ask_an_unchanged_partner_to_sign_again(two_partners):
    world, contract, _v1, roc, _lwl = two_partners
    v2 = _next(world, contract, lambda s: s)
    drafting.set_parties(v2, contract.participant, world["partners"], resign={roc.id})
    db.session.flush()
    states = {c.party.organisation_id: c.state for c in signing.carry_over_plan(v2)}
    assert states[roc.id] == "opnieuw"
    signing.send_version(v2, world["coach"])
    db.session.commit()
    assert party(v2, "partner", roc).signature is None
    assert len(db.session.scalars(select(ContractSignature).where(ContractSignature.version_id == v2.id)).all()) == 1


def test_coach_sees_per_partner_whether_its_text_changed(client, login_as, two_partners):
    world, contract, _v1, roc, lwl = two_partners
    _next(world, contract, _edit(f"partner-{lwl.id}", lambda body: body + "\n- Nieuw."))
    db.session.commit()
    login_as(user=world["coach"])
    page = client.get(f"/contracten/{contract.id}/concept")
    assert page.status_code == 200
    assert "ROC van Twente:</strong> Tekst ongewijzigd: de handtekening van versie 1 blijft staan" in page.text
    assert "Leerwerkloket Twente:</strong> Tekst gewijzigd: tekent opnieuw" in page.text


def test_portal_shows_a_carried_signature(client, login_as, two_partners):
    world, contract, _v1, roc, lwl = two_partners
    v2 = _next(world, contract, _edit(f"partner-{lwl.id}", lambda body: body + "\n- Nieuw."))
    signing.send_version(v2, world["coach"])
    db.session.commit()
    login_as(user=world["partner_users"][0])
    page = client.get(f"/contracten/portaal/{v2.id}")
    assert "Getekend op versie 1, tekst ongewijzigd" in page.text
    assert party(v2, "partner", roc).signature.covered_sha256 in page.text


def test_a_version_from_before_the_annex_never_shows_sensitive_goals_to_partners(app):
    world = make_world()
    _contract, version, _ = make_sent(world)
    # As drafted before the annex existed: the health goal inside the common text, frozen and signed.
    legacy = "- Geestelijke gezondheid: " + HEALTH_GOAL
    assert drafting.annex_section(version) is None
    text = version.canonical_text.replace("- Werk & opleiding: Een BBL-plek vinden", legacy + "\n- Werk & opleiding: x")
    legacy_version = SimpleNamespace(is_frozen=True, canonical_text=text, sections=version.sections)
    shown = drafting.partner_view_text(legacy_version)
    assert HEALTH_GOAL not in shown and drafting.PERSONAL_GOAL_PLACEHOLDER in shown
    assert "- Werk & opleiding: x" in shown
