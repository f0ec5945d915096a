"""core/messaging.py: the one way out for e-mail and SMS, checked against a real SMTP server (aiosmtpd)."""

import pytest
from icalendar import Calendar
from sqlalchemy import select

from core import messaging
from core.messaging import Attachment, PermanentFailure, queue_email, queue_sms
from models import OutboxMessage, db
from tests.conftest import make_participant, race_in_apps

ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//NL\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
    b"UID:gesprek-1@test\r\nDTSTAMP:20261201T100000Z\r\nDTSTART:20261203T090000Z\r\n"
    b"DTEND:20261203T100000Z\r\nSUMMARY:Gesprek\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


class RecordingSender:
    """An SMS provider adapter as a deployment would plug in with SMS_SENDER=module:Class."""

    sent: list[tuple[str, str]] = []

    def __init__(self, config):
        self.config = config

    def send(self, to, text):
        if to == "0600000000":
            raise PermanentFailure("nummer bestaat niet")
        RecordingSender.sent.append((to, text))


def use_smtp(app, smtp_server):
    host, port, inbox = smtp_server
    app.config.update(SMTP_HOST=host, SMTP_PORT=port, SMTP_USER=None, MAIL_FROM="perspectiefjaar@hengelo.test")
    return inbox


def test_without_smtp_the_message_stays_queued_without_its_secret(app):
    message = queue_email("a@example.test", "Je code", "Code: {code}", kind="inlogcode", secrets={"{code}": "123456"})
    db.session.commit()
    assert message.status == "queued" and message.sent_at is None
    assert "123456" not in message.body and messaging.HIDDEN_TEXT in message.body


def test_demo_keeps_the_secret_readable_when_nothing_can_be_sent(app):
    app.config["OUTBOX_KEEPS_SECRETS"] = True
    message = queue_sms("0612345678", "Code: {code}", kind="inlogcode", secrets={"{code}": "123456"})
    db.session.commit()
    assert message.channel == "sms" and message.status == "queued" and "123456" in message.body


def test_email_arrives_with_headers_text_html_and_a_parsable_calendar_attachment(app, smtp_server):
    inbox = use_smtp(app, smtp_server)
    participant = make_participant(email="sanne@example.test")
    message = queue_email(
        "sanne@example.test",
        "Je afspraak",
        "Hoi Sanne,\n\nOpen {link}",
        html="<p>Hoi Sanne,</p><p><a href='{link}'>Open</a></p>",
        attachments=[Attachment("afspraak.ics", "text/calendar; method=REQUEST; charset=utf-8", ICS)],
        kind="afspraak",
        participant_id=participant.id,
        secrets={"{link}": "https://example.test/geheim-123"},
    )
    db.session.commit()
    assert message.status == "sent" and message.sent_at is not None and message.attempts == 1
    assert "geheim-123" not in message.body and "geheim-123" not in message.html

    [mail] = inbox.to("sanne@example.test")
    assert mail["From"] == "perspectiefjaar@hengelo.test" and mail["Subject"] == "Je afspraak"
    assert mail["Message-ID"]
    assert mail.get_content_type() == "multipart/mixed"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "https://example.test/geheim-123" in text
    assert "href='https://example.test/geheim-123'" in html
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "afspraak.ics"
    assert attachment.get_content_type() == "text/calendar" and attachment.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(attachment.get_content())
    assert calendar["METHOD"] == "REQUEST"
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == ["gesprek-1@test"]


def test_refused_address_is_bounced_and_not_retried(app, smtp_server):
    inbox = use_smtp(app, smtp_server)
    inbox.refuse.add("weg@example.test")
    message = queue_email("weg@example.test", "Onderwerp", "Tekst")
    db.session.commit()
    assert message.status == "bounced" and "550" in message.error
    assert messaging.deliver_pending() == 0
    assert inbox.messages == []


def test_temporary_failure_is_retried_by_the_job(app, smtp_server):
    host, port, inbox = smtp_server
    app.config.update(SMTP_HOST=host, SMTP_PORT=1)  # nothing listens: connection refused
    message = queue_email("a@example.test", "Onderwerp", "Tekst")
    db.session.commit()
    assert message.status == "failed" and message.error
    app.config["SMTP_PORT"] = port
    assert messaging.deliver_pending() == 1
    assert messaging.deliver_pending() == 0
    assert len(inbox.to("a@example.test")) == 1
    assert db.session.get(OutboxMessage, message.id).status == "sent"


def test_sms_through_a_plugged_in_sender(app):
    app.config["SMS_SENDER"] = "tests.test_messaging:RecordingSender"
    app.extensions.pop("sms_sender", None)
    RecordingSender.sent.clear()
    ok = queue_sms("0612345678", "Je code is {code}", secrets={"{code}": "654321"})
    bounced = queue_sms("0600000000", "Tekst")
    db.session.commit()
    assert RecordingSender.sent == [("0612345678", "Je code is 654321")]
    assert ok.status == "sent" and "654321" not in ok.body
    assert bounced.status == "bounced"


def test_default_sms_sender_keeps_sms_in_the_outbox(app):
    message = queue_sms("0612345678", "Tekst")
    db.session.commit()
    assert message.status == "queued"
    assert messaging.deliver_pending() == 0


def test_two_processes_delivering_at_once_send_each_message_once(app, smtp_server, _schema):
    inbox = use_smtp(app, smtp_server)
    app.config["SMTP_HOST"] = None  # queue without sending, then let two "servers" race
    for n in range(6):
        queue_email(f"p{n}@example.test", "Onderwerp", "Tekst")
    db.session.commit()
    host, port, _ = smtp_server
    results = race_in_apps(_schema, 2, messaging.deliver_pending, SMTP_HOST=host, SMTP_PORT=port)
    assert sum(results) == 6
    assert sorted(m["To"] for m in inbox.messages) == sorted(f"p{n}@example.test" for n in range(6))
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == ["sent"] * 6


def test_contract_invitation_goes_through_the_same_path(app, smtp_server):
    from blueprints.contracts import outbox

    inbox = use_smtp(app, smtp_server)
    message = outbox.queue(
        "p@example.test", "Je contract", "Open {link}", "uitnodiging", None, secret="https://x/t/abc"
    )
    db.session.commit()
    assert message.status == "sent" and "abc" not in message.body
    [mail] = inbox.to("p@example.test")
    assert "https://x/t/abc" in mail.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("content_type", ["application/pdf", "text/calendar; method=CANCEL"])
def test_attachment_types(app, smtp_server, content_type):
    inbox = use_smtp(app, smtp_server)
    queue_email("a@example.test", "Bijlage", "Zie bijlage", attachments=[Attachment("f", content_type, b"data")])
    db.session.commit()
    [attachment] = list(inbox.messages[0].iter_attachments())
    assert attachment.get_content_type() == content_type.split(";")[0]
    assert attachment.get_content() == b"data" or attachment.get_content() == "data"
