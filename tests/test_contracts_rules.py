"""Contract rules without HTTP: hashing, immutability, links, signing, declining, reminders, PDF, diff."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from blueprints.contracts import drafting, links, outbox, signing
from blueprints.contracts.diff import compare, compare_versions
from blueprints.contracts.immutability import CONTRACT_IMMUTABILITY_DDL, FrozenContractError
from blueprints.contracts.pdf import build_pdf
from blueprints.contracts.queries import coach_attention, partner_waiting
from models import (
    ContractEvent,
    ContractParty,
    ContractSignature,
    ContractVersion,
    OutboxMessage,
    Participant,
    StatusChange,
    db,
    utcnow,
)
from tests.factories_contracts import make_contract, make_sent, make_world, party, sign

# --------------------------------------------------------------------------- hash


def test_hash_is_stable_for_the_same_text_and_changes_with_one_character(app):
    text_ = "Inspanningscontract\nSanne doet mee.\n"
    assert drafting.sha256_hex(text_) == drafting.sha256_hex(text_)
    assert drafting.sha256_hex(text_) != drafting.sha256_hex(text_.replace("Sanne", "Sanna"))
    assert drafting.sha256_hex(drafting.normalise("a \r\nb\r\n\n")) == drafting.sha256_hex("a\nb\n")
    assert re.fullmatch(r"[0-9a-f]{64}", drafting.sha256_hex(text_))


def test_rendered_text_of_a_version_is_stable(app):
    world = make_world()
    version = make_contract(world).versions[0]
    assert drafting.render_text(version) == drafting.render_text(version)
    before = drafting.text_hash(version)
    version.sections[0]["body"] += "!"
    assert drafting.text_hash(version) != before


def test_draft_uses_goals_commitments_period_and_template(app):
    from tests.factories_partners import make_commitment

    world = make_world()
    make_commitment(world["partners"][0], world["participant"], description="BBL-plaats Metaal niveau 2", quantity=1)
    version = make_contract(world).versions[0]
    body = drafting.render_text(version)
    assert "Een BBL-plek vinden" in body
    assert "BBL-plaats Metaal niveau 2" in body
    assert "1 september 2026 tot 1 september 2027" in body
    assert "Niet vrijblijvend" in body and "Privacy" in body
    assert [p.kind for p in version.parties] == ["deelnemer", "gemeente", "partner"]
    assert version.parties[1].name == "Gemeente Hengelo"


# --------------------------------------------------------------------------- immutability


def test_sending_freezes_text_and_hash(app):
    world = make_world()
    contract, version, _ = make_sent(world)
    assert version.status == "verzonden" and contract.status == "verzonden"
    assert version.text_sha256 == drafting.sha256_hex(version.canonical_text)
    assert drafting.verify(version)


def test_frozen_version_cannot_be_changed_through_the_orm(app):
    _, version, _ = make_sent(make_world())
    version.canonical_text = version.canonical_text + "extra"
    with pytest.raises(FrozenContractError):
        db.session.flush()
    db.session.rollback()
    version = db.session.get(ContractVersion, version.id)
    version.sections = [{"key": "x", "title": "x", "body": "anders"}]
    with pytest.raises(FrozenContractError):
        db.session.commit()
    db.session.rollback()


def test_frozen_version_cannot_be_changed_by_a_bulk_orm_update_or_deleted(app):
    _, version, _ = make_sent(make_world())
    with pytest.raises(FrozenContractError):
        db.session.execute(
            update(ContractVersion).where(ContractVersion.id == version.id).values(canonical_text="vervalst")
        )
    db.session.rollback()
    version = db.session.get(ContractVersion, version.id)
    db.session.delete(version)
    with pytest.raises(FrozenContractError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(ContractVersion, version.id).canonical_text.startswith("INSPANNINGSCONTRACT")


def test_parties_and_signatures_of_a_frozen_version_are_fixed(app):
    world = make_world()
    _, version, _ = make_sent(world)
    gemeente = party(version, "gemeente")
    gemeente.name = "Andere gemeente"
    with pytest.raises(FrozenContractError):
        db.session.flush()
    db.session.rollback()
    version = db.session.get(ContractVersion, version.id)
    result = sign(version, party(version, "gemeente"), user=world["coach"])
    db.session.commit()
    signature = db.session.get(ContractSignature, result.signature.id)
    signature.signer_name = "Iemand anders"
    with pytest.raises(FrozenContractError):
        db.session.flush()
    db.session.rollback()


def test_raw_sql_change_is_refused_by_postgresql_or_detected_by_the_hash(app):
    _, version, _ = make_sent(make_world())
    statement = text("UPDATE contract_version SET canonical_text = 'vervalst' WHERE id = :id")
    if db.engine.dialect.name == "postgresql":
        assert "contract_version_frozen_guard" in CONTRACT_IMMUTABILITY_DDL
        with pytest.raises(DBAPIError, match="frozen"):
            db.session.execute(statement, {"id": version.id})
        db.session.rollback()
        with pytest.raises(DBAPIError, match="append-only|frozen"):
            db.session.execute(text("DELETE FROM contract_party WHERE version_id = :id"), {"id": version.id})
        db.session.rollback()
        assert drafting.verify(db.session.get(ContractVersion, version.id))
    else:  # SQLite has no guard: the verify rule must see the change
        db.session.execute(statement, {"id": version.id})
        db.session.commit()
        db.session.expire_all()
        assert not drafting.verify(db.session.get(ContractVersion, version.id))


# --------------------------------------------------------------------------- links


def test_link_token_is_stored_only_as_hash_and_works_once(app):
    world = make_world()
    _, version, token = make_sent(world)
    check = links.verify_token(token)
    assert check.ok
    stored = check.link.token_hash
    assert token not in stored and stored == links.token_hash(token)
    assert len(token) >= 40
    assert not links.verify_token(token + "x").ok
    sign(version, party(version, "deelnemer"), name="Sanne de Jong", link=check.link)
    db.session.commit()
    again = links.verify_token(token)
    assert not again.ok and "al gebruikt" in again.problem


def test_link_expires_after_14_days(app):
    _, _, token = make_sent(make_world())
    now = utcnow()
    assert links.verify_token(token, now + timedelta(days=13, hours=23)).ok
    late = links.verify_token(token, now + timedelta(days=14, minutes=1))
    assert not late.ok and "verlopen" in late.problem
    assert links.expire_links(now + timedelta(days=15)) == 1
    assert links.expire_links(now + timedelta(days=16)) == 0  # noted once
    db.session.commit()
    kinds = db.session.scalars(select(ContractEvent.kind)).all()
    assert "expired" in kinds


def test_revoked_link_and_new_link_replaces_old(app):
    world = make_world()
    _, version, token = make_sent(world)
    _, token2 = links.create_link(version, world["coach"])
    db.session.commit()
    assert "ingetrokken" in links.verify_token(token).problem
    link2 = links.verify_token(token2).link
    assert links.revoke(link2, world["coach"])
    db.session.commit()
    assert not links.verify_token(token2).ok


def test_wrong_birth_dates_lock_the_link(app):
    _, _, token = make_sent(make_world())
    link = links.verify_token(token).link
    from datetime import date

    for _ in range(links.MAX_FAILED_CHECKS):
        assert not links.check_birth_date(link, date(1999, 1, 1))
    db.session.commit()
    assert "te vaak" in links.verify_token(token).problem


# --------------------------------------------------------------------------- signing


def test_double_submitted_signature_counts_once(app):
    world = make_world()
    _, version, _ = make_sent(world)
    roc = party(version, "partner")
    first = sign(version, roc, user=world["partner_users"][0])
    db.session.commit()
    second = sign(version, roc, user=world["partner_users"][0])
    db.session.commit()
    assert first.created and not second.created
    assert second.signature.id == first.signature.id
    assert db.session.scalar(select(db.func.count(ContractSignature.id))) == 1


def test_signature_keeps_full_evidence(app):
    world = make_world()
    _, version, _ = make_sent(world)
    result = sign(version, party(version, "partner"), name="Marloes ten Hove", user=world["partner_users"][0])
    db.session.commit()
    s = result.signature
    assert s.signer_name == "Marloes ten Hove" and s.user_id == world["partner_users"][0].id
    assert s.ip == "127.0.0.1" and s.user_agent == "pytest" and s.signed_at is not None
    assert s.version_sha256 == version.text_sha256
    assert s.intent_text == signing.intent_text(version, party(version, "partner"))


def test_wrong_intent_or_closed_version_is_refused(app):
    world = make_world()
    _, version, _ = make_sent(world)
    with pytest.raises(signing.SigningError):
        signing.sign_version(
            version,
            party(version, "gemeente"),
            signer_name="X",
            method="wachtwoord",
            authentication="t",
            intent="iets anders",
        )


def test_fully_signed_contract_is_active_and_participant_becomes_actief(app):
    world = make_world()
    contract, version, token = make_sent(world)
    link = links.verify_token(token).link
    sign(version, party(version, "deelnemer"), link=link)
    sign(version, party(version, "gemeente"), user=world["coach"])
    result = sign(version, party(version, "partner"), user=world["partner_users"][0])
    db.session.commit()
    assert result.completed
    assert version.status == "actief" and contract.status == "actief" and version.activated_at
    participant = db.session.get(Participant, world["participant"].id)
    assert participant.status == "actief"
    assert db.session.scalar(select(StatusChange).where(StatusChange.participant_id == participant.id))


def test_new_version_supersedes_old_and_everyone_signs_again(app):
    world = make_world()
    contract, v1, token = make_sent(world)
    sign(v1, party(v1, "gemeente"), user=world["coach"])
    db.session.commit()
    v2 = drafting.next_version(contract, world["coach"])
    v2.sections = [*v2.sections[:-1], {**v2.sections[-1], "body": "Nieuwe samenvatting"}]
    v2.sections[0] = {**v2.sections[0], "body": "Gewijzigde inleiding."}
    db.session.commit()
    assert v1.status == "verzonden"  # still signable until v2 is sent
    signing.send_version(v2, world["coach"])
    db.session.commit()
    assert v1.status == "vervangen" and v2.status == "verzonden"
    assert all(p.signature is None for p in v2.parties)
    assert not links.verify_token(token).ok
    with pytest.raises(signing.SigningError):
        sign(v1, party(v1, "partner"), user=world["partner_users"][0])
    assert v1.text_sha256 != v2.text_sha256


def test_decline_stops_signing_and_shows_on_the_coach_start_page(app):
    world = make_world()
    contract, version, token = make_sent(world)
    link = links.verify_token(token).link
    signing.decline_version(version, party(version, "deelnemer"), name="Sanne", reason="Ik wil eerst praten", link=link)
    db.session.commit()
    assert version.status == "geweigerd" and contract.status == "geweigerd"
    attention = coach_attention(world["coach"])
    assert [v.id for v in attention.declined] == [version.id]
    with pytest.raises(signing.SigningError):
        sign(version, party(version, "gemeente"), user=world["coach"])
    with pytest.raises(signing.SigningError):
        signing.decline_version(version, party(version, "gemeente"), name="X", reason="")


def test_partner_waiting_list_respects_named_signer(app):
    world = make_world()
    contract = make_contract(world)
    colleague = world["partner_users"][0]
    from tests.conftest import make_user

    named = make_user("partner", organisation=world["partners"][0])
    concept = contract.versions[0]
    drafting.set_parties(concept, world["participant"], world["partners"], {world["partners"][0].id: named.id})
    db.session.commit()
    signing.send_version(concept, world["coach"])
    db.session.commit()
    assert partner_waiting(colleague) == []
    assert [v.id for v, _ in partner_waiting(named)] == [concept.id]
    assert not signing.may_sign_for(colleague, party(concept, "partner"))
    assert signing.may_sign_for(named, party(concept, "partner"))


# --------------------------------------------------------------------------- outbox and reminders


def test_invitations_stay_in_outbox_without_smtp_and_never_hold_the_token(app):
    world = make_world()
    _, version, token = make_sent(world)
    outbox.queue_invitations(version, f"https://example.test/tekenen/{token}")
    db.session.commit()
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert {m.to_address for m in messages} == {world["partner_users"][0].email, "sanne@example.test"}
    assert all(m.sent_at is None for m in messages)
    assert all(token not in m.body for m in messages)


def test_reminders_after_five_days_once(app):
    world = make_world()
    _, version, _ = make_sent(world)
    now = utcnow()
    assert outbox.queue_reminders(now + timedelta(days=4)) == 0
    assert outbox.queue_reminders(now + timedelta(days=5, minutes=1)) == 2  # partner user + participant
    db.session.commit()
    assert outbox.queue_reminders(now + timedelta(days=6)) == 0
    assert outbox.queue_reminders(now + timedelta(days=11)) == 2


def test_smtp_send_records_error_and_keeps_message(app):
    app.config["SMTP_HOST"] = "127.0.0.1"
    app.config["SMTP_PORT"] = 1  # nothing listens here
    message = outbox.queue("a@example.test", "Onderwerp", "Tekst {link}", "test", None, secret="GEHEIM")
    db.session.commit()
    assert message.sent_at is None and message.error
    assert "GEHEIM" not in message.body


# --------------------------------------------------------------------------- PDF and diff


def test_pdf_contains_the_hashes_on_the_certificate_page(app):
    world = make_world()
    _, version, _ = make_sent(world)
    result = sign(version, party(version, "gemeente"), name="Lotte Jansen", user=world["coach"])
    db.session.commit()
    data = build_pdf(version, compress=False)
    assert data.startswith(b"%PDF")
    assert data.count(version.text_sha256.encode()) >= 3  # stored, recomputed, signature (+ metadata)
    assert result.signature.version_sha256.encode() in data
    assert b"DejaVuSans" in data  # the Unicode font is embedded
    assert build_pdf(version).startswith(b"%PDF")  # compressed for download


def test_diff_marks_changed_added_and_removed_lines(app):
    rows = compare("a\nde deelnemer komt op tijd\nc\n", "a\nde deelnemer komt altijd op tijd\nc\nd\n")
    kinds = [r.kind for r in rows]
    assert kinds == ["equal", "changed", "equal", "added"]
    changed = rows[1]
    assert ("altijd ", True) in changed.new_parts and not any(hit for _, hit in changed.old_parts)
    whole = compare("x\nhet oude doel\n", "x\niets heel anders hier\n")[1]
    assert whole.old_parts == [("het oude doel", True)] and whole.new_parts == [("iets heel anders hier", True)]
    assert [r.kind for r in compare("a\nb\n", "a\n")] == ["equal", "removed"]


def test_diff_between_versions(app):
    world = make_world()
    contract, v1, _ = make_sent(world)
    v2 = drafting.next_version(contract, world["coach"])
    v2.sections = [{**v2.sections[0], "body": "Nieuwe inleiding."}, *v2.sections[1:]]
    db.session.commit()
    rows = compare_versions(v1, v2)
    assert any(r.kind == "changed" and "versie 2" in (r.new or "") for r in rows)
    assert any("Nieuwe inleiding." in (r.new or "") for r in rows if r.kind != "equal")


def test_party_rows_exist_per_partner(app):
    world = make_world(partner_names=("ROC van Twente", "Bouwbedrijf Hengelo"))
    version = make_contract(world).versions[0]
    assert db.session.scalar(select(db.func.count(ContractParty.id))) == 4
    assert [s["key"] for s in version.sections if s["key"].startswith("partner-")] == [
        f"partner-{o.id}" for o in world["partners"]
    ]


def test_cli_remind_queues_reminders_and_notes_expired_links(app):
    world = make_world()
    _, version, _ = make_sent(world)
    long_ago = utcnow() - timedelta(days=15)
    db.session.execute(  # the version was sent (and the link made) 15 days ago; sent_at is not frozen
        update(ContractVersion).where(ContractVersion.id == version.id).values(sent_at=long_ago)
    )
    link = db.session.scalars(select(links.ContractSigningLink)).one()
    link.expires_at = long_ago + links.VALID_FOR
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["contracts", "remind"])
    assert result.exit_code == 0, result.output
    assert "2 herinnering(en) klaargezet, 1 verlopen link(s)" in result.output
    kinds = set(db.session.scalars(select(ContractEvent.kind)))
    assert {"reminded", "expired"} <= kinds
