"""Closing a file without loose ends (issue #17 point 5): every kind is listed, resolved in one step, audited;
finance confirms a kept request of a closed file; bad input saves nothing."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from icalendar import Calendar
from sqlalchemy import select

from blueprints.budget.rules import BudgetError, approve_request, closed_file_needs_confirmation, withdraw_request
from blueprints.contracts import links, signing
from blueprints.contracts.queries import coach_attention
from blueprints.mijn import reminders
from blueprints.youths import closing, followup, workflow
from models import (
    AuditLog,
    Commitment,
    CommitmentUpdate,
    ContractSigningLink,
    Conversation,
    MaatwerkRequest,
    OutboxMessage,
    Participant,
    db,
    utcnow,
)
from tests.conftest import make_participant, make_user
from tests.factories_budget import make_request, make_year
from tests.factories_contracts import make_contract, make_sent, make_world, party
from tests.factories_partners import make_commitment
from tests.factories_youths import make_conversation


def test_every_kind_of_loose_end_is_listed_and_closed_ones_are_not(app):
    make_year(2026)
    world = make_world()
    participant, coach = world["participant"], world["coach"]
    _contract, _version, _token = make_sent(world)  # one working signing link
    waiting = make_request(participant=participant, coach=coach)
    make_request(participant=participant, coach=coach, status="goedgekeurd")
    org = world["partners"][0]
    open_commitment = make_commitment(org, participant)
    make_commitment(org, participant, status="nagekomen")
    planned = make_conversation(participant, utcnow() + timedelta(days=3), attendance="gepland")
    make_conversation(participant, datetime(2026, 9, 1, 9), attendance="verschenen")
    participant.needs_followup = True
    db.session.commit()

    ends = closing.loose_ends(participant)
    assert [r.id for r in ends.requests] == [waiting.id]
    assert [c.id for c in ends.commitments] == [open_commitment.id]
    assert [c.id for c in ends.conversations] == [planned.id]
    assert len(ends.links) == 1 and ends.needs_followup and ends.declined == []
    assert [c.id for c in ends.contracts] == [_contract.id]  # its first version still waits for signatures
    assert ends.count == 6
    # An expired link is no loose end any more.
    assert closing.loose_ends(participant, now=ends.links[0].expires_at + timedelta(seconds=1)).links == []


def test_a_file_without_loose_ends(app):
    world = make_world()
    assert closing.loose_ends(world["participant"]).count == 0


def test_the_closing_form_shows_the_loose_ends(client, login_as):
    coach = login_as("coach")
    make_year(2026)
    world = make_world(participant_kw={"status": "actief", "coach_id": coach.id})
    participant = world["participant"]
    make_request(participant=participant, coach=coach)
    make_conversation(participant, utcnow() + timedelta(days=3), attendance="gepland")
    page = client.get(f"/deelnemers/{participant.id}/status?naar=afgerond")
    assert page.status_code == 200
    assert "Dit staat nog open" in page.text
    assert "Maatwerkaanvraag" in page.text and "wacht op financiën" in page.text
    assert "gaat niet door (afgemeld)" in page.text
    calm = client.get(f"/deelnemers/{participant.id}/status?naar=intake")
    assert "Dit staat nog open" not in calm.text


# --------------------------------------------------------------------------- resolving them in one step


def _audit(action, object_type=None, object_id=None):
    query = select(AuditLog).where(AuditLog.action == action)
    if object_type:
        query = query.where(AuditLog.object_type == object_type, AuditLog.object_id == object_id)
    return list(db.session.scalars(query.order_by(AuditLog.id)))


def _file_with_every_loose_end():
    """An active file with one of every loose end, hand-made: two waiting requests, two open commitments,
    a planned conversation, a working signing link, a declined contract on the start page, the follow-up flag."""
    make_year(2026)
    world = make_world(participant_kw={"status": "actief", "email": "sanne@example.test"})
    participant, coach = world["participant"], world["coach"]
    declined_contract = make_contract(world)
    declined_version = declined_contract.versions[0]
    signing.send_version(declined_version, coach)
    db.session.flush()
    partner_party = party(declined_version, "partner", world["partners"][0])
    signing.decline_version(declined_version, partner_party, name="Marloes ten Hove", reason="Geen plek meer")
    db.session.commit()
    _contract, version, token = make_sent(world)  # a second contract, still out with a working link
    other_coach = make_user("coach", name="Vorige Coach")  # asked before a handover: still withdrawn on closing
    withdrawn = make_request(participant=participant, coach=other_coach, amount="120.00")
    kept = make_request(participant=participant, coach=coach, amount="80.00", description="Werkschoenen")
    org = world["partners"][0]
    lapsing = make_commitment(org, participant, description="BBL-plaats Metaal")
    done = make_commitment(org, participant, description="Loopbaanadvies", status="in_uitvoering")
    planned = make_conversation(participant, utcnow() + timedelta(days=3), attendance="gepland")
    make_conversation(participant, datetime(2026, 10, 1, 9), attendance="niet_verschenen")
    make_conversation(participant, datetime(2026, 10, 8, 9), attendance="niet_verschenen")
    participant.needs_followup = True
    db.session.commit()
    assert [v.id for v in coach_attention(coach).declined] == [declined_version.id]
    return SimpleNamespace(
        world=world, participant=participant, coach=coach, token=token, version=version,
        declined=declined_version, withdrawn=withdrawn, kept=kept, lapsing=lapsing, done=done, planned=planned,
    )  # fmt: skip


def test_closing_resolves_every_loose_end_in_one_step(app, client):
    f = _file_with_every_loose_end()
    ends = closing.close_file(
        f.participant,
        f.coach,
        "uitgevallen",
        date.today(),
        reason="Verhuisd naar Groningen",
        requests={
            f.withdrawn.id: closing.RequestChoice(closing.WITHDRAW),
            f.kept.id: closing.RequestChoice(closing.KEEP, "Schoenen al gekocht, factuur volgt"),
        },
        commitments={f.lapsing.id: "vervallen", f.done.id: "nagekomen"},
    )
    db.session.commit()
    db.session.expire_all()
    # 2 requests, 2 commitments, 1 conversation, 1 link, 1 decline alert, 1 contract waiting, the flag
    assert ends.count == 9
    p = db.session.get(Participant, f.participant.id)
    assert p.status == "uitgevallen" and p.dropout_reason == "Verhuisd naar Groningen"
    # Requests: one withdrawn (asked by another coach), one kept with the reason finance will see.
    withdrawn, kept = db.session.get(MaatwerkRequest, f.withdrawn.id), db.session.get(MaatwerkRequest, f.kept.id)
    assert withdrawn.status == "ingetrokken"
    assert kept.status == "aangevraagd" and kept.kept_on_closing_reason == "Schoenen al gekocht, factuur volgt"
    assert closed_file_needs_confirmation(kept) and not closed_file_needs_confirmation(withdrawn)
    [withdraw_row] = _audit("withdraw", "maatwerk_request", withdrawn.id)
    assert withdraw_row.changes["reden"][1] == "dossier afgesloten" and withdraw_row.actor_id == f.coach.id
    assert _audit("keep_on_closing", "maatwerk_request", kept.id)[0].changes["reden"][1].startswith("Schoenen")
    # Commitments: the coach's choice, with a dated note in their history.
    assert db.session.get(Commitment, f.lapsing.id).status == "vervallen"
    assert db.session.get(Commitment, f.done.id).status == "nagekomen"
    notes = db.session.scalars(select(CommitmentUpdate.note).where(CommitmentUpdate.commitment_id == f.done.id))
    assert "Dossier afgesloten" in list(notes)
    assert len(_audit("commitment_status")) == 2
    # The planned conversation is cancelled, and the participant's calendar gets the CANCEL (SEQUENCE 1).
    planned = db.session.get(Conversation, f.planned.id)
    assert planned.attendance == "afgemeld" and planned.cancel_reason == "Dossier afgesloten"
    assert planned.ics_sequence == 1
    [invite] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.conversation_id == planned.id, OutboxMessage.kind == "uitnodiging")
    ).all()
    event = Calendar.from_ical(invite.attachments[0].data).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    assert reminders.due_ids(planned.held_at - timedelta(hours=1)) == []  # no reminder for it
    # The signing link is revoked and the public sign page refuses it.
    assert db.session.get(ContractSigningLink, links.verify_token(f.token).link.id).revoked_at is not None
    page = client.get(f"/tekenen/{f.token}")
    assert "Deze link is ingetrokken" in page.text
    assert len(_audit("contract_link_revoked")) == 1
    # The decline alert and the follow-up flag are cleared, audited.
    assert coach_attention(f.coach).declined == []
    assert len(_audit("contract_alert_cleared")) == 1
    assert p.needs_followup is False and p.followup_cleared_at is not None
    assert _audit("opvolging_gewist", "participant", p.id)[0].changes["reden"][1] == "Dossier afgesloten"
    assert closing.loose_ends(p).count == 0


def test_a_close_out_without_a_choice_or_with_control_characters_saves_nothing(app):
    f = _file_with_every_loose_end()
    choices = {f.withdrawn.id: closing.RequestChoice(closing.WITHDRAW)}  # the kept one has no choice
    commitments = {f.lapsing.id: "vervallen", f.done.id: "nagekomen"}
    attempts = [
        (choices, commitments, f"Kies wat er met aanvraag {f.kept.id} gebeurt."),
        ({**choices, f.kept.id: closing.RequestChoice(closing.KEEP, "  ")}, commitments, "Vul in waarom"),
        ({**choices, f.kept.id: closing.RequestChoice(closing.KEEP, "fac\x00tuur")}, commitments, "onzichtbaar teken"),
        ({**choices, f.kept.id: closing.RequestChoice(closing.WITHDRAW)}, {f.lapsing.id: "vervallen"}, "Kies of"),
        ({**choices, f.kept.id: closing.RequestChoice("weggooien")}, commitments, "Kies wat er met aanvraag"),
    ]
    for requests, commitment_choices, message in attempts:
        with pytest.raises(closing.ClosingError, match=message):
            closing.close_file(
                f.participant, f.coach, "uitgevallen", date.today(), reason="Verhuisd",
                requests=requests, commitments=commitment_choices,
            )  # fmt: skip
        db.session.rollback()
    # A refused move (no reason of dropout) is refused before any loose end is touched.
    full = {**choices, f.kept.id: closing.RequestChoice(closing.WITHDRAW)}
    with pytest.raises(workflow.WorkflowError, match="reden van uitval"):
        closing.close_file(f.participant, f.coach, "uitgevallen", date.today(), requests=full, commitments=commitments)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Participant, f.participant.id).status == "actief"
    assert closing.loose_ends(f.participant).count == 9
    assert _audit("withdraw") == [] and _audit("opvolging_gewist") == []


def test_the_close_out_form_over_http(client, login_as):
    f = _file_with_every_loose_end()
    login_as(user=f.coach)
    url = f"/deelnemers/{f.participant.id}/status"
    page = client.get(f"{url}?naar=uitgevallen")
    assert page.status_code == 200 and "Werkschoenen" in page.text and "BBL-plaats Metaal" in page.text
    data = {
        "to_status": "uitgevallen",
        "on": date.today().isoformat(),
        "reason": "Verhuisd",
        closing.request_field(f.withdrawn.id): "intrekken",
        closing.request_field(f.kept.id): "houden",
        closing.reason_field(f.kept.id): "Factuur\x07 volgt",
        closing.commitment_field(f.lapsing.id): "vervallen",
        closing.commitment_field(f.done.id): "nagekomen",
    }
    refused = client.post(url, data=data)
    assert refused.status_code == 422 and "onzichtbaar teken" in refused.text
    missing = client.post(
        url, data={**data, closing.reason_field(f.kept.id): "", closing.commitment_field(f.done.id): ""}
    )
    assert missing.status_code == 422 and "Kies of de toezegging vervalt of is nagekomen." in missing.text
    db.session.expire_all()
    assert db.session.get(Participant, f.participant.id).status == "actief"
    assert db.session.get(MaatwerkRequest, f.withdrawn.id).status == "aangevraagd"
    done = client.post(url, data={**data, closing.reason_field(f.kept.id): "Factuur volgt"})
    assert done.status_code == 303 and "/metingen/nieuw" in done.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Participant, f.participant.id).status == "uitgevallen"
    assert db.session.get(MaatwerkRequest, f.kept.id).kept_on_closing_reason == "Factuur volgt"
    assert closing.loose_ends(f.participant).count == 0


# --------------------------------------------------------------------------- finance and a kept request


def test_finance_approves_a_kept_request_only_with_the_confirmation(client, login_as):
    f = _file_with_every_loose_end()
    closing.close_file(
        f.participant, f.coach, "uitgevallen", date.today(), reason="Verhuisd",
        requests={f.withdrawn.id: closing.RequestChoice(closing.WITHDRAW),
                  f.kept.id: closing.RequestChoice(closing.KEEP, "Factuur volgt")},
        commitments={f.lapsing.id: "vervallen", f.done.id: "nagekomen"},
    )  # fmt: skip
    db.session.commit()
    login_as("financien")
    detail = client.get(f"/financien/aanvragen/{f.kept.id}")
    assert "Dossier afgesloten." in detail.text and "Factuur volgt" in detail.text
    assert 'name="closed_file_confirmed"' in detail.text
    queue = client.get("/financien/2026")
    assert "Dossier afgesloten" in queue.text and "Bekijken en bevestigen" in queue.text
    approve = f"/financien/aanvragen/{f.kept.id}/goedkeuren"
    without = client.post(approve, data={"zeker": "ja"}, follow_redirects=True)
    assert "Bevestig dat u deze aanvraag toch wilt goedkeuren" in without.text
    db.session.expire_all()
    assert db.session.get(MaatwerkRequest, f.kept.id).status == "aangevraagd"
    confirmed = client.post(approve, data={"zeker": "ja", "closed_file_confirmed": "y"}, follow_redirects=True)
    assert f"Aanvraag {f.kept.id} is goedgekeurd." in confirmed.text
    db.session.expire_all()
    assert db.session.get(MaatwerkRequest, f.kept.id).status == "goedgekeurd"


def test_the_rule_for_a_closed_file(app):
    make_year(2026)
    finance = make_user("financien")
    open_file = make_participant(status="actief")
    closed = make_participant(status="afgerond")
    open_request, closed_request = make_request(participant=open_file), make_request(participant=closed)
    assert not closed_file_needs_confirmation(open_request) and closed_file_needs_confirmation(closed_request)
    with pytest.raises(BudgetError, match="Bevestig"):
        approve_request(closed_request, finance)
    db.session.rollback()
    approve_request(closed_request, finance, closed_file_confirmed=True)
    db.session.commit()
    assert closed_request.status == "goedgekeurd" and not closed_file_needs_confirmation(closed_request)
    approve_request(open_request, finance)  # an open file needs nothing extra
    with pytest.raises(BudgetError, match="Alleen wie de aanvraag deed"):
        withdraw_request(make_request(participant=open_file), make_user("coach"))


# --------------------------------------------------------------------------- the follow-up flag by hand


def test_the_coach_clears_the_followup_flag_with_a_reason(client, login_as):
    coach = login_as("coach")
    participant = make_participant(status="actief", coach_id=coach.id, needs_followup=True)
    make_conversation(participant, datetime(2026, 10, 1, 9), attendance="niet_verschenen")
    make_conversation(participant, datetime(2026, 10, 8, 9), attendance="niet_verschenen")
    file_page = client.get(f"/deelnemers/{participant.id}")
    assert "Opvolging afronden met een reden" in file_page.text
    url = f"/deelnemers/{participant.id}/opvolging"
    assert client.post(url, data={"reason": ""}).status_code == 422
    bad = client.post(url, data={"reason": "ge\x00beld"})
    assert bad.status_code == 422 and "onzichtbaar teken" in bad.text
    db.session.expire_all()
    assert db.session.get(Participant, participant.id).needs_followup is True
    assert client.post(url, data={"reason": "Gebeld, nieuwe afspraak"}).status_code == 303
    db.session.expire_all()
    p = db.session.get(Participant, participant.id)
    assert p.needs_followup is False
    assert _audit("opvolging_gewist", "participant", p.id)[0].changes["reden"][1] == "Gebeld, nieuwe afspraak"
    # The old no-shows do not set it again; two new ones in a row do.
    make_conversation(p, utcnow() + timedelta(minutes=1), attendance="niet_verschenen")
    assert followup.refresh_followup(p) is False
    make_conversation(p, utcnow() + timedelta(minutes=2), attendance="niet_verschenen")
    assert followup.refresh_followup(p) is True


def test_closing_ends_the_contract_in_force_and_withdraws_its_open_proposal(app):
    """A closed file leaves nothing to sign: the partner is no longer asked, the contract is ended, audited."""
    from blueprints.contracts.queries import partner_waiting
    from tests.test_contracts_proposals import _propose, _signed_v1

    world = make_world(participant_kw={"status": "actief"})
    contract, v1 = _signed_v1(world)
    v2 = _propose(world, contract)
    partner_user = world["partner_users"][0]
    assert [v.id for v, _ in partner_waiting(partner_user)] == [v2.id]

    ends = closing.loose_ends(world["participant"])
    assert [c.id for c in ends.contracts] == [contract.id]
    assert closing.contract_on_closing(contract) == ("end", v1)
    closing.close_file(world["participant"], world["coach"], "afgerond", date.today(), outcome="betaald_werk")
    db.session.commit()
    db.session.expire_all()

    assert (v1.status, v2.status) == ("beeindigd", "ingetrokken")
    assert v1.close_reason == closing.CONTRACT_REASON
    assert partner_waiting(partner_user) == []
    assert closing.loose_ends(world["participant"]).contracts == []


def test_closing_withdraws_a_first_version_that_still_waits(client, login_as):
    world = make_world(participant_kw={"status": "actief"})
    contract, version, _token = make_sent(world)
    login_as(user=world["coach"])
    page = client.get(f"/deelnemers/{world['participant'].id}/status?naar=uitgevallen")
    assert f"Versie 1 van het inspanningscontract {contract.reference} wacht nog op handtekeningen" in page.text
    closing.close_file(world["participant"], world["coach"], "uitgevallen", date.today(), reason="Verhuisd")
    db.session.commit()
    db.session.expire_all()
    assert version.status == "ingetrokken"
