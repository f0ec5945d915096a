"""Appointment reminders and calendar invitations. No HTTP; `flask reminders send` runs `send_due`.

- Every planned conversation gets one reminder, `REMINDER_HOURS` (default 24) before, by the channel
  the participant chose (e-mail, SMS, both, or none). The job claims a conversation with a conditional
  UPDATE (`reminder_claimed_at IS NULL`) before anything is sent, so running it twice, or on several
  servers at once, sends one reminder; a cancelled or past appointment is never claimed.
- When the coach plans, moves or cancels an appointment, the participant gets an iCalendar invitation
  (METHOD REQUEST, or CANCEL) by e-mail with the same UID and a higher SEQUENCE, so the calendar
  updates the event instead of adding one. A moved appointment gets a new reminder for its new time.
- What went out per appointment is in the outbox (`conversation_id`, kind "herinnering"/"uitnodiging"),
  so the coach sees sent, bounced or failed per appointment.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, has_request_context, url_for
from markupsafe import escape
from sqlalchemy import select, update

from blueprints.mijn import ics
from blueprints.mijn.signin import OPEN_STATUSES
from core.formatting import datetime_nl
from core.messaging import Attachment, deliver_pending, queue_email, queue_sms
from models import Conversation, OutboxMessage, OutboxStatus, Participant, db, utcnow

REMINDER = "herinnering"
INVITATION = "uitnodiging"


def lead_time() -> timedelta:
    return timedelta(hours=float(current_app.config.get("REMINDER_HOURS", 24)))


def _request_context():
    """Links in messages need a host; the cron job has no request, so borrow PUBLIC_BASE_URL's."""
    if has_request_context():
        return nullcontext()
    return current_app.test_request_context(base_url=current_app.config.get("PUBLIC_BASE_URL") or "http://localhost")


def _when(conversation: Conversation) -> str:
    return datetime_nl(conversation.held_at, "EEEE d MMMM 'om' HH:mm 'uur'")


def _coach_phone(conversation: Conversation) -> str:
    coach = conversation.coach
    return f" of bel {coach.name} op {coach.phone}" if coach is not None and coach.phone else ""


def wants(participant: Participant, channel: str) -> bool:
    choice = participant.reminder_channel or "email"
    if channel == "email":
        return choice in ("email", "beide") and bool(participant.email)
    return choice in ("sms", "beide") and bool(participant.phone)


# --------------------------------------------------------------------------- the reminder


def _reminder_texts(conversation: Conversation, participant: Participant) -> tuple[str, str, str]:
    cancel_url = url_for("mijn.cancel", conversation_id=conversation.id, _external=True)
    with_whom = conversation.coach.name if conversation.coach else "je life-coach"
    place = ics.place(conversation)
    bring = conversation.bring or "niets bijzonders"
    text = (
        f"Hoi {participant.first_name},\n\nMorgen heb je een afspraak.\n\n"
        f"Wanneer: {_when(conversation)}\nWaar: {place}\nMet: {with_whom}\nNeem mee: {bring}\n\n"
        f"Kun je niet? Zeg af via {cancel_url}{_coach_phone(conversation)}.\n\n"
        "Groet,\nPerspectiefjaar 23+, gemeente Hengelo"
    )
    route = f' (<a href="{escape(ics_route(conversation))}">route</a>)' if conversation.address else ""
    html = (
        f"<p>Hoi {escape(participant.first_name)},</p><p>Morgen heb je een afspraak.</p>"
        f"<p><strong>Wanneer:</strong> {escape(_when(conversation))}<br><strong>Waar:</strong> {escape(place)}{route}"
        f"<br><strong>Met:</strong> {escape(with_whom)}<br><strong>Neem mee:</strong> {escape(bring)}</p>"
        f'<p>Kun je niet? <a href="{escape(cancel_url)}">Zeg je afspraak af</a>'
        f"{escape(_coach_phone(conversation))}.</p>"
        "<p>Groet,<br>Perspectiefjaar 23+, gemeente Hengelo</p>"
    )
    sms = (
        f"Herinnering: {_when(conversation)} afspraak met {with_whom}, {place}. Neem mee: {bring}. "
        f"Kun je niet? {cancel_url}"
    )
    return text, html, sms


def ics_route(conversation: Conversation) -> str:
    from blueprints.mijn.home import route_link

    return route_link(conversation.address) or ""


def claim(conversation_id: int, now) -> bool:
    """Take one conversation's reminder for this process; False when another run has it, or it is not due."""
    claimed = db.session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation_id,
            Conversation.reminder_claimed_at.is_(None),
            Conversation.attendance == "gepland",
            Conversation.held_at > now,
            Conversation.removed_at.is_(None),  # an UPDATE is not filtered by the removal listener
        )
        .values(reminder_claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def due_ids(now) -> list[int]:
    return list(
        db.session.scalars(
            select(Conversation.id)
            .join(Participant, Participant.id == Conversation.participant_id)
            .where(
                Conversation.attendance == "gepland",
                Conversation.reminder_claimed_at.is_(None),
                Conversation.held_at > now,
                Conversation.held_at <= now + lead_time(),
                Participant.status.in_(OPEN_STATUSES),
            )
            .order_by(Conversation.held_at, Conversation.id)
        )
    )


@dataclass
class RunResult:
    reminders: int = 0  # messages queued (e-mail and SMS)
    skipped: int = 0  # claimed but the participant opted out or has no address for the channel
    retried: int = 0  # earlier messages sent now


def send_due(now=None) -> RunResult:
    """The cron job: claim every due appointment, queue (and send) its reminder, retry what failed."""
    now = now or utcnow()
    result = RunResult()
    with _request_context():
        for conversation_id in due_ids(now):
            if not claim(conversation_id, now):
                continue  # another server took it
            conversation = db.session.get(Conversation, conversation_id, populate_existing=True)
            participant = db.session.get(Participant, conversation.participant_id)
            sent = queue_reminder(conversation, participant)
            result.reminders += sent
            result.skipped += sent == 0
            db.session.commit()
    result.retried = deliver_pending()
    db.session.commit()
    return result


def queue_reminder(conversation: Conversation, participant: Participant) -> int:
    text, html, sms = _reminder_texts(conversation, participant)
    count = 0
    if wants(participant, "email"):
        queue_email(
            participant.email,
            f"Herinnering: je afspraak van {datetime_nl(conversation.held_at, 'EEEE d MMMM HH:mm')}",
            text,
            html=html,
            attachments=[_ics_attachment(conversation, participant, "REQUEST")],
            kind=REMINDER,
            participant_id=participant.id,
            conversation_id=conversation.id,
        )
        count += 1
    if wants(participant, "sms"):
        queue_sms(participant.phone, sms, kind=REMINDER, participant_id=participant.id, conversation_id=conversation.id)
        count += 1
    return count


# --------------------------------------------------------------------------- invitations


def _ics_attachment(conversation: Conversation, participant: Participant, method: str) -> Attachment:
    data = ics.calendar_bytes(
        conversation,
        method,
        cancel_url=url_for("mijn.cancel", conversation_id=conversation.id, _external=True),
        organizer_email=current_app.config.get("MAIL_FROM") or "perspectiefjaar@hengelo.nl",
        attendee_email=participant.email,
    )
    return Attachment("afspraak.ics", f"text/calendar; method={method}; charset=utf-8", data)


def appointment_changed(conversation: Conversation, before: dict | None, now=None) -> OutboxMessage | None:
    """After the coach saves a conversation (or the participant cancels): invite, update or cancel.

    `before` holds held_at, location, address and attendance as they were (None for a new one).
    Returns the invitation queued, if any.
    """
    now = now or utcnow()
    participant = db.session.get(Participant, conversation.participant_id)
    planned = conversation.attendance == "gepland" and conversation.held_at > now
    moved = before is not None and any(
        before.get(key) != getattr(conversation, key) for key in ("held_at", "location", "address")
    )
    cancelled = before is not None and before.get("attendance") == "gepland" and conversation.attendance == "afgemeld"
    if before is not None and before.get("held_at") != conversation.held_at:
        conversation.reminder_claimed_at = None  # a new time gets its own reminder
    if moved or cancelled:
        conversation.ics_sequence = (conversation.ics_sequence or 0) + 1
    if participant is None or participant.status not in OPEN_STATUSES or not wants(participant, "email"):
        return None
    with _request_context():
        if cancelled and before.get("held_at", conversation.held_at) > now:
            return _invite(conversation, participant, "CANCEL")
        if planned and (before is None or moved):
            return _invite(conversation, participant, "REQUEST")
    return None


def _invite(conversation: Conversation, participant: Participant, method: str) -> OutboxMessage:
    when = _when(conversation)
    if method == "CANCEL":
        subject = "Afspraak gaat niet door"
        text = (
            f"Hoi {participant.first_name},\n\nJe afspraak van {when} gaat niet door. "
            "In de bijlage staat de afmelding voor je agenda.\n\nGroet,\nPerspectiefjaar 23+, gemeente Hengelo"
        )
    else:
        subject = f"Afspraak: {datetime_nl(conversation.held_at, 'EEEE d MMMM HH:mm')}"
        text = (
            f"Hoi {participant.first_name},\n\nJe hebt een afspraak.\n\nWanneer: {when}\n"
            f"Waar: {ics.place(conversation)}\nNeem mee: {conversation.bring or 'niets bijzonders'}\n\n"
            "Open de bijlage om de afspraak in je agenda te zetten. Kun je niet? Zeg af via "
            f"{url_for('mijn.cancel', conversation_id=conversation.id, _external=True)}.\n\n"
            "Groet,\nPerspectiefjaar 23+, gemeente Hengelo"
        )
    html = "<p>" + "</p><p>".join(str(escape(p)).replace("\n", "<br>") for p in text.split("\n\n")) + "</p>"
    return queue_email(
        participant.email,
        subject,
        text,
        html=html,
        attachments=[_ics_attachment(conversation, participant, method)],
        kind=INVITATION,
        participant_id=participant.id,
        conversation_id=conversation.id,
    )


def snapshot(conversation: Conversation | None) -> dict | None:
    if conversation is None:
        return None
    return {key: getattr(conversation, key) for key in ("held_at", "location", "address", "attendance")}


# --------------------------------------------------------------------------- what the coach sees


REMINDER_LABELS = {
    OutboxStatus.SENT.value: ("Herinnering verstuurd", "success"),
    OutboxStatus.BOUNCED.value: ("Herinnering niet aangekomen", "danger"),
    OutboxStatus.FAILED.value: ("Herinnering mislukt, wordt opnieuw geprobeerd", "warning"),
    OutboxStatus.QUEUED.value: ("Herinnering in de wachtrij", "neutral"),
    OutboxStatus.SENDING.value: ("Herinnering wordt verstuurd", "neutral"),
}


def reminder_states(conversation_ids: list[int]) -> dict[int, list[tuple[str, str, str]]]:
    """Per conversation: (channel label, status label, badge kind) of each reminder message."""
    if not conversation_ids:
        return {}
    rows = db.session.execute(
        select(OutboxMessage.conversation_id, OutboxMessage.channel, OutboxMessage.status)
        .where(OutboxMessage.conversation_id.in_(conversation_ids), OutboxMessage.kind == REMINDER)
        .order_by(OutboxMessage.id)
    )
    states: dict[int, list[tuple[str, str, str]]] = {}
    for conversation_id, channel, status in rows:
        label, badge = REMINDER_LABELS.get(status, (status, "neutral"))
        states.setdefault(conversation_id, []).append(("sms" if channel == "sms" else "e-mail", label, badge))
    return states
