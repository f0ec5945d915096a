"""What the participant sees and does in Mijn Perspectiefjaar: plain functions, no HTTP.

Only what is meant for the participant leaves this module: never a conversation's summary, an
assessment or its note, ZRM scores, maatwerk justifications or partner notes. Every object is
loaded through the participant's own id, so another participant's object is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote_plus

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.youths.queries import in_caseload
from models import (
    Action,
    Commitment,
    Contract,
    ContractVersion,
    Conversation,
    Goal,
    MaatwerkRequest,
    Participant,
    PartyKind,
    PortalMessage,
    db,
    utcnow,
)

# Appointments up to an hour ago still show (someone running late looks it up on the way).
SHOW_PAST = timedelta(hours=1)
MAX_REASON = 500
MAX_MESSAGE = 1000

PLAIN_GOAL_STATUS = {
    "open": "Nog niet begonnen",
    "bezig": "Hier werk je aan",
    "behaald": "Gelukt",
    "gestopt": "Gestopt",
}
PLAIN_REQUEST_STATUS = {
    "aangevraagd": "Aangevraagd, de gemeente beslist nog",
    "goedgekeurd": "Goedgekeurd",
    "afgewezen": "Niet goedgekeurd",
    "ingetrokken": "Ingetrokken",
    "betaald": "Betaald, het is geregeld",
}
PLAIN_COMMITMENT_STATUS = {
    "toegezegd": "Beloofd",
    "in_uitvoering": "Ze zijn ermee bezig",
    "nagekomen": "Gedaan",
    "niet_nagekomen": "Niet gelukt",
    "vervallen": "Gaat niet meer door",
}


class RuleError(ValueError):
    """A Dutch message for the field that caused it."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def route_link(address: str | None) -> str | None:
    """A route planner link for an address (OpenStreetMap: no account, no tracking script)."""
    if not address:
        return None
    return f"https://www.openstreetmap.org/search?query={quote_plus(address)}"


@dataclass
class Home:
    participant: Participant
    appointments: list[Conversation]
    goals: list[Goal]
    commitments: list[Commitment]
    requests: list[MaatwerkRequest]
    contract_in_force: ContractVersion | None
    contract_waiting: ContractVersion | None
    messages: list[PortalMessage] = field(default_factory=list)


def upcoming(participant_id: int, now: datetime | None = None, limit: int = 5) -> list[Conversation]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Conversation)
            .where(
                Conversation.participant_id == participant_id,
                Conversation.attendance == "gepland",
                Conversation.held_at >= now - SHOW_PAST,
            )
            .options(selectinload(Conversation.coach))
            .order_by(Conversation.held_at, Conversation.id)
            .limit(limit)
        )
    )


def contract_versions(participant_id: int) -> tuple[ContractVersion | None, ContractVersion | None]:
    """(the version in force, a version waiting for the participant's signature) of the latest contract."""
    # The contracts feature's rules; imported here because the contracts package imports the case file.
    from blueprints.contracts.rules import open_version, version_in_force

    contracts = db.session.scalars(
        select(Contract)
        .where(Contract.participant_id == participant_id)
        .options(selectinload(Contract.versions).selectinload(ContractVersion.parties))
        .order_by(Contract.created_at.desc(), Contract.id.desc())
    ).all()
    in_force = waiting = None
    for contract in contracts:
        in_force = in_force or version_in_force(contract)
        candidate = open_version(contract)
        if waiting is None and candidate is not None:
            mine = [p for p in candidate.parties if p.kind == PartyKind.DEELNEMER.value]
            if any(p.signature is None and p.decline is None for p in mine):
                waiting = candidate
    return in_force, waiting


def home(participant: Participant, now: datetime | None = None) -> Home:
    pid = participant.id
    goals = db.session.scalars(
        select(Goal)
        .where(Goal.participant_id == pid, Goal.status != "gestopt")
        .options(selectinload(Goal.actions).selectinload(Action.organisation))
        .order_by(Goal.id)
    ).all()
    commitments = db.session.scalars(
        select(Commitment)
        .where(Commitment.participant_id == pid)
        .options(selectinload(Commitment.organisation))
        .order_by(Commitment.due_date.is_(None), Commitment.due_date, Commitment.id)
    ).all()
    requests = db.session.scalars(
        select(MaatwerkRequest)
        .where(MaatwerkRequest.participant_id == pid, MaatwerkRequest.status != "ingetrokken")
        .order_by(MaatwerkRequest.requested_at.desc())
    ).all()
    messages = db.session.scalars(
        select(PortalMessage)
        .where(PortalMessage.participant_id == pid)
        .order_by(PortalMessage.created_at.desc(), PortalMessage.id.desc())
        .limit(3)
    ).all()
    in_force, waiting = contract_versions(pid)
    return Home(
        participant=participant,
        appointments=upcoming(pid, now),
        goals=list(goals),
        commitments=list(commitments),
        requests=list(requests),
        contract_in_force=in_force,
        contract_waiting=waiting,
        messages=list(messages),
    )


# --------------------------------------------------------------------------- loading one's own objects


def own_conversation(participant: Participant, conversation_id: int) -> Conversation | None:
    return db.session.scalars(
        select(Conversation).where(Conversation.id == conversation_id, Conversation.participant_id == participant.id)
    ).first()


def own_action(participant: Participant, action_id: int) -> Action | None:
    return db.session.scalars(
        select(Action)
        .join(Goal, Goal.id == Action.goal_id)
        .where(Action.id == action_id, Goal.participant_id == participant.id, Action.who == "deelnemer")
    ).first()


def own_contract_version(participant: Participant, version_id: int) -> ContractVersion | None:
    """Only the version in force or the one waiting for the participant: never drafts or old versions."""
    in_force, waiting = contract_versions(participant.id)
    for version in (in_force, waiting):
        if version is not None and version.id == version_id:
            return version
    return None


# --------------------------------------------------------------------------- what the participant does


def clean_text(value: str | None, field_name: str, limit: int, required: bool = True) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if "\x00" in text or any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise RuleError(field_name, "Er staan tekens in die we niet kunnen opslaan. Typ de tekst opnieuw.")
    if required and not text:
        raise RuleError(field_name, "Vul dit in.")
    if len(text) > limit:
        raise RuleError(field_name, f"Dit is te lang: gebruik hoogstens {limit} tekens.")
    return text


def cancel_appointment(participant: Participant, conversation: Conversation, reason: str, now=None) -> None:
    """ "Ik kan niet": the appointment becomes "afgemeld" with the participant's reason."""
    now = now or utcnow()
    reason = clean_text(reason, "reason", MAX_REASON)
    if conversation.participant_id != participant.id:
        raise RuleError("reason", "Deze afspraak hoort niet bij jou.")
    if conversation.attendance != "gepland" or conversation.held_at < now - SHOW_PAST:
        raise RuleError("reason", "Deze afspraak kun je niet meer afzeggen. Bel je coach.")
    conversation.attendance = "afgemeld"
    conversation.cancel_reason = reason
    conversation.cancelled_by = "deelnemer"
    conversation.cancelled_at = now


def tick_action(participant: Participant, action: Action, done: bool, today=None) -> None:
    """The participant ticks off (or un-ticks) one of their own actions; the coach sees who did it."""
    if action.who != "deelnemer" or action.goal.participant_id != participant.id:
        raise RuleError("done", "Deze actie kun je niet afvinken.")
    action.done = done
    action.done_on = (today or utcnow().date()) if done else None
    action.done_by = "deelnemer" if done else None


def send_message(participant: Participant, body: str, now=None) -> PortalMessage:
    message = PortalMessage(
        participant_id=participant.id, body=clean_text(body, "body", MAX_MESSAGE), created_at=now or utcnow()
    )
    db.session.add(message)
    return message


def set_reminder_channel(participant: Participant, channel: str) -> None:
    if channel not in ("email", "sms", "beide", "geen"):
        raise RuleError("channel", "Kies hoe je een herinnering wilt krijgen.")
    if channel in ("sms", "beide") and not participant.phone:
        raise RuleError("channel", "We hebben geen mobiel nummer van je. Vraag je coach om het toe te voegen.")
    if channel in ("email", "beide") and not participant.email:
        raise RuleError("channel", "We hebben geen e-mailadres van je. Vraag je coach om het toe te voegen.")
    participant.reminder_channel = channel


# --------------------------------------------------------------------------- what the coach sees


@dataclass
class CoachPortalNews:
    messages: list[PortalMessage]
    cancellations: list[Conversation]
    ticked: list[Action]


def coach_news(coach_id: int, now=None, days: int = 14) -> CoachPortalNews:
    """For the coach's start page: unread messages, recent cancellations and ticks by their participants."""
    now = now or utcnow()
    since = now - timedelta(days=days)
    messages = db.session.scalars(
        select(PortalMessage)
        .where(in_caseload(PortalMessage.participant_id, coach_id), PortalMessage.read_at.is_(None))
        .order_by(PortalMessage.created_at.desc())
        .limit(20)
    ).all()
    cancellations = db.session.scalars(
        select(Conversation)
        .where(
            in_caseload(Conversation.participant_id, coach_id),
            Conversation.cancelled_by == "deelnemer",
            Conversation.cancelled_at >= since,
        )
        .order_by(Conversation.cancelled_at.desc())
        .limit(20)
    ).all()
    ticked = db.session.scalars(
        select(Action)
        .join(Goal, Goal.id == Action.goal_id)
        .where(
            in_caseload(Goal.participant_id, coach_id), Action.done_by == "deelnemer", Action.done_on >= since.date()
        )
        .options(selectinload(Action.goal))
        .order_by(Action.done_on.desc(), Action.id.desc())
        .limit(20)
    ).all()
    names = _names({m.participant_id for m in messages} | {c.participant_id for c in cancellations})
    names |= _names({a.goal.participant_id for a in ticked})
    for item in (*messages, *cancellations):
        item.participant_name = names.get(item.participant_id, "")
    for action in ticked:
        action.participant_name = names.get(action.goal.participant_id, "")
    return CoachPortalNews(list(messages), list(cancellations), list(ticked))


def _names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Participant.id, Participant.first_name, Participant.last_name).where(Participant.id.in_(ids))
    )
    return {pid: f"{first} {last}" for pid, first, last in rows}


def messages_for_file(participant_id: int, limit: int = 20) -> list[PortalMessage]:
    return list(
        db.session.scalars(
            select(PortalMessage)
            .where(PortalMessage.participant_id == participant_id)
            .order_by(PortalMessage.created_at.desc(), PortalMessage.id.desc())
            .limit(limit)
        )
    )


def mark_read(message: PortalMessage, coach_id: int, now=None) -> None:
    if message.read_at is None:
        message.read_at = now or utcnow()
        message.read_by_id = coach_id
