"""Closing a file: what is still open around it (issue #17 point 5). Plain rules, no HTTP.

`loose_ends` lists what would stay behind when the trajectory ends: waiting maatwerk requests, open
partner commitments, planned conversations, signing links that still work, and the follow-up flag.
The closing form shows them, so the coach sees them before closing. Resolving them in one step is not
built yet: each is resolved through its own feature's page (and its own rule).
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from blueprints.partners.commitments import OPEN_STATUSES
from models import (
    Commitment,
    Contract,
    ContractSigningLink,
    ContractVersion,
    Conversation,
    MaatwerkRequest,
    Participant,
    RequestStatus,
    db,
    utcnow,
)


@dataclass
class LooseEnds:
    requests: list[MaatwerkRequest] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    links: list[ContractSigningLink] = field(default_factory=list)
    needs_followup: bool = False

    @property
    def count(self) -> int:
        lists = (self.requests, self.commitments, self.conversations, self.links)
        return sum(len(items) for items in lists) + int(self.needs_followup)


def loose_ends(participant: Participant, now: datetime | None = None) -> LooseEnds:
    """What is still open for `participant` (4 queries). `now` is naive UTC, as the columns are."""
    now = now or utcnow()
    pid = participant.id
    return LooseEnds(
        requests=list(
            db.session.scalars(
                select(MaatwerkRequest)
                .where(MaatwerkRequest.participant_id == pid, MaatwerkRequest.status == RequestStatus.AANGEVRAAGD.value)
                .order_by(MaatwerkRequest.id)
            )
        ),
        commitments=list(
            db.session.scalars(
                select(Commitment)
                .where(Commitment.participant_id == pid, Commitment.status.in_(OPEN_STATUSES))
                .order_by(Commitment.id)
            )
        ),
        conversations=list(
            db.session.scalars(
                select(Conversation)
                .where(Conversation.participant_id == pid, Conversation.attendance == "gepland")
                .order_by(Conversation.held_at, Conversation.id)
            )
        ),
        links=list(
            db.session.scalars(
                select(ContractSigningLink)
                .join(ContractVersion, ContractVersion.id == ContractSigningLink.version_id)
                .join(Contract, Contract.id == ContractVersion.contract_id)
                .where(
                    Contract.participant_id == pid,
                    ContractSigningLink.used_at.is_(None),
                    ContractSigningLink.revoked_at.is_(None),
                    ContractSigningLink.expires_at > now,
                )
                .order_by(ContractSigningLink.id)
            )
        ),
        needs_followup=bool(participant.needs_followup),
    )
