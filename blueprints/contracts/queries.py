"""Loading contracts for pages: load-or-404 helpers per role and the list queries (fixed query counts)."""

from dataclasses import dataclass, replace

from flask import abort
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, defer, joinedload, selectinload

from blueprints.contracts.alerts import decline_alert
from blueprints.contracts.rules import OPEN_VALUES
from blueprints.youths.queries import own_record_ids
from models import (
    Contract,
    ContractDecline,
    ContractEvent,
    ContractParty,
    ContractSignature,
    ContractSigningLink,
    ContractStatus,
    ContractVersion,
    OutboxMessage,
    Participant,
    PartyKind,
    User,
    contract_reference,
    db,
)

S = ContractStatus
# Statuses a contract itself can have (`rules.contract_status`); the others belong to versions only.
CONTRACT_LEVEL_STATUSES = {s.value for s in (S.CONCEPT, S.VERZONDEN, S.GEWEIGERD, S.ACTIEF, S.BEEINDIGD)}

# A version's parties in one query: each party has at most one signature, decline, signer and organisation,
# so they ride along as joins (four selectin queries per loaded version list before: issue #21).
_VERSION_LOAD = (
    selectinload(ContractVersion.parties).options(
        joinedload(ContractParty.signature),
        joinedload(ContractParty.decline),
        joinedload(ContractParty.signer_user),
        joinedload(ContractParty.organisation),
    ),
)


def _contract_options():
    return (
        selectinload(Contract.participant),
        selectinload(Contract.versions).options(*_VERSION_LOAD),
    )


def contract_or_404(contract_id: int) -> Contract:
    """Coach and beheer reach every contract."""
    contract = db.session.scalar(select(Contract).where(Contract.id == contract_id).options(*_contract_options()))
    if contract is None:
        abort(404)
    return contract


def any_version_or_404(version_id: int, user: User) -> ContractVersion:
    """A version for the verify and PDF pages: partners only their own organisation's sent versions."""
    query = select(ContractVersion).where(ContractVersion.id == version_id).options(*_VERSION_LOAD)
    if user.role == "partner":
        query = query.where(
            ContractVersion.frozen_at.is_not(None),
            ContractVersion.parties.any(ContractParty.organisation_id == user.organisation_id),
        )
    version = db.session.scalar(query)
    if version is None:
        abort(404)
    return version


def partner_party_or_404(version_id: int, user: User) -> tuple[ContractVersion, ContractParty]:
    """A partner's own party on a sent version; another organisation's contract is a 404."""
    party = db.session.scalar(
        select(ContractParty)
        .join(ContractParty.version)
        .where(
            ContractParty.version_id == version_id,
            ContractParty.kind == PartyKind.PARTNER.value,
            ContractParty.organisation_id == user.organisation_id,
            ContractVersion.frozen_at.is_not(None),
        )
        .options(selectinload(ContractParty.version).options(*_VERSION_LOAD))
    )
    if party is None or user.organisation_id is None:
        abort(404)
    return party.version, party


def contracts_page(status: str = "", search: str = "", page: int = 1, per_page: int = 25):
    query = select(Contract).options(
        selectinload(Contract.participant),
        # The list shows no contract text: leave the versions' full texts in the database.
        selectinload(Contract.versions).options(defer(ContractVersion.canonical_text), *_VERSION_LOAD),
    )
    if status in CONTRACT_LEVEL_STATUSES:
        query = query.where(Contract.status == status)
    elif status in {s.value for s in S}:  # a proposal, withdrawn or replaced version inside the contract
        query = query.where(Contract.versions.any(ContractVersion.status == status))
    if search:  # only then the participant is joined: the count and the page read the contracts alone
        like = f"%{search.lower()}%"
        query = query.join(Contract.participant).where(
            or_(Participant.first_name.ilike(like), Participant.last_name.ilike(like))
        )
    query = query.order_by(Contract.created_at.desc(), Contract.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def events_of(contract: Contract) -> list[ContractEvent]:
    return list(
        db.session.scalars(
            select(ContractEvent)
            .where(ContractEvent.contract_id == contract.id)
            .options(selectinload(ContractEvent.version))
            .order_by(ContractEvent.at.desc(), ContractEvent.id.desc())
        )
    )


def links_of(contract: Contract) -> list[ContractSigningLink]:
    ids = [v.id for v in contract.versions]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(ContractSigningLink)
            .where(ContractSigningLink.version_id.in_(ids))
            .options(selectinload(ContractSigningLink.version))
            .order_by(ContractSigningLink.created_at.desc(), ContractSigningLink.id.desc())
        )
    )


@dataclass(frozen=True)
class Decline:
    kind: str  # deelnemer, gemeente, partner
    name: str
    reason: str


@dataclass(frozen=True)
class DeclinedVersion:
    """A declined version that is still an alert, with what the start page says about it."""

    id: int
    number: int
    contract_id: int
    contract_status: str  # actief: the declined version was a proposal, the version in force keeps holding
    participant_name: str
    declines: tuple[Decline, ...]

    @property
    def reference(self) -> str:
        return contract_reference(self.contract_id)


@dataclass(frozen=True)
class WaitingVersion:
    id: int
    number: int
    contract_id: int
    participant_name: str
    sent_at: object  # datetime
    parties: int
    signed: int

    @property
    def reference(self) -> str:
        return contract_reference(self.contract_id)


@dataclass
class CoachAttention:
    declined: list[DeclinedVersion]
    waiting: list[WaitingVersion]


def coach_attention(user: User, limit: int = 10) -> CoachAttention:
    """For the coach's start page: declined contracts (first) and contracts waiting for signatures.

    Two queries of plain columns whatever the lists hold: the page shows names, reasons and counts, and
    loading whole versions with their parties cost a third of the start page at 100x (issue #21)."""
    own = ContractVersion.contract_id.in_(own_record_ids(Contract, user.id))
    # When the declined version was a proposal, the page says that the version in force keeps holding.
    latest_declined = (
        select(ContractVersion.id, ContractVersion.number, ContractVersion.contract_id, ContractVersion.closed_at)
        .where(own, decline_alert())
        .order_by(ContractVersion.closed_at.desc(), ContractVersion.id.desc())
        .limit(limit)
        .subquery()
    )
    declined: dict[int, DeclinedVersion] = {}
    rows = db.session.execute(
        select(
            latest_declined.c.id,
            latest_declined.c.number,
            Contract.id,
            Contract.status,
            Participant.first_name,
            Participant.last_name,
            ContractParty.kind,
            ContractParty.name,
            ContractDecline.reason,
        )
        .join(Contract, Contract.id == latest_declined.c.contract_id)
        .join(Participant, Participant.id == Contract.participant_id)
        .outerjoin(ContractDecline, ContractDecline.version_id == latest_declined.c.id)
        .outerjoin(ContractParty, ContractParty.id == ContractDecline.party_id)
        .order_by(latest_declined.c.closed_at.desc(), latest_declined.c.id.desc(), ContractParty.position)
    )
    for version_id, number, contract_id, status, first, last, kind, name, reason in rows:
        if version_id not in declined:
            declined[version_id] = DeclinedVersion(version_id, number, contract_id, status, f"{first} {last}", ())
        if kind is not None:
            version = declined[version_id]
            declined[version_id] = replace(version, declines=(*version.declines, Decline(kind, name, reason)))
    parties = select(func.count(ContractParty.id)).where(ContractParty.version_id == ContractVersion.id)
    signed = select(func.count(ContractSignature.id)).where(ContractSignature.version_id == ContractVersion.id)
    waiting = [
        WaitingVersion(version_id, number, contract_id, f"{first} {last}", sent_at, n_parties, n_signed)
        for version_id, number, contract_id, first, last, sent_at, n_parties, n_signed in db.session.execute(
            select(
                ContractVersion.id,
                ContractVersion.number,
                Contract.id,
                Participant.first_name,
                Participant.last_name,
                ContractVersion.sent_at,
                parties.scalar_subquery(),
                signed.scalar_subquery(),
            )
            .join(Contract, Contract.id == ContractVersion.contract_id)
            .join(Participant, Participant.id == Contract.participant_id)
            .where(own, ContractVersion.status.in_(OPEN_VALUES))
            .order_by(ContractVersion.sent_at, ContractVersion.id)
            .limit(limit)
        )
    ]
    return CoachAttention(list(declined.values()), waiting)


def partner_waiting(user: User, limit: int = 20) -> list[tuple[ContractVersion, ContractParty]]:
    """Sent versions that wait for this partner user's organisation to sign."""
    if user.organisation_id is None:
        return []
    parties = db.session.scalars(
        select(ContractParty)
        .join(ContractParty.version)
        .where(
            ContractParty.kind == PartyKind.PARTNER.value,
            ContractParty.organisation_id == user.organisation_id,
            or_(ContractParty.signer_user_id.is_(None), ContractParty.signer_user_id == user.id),
            ContractVersion.status.in_(OPEN_VALUES),
            ~ContractParty.signature.has(),
            ~ContractParty.decline.has(),
        )
        # One query whatever is waiting: the version is already joined and its contract and participant
        # are many-to-one, so they ride along (selectin loads added 3 queries only when something waited,
        # which made the partner portal's query count depend on the data: issue #21).
        .options(
            contains_eager(ContractParty.version).joinedload(ContractVersion.contract).joinedload(Contract.participant)
        )
        .order_by(ContractVersion.sent_at)
        .limit(limit)
    ).all()
    return [(p.version, p) for p in parties]


def partner_parties(user: User, page: int = 1, per_page: int = 25):
    """Every sent version this partner's organisation is a party to, newest first."""
    query = (
        select(ContractParty)
        .join(ContractParty.version)
        .where(
            ContractParty.kind == PartyKind.PARTNER.value,
            ContractParty.organisation_id == user.organisation_id,
            ContractVersion.frozen_at.is_not(None),
        )
        .options(
            selectinload(ContractParty.signature),
            selectinload(ContractParty.decline),
            selectinload(ContractParty.version)
            .selectinload(ContractVersion.contract)
            .selectinload(Contract.participant),
        )
        .order_by(ContractVersion.sent_at.desc(), ContractParty.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def outbox_page(page: int = 1, per_page: int = 25):
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def contracts_for_participant(participant_id: int) -> list[Contract]:
    """The participant's contracts with their versions, for the case file (one query)."""
    return list(
        db.session.scalars(
            select(Contract)
            .where(Contract.participant_id == participant_id)
            .options(selectinload(Contract.versions))
            .order_by(Contract.created_at.desc())
        ).unique()
    )
