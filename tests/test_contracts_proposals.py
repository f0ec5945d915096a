"""A change is a proposal: the signed version stays in force until everyone signed its successor."""

import pytest
from sqlalchemy import select

from blueprints.contracts import drafting, links, rules, signing
from blueprints.contracts.queries import coach_attention, contracts_page, partner_waiting
from models import Contract, ContractStatus, ContractVersion, Goal, db
from tests.conftest import make_participant
from tests.factories_contracts import make_sent, make_world, party, sign

S = ContractStatus


def _signed_v1(world):
    """Version 1 signed by every party: in force."""
    contract, v1, token = make_sent(world)
    link = links.verify_token(token).link
    sign(v1, party(v1, "deelnemer"), name=world["participant"].full_name, link=link)
    sign(v1, party(v1, "gemeente"), user=world["coach"])
    for org, user in zip(world["partners"], world["partner_users"], strict=True):
        sign(v1, party(v1, "partner", org), user=user)
    db.session.commit()
    assert v1.status == S.ACTIEF
    return contract, v1


def _propose(world, contract, body="Gewijzigde inleiding."):
    v2 = drafting.next_version(contract, world["coach"])
    v2.sections = [{**s, "body": body} if s["key"] == "doel" else s for s in v2.sections]
    db.session.flush()
    signing.send_version(v2, world["coach"])
    db.session.commit()
    return v2


def test_signed_version_stays_in_force_while_a_proposal_is_open(app):
    world = make_world()
    contract, v1 = _signed_v1(world)
    v2 = _propose(world, contract)
    assert v2.status == S.VOORGESTELD and v1.status == S.ACTIEF
    assert rules.version_in_force(contract) is v1 and rules.open_proposal(contract) is v2
    assert contract.status == S.ACTIEF
    in_force_ids = db.session.scalars(select(ContractVersion.id).where(rules.in_force_clause())).all()
    assert in_force_ids == [v1.id]
    assert db.session.scalar(select(rules.in_force_version_id()).where(Contract.id == contract.id)) == v1.id
    # The proposal waits for signatures like a first version does.
    assert [v.id for v, _ in partner_waiting(world["partner_users"][0])] == [v2.id]
    assert [v.id for v in coach_attention(world["coach"]).waiting] == [v2.id]
    # Partly signed: still version 1.
    sign(v2, party(v2, "gemeente"), user=world["coach"])
    db.session.commit()
    assert rules.version_in_force(contract) is v1


def test_fully_signed_proposal_replaces_the_old_version(app):
    world = make_world()
    contract, v1 = _signed_v1(world)
    v2 = _propose(world, contract)
    for p in v2.parties:
        user = world["coach"] if p.kind == "gemeente" else world["partner_users"][0] if p.kind == "partner" else None
        result = sign(v2, p, user=user)
    db.session.commit()
    assert result.completed
    assert v1.status == S.VERVANGEN and v1.close_reason == "Vervangen door versie 2" and v1.closed_at
    assert v2.status == S.ACTIEF and rules.version_in_force(contract) is v2
    assert contract.status == S.ACTIEF and rules.open_version(contract) is None


def test_declined_proposal_leaves_the_old_version_in_force_and_the_coach_sees_it(app):
    world = make_world()
    contract, v1 = _signed_v1(world)
    v2 = _propose(world, contract)
    signing.decline_version(v2, party(v2, "deelnemer"), name="Sanne", reason="Ik wil de oude afspraken houden")
    db.session.commit()
    assert v2.status == S.GEWEIGERD and v1.status == S.ACTIEF
    assert rules.version_in_force(contract) is v1 and contract.status == S.ACTIEF
    assert [v.id for v in coach_attention(world["coach"]).declined] == [v2.id]
    with pytest.raises(signing.SigningError):
        sign(v2, party(v2, "gemeente"), user=world["coach"])


def test_withdrawn_proposal_leaves_the_old_version_in_force(app):
    world = make_world()
    contract, v1 = _signed_v1(world)
    v2 = _propose(world, contract)
    _link, token = links.create_link(v2, world["coach"])
    db.session.commit()
    with pytest.raises(signing.SigningError):
        signing.withdraw_version(v2, "  ", world["coach"])
    signing.withdraw_version(v2, "We bespreken het eerst opnieuw", world["coach"])
    db.session.commit()
    assert v2.status == S.INGETROKKEN and v1.status == S.ACTIEF and rules.version_in_force(contract) is v1
    assert not links.verify_token(token).ok
    with pytest.raises(signing.SigningError):
        signing.withdraw_version(v1, "geen voorstel", world["coach"])


def test_at_most_one_open_proposal(app):
    world = make_world()
    contract, v1 = _signed_v1(world)
    v2 = _propose(world, contract, "Tweede voorstel.")
    v3 = _propose(world, contract, "Derde voorstel.")
    assert v2.status == S.VERVANGEN and v3.status == S.VOORGESTELD and v1.status == S.ACTIEF
    assert [v.id for v in contract.versions if rules.is_open(v)] == [v3.id]


def test_ending_the_contract_withdraws_the_open_proposal(app):
    world = make_world()
    contract, v1 = _signed_v1(world)
    v2 = _propose(world, contract)
    signing.end_contract(contract, "Het jaar is voorbij", world["coach"])
    db.session.commit()
    assert v1.status == S.BEEINDIGD and v2.status == S.INGETROKKEN and contract.status == S.BEEINDIGD
    assert rules.version_in_force(contract) is None


def test_contract_list_filters_on_open_proposals(app):
    world = make_world()
    contract, _v1 = _signed_v1(world)
    assert contracts_page("voorgesteld").items == []
    _propose(world, contract)
    assert [c.id for c in contracts_page("voorgesteld").items] == [contract.id]
    assert [c.id for c in contracts_page("actief").items] == [contract.id]


# --------------------------------------------------------------------------- pages


def test_coach_sees_version_one_in_force_and_can_withdraw_the_proposal(client, login_as):
    world = make_world()
    contract, _v1 = _signed_v1(world)
    v2 = _propose(world, contract)
    login_as(user=world["coach"])
    page = client.get(f"/contracten/{contract.id}")
    assert page.status_code == 200
    assert "Versie 1 blijft gelden" in page.text and "Versie 2 intrekken" in page.text
    refused = client.post(f"/contracten/{contract.id}/intrekken", data={"reason": " "})
    assert refused.status_code == 422 and "Vul de reden in." in refused.text
    assert client.post(f"/contracten/{contract.id}/intrekken", data={"reason": "Eerst overleggen"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(ContractVersion, v2.id).status == S.INGETROKKEN
    page = client.get(f"/contracten/{contract.id}")
    assert "Versie 2 is ingetrokken. Versie 1 blijft gelden." in page.text
    case_file = client.get(f"/deelnemers/{world['participant'].id}")
    assert "versie 1 geldt" in case_file.text


def test_partner_portal_says_which_version_holds(client, login_as):
    world = make_world()
    contract, _v1 = _signed_v1(world)
    v2 = _propose(world, contract)
    login_as(user=world["partner_users"][0])
    page = client.get(f"/contracten/portaal/{v2.id}")
    assert page.status_code == 200
    assert "Dit is een voorstel voor een nieuwe versie. Versie 1 blijft gelden" in page.text


def test_the_coach_start_page_says_who_declined_why_and_what_still_waits(app, client, login_as):
    """The start page's contract section, read from plain columns (queries.coach_attention): the decliner,
    the reason, whether the old version keeps holding, and how many signatures a sent version waits for."""
    world = make_world(partner_names=("ROC van Twente", "Leerwerkloket Twente"))
    contract, v1 = _signed_v1(world)
    v2 = _propose(world, contract)
    roc = world["partners"][0]
    signing.decline_version(v2, party(v2, "partner", roc), name="ROC van Twente", reason="Plek is vol")
    noor = make_participant(first_name="Noor", status="intake", coach_id=world["coach"].id, email="noor@example.test")
    db.session.add(Goal(participant_id=noor.id, domain="werk_opleiding", description="Een opleiding kiezen"))
    waiting_contract, waiting, _token = make_sent({**world, "participant": noor})
    sign(waiting, party(waiting, "gemeente"), user=world["coach"])
    db.session.commit()
    login_as(user=world["coach"])
    text = " ".join(client.get("/start/coach").text.split())
    name = world["participant"].full_name
    assert f"ROC van Twente tekent het contract van {name} niet.</strong> Reden: Plek is vol" in text
    assert "Dit was een voorstel voor versie 2: de vorige versie blijft gelden." in text
    assert f"Bekijk contract {contract.reference}" in text
    assert f"({waiting_contract.reference}, versie 1)</a>: wacht op 3 van 4 handtekening(en)" in text
    attention = coach_attention(world["coach"])
    assert [v.id for v in attention.declined] == [v2.id] and [v.id for v in attention.waiting] == [waiting.id]


def test_a_declined_version_without_a_recorded_decline_still_says_it_was_declined(app, client, login_as):
    """Imported or older data can hold a declined version without its decline row: the alert still reads."""
    world = make_world()
    contract, version, _token = make_sent(world)
    version.status, version.closed_at = S.GEWEIGERD.value, version.sent_at
    db.session.commit()
    login_as(user=world["coach"])
    text = " ".join(client.get("/start/coach").text.split())
    assert f"Het contract van {world['participant'].full_name} is geweigerd.</strong>" in text
    assert f"Bekijk contract {contract.reference}" in text
