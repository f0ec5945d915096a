"""Getting the contract to people: a copy for everyone, handing over the signing link, reminders. No HTTP.

- After the participant signs, they get their copy (the stored PDF as it stands) by e-mail when an address
  is known, and can download it through their link for 30 days.
- When the last signature arrives, every party and the coach get the sealed PDF by e-mail; partners get
  the partner variant (without the personal annex).
- The signing link goes out by e-mail or SMS only at the moment the coach sends it: the secret is never
  stored (the outbox keeps a placeholder), because whoever reads a stored link could sign in the
  participant's place (the date of birth asked next is in the case file too).
- A reminder goes to one party at a time, from the coach's button or the daily job, and is logged as a
  "reminded" event whose detail starts with the party's name, so the contract page shows it per party.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from blueprints.contracts import documents, links
from blueprints.contracts.events import log_event
from blueprints.contracts.outbox import _partner_addresses, _portal_url
from core.messaging import Attachment, queue_email, queue_sms
from models import (
    ContractEvent,
    ContractParty,
    ContractSigningLink,
    ContractVersion,
    OutboxMessage,
    PartyKind,
    User,
    db,
    utcnow,
)

COPY_DAYS = timedelta(days=30)
SIGNATURE_GREETING = "Groet,\nje life-coach, gemeente Hengelo"
STAFF_GREETING = "Met vriendelijke groet,\nPerspectiefjaar 23+, gemeente Hengelo"


class DeliveryError(ValueError):
    """A hand-over that cannot be done, with a Dutch message."""


# --------------------------------------------------------------------------- copies


def pdf_attachment(version: ContractVersion, document) -> Attachment:
    name = f"inspanningscontract-{version.contract.reference}-v{version.number}.pdf"
    return Attachment(name, "application/pdf", document.pdf)


def after_signature(version: ContractVersion, party: ContractParty, completed: bool) -> None:
    """Called by `signing.sign_version` for every new signature, before the caller commits."""
    if completed:
        final = documents.seal_final(version)
        send_final_copies(version, final)
    elif party.kind == PartyKind.DEELNEMER:
        send_participant_copy(version)


def send_participant_copy(version: ContractVersion) -> OutboxMessage | None:
    """The participant's own copy right after signing (others may still have to sign)."""
    participant = version.contract.participant
    if not participant.email:
        return None
    document = documents.document_for(version, documents.FULL)
    text = (
        f"Hoi {participant.first_name},\n\nBedankt voor je handtekening. In de bijlage zit je inspanningscontract "
        f"(versie {version.number}) met je handtekening erin. Als iedereen heeft getekend, krijg je het "
        f"contract nog een keer, met alle handtekeningen en het zegel van de gemeente.\n\n{SIGNATURE_GREETING}"
    )
    return queue_email(
        participant.email,
        "Je getekende inspanningscontract",
        text,
        attachments=[pdf_attachment(version, document)],
        kind="kopie",
        participant_id=participant.id,
        contract_id=version.contract_id,
    )


def final_recipients(version: ContractVersion) -> list[tuple[str, str]]:
    """(address, audience) for the fully signed PDF: each party and the coach, each address once."""
    participant = version.contract.participant
    wanted: dict[str, str] = {}

    def add(address: str | None, audience: str) -> None:
        if not address:
            return
        key = address.strip().lower()
        # The full variant wins: someone who is both coach and partner never loses the annex they may see.
        if wanted.get(key) != documents.FULL:
            wanted[key] = audience

    add(participant.email, documents.FULL)
    if participant.coach is not None and participant.coach.active:
        add(participant.coach.email, documents.FULL)
    for party in version.parties:
        signer = party.signature.user if party.signature is not None else None
        if party.kind == PartyKind.GEMEENTE:
            add(signer.email if signer is not None else None, documents.FULL)
        elif party.kind == PartyKind.PARTNER:
            addresses = [signer.email] if signer is not None and signer.active else _partner_addresses(party)
            for address in addresses:
                add(address, documents.PARTNER)
    return sorted(wanted.items())


def send_final_copies(version: ContractVersion, final: dict) -> int:
    contract = version.contract
    participant = contract.participant
    count = 0
    for address, audience in final_recipients(version):
        is_participant = participant.email and address == participant.email.strip().lower()
        if is_participant:
            text = (
                f"Hoi {participant.first_name},\n\nIedereen heeft je inspanningscontract getekend. Je "
                f"perspectiefjaar gaat nu echt van start. In de bijlage zit het contract met alle handtekeningen. "
                f"Het is digitaal verzegeld door de gemeente. Bewaar het goed.\n\n{SIGNATURE_GREETING}"
            )
            subject = "Je inspanningscontract is door iedereen getekend"
        else:
            text = (
                f"Goedendag,\n\nInspanningscontract {contract.reference} (versie {version.number}) voor deelnemer "
                f"{participant.first_name} is door alle partijen getekend. In de bijlage zit de getekende en "
                f"verzegelde PDF. De controlecode staat op de laatste pagina.\n\n{STAFF_GREETING}"
            )
            subject = f"Getekend: inspanningscontract {contract.reference}"
        queue_email(
            address,
            subject,
            text,
            attachments=[pdf_attachment(version, final[audience])],
            kind="kopie",
            participant_id=participant.id,
            contract_id=contract.id,
        )
        count += 1
    return count


def copy_link(token: str, now: datetime | None = None) -> ContractSigningLink | None:
    """The used link of a participant who signed with it, while their copy can still be downloaded."""
    check = links.verify_token(token, now)
    link = check.link
    if link is None or link.used_at is None:
        return None
    return link if copy_available(link, now) else None


def copy_available(link: ContractSigningLink, now: datetime | None = None) -> bool:
    """The participant signed through this link (not declined) less than 30 days ago."""
    now = now or utcnow()
    signature = link.party.signature
    if signature is None or signature.link_id != link.id:
        return False
    if (link.failed_checks or 0) >= links.MAX_FAILED_CHECKS:
        return False
    return now < signature.signed_at + COPY_DAYS


def copy_until(link: ContractSigningLink) -> datetime:
    return link.party.signature.signed_at + COPY_DAYS


# --------------------------------------------------------------------------- handing over the link


def channels_for(version: ContractVersion) -> dict[str, str | None]:
    """Where the participant's link can go: {"email": address or None, "sms": number or None}."""
    participant = version.contract.participant
    return {"email": participant.email or None, "sms": participant.phone or None}


def send_link(link: ContractSigningLink, token: str, url: str, channel: str, actor: User | None) -> OutboxMessage:
    """Send the participant's link now by e-mail or SMS. The token must be the link's own, still usable."""
    if links.token_hash(token or "") != link.token_hash:
        raise DeliveryError("Deze link hoort niet bij dit contract. Maak een nieuwe link.")
    if links.status_of(link) != "ok":
        raise DeliveryError("Deze link werkt niet meer. Maak een nieuwe link.")
    version = link.version
    participant = version.contract.participant
    address = channels_for(version).get(channel)
    if channel not in ("email", "sms"):
        raise DeliveryError("Kies e-mail of sms.")
    if not address:
        what = "e-mailadres" if channel == "email" else "telefoonnummer"
        raise DeliveryError(f"Er is geen {what} van {participant.first_name} bekend. Vul het in bij het dossier.")
    secrets = {"{link}": url}
    if channel == "email":
        text = (
            f"Hoi {participant.first_name},\n\nJe inspanningscontract voor het perspectiefjaar staat klaar. "
            "Open de link hieronder op je telefoon of computer. Je vult eerst je geboortedatum in.\n\n"
            "{link}\n\n"
            f"De link is geldig tot {links.expires_label(link)} en werkt één keer.\n\n{SIGNATURE_GREETING}"
        )
        message = queue_email(
            address,
            "Je inspanningscontract",
            text,
            kind="uitnodiging",
            participant_id=participant.id,
            contract_id=version.contract_id,
            secrets=secrets,
        )
    else:
        text = (
            f"Hoi {participant.first_name}, je inspanningscontract staat klaar. Open: {{link}} "
            "en vul je geboortedatum in. Groet, je life-coach"
        )
        message = queue_sms(address, text, kind="uitnodiging", participant_id=participant.id, secrets=secrets)
    how = "per e-mail" if channel == "email" else "per sms"
    log_event(version.contract, "link_sent", version, actor, detail=f"link {link.id} {how} aan {address}")
    return message


# --------------------------------------------------------------------------- reminders


def remind_party(version: ContractVersion, party: ContractParty, actor: User | None, now=None) -> int:
    """Remind one party that has not signed yet. Returns the number of messages (0: nowhere to send)."""
    if party.version_id != version.id or party.signature is not None or party.decline is not None:
        raise DeliveryError(f"{party.name} hoeft niet meer te tekenen.")
    now = now or utcnow()
    contract = version.contract
    participant = contract.participant
    sent: list[str] = []
    if party.kind == PartyKind.PARTNER:
        for address in _partner_addresses(party):
            text = (
                f"Goedendag,\n\nHet inspanningscontract {contract.reference} (versie {version.number}) "
                f"wacht nog op de handtekening van {party.name}.\n\nLog in en teken: "
                f"{_portal_url(version)}\n\n{STAFF_GREETING}"
            )
            queue_email(
                address,
                "Herinnering: inspanningscontract tekenen",
                text,
                kind="herinnering",
                participant_id=participant.id,
                contract_id=contract.id,
            )
            sent.append(f"e-mail aan {address}")
    elif party.kind == PartyKind.DEELNEMER:
        text = (
            f"Hoi {participant.first_name},\n\nJe inspanningscontract wacht nog op je handtekening. "
            "Gebruik de link uit het eerste bericht. Werkt die niet meer of ben je hem kwijt? "
            f"Vraag je life-coach om een nieuwe link.\n\n{SIGNATURE_GREETING}"
        )
        if participant.email:
            queue_email(
                participant.email,
                "Herinnering: je inspanningscontract",
                text,
                kind="herinnering",
                participant_id=participant.id,
                contract_id=contract.id,
            )
            sent.append("e-mail")
        if participant.phone:
            short = (
                f"Hoi {participant.first_name}, je inspanningscontract wacht nog op je handtekening. "
                "Gebruik de link uit het eerste bericht of vraag je life-coach om een nieuwe."
            )
            queue_sms(participant.phone, short, kind="herinnering", participant_id=participant.id)
            sent.append("sms")
    detail = f"{party.name}: " + (", ".join(sent) if sent else "geen adres bekend, niets verstuurd")
    log_event(contract, "reminded", version, actor, label=None if actor else "systeem", detail=detail, at=now)
    return len(sent)


def reminders_by_party(version: ContractVersion) -> dict[int, list[ContractEvent]]:
    """Reminder events of this version per party id, newest first."""
    events = db.session.scalars(
        select(ContractEvent)
        .where(ContractEvent.version_id == version.id, ContractEvent.kind == "reminded")
        .order_by(ContractEvent.at.desc(), ContractEvent.id.desc())
    ).all()
    result: dict[int, list[ContractEvent]] = {p.id: [] for p in version.parties}
    for party in version.parties:
        prefix = f"{party.name}:"
        result[party.id] = [e for e in events if (e.detail or "").startswith(prefix)]
    return result
