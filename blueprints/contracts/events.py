"""The readable trail of a contract (created, sent, opened, signed, ...), next to the audit log."""

from core.audit import record
from models import Contract, ContractEvent, ContractVersion, User, db, utcnow

EVENT_LABELS = {
    "created": "Aangemaakt",
    "edited": "Concept aangepast",
    "sent": "Verstuurd ter ondertekening",
    "opened": "Link geopend",
    "signed": "Getekend",
    "declined": "Geweigerd",
    "reminded": "Herinnering verstuurd",
    "link_created": "Tekenlink gemaakt",
    "link_revoked": "Tekenlink ingetrokken",
    "expired": "Tekenlink verlopen",
    "new_version": "Nieuwe versie",
    "activated": "Volledig getekend: actief",
    "ended": "Beëindigd",
    "superseded": "Vervangen door nieuwe versie",
    "withdrawn": "Ingetrokken",
    "carried_over": "Handtekening overgenomen",
    "alert_cleared": "Melding weigering opgeruimd",
}


def actor_label(user: User | None, fallback: str = "systeem") -> str:
    return f"{user.name} ({user.email})" if user is not None else fallback


def log_event(
    contract: Contract,
    kind: str,
    version: ContractVersion | None = None,
    actor: User | None = None,
    label: str | None = None,
    detail: str | None = None,
    at=None,
) -> ContractEvent:
    """Add an event to the contract's trail and a matching semantic audit entry; the caller commits."""
    if contract.id is None or (version is not None and version.id is None):
        db.session.flush()
    event = ContractEvent(
        contract_id=contract.id,
        version_id=version.id if version else None,
        kind=kind,
        actor_label=label or actor_label(actor),
        detail=detail,
        at=at or utcnow(),
    )
    db.session.add(event)
    changes = {"version": (None, version.number if version else None)}
    if detail:
        changes["detail"] = (None, detail[:500])
    record(db.session, f"contract_{kind}", contract, changes=changes, actor=actor)
    return event
