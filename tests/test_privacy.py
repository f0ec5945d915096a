"""Privacy rights: the inzage export (JSON and PDF), retention dates, the beheer page and the purge."""

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from blueprints.privacy.inzage import collect, to_pdf
from blueprints.privacy.retention import add_years, destruction_date, due_files, purge_due, purge_file
from core.audit import record
from models import (
    AuditLog,
    Commitment,
    ContractParty,
    ContractSignature,
    ContractSigningLink,
    ContractVersion,
    Conversation,
    Goal,
    MaatwerkRequest,
    OutboxMessage,
    Participant,
    ParticipantPurge,
    db,
)
from tests.conftest import make_participant
from tests.factories_budget import make_request, make_year
from tests.factories_contracts import make_sent, make_world, party, sign
from tests.factories_partners import make_commitment
from tests.factories_youths import make_assessment, make_conversation

TODAY = date.today()
LONG_AGO = add_years(TODAY, -8)  # end of trajectory 8 years ago: past a 7-year retention


def build_file(closed_on: date | None = LONG_AGO, status="afgerond"):
    """A full file: assessment, conversation, commitment, maatwerk (paid), a signed contract, audit rows."""
    world = make_world(participant_kw={"first_name": "Sanne", "last_name": "Veldhuis", "phone": "0612345678"})
    participant = world["participant"]
    org = world["partners"][0]
    make_assessment(participant, date(2026, 9, 2), kind="intake").note = "Schulden bij familie"
    make_conversation(participant, datetime(2026, 9, 3, 10), summary="Sanne vertelt over haar schulden")
    commitment = make_commitment(org, participant, description="BBL-plaats voor Sanne Veldhuis")
    request = make_request("250.00", "betaald", participant=participant, coach=world["coach"], paid_on=date(2026, 3, 5))
    contract, version, token = make_sent(world)
    sign(version, party(version, "partner", org), name="Pieter ROC", user=world["partner_users"][0])
    link = db.session.scalars(select(ContractSigningLink).where(ContractSigningLink.version_id == version.id)).one()
    sign(version, party(version, "deelnemer"), name="Sanne Veldhuis", link=link)
    db.session.add(
        OutboxMessage(to_address="sanne@example.test", subject="Tekenen", body="Hoi Sanne", contract_id=contract.id)
    )
    record(db.session, "view", participant, actor=world["coach"])
    record(db.session, "view", contract, actor=world["partner_users"][0])
    participant.status = status
    participant.outcome = "betaald_werk"
    participant.outcome_date = closed_on
    participant.outcome_note = "Werkt bij de bakker van Sanne's oom"
    db.session.commit()
    return {**world, "commitment": commitment, "request": request, "contract": contract, "version": version}


# --------------------------------------------------------------------------- inzage


def test_export_holds_the_file_the_access_log_and_which_partners_saw_what(app):
    make_year(2026)
    file = build_file(closed_on=None, status="actief")
    data = collect(db.session, file["participant"].id)
    assert data["participant"]["last_name"] == "Veldhuis"
    assert data["assessments"][0]["note"] == "Schulden bij familie"
    assert len(data["assessments"][0]["zrm_scores"]) == 13
    assert data["conversations"][0]["summary"].startswith("Sanne vertelt")
    assert data["goals"][0]["description"] == "Een BBL-plek vinden"
    assert data["maatwerk_requests"][0]["amount"] == "250.00"
    assert data["commitments"][0]["organisation"] == "ROC van Twente"
    signatures = data["contracts"][0]["versions"][0]["signatures"]
    assert {s["signer_name"] for s in signatures} == {"Pieter ROC", "Sanne Veldhuis"}
    # The access log: who viewed the file, when.
    assert [(e["actor"], e["action"]) for e in data["access_log"]] == [(file["coach"].email, "view")]
    # Which partners saw what: the organisation (party and commitment) and its users' audit entries.
    orgs = data["partners"]["organisations"]
    assert orgs[0]["organisation"] == "ROC van Twente"
    assert any("contract" in w for w in orgs[0]["what"]) and any("toezegging" in w for w in orgs[0]["what"])
    partner_email = file["partner_users"][0].email
    seen = [(e["actor"], e["action"], e["object_type"]) for e in data["partners"]["audit"]]
    assert (partner_email, "view", "contract") in seen
    assert all(e["actor_organisation"] == "ROC van Twente" for e in data["partners"]["audit"])


def test_json_and_pdf_downloads_for_beheer_are_audited(app, client, login_as):
    make_year(2026)
    file = build_file(closed_on=None, status="actief")
    pid = file["participant"].id
    login_as("beheer")
    response = client.get(f"/privacy/deelnemers/{pid}/inzage.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.data)["participant"]["first_name"] == "Sanne"
    pdf = client.get(f"/privacy/deelnemers/{pid}/inzage.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    exports = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "privacy_export").order_by(AuditLog.id)
    ).all()
    assert [(e.object_id, e.changes["format"][1]) for e in exports] == [(pid, "json"), (pid, "pdf")]
    assert client.get("/privacy/deelnemers/987654/inzage.json").status_code == 404


def test_pdf_text_contains_the_sections(app):
    make_year(2026)
    file = build_file(closed_on=None, status="actief")
    pdf = to_pdf(collect(db.session, file["participant"].id), compress=False)
    assert b"%PDF" in pdf[:8]
    assert len(pdf) > 5000


@pytest.mark.parametrize("role", ["coach", "financien", "partner"])
def test_only_beheer_reaches_privacy(app, client, login_as, role):
    participant = make_participant()
    login_as(role)
    assert client.get("/privacy/").status_code == 403
    assert client.get(f"/privacy/deelnemers/{participant.id}/inzage.json").status_code == 403


# --------------------------------------------------------------------------- retention


def test_destruction_date_is_end_of_trajectory_plus_retention(app):
    closed = make_participant(status="afgerond", outcome_date=date(2026, 6, 30), end_date=date(2027, 9, 1))
    dropped = make_participant(status="uitgevallen", end_date=date(2027, 9, 1))
    running = make_participant(status="actief")
    assert destruction_date(closed, 7) == date(2033, 6, 30)
    assert destruction_date(dropped, 7) == date(2034, 9, 1)
    assert destruction_date(running, 7) is None
    assert add_years(date(2024, 2, 29), 7) == date(2031, 2, 28)


def test_beheer_page_lists_destruction_dates_and_what_is_due(app, client, login_as, htmx_headers):
    make_participant(first_name="Oud", last_name="Dossier", status="afgerond", outcome_date=LONG_AGO)
    make_participant(first_name="Nieuw", last_name="Dossier", status="uitgevallen", end_date=TODAY)
    make_participant(first_name="Lopend", last_name="Dossier", status="actief")
    login_as("beheer")
    page = client.get("/privacy/").text
    assert "Oud Dossier" in page and "Nieuw Dossier" in page and "Lopend" not in page
    assert "Aan de beurt" in page and "1 dossier is aan de beurt" in page
    assert add_years(TODAY, 7).strftime("%Y") in page
    fragment = client.get("/privacy/?zoek=oud", headers=htmx_headers)
    assert fragment.status_code == 200
    assert "<h1>" not in fragment.text and "Oud Dossier" in fragment.text and "inzage.pdf" in fragment.text
    assert "Oud Dossier" in client.get("/privacy/?zoek=oud").text


# --------------------------------------------------------------------------- purge


def _money():
    return (
        db.session.scalar(select(func.count()).select_from(MaatwerkRequest)),
        db.session.scalar(select(func.sum(MaatwerkRequest.amount))),
    )


def test_purge_anonymises_a_due_file_and_leaves_a_recent_one_alone(app):
    make_year(2026)
    due = build_file(closed_on=LONG_AGO)
    recent = make_participant(first_name="Recent", last_name="Afgerond", status="afgerond", outcome_date=TODAY)
    make_request("80.00", participant=recent)
    money_before = _money()
    due_id, version_id = due["participant"].id, due["version"].id
    assert [r.participant.id for r in due_files(db.session, 7, TODAY)] == [due_id]

    results = list(purge_due(db.session, 7, TODAY, dry_run=False, actor_label="test"))
    assert [(plan.participant_id, error) for plan, error in results] == [(due_id, None)]
    db.session.expire_all()

    p = db.session.get(Participant, due_id)
    assert (p.first_name, p.email, p.phone) == ("Geanonimiseerd", None, None)
    assert p.date_of_birth == date(2001, 1, 1) and p.outcome_note == "[verwijderd]"
    assert p.outcome == "betaald_werk"  # statistics stay
    assert db.session.scalar(select(Goal.description).where(Goal.participant_id == due_id)) == "[verwijderd]"
    assert db.session.scalar(select(Conversation.summary).where(Conversation.participant_id == due_id)) is None
    assert (
        db.session.scalar(select(Commitment.description).where(Commitment.participant_id == due_id)) == "[verwijderd]"
    )
    version = db.session.get(ContractVersion, version_id)
    assert "Veldhuis" not in version.canonical_text and "Veldhuis" not in json.dumps(version.sections)
    assert db.session.scalar(select(func.count()).select_from(ContractSigningLink)) == 0
    names = set(db.session.scalars(select(ContractSignature.signer_name)))
    assert names == {"Pieter ROC", "Geanonimiseerd"}
    assert db.session.scalar(select(ContractParty.name).where(ContractParty.kind == "deelnemer")) == "Geanonimiseerd"
    outbox = db.session.scalar(select(OutboxMessage).where(OutboxMessage.contract_id == due["contract"].id))
    assert "sanne" not in outbox.to_address.lower()
    # Money stays, with its amounts and totals; the free text about the person goes.
    assert _money() == money_before
    request = db.session.get(MaatwerkRequest, due["request"].id)
    assert (request.amount, request.status, request.category) == (Decimal("250.00"), "betaald", "vervoer")
    assert request.description == "[verwijderd]" and request.supplier == "Twents Fietsenhuis"
    # Audit rows stay, without names in their before/after values; the purge itself is audited.
    everything = json.dumps([row.changes for row in db.session.scalars(select(AuditLog))])
    assert "Veldhuis" not in everything and "0612345678" not in everything
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "view")) == 2
    purge_entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "privacy_purge"))
    assert purge_entry.object_id == due_id and purge_entry.changes["contract_sha256"][1]
    assert db.session.scalar(select(ParticipantPurge.participant_id)) == due_id
    # The recent file is untouched, and a second run finds nothing to do.
    assert db.session.get(Participant, recent.id).first_name == "Recent"
    assert list(purge_due(db.session, 7, TODAY, dry_run=False)) == []


def test_dry_run_changes_nothing(app):
    make_year(2026)
    due = build_file(closed_on=LONG_AGO)
    audit_before = db.session.scalar(select(func.count()).select_from(AuditLog))
    results = list(purge_due(db.session, 7, TODAY, dry_run=True))
    db.session.rollback()
    assert len(results) == 1 and results[0][0].counts["handtekeningen"] == 2
    assert db.session.get(Participant, due["participant"].id).last_name == "Veldhuis"
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == audit_before
    assert db.session.scalar(select(func.count()).select_from(ContractSigningLink)) == 1


def test_cli_purge_with_and_without_dry_run(app):
    make_year(2026)
    due = build_file(closed_on=LONG_AGO)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "zou worden geanonimiseerd" in result.output and "niets veranderd" in result.output
    db.session.expire_all()
    assert db.session.get(Participant, due["participant"].id).last_name == "Veldhuis"
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 dossier(s) geanonimiseerd, 0 mislukt" in result.output
    db.session.expire_all()
    assert db.session.get(Participant, due["participant"].id).first_name == "Geanonimiseerd"


def test_retention_years_come_from_config(app):
    make_year(2026)
    build_file(closed_on=add_years(TODAY, -3))
    assert due_files(db.session, 7, TODAY) == []
    assert len(due_files(db.session, 2, TODAY)) == 1


def test_frozen_contracts_stay_guarded_outside_the_purge(app):
    """The exception is only for the purge: a plain change of a frozen version is still refused."""
    from blueprints.contracts.immutability import FrozenContractError

    make_year(2026)
    file = build_file(closed_on=LONG_AGO)
    version = db.session.get(ContractVersion, file["version"].id)
    version.canonical_text = "gewijzigd"
    with pytest.raises(FrozenContractError):
        db.session.flush()
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(Exception, match="frozen"):
            db.session.execute(
                text("UPDATE contract_version SET canonical_text = 'x' WHERE id = :i"), {"i": version.id}
            )
        db.session.rollback()
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("DELETE FROM contract_signature"))
        db.session.rollback()
    purge_file(db.session, db.session.get(Participant, file["participant"].id), 7)
    db.session.commit()
    # After the purge the guards are back.
    version = db.session.get(ContractVersion, file["version"].id)
    version.canonical_text = "weer gewijzigd"
    with pytest.raises(FrozenContractError):
        db.session.flush()
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(Exception, match="frozen"):
            db.session.execute(
                text("UPDATE contract_version SET canonical_text = 'x' WHERE id = :i"), {"i": version.id}
            )
        db.session.rollback()


def test_verify_page_explains_a_purged_contract(client, login_as):
    make_year(2026)
    due = build_file(closed_on=LONG_AGO)
    list(purge_due(db.session, 7, TODAY, dry_run=False, actor_label="test"))
    login_as("beheer")
    page = client.get(f"/contracten/versie/{due['version'].id}/controle")
    assert page.status_code == 200
    assert "Geanonimiseerd." in page.text and "bewaartermijn" in page.text
    assert "Veldhuis" not in page.text
