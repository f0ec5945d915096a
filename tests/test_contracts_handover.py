"""Handing over the link: copy (selectable without JavaScript), QR code, e-mail or SMS with the link (never
stored), and a reminder button per party whose reminders the contract page shows."""

import pytest
from sqlalchemy import select

from blueprints.contracts import delivery, links
from models import ContractEvent, OutboxMessage, PartyKind, db
from tests.factories_contracts import make_sent, make_world, party


class RecordingSms:
    """An SMS provider as SMS_SENDER=module:Class would plug in."""

    delivers = True
    sent: list = []

    def __init__(self, config):
        pass

    def send(self, to, text):
        RecordingSms.sent.append((to, text))


@pytest.fixture
def world(app):
    return make_world(participant_kw={"phone": "0612345678"})


def new_link(client, login_as, world):
    contract, version, _old = make_sent(world)
    login_as(user=world["coach"])
    page = client.post(f"/contracten/{contract.id}/link")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    token = html.split('name="token" value="')[1].split('"')[0]
    link = db.session.scalars(
        select(links.ContractSigningLink).where(links.ContractSigningLink.token_hash == links.token_hash(token))
    ).one()
    return contract, version, link, token, html


def test_the_link_page_has_a_qr_code_a_selectable_link_and_a_copy_button(app, client, login_as, world):
    _contract, _version, _link, token, html = new_link(client, login_as, world)
    assert (
        f'<input class="input copy-source" id="tekenlink" type="text" readonly value="http://localhost/tekenen/{token}">'
        in html
    )
    assert 'data-copy-target="tekenlink" hidden' in html  # the button appears only with JavaScript
    assert 'src="/static/copy.js"' in html and "<script>" not in html  # no inline script (CSP)
    assert '<svg role="img"' in html and "QR-code met de persoonlijke tekenlink" in html
    assert "Stuur per e-mail naar sanne@example.test" in html and "Stuur per sms naar 0612345678" in html


def test_sending_by_email_puts_the_link_in_the_mail_and_never_in_the_outbox(app, client, login_as, world, smtp_server):
    host, port, inbox = smtp_server
    app.config.update(SMTP_HOST=host, SMTP_PORT=port, SMTP_USER=None)
    contract, _version, link, token, _html = new_link(client, login_as, world)
    before = len(inbox.to("sanne@example.test"))
    response = client.post(
        f"/contracten/{contract.id}/link/{link.id}/sturen", data={"token": token, "channel": "email"}
    )
    assert response.status_code == 200 and "De link is per e-mail verstuurd." in response.get_data(as_text=True)
    mails = inbox.to("sanne@example.test")
    assert len(mails) == before + 1
    assert f"/tekenen/{token}" in mails[-1].get_body(("plain",)).get_content()
    stored = db.session.scalars(select(OutboxMessage)).all()
    assert stored and all(token not in (m.body or "") and token not in (m.html or "") for m in stored)
    assert db.session.scalar(select(ContractEvent).where(ContractEvent.kind == "link_sent")) is not None


def test_sending_by_sms_through_the_pluggable_sender(app, client, login_as, world):
    app.config["SMS_SENDER"] = "tests.test_contracts_handover:RecordingSms"
    RecordingSms.sent.clear()
    contract, _version, link, token, _html = new_link(client, login_as, world)
    response = client.post(f"/contracten/{contract.id}/link/{link.id}/sturen", data={"token": token, "channel": "sms"})
    assert "De link is per sms verstuurd." in response.get_data(as_text=True)
    assert RecordingSms.sent[-1][0] == "0612345678" and f"/tekenen/{token}" in RecordingSms.sent[-1][1]
    sms = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all()
    assert sms and all(token not in m.body for m in sms)


def test_without_a_sender_the_sms_waits_in_the_outbox_without_the_link(app, client, login_as, world):
    contract, _version, link, token, _html = new_link(client, login_as, world)
    page = client.post(f"/contracten/{contract.id}/link/{link.id}/sturen", data={"token": token, "channel": "sms"})
    assert "geen sms-dienst ingesteld" in page.get_data(as_text=True)
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).one()
    assert message.sent_at is None and token not in message.body


def test_a_wrong_token_or_channel_sends_nothing(app, client, login_as, world):
    contract, _version, link, token, _html = new_link(client, login_as, world)
    count = len(db.session.scalars(select(OutboxMessage)).all())
    wrong = client.post(
        f"/contracten/{contract.id}/link/{link.id}/sturen", data={"token": "x" * 43, "channel": "email"}
    )
    assert wrong.status_code == 303
    bad = client.post(f"/contracten/{contract.id}/link/{link.id}/sturen", data={"token": token, "channel": "fax"})
    assert bad.status_code == 422 and "Kies e-mail of sms." in bad.get_data(as_text=True)
    assert len(db.session.scalars(select(OutboxMessage)).all()) == count


def test_the_reminder_button_reminds_one_party_and_the_contract_shows_it(app, client, login_as, world, smtp_server):
    host, port, inbox = smtp_server
    app.config.update(SMTP_HOST=host, SMTP_PORT=port, SMTP_USER=None)
    contract, version, _token = make_sent(world)
    login_as(user=world["coach"])
    roc = party(version, PartyKind.PARTNER)
    response = client.post(f"/contracten/{contract.id}/herinnering/{roc.id}")
    assert response.status_code == 303
    partner_email = world["partner_users"][0].email
    assert [m["Subject"] for m in inbox.to(partner_email)][-1] == "Herinnering: inspanningscontract tekenen"
    page = client.get(f"/contracten/{contract.id}").get_data(as_text=True)
    assert "1 verstuurd, laatste op" in page
    assert page.count("Herinnering sturen") == len(version.parties)
    # the participant: e-mail and SMS, both without the link
    deelnemer = party(version, PartyKind.DEELNEMER)
    client.post(f"/contracten/{contract.id}/herinnering/{deelnemer.id}")
    kinds = {
        (m.channel, m.to_address)
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "herinnering"))
    }
    assert ("email", "sanne@example.test") in kinds and ("sms", "0612345678") in kinds
    assert len(delivery.reminders_by_party(version)[deelnemer.id]) == 1


def test_no_reminder_for_a_party_that_signed(app, client, login_as, world):
    from tests.factories_delivery import sign_all

    contract, version, _token = make_sent(world)
    sign_all(version, world, skip=(PartyKind.DEELNEMER, PartyKind.GEMEENTE))
    db.session.commit()
    roc = party(version, PartyKind.PARTNER)
    with pytest.raises(delivery.DeliveryError):
        delivery.remind_party(version, roc, world["coach"])
    login_as(user=world["coach"])
    client.post(f"/contracten/{contract.id}/herinnering/{roc.id}")
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "herinnering")).all() == []
