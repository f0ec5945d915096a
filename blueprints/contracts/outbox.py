"""E-mail through an outbox table: invitations and reminders are queued, then sent by SMTP if configured.

Without SMTP_HOST the messages stay in the outbox (beheer can read them) and the coach copies the
participant's link from the screen. The participant's secret link is never stored: the stored body
holds a placeholder, the real link only goes into the mail that is sent at once.
"""

from datetime import timedelta

from flask import url_for
from sqlalchemy import func, select

from blueprints.contracts.rules import OPEN_VALUES
from core.messaging import deliver_pending, queue_email, smtp_configured
from models import (
    Contract,
    ContractEvent,
    ContractVersion,
    OutboxMessage,
    PartyKind,
    User,
    db,
    utcnow,
)

__all__ = ["deliver_pending", "queue", "smtp_configured"]

REMIND_AFTER = timedelta(days=5)


def queue(to: str, subject: str, body: str, kind: str, contract_id: int | None, secret: str | None = None):
    """Queue a contract e-mail through core.messaging; `{link}` in the body is the secret link."""
    participant_id = None
    if contract_id is not None:
        contract = db.session.get(Contract, contract_id)
        participant_id = contract.participant_id if contract is not None else None
    secrets = {"{link}": secret} if secret else {}
    if not secret:
        body = body.replace("{link}", "[persoonlijke link: vraag je life-coach]")
    return queue_email(
        to, subject, body, kind=kind, participant_id=participant_id, contract_id=contract_id, secrets=secrets
    )


def _partner_addresses(party) -> list[str]:
    if party.signer_user_id is not None:
        user = db.session.get(User, party.signer_user_id)
        return [user.email] if user and user.active else []
    return list(
        db.session.scalars(
            select(User.email).where(
                User.organisation_id == party.organisation_id, User.role == "partner", User.active.is_(True)
            )
        )
    )


def _portal_url(version: ContractVersion) -> str:
    try:
        return url_for("contracts.portal_show", version_id=version.id, _external=True)
    except RuntimeError:  # outside a request (CLI) without SERVER_NAME
        return f"/contracten/portaal/{version.id}"


def queue_invitations(version: ContractVersion, participant_token: str | None) -> list[OutboxMessage]:
    """Invite every party that signs by e-mail: partners (portal) and the participant (link)."""
    contract = version.contract
    participant = contract.participant
    messages = []
    for party in version.parties:
        if party.kind == PartyKind.PARTNER:
            for address in _partner_addresses(party):
                body = (
                    f"Goedendag,\n\nEr staat een inspanningscontract klaar om te tekenen namens {party.name}: "
                    f"contract {contract.reference}, versie {version.number}, voor deelnemer "
                    f"{participant.first_name}.\n\nLog in en teken: {_portal_url(version)}\n\n"
                    "Met vriendelijke groet,\nPerspectiefjaar 23+, gemeente Hengelo"
                )
                messages.append(queue(address, "Inspanningscontract om te tekenen", body, "uitnodiging", contract.id))
    message = queue_participant_invitation(version, participant_token)
    if message is not None:
        messages.append(message)
    return messages


def queue_participant_invitation(version: ContractVersion, participant_url: str | None) -> OutboxMessage | None:
    """Mail the participant their signing link (if an e-mail address is known)."""
    participant = version.contract.participant
    if not participant.email or not participant_url:
        return None
    body = (
        f"Hoi {participant.first_name},\n\nJe inspanningscontract voor het perspectiefjaar staat klaar. "
        "Open de link hieronder op je telefoon of computer. Je vult eerst je geboortedatum in.\n\n"
        "{link}\n\nDe link is 14 dagen geldig en werkt één keer.\n\n"
        "Groet,\nje life-coach, gemeente Hengelo"
    )
    return queue(participant.email, "Je inspanningscontract", body, "uitnodiging", version.contract_id, participant_url)


def reminders_due(now=None) -> list[ContractVersion]:
    """Versions out for signing for 5 days or more, without a reminder in the last 5 days."""
    now = now or utcnow()
    last_reminder = (
        select(ContractEvent.version_id, func.max(ContractEvent.at).label("last"))
        .where(ContractEvent.kind == "reminded")
        .group_by(ContractEvent.version_id)
        .subquery()
    )
    query = (
        select(ContractVersion)
        .outerjoin(last_reminder, last_reminder.c.version_id == ContractVersion.id)
        .where(
            ContractVersion.status.in_(OPEN_VALUES),
            ContractVersion.sent_at <= now - REMIND_AFTER,
            (last_reminder.c.last.is_(None)) | (last_reminder.c.last <= now - REMIND_AFTER),
        )
        .order_by(ContractVersion.id)
    )
    return list(db.session.scalars(query))


def queue_reminders(now=None) -> int:
    """Remind every party that has not signed yet (one party at a time, as the coach's button does)."""
    from blueprints.contracts.delivery import remind_party

    now = now or utcnow()
    count = 0
    for version in reminders_due(now):
        for party in version.parties:
            if party.signature is None and party.decline is None:
                count += remind_party(version, party, None, now)
    return count
