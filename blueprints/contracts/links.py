"""The participant's one-time signing link: create, verify, revoke, expire. Plain rules, no HTTP.

The token is 32 random bytes (URL-safe); only its SHA-256 is stored, so a database copy cannot
be used to sign. A link is valid for 14 days, once, for a version that is still out for signing.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from blueprints.contracts.events import log_event
from blueprints.contracts.rules import OPEN_VALUES
from core.audit import record
from models import ContractParty, ContractSigningLink, ContractVersion, PartyKind, User, db, utcnow

VALID_FOR = timedelta(days=14)
MAX_FAILED_CHECKS = 5


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def participant_party(version: ContractVersion) -> ContractParty:
    return next(p for p in version.parties if p.kind == PartyKind.DEELNEMER)


def create_link(version: ContractVersion, actor: User | None, now: datetime | None = None):
    """A fresh link for the participant; earlier open links of this version are revoked.

    Returns (link, token). The token is shown once and never stored.
    """
    now = now or utcnow()
    for old in open_links(version, now):
        revoke(old, actor, now, reason="vervangen door een nieuwe link")
    token = secrets.token_urlsafe(32)
    link = ContractSigningLink(
        version_id=version.id,
        party_id=participant_party(version).id,
        token_hash=token_hash(token),
        created_at=now,
        created_by_id=actor.id if actor else None,
        expires_at=now + VALID_FOR,
    )
    db.session.add(link)
    log_event(version.contract, "link_created", version, actor, detail=f"geldig tot {expires_label(link)}", at=now)
    return link, token


def expires_label(link: ContractSigningLink) -> str:
    return link.expires_at.strftime("%d-%m-%Y %H:%M UTC")


def open_links(version: ContractVersion, now: datetime | None = None) -> list[ContractSigningLink]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(ContractSigningLink).where(
                ContractSigningLink.version_id == version.id,
                ContractSigningLink.used_at.is_(None),
                ContractSigningLink.revoked_at.is_(None),
                ContractSigningLink.expires_at > now,
            )
        )
    )


@dataclass
class LinkCheck:
    link: ContractSigningLink | None
    problem: str | None  # None when the link may be used

    @property
    def ok(self) -> bool:
        return self.problem is None


PROBLEMS = {
    "unknown": "Deze link bestaat niet. Kijk of je de hele link hebt overgenomen.",
    "revoked": "Deze link is ingetrokken. Vraag je life-coach om een nieuwe link.",
    "used": "Deze link is al gebruikt. Een link werkt maar één keer.",
    "expired": "Deze link is verlopen. Een link is 14 dagen geldig. Vraag je life-coach om een nieuwe link.",
    "closed": "Dit contract wacht niet meer op je handtekening. Vraag je life-coach wat er veranderd is.",
    "locked": "De geboortedatum is te vaak verkeerd ingevuld. Vraag je life-coach om een nieuwe link.",
}


def status_of(link: ContractSigningLink, now: datetime | None = None) -> str:
    """ok, used, revoked, expired, locked or closed."""
    now = now or utcnow()
    if link.used_at is not None:
        return "used"
    if link.revoked_at is not None:
        return "locked" if link.failed_checks >= MAX_FAILED_CHECKS else "revoked"
    if link.expires_at <= now:
        return "expired"
    if link.version.status not in OPEN_VALUES:
        return "closed"
    return "ok"


def verify_token(token: str, now: datetime | None = None) -> LinkCheck:
    """Find the link for a token and say whether it may be used now."""
    if not token or len(token) > 100:
        return LinkCheck(None, PROBLEMS["unknown"])
    link = db.session.scalar(select(ContractSigningLink).where(ContractSigningLink.token_hash == token_hash(token)))
    if link is None:
        return LinkCheck(None, PROBLEMS["unknown"])
    status = status_of(link, now)
    return LinkCheck(link, None if status == "ok" else PROBLEMS[status])


def check_birth_date(link: ContractSigningLink, given, now: datetime | None = None, after_use: bool = False) -> bool:
    """Compare the date of birth; too many wrong tries revoke the link.

    A try is claimed before the comparison, in one conditional UPDATE: concurrent requests on one
    link queue on its row and never get more than MAX_FAILED_CHECKS tries between them. A right
    date gives its try back. `after_use`: the used link that opens the signed copy (contracts/delivery.py)
    shares the same tries.
    """
    tries = _claim_try(link, after_use)
    if tries is None:  # no tries left (another request used the last one): show the link as it is now
        db.session.refresh(link)
        return False
    participant = link.version.contract.participant
    if given == participant.date_of_birth:
        _set_failed_checks(link, tries - 1)
        return True
    record(db.session, "update", link, changes={"failed_checks": (tries - 1, tries)})
    if tries >= MAX_FAILED_CHECKS:
        revoke(link, None, now, reason="te vaak een verkeerde geboortedatum", label="systeem")
    return False


def _claim_try(link: ContractSigningLink, after_use: bool = False) -> int | None:
    """Count one more try if the link still has one; the new count, or None."""
    table = ContractSigningLink
    tries = db.session.execute(
        update(table)
        .where(
            table.id == link.id,
            table.failed_checks < MAX_FAILED_CHECKS,
            table.revoked_at.is_(None),
            table.used_at.is_not(None) if after_use else table.used_at.is_(None),
        )
        .values(failed_checks=table.failed_checks + 1)
        .returning(table.failed_checks)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if tries is not None:
        set_committed_value(link, "failed_checks", tries)
    return tries


def _set_failed_checks(link: ContractSigningLink, value: int) -> None:
    db.session.execute(
        update(ContractSigningLink)
        .where(ContractSigningLink.id == link.id)
        .values(failed_checks=value)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(link, "failed_checks", value)


def revoke(
    link: ContractSigningLink, actor: User | None, now: datetime | None = None, reason: str = "", label=None
) -> bool:
    """Revoke an unused link; returns False when there was nothing to revoke."""
    if link.used_at is not None or link.revoked_at is not None:
        return False
    now = now or utcnow()
    link.revoked_at = now
    detail = f"link {link.id} ingetrokken" + (f": {reason}" if reason else "")
    log_event(link.version.contract, "link_revoked", link.version, actor, label=label, detail=detail, at=now)
    return True


def revoke_open_links(
    version: ContractVersion, actor: User | None, now: datetime | None = None, reason: str = ""
) -> int:
    """Revoke every link of `version` that still works (signing closed it, or the file was closed).

    The one way to stop a version's links: `signing` calls it when a version stops being signable,
    `youths/closing.py` when the coach closes the file. Returns how many were revoked.
    """
    now = now or utcnow()
    return sum(revoke(link, actor, now, reason=reason) for link in open_links(version, now))


def mark_used(link: ContractSigningLink, now: datetime | None = None) -> None:
    link.used_at = now or utcnow()


def expire_links(now: datetime | None = None) -> int:
    """Note every link that expired unused (once), as an 'expired' event. Returns how many."""
    now = now or utcnow()
    links = db.session.scalars(
        select(ContractSigningLink).where(
            ContractSigningLink.expires_at <= now,
            ContractSigningLink.used_at.is_(None),
            ContractSigningLink.revoked_at.is_(None),
            ContractSigningLink.expired_noted_at.is_(None),
        )
    ).all()
    for link in links:
        link.expired_noted_at = now
        log_event(
            link.version.contract, "expired", link.version, None, label="systeem", detail=f"link {link.id}", at=now
        )
    return len(links)
