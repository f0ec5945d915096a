"""The one way out for messages: e-mail by SMTP and SMS through a pluggable sender, via the outbox table.

`queue_email` and `queue_sms` store an `OutboxMessage` and, when a transport is configured, hand it
over at once. `deliver_pending()` (run by the cron jobs) retries what is still waiting; each message
is claimed with a conditional UPDATE first, so several app servers running it never send one twice.

Secrets (a signing link, a sign-in code) are passed as `secrets={"{link}": url}`: they go only into
the message that is sent right now; the stored copy holds a placeholder. Only with
`OUTBOX_KEEPS_SECRETS` (local development and the demo, where nothing can be sent) does the stored
copy keep them, so a newcomer can read a code from "Uitgaande berichten".

SMS: `SMS_SENDER=package.module:ClassName` names a class that takes the app config and has
`send(to, text)`; it raises `PermanentFailure` for a number that can never receive (bounced) and any
other exception for a temporary problem (retried). Without `SMS_SENDER` SMS stays in the outbox.
"""

from __future__ import annotations

import importlib
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import or_, select, update

from models import OutboxAttachment, OutboxMessage, OutboxStatus, db, utcnow

# Stands in for a secret in the stored copy.
HIDDEN_TEXT = "[staat alleen in het verstuurde bericht, wordt niet bewaard]"
MAX_ATTEMPTS = 5
# A claim older than this belongs to a process that died while sending: it may be taken over.
STALE_CLAIM = timedelta(minutes=10)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # may carry parameters: "text/calendar; method=REQUEST"
    data: bytes


class PermanentFailure(Exception):
    """The receiving side refused the message for good (unknown address or number): a bounce."""


class OutboxOnlySender:
    """The default SMS sender: no provider, the message stays in the outbox (beheer can read it)."""

    delivers = False

    def __init__(self, config):
        self.config = config

    def send(self, to: str, text: str) -> None:  # pragma: no cover - never called (delivers is False)
        raise RuntimeError("Er is geen sms-dienst ingesteld (SMS_SENDER).")


# --------------------------------------------------------------------------- transports


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def sms_sender():
    """The configured SMS sender instance (cached per app)."""
    cached = current_app.extensions.get("sms_sender")
    if cached is not None:
        return cached
    spec = current_app.config.get("SMS_SENDER") or ""
    if spec:
        module_name, _, class_name = spec.partition(":")
        sender_class = getattr(importlib.import_module(module_name), class_name)
    else:
        sender_class = OutboxOnlySender
    sender = sender_class(current_app.config)
    current_app.extensions["sms_sender"] = sender
    return sender


def can_send(channel: str) -> bool:
    if channel == "sms":
        return bool(getattr(sms_sender(), "delivers", True))
    return smtp_configured()


# --------------------------------------------------------------------------- queueing


def _fill(text: str | None, secrets: dict[str, str], keep: bool) -> tuple[str | None, str | None]:
    """(stored text, text to send now)."""
    if text is None:
        return None, None
    stored, real = text, text
    for placeholder, value in secrets.items():
        real = real.replace(placeholder, value)
        stored = stored.replace(placeholder, value if keep else HIDDEN_TEXT)
    return stored, real


def _queue(channel, to, subject, text, html, attachments, kind, participant_id, contract_id, secrets, conversation_id):
    secrets = dict(secrets or {})
    sending_now = can_send(channel)
    keep = bool(current_app.config.get("OUTBOX_KEEPS_SECRETS")) and not sending_now
    stored_text, real_text = _fill(text, secrets, keep)
    stored_html, real_html = _fill(html, secrets, keep)
    message = OutboxMessage(
        channel=channel,
        to_address=to.strip()[:254],
        subject=subject[:300],
        body=stored_text,
        html=stored_html,
        kind=kind[:30],
        participant_id=participant_id,
        contract_id=contract_id,
        conversation_id=conversation_id,
        status=OutboxStatus.QUEUED.value,
        attempts=0,
        attachments=[
            OutboxAttachment(filename=a.filename[:200], content_type=a.content_type[:200], data=a.data)
            for a in attachments
        ],
    )
    db.session.add(message)
    if sending_now:
        db.session.flush()
        _deliver(message, real_text, real_html)
    return message


def queue_email(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments=(),
    kind: str = "bericht",
    participant_id: int | None = None,
    contract_id: int | None = None,
    secrets: dict[str, str] | None = None,
    conversation_id: int | None = None,
) -> OutboxMessage:
    """Store an e-mail (plain text, optional HTML alternative, attachments); send at once with SMTP."""
    return _queue(
        "email", to, subject, text, html, attachments, kind, participant_id, contract_id, secrets, conversation_id
    )


def queue_sms(
    to: str,
    text: str,
    kind: str = "bericht",
    participant_id: int | None = None,
    secrets: dict[str, str] | None = None,
    conversation_id: int | None = None,
) -> OutboxMessage:
    """Store an SMS; send at once when an SMS sender is configured."""
    return _queue("sms", to, "SMS", text, None, (), kind, participant_id, None, secrets, conversation_id)


# --------------------------------------------------------------------------- sending


def build_email(message: OutboxMessage, text: str | None = None, html: str | None = None) -> EmailMessage:
    config = current_app.config
    mail = EmailMessage()
    sender = config.get("MAIL_FROM") or "perspectiefjaar@hengelo.nl"
    mail["From"] = sender
    mail["To"] = message.to_address
    mail["Subject"] = message.subject
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(text if text is not None else message.body)
    html = html if html is not None else message.html
    if html:
        mail.add_alternative(html, subtype="html")
    for attachment in message.attachments:
        main, _, rest = attachment.content_type.partition("/")
        subtype, *param_parts = [part.strip() for part in rest.split(";")]
        params = dict(part.split("=", 1) for part in param_parts if "=" in part)
        mail.add_attachment(
            attachment.data, maintype=main, subtype=subtype, filename=attachment.filename, params=params
        )
    return mail


def _send_smtp(mail: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 587), timeout=10) as smtp:
        if config.get("SMTP_USER"):
            smtp.starttls()
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(mail)


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, PermanentFailure | smtplib.SMTPRecipientsRefused):
        return True
    code = getattr(exc, "smtp_code", None)
    return isinstance(exc, smtplib.SMTPResponseException) and code is not None and 500 <= code < 600


def _deliver(message: OutboxMessage, text: str | None = None, html: str | None = None) -> bool:
    """Hand one message to its transport; record sent/bounced/failed. Never raises."""
    message.attempts = (message.attempts or 0) + 1
    try:
        if message.channel == "sms":
            sms_sender().send(message.to_address, text if text is not None else message.body)
        else:
            _send_smtp(build_email(message, text, html))
    except Exception as exc:  # noqa: BLE001 - any transport failure is recorded, never shown as a 500
        permanent = _is_permanent(exc)
        message.status = (OutboxStatus.BOUNCED if permanent else OutboxStatus.FAILED).value
        message.error = f"{type(exc).__name__}: {exc}"[:1000]
        message.claimed_at = None
        return False
    message.status = OutboxStatus.SENT.value
    message.sent_at = utcnow()
    message.error = None
    message.claimed_at = None
    return True


def claim(message_id: int, now=None) -> bool:
    """Take one waiting message for this process; False when another process has it or it is done."""
    now = now or utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            or_(
                OutboxMessage.status.in_([OutboxStatus.QUEUED.value, OutboxStatus.FAILED.value]),
                (OutboxMessage.status == OutboxStatus.SENDING.value) & (OutboxMessage.claimed_at < now - STALE_CLAIM),
            ),
        )
        .values(status=OutboxStatus.SENDING.value, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_pending(now=None) -> int:
    """Send every waiting message whose transport is configured. Returns how many were sent."""
    channels = [channel for channel in ("email", "sms") if can_send(channel)]
    if not channels:
        return 0
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.channel.in_(channels),
            OutboxMessage.status.in_(
                [OutboxStatus.QUEUED.value, OutboxStatus.FAILED.value, OutboxStatus.SENDING.value]
            ),
            OutboxMessage.attempts < MAX_ATTEMPTS,
        )
        .order_by(OutboxMessage.id)
    ).all()
    sent = 0
    for message_id in ids:
        if not claim(message_id, now):
            continue
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        sent += _deliver(message)
        db.session.commit()
    return sent
