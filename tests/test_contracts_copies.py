"""A copy for everyone: the participant's copy right after signing (download for 30 days, e-mail), and the
sealed PDF by e-mail to every party and the coach when the last signature arrives (real SMTP: aiosmtpd)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from blueprints.contracts import delivery, documents
from core import seal
from models import OutboxMessage, PartyKind, db
from tests.factories_contracts import make_sent, make_world
from tests.factories_delivery import seal_config, sign_all


@pytest.fixture
def app_config(tmp_path):
    return seal_config(tmp_path)


def use_smtp(app, smtp_server):
    host, port, inbox = smtp_server
    app.config.update(SMTP_HOST=host, SMTP_PORT=port, SMTP_USER=None, MAIL_FROM="perspectiefjaar@hengelo.test")
    return inbox


def pdf_attachments(mail):
    return [part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"]


def sign_with_link(client, token, participant):
    client.post(f"/tekenen/{token}", data={"date_of_birth": participant.date_of_birth.isoformat()})
    page = client.get(f"/tekenen/{token}/contract").get_data(as_text=True)
    assert "Ik heb versie" in page
    from blueprints.contracts import signing
    from models import Contract

    version = db.session.scalars(select(Contract)).first().versions[0]
    party = next(p for p in version.parties if p.kind == PartyKind.DEELNEMER)
    return client.post(
        f"/tekenen/{token}/teken",
        data={"signer_name": participant.full_name, "intent": "y", "intent_text": signing.intent_text(version, party)},
    )


def test_right_after_signing_the_participant_downloads_and_gets_an_email_with_the_pdf(app, client, smtp_server):
    inbox = use_smtp(app, smtp_server)
    world = make_world()
    _contract, version, token = make_sent(world)
    participant = world["participant"]
    response = sign_with_link(client, token, participant)
    assert response.status_code == 303
    done = client.get("/tekenen/klaar").get_data(as_text=True)
    assert "Download je contract (PDF)" in done
    pdf = client.get("/tekenen/kopie.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data == documents.document_for(version).pdf  # the stored copy, not a fresh build
    mails = inbox.to(participant.email)
    copies = [m for m in mails if m["Subject"] == "Je getekende inspanningscontract"]
    assert len(copies) == 1
    (attachment,) = pdf_attachments(copies[0])
    assert attachment.get_content().startswith(b"%PDF-")
    assert attachment.get_filename() == f"inspanningscontract-{version.contract.reference}-v1.pdf"


def test_the_link_opens_the_copy_for_30_days_after_a_birth_date_check_and_not_after(app, client, monkeypatch):
    world = make_world()
    _contract, _version, token = make_sent(world)
    participant = world["participant"]
    sign_with_link(client, token, participant)
    other = app.test_client()  # another browser, e.g. weeks later from the e-mail
    page = other.get(f"/tekenen/{token}")
    assert page.status_code == 200 and "je hebt al getekend" in page.get_data(as_text=True)
    assert other.get("/tekenen/kopie.pdf").status_code == 404  # not before the date of birth
    wrong = other.post(f"/tekenen/{token}", data={"date_of_birth": "2000-01-01"})
    assert wrong.status_code == 422 and "klopt niet" in wrong.get_data(as_text=True)
    right = other.post(f"/tekenen/{token}", data={"date_of_birth": participant.date_of_birth.isoformat()})
    assert right.status_code == 303, right.get_data(as_text=True)[-3000:]
    assert right.headers["Location"].endswith("/tekenen/kopie")
    assert other.get("/tekenen/kopie").status_code == 200
    assert other.get("/tekenen/kopie.pdf").status_code == 200

    later = delivery.utcnow() + timedelta(days=30, minutes=1)
    monkeypatch.setattr(delivery, "utcnow", lambda: later)
    assert other.get("/tekenen/kopie.pdf").status_code == 404
    expired = app.test_client().get(f"/tekenen/{token}")
    assert expired.status_code == 410 and "al gebruikt" in expired.get_data(as_text=True)


def test_wrong_birth_dates_lock_the_copy(app, client):
    world = make_world()
    _contract, _version, token = make_sent(world)
    sign_with_link(client, token, world["participant"])
    other = app.test_client()
    for _ in range(5):
        response = other.post(f"/tekenen/{token}", data={"date_of_birth": "1999-12-31"})
    assert response.status_code == 410
    ok = other.post(f"/tekenen/{token}", data={"date_of_birth": world["participant"].date_of_birth.isoformat()})
    assert ok.status_code == 410 and other.get("/tekenen/kopie.pdf").status_code == 404


def test_a_declined_link_gives_no_copy(app, client):
    world = make_world()
    _contract, _version, token = make_sent(world)
    client.post(f"/tekenen/{token}", data={"date_of_birth": world["participant"].date_of_birth.isoformat()})
    client.post(f"/tekenen/{token}/weigeren", data={"weiger-name": "Sanne", "weiger-reason": "Ik wil nog nadenken"})
    assert app.test_client().get(f"/tekenen/{token}").status_code == 410
    assert client.get("/tekenen/kopie.pdf").status_code == 404


def test_the_last_signature_mails_the_sealed_pdf_to_every_party_and_the_coach(app, smtp_server):
    inbox = use_smtp(app, smtp_server)
    world = make_world(partner_names=("ROC van Twente", "Leerwerkloket Twente"))
    _contract, version, _token = make_sent(world)
    sign_all(version, world)
    db.session.commit()
    full = documents.final_document(version)
    partner = documents.final_document(version, documents.PARTNER)
    expected = {world["participant"].email: full, world["coach"].email: full}
    expected |= {u.email: partner for u in world["partner_users"]}
    settings = seal.settings_from(app.config)
    for address, document in expected.items():
        finals = [
            m for m in inbox.to(address) if "door iedereen getekend" in m["Subject"] or "Getekend:" in m["Subject"]
        ]
        assert len(finals) == 1, address
        (attachment,) = pdf_attachments(finals[0])
        data = attachment.get_content()
        assert data == document.pdf, address
        assert seal.check_seal(data, settings).ok
    # the coach signed for the municipality too, and still gets one e-mail
    assert len([m for m in inbox.to(world["coach"].email) if "Getekend:" in m["Subject"]]) == 1


def test_without_smtp_the_copies_wait_in_the_outbox_with_their_pdf(app):
    world = make_world()
    _contract, version, _token = make_sent(world)
    sign_all(version, world)
    db.session.commit()
    kopie = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "kopie")).all()
    assert {m.to_address for m in kopie} >= {world["participant"].email, world["coach"].email}
    assert all(m.attachments and m.attachments[0].data.startswith(b"%PDF-") for m in kopie)
    assert all(m.status == "wachtrij" or m.sent_at is None for m in kopie)


def test_recipients_each_once_and_partners_get_the_partner_variant(app):
    world = make_world(participant_kw={"email": None})
    _contract, version, _token = make_sent(world)
    sign_all(version, world)
    recipients = dict(delivery.final_recipients(version))
    assert recipients == {world["coach"].email: "volledig", world["partner_users"][0].email: "partner"}


def test_no_email_address_means_no_copy_mail_but_the_download_still_works(app, client):
    world = make_world(participant_kw={"email": None, "date_of_birth": date(2000, 2, 29)})
    _contract, _version, token = make_sent(world)
    sign_with_link(client, token, world["participant"])
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "kopie")).all() == []
    assert client.get("/tekenen/kopie.pdf").status_code == 200
