"""Closing a file without loose ends (issue #17 point 5). Plain rules, no HTTP.

`loose_ends` lists what would stay behind when the file closes: waiting maatwerk requests, open partner
commitments, planned conversations, signing links that still work, declined contracts still on the
coach's start page, and the follow-up flag. `close_file` resolves all of them and moves the status in
one transaction, each through its own feature's rule:
- a waiting request is withdrawn (`budget.rules.withdraw_request`, closing path, reason "dossier
  afgesloten") or kept with the coach's reason, so finance sees "dossier afgesloten" and must confirm;
- an open commitment becomes vervallen or nagekomen (`partners.commitments.change_status`);
- a planned conversation is cancelled; the participant's calendar gets the CANCEL with a higher
  SEQUENCE (`mijn.reminders.appointment_changed`) and no reminder goes out for it;
- open signing links are revoked (`contracts.links.revoke_open_links`), decline alerts cleared
  (`contracts.alerts.clear_decline_alert`), the follow-up flag cleared (`followup.clear_followup`).
Everything is checked before anything changes; the caller commits, or rolls back on ClosingError.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from blueprints.budget.periods import PeriodClosed
from blueprints.budget.rules import BudgetError, keep_request_on_closing, withdraw_request
from blueprints.contracts import rules as contract_rules
from blueprints.contracts import signing as contract_signing
from blueprints.contracts.alerts import clear_decline_alert, decline_alerts
from blueprints.contracts.links import revoke_open_links
from blueprints.mijn import reminders
from blueprints.partners.commitments import OPEN_STATUSES, CommitmentError
from blueprints.partners.commitments import change_status as change_commitment_status
from blueprints.youths import followup, workflow
from core.audit import record
from core.input import CONTROL_MESSAGE, has_control_characters
from models import (
    Commitment,
    CommitmentStatus,
    Contract,
    ContractSigningLink,
    ContractStatus,
    ContractVersion,
    Conversation,
    MaatwerkRequest,
    Participant,
    RequestStatus,
    User,
    db,
    utcnow,
)

S = ContractStatus
WITHDRAW, KEEP = "intrekken", "houden"
REQUEST_CHOICES = {WITHDRAW: "Intrekken", KEEP: "Laten staan: financiën beslist (met reden)"}
COMMITMENT_CHOICES = {
    CommitmentStatus.VERVALLEN.value: "Vervallen: gaat niet meer door",
    CommitmentStatus.NAGEKOMEN.value: "Nagekomen: de partner heeft het gedaan",
}
REASON_MAX = 1000
CLOSED_NOTE = "Dossier afgesloten"  # on commitment histories and cancelled conversations
LINK_REASON = "het dossier is afgesloten"
CONTRACT_REASON = "Het dossier is afgesloten."


class ClosingError(ValueError):
    """A refused close-out, with a Dutch message and the form field it belongs to."""

    def __init__(self, message: str, field: str = "to_status"):
        super().__init__(message)
        self.field = field


@dataclass
class LooseEnds:
    requests: list[MaatwerkRequest] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    links: list[ContractSigningLink] = field(default_factory=list)
    declined: list[ContractVersion] = field(default_factory=list)
    # Contracts with a version in force (ended on closing) or one waiting for signatures (withdrawn).
    contracts: list[Contract] = field(default_factory=list)
    needs_followup: bool = False

    @property
    def count(self) -> int:
        lists = (self.requests, self.commitments, self.conversations, self.links, self.declined, self.contracts)
        return sum(len(items) for items in lists) + int(self.needs_followup)


@dataclass
class RequestChoice:
    action: str  # WITHDRAW or KEEP
    reason: str = ""  # needed for KEEP


def request_field(request_id: int) -> str:
    return f"aanvraag_{request_id}"


def reason_field(request_id: int) -> str:
    return f"aanvraag_{request_id}_reden"


def commitment_field(commitment_id: int) -> str:
    return f"toezegging_{commitment_id}"


def loose_ends(participant: Participant, now: datetime | None = None) -> LooseEnds:
    """What is still open for `participant` (7 queries). `now` is naive UTC, as the columns are."""
    now = now or utcnow()
    pid = participant.id
    return LooseEnds(
        requests=list(
            db.session.scalars(
                select(MaatwerkRequest)
                .where(
                    MaatwerkRequest.participant_id == pid,
                    MaatwerkRequest.status == RequestStatus.AANGEVRAAGD.value,
                    MaatwerkRequest.kept_on_closing_reason.is_(None),  # kept on closing: resolved, finance decides
                )
                .order_by(MaatwerkRequest.id)
            )
        ),
        commitments=list(
            db.session.scalars(
                select(Commitment)
                .where(Commitment.participant_id == pid, Commitment.status.in_(OPEN_STATUSES))
                .options(joinedload(Commitment.organisation))
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
        declined=decline_alerts(pid),  # contracts feature: the same rule as the start page
        contracts=list(
            db.session.scalars(
                select(Contract)
                .where(
                    Contract.participant_id == pid,
                    Contract.versions.any(ContractVersion.status.in_((S.ACTIEF.value, *contract_rules.OPEN_VALUES))),
                )
                .options(selectinload(Contract.versions))
                .order_by(Contract.id)
            )
        ),
        needs_followup=bool(participant.needs_followup),
    )


def contract_on_closing(contract: Contract) -> tuple[str, ContractVersion | None]:
    """What closing does with this contract: ("end", version in force) or ("withdraw", the open version)."""
    in_force = contract_rules.version_in_force(contract)
    return ("end", in_force) if in_force is not None else ("withdraw", contract_rules.open_version(contract))


def check_choices(ends: LooseEnds, requests: dict[int, RequestChoice], commitments: dict[int, str]) -> None:
    """Every waiting request and open commitment needs a choice; a kept request needs a clean reason."""
    for maatwerk in ends.requests:
        choice = requests.get(maatwerk.id)
        if choice is None or choice.action not in REQUEST_CHOICES:
            raise ClosingError(f"Kies wat er met aanvraag {maatwerk.id} gebeurt.", request_field(maatwerk.id))
        if choice.action == KEEP:
            reason = (choice.reason or "").strip()
            if not reason:
                raise ClosingError(
                    f"Vul in waarom aanvraag {maatwerk.id} blijft staan. Financiën ziet die reden.",
                    reason_field(maatwerk.id),
                )
            if has_control_characters(reason, multi_line=True):
                raise ClosingError(CONTROL_MESSAGE, reason_field(maatwerk.id))
            if len(reason) > REASON_MAX:
                raise ClosingError(f"De reden is te lang (hoogstens {REASON_MAX} tekens).", reason_field(maatwerk.id))
    for commitment in ends.commitments:
        if commitments.get(commitment.id) not in COMMITMENT_CHOICES:
            raise ClosingError(
                f"Kies of de toezegging '{commitment.description[:60]}' vervalt of is nagekomen.",
                commitment_field(commitment.id),
            )


def close_file(
    participant: Participant,
    actor: User,
    to_status: str,
    on: date,
    *,
    requests: dict[int, RequestChoice] | None = None,
    commitments: dict[int, str] | None = None,
    outcome: str | None = None,
    note: str | None = None,
    reason: str | None = None,
    not_started_reason: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> LooseEnds:
    """Close the file (afgerond, uitgevallen or niet gestart) and resolve every loose end; returns what was
    resolved. Raises ClosingError or workflow.WorkflowError before anything changed. The caller commits."""
    today, now = today or date.today(), now or utcnow()
    requests, commitments = requests or {}, commitments or {}
    if to_status not in workflow.ENDED:
        raise ClosingError("Kies hoe het dossier wordt afgesloten.")
    ends = loose_ends(participant, now)
    check_choices(ends, requests, commitments)
    workflow.check_move(
        participant, to_status, on, outcome=outcome, reason=reason, not_started_reason=not_started_reason, today=today
    )
    for maatwerk in ends.requests:
        choice = requests[maatwerk.id]
        try:
            if choice.action == WITHDRAW:
                withdraw_request(maatwerk, actor, today, closing=True)
            else:
                keep_request_on_closing(maatwerk, actor, choice.reason)
        except (BudgetError, PeriodClosed) as error:  # a month closed by finance, or decided meanwhile
            raise ClosingError(f"Aanvraag {maatwerk.id}: {error}", request_field(maatwerk.id)) from error
    for commitment in ends.commitments:
        old_status = commitment.status
        try:
            update = change_commitment_status(commitment, commitments[commitment.id], CLOSED_NOTE, actor, on_date=today)
        except CommitmentError as error:
            raise ClosingError(str(error), commitment_field(commitment.id)) from error
        db.session.add(update)
        record(db.session, "commitment_status", commitment, changes={"status": (old_status, commitment.status)})
    for version in {link.version_id: link.version for link in ends.links}.values():
        revoke_open_links(version, actor, now, reason=LINK_REASON)
    for version in ends.declined:
        clear_decline_alert(version, actor, LINK_REASON, now)
    for contract in ends.contracts:
        action, version = contract_on_closing(contract)
        try:
            if action == "end":  # an open proposal is withdrawn with it
                contract_signing.end_contract(contract, CONTRACT_REASON, actor, now)
            elif version is not None:
                contract_signing.withdraw_version(version, LINK_REASON, actor, now)
        except contract_signing.SigningError as error:
            raise ClosingError(f"Contract {contract.reference}: {error}") from error
    if ends.needs_followup:
        followup.clear_followup(participant, CLOSED_NOTE, now)
    # Last before the move: the participant's calendar still gets the CANCEL while the file is open.
    for conversation in ends.conversations:
        cancel_conversation(conversation, now)
    workflow.change_status(
        participant,
        to_status,
        actor,
        on,
        outcome=outcome,
        note=note,
        reason=reason,
        not_started_reason=not_started_reason,
        today=today,
    )
    return ends


def cancel_conversation(conversation: Conversation, now: datetime) -> None:
    """A planned conversation of a closed file does not take place: afgemeld, and the calendar follows."""
    before = reminders.snapshot(conversation)
    conversation.attendance = "afgemeld"
    conversation.cancel_reason = CLOSED_NOTE
    conversation.cancelled_by = "coach"
    conversation.cancelled_at = now
    reminders.appointment_changed(conversation, before, now)
