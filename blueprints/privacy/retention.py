"""Retention (AVG): destruction dates of closed case files, and the purge that anonymises due files.

A closed file (afgerond or uitgevallen) is kept `RETENTION_YEARS` (default 7) after the end of the
trajectory (the outcome date, else the planned end date); then `purge_file` anonymises it in one
transaction. Financial records stay (amounts, categories, dates, supplier, invoice number) without the
coach's free text about the person. Audit rows stay, with personal values in their `changes` blanked.
Uploaded documents (quotes, invoices, diplomas, scans) go entirely: their bytes hold names and more;
the request's amount and invoice number stay. Rows the coach removed (`Removable`) are purged like the
rest. Frozen contract versions and signatures are protected by PostgreSQL triggers and an ORM rule; the
purge is their only exception (see `blueprints/contracts/immutability.py`, `PURGE_SESSION_FLAG`).
Knows nothing of HTTP.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from blueprints.contracts.immutability import PURGE_SESSION_FLAG, PURGE_SETTING
from core.audit import record
from models import (
    INCLUDE_REMOVED,
    Action,
    Assessment,
    AuditLog,
    CoachAssignment,
    Commitment,
    CommitmentUpdate,
    Contract,
    ContractDecline,
    ContractDocument,
    ContractEvent,
    ContractParty,
    ContractSignature,
    ContractSigningLink,
    ContractVersion,
    Conversation,
    Document,
    DocumentContent,
    Goal,
    LastingOutcomeCheck,
    MaatwerkRequest,
    OnwardReferral,
    OutboxAttachment,
    OutboxMessage,
    Participant,
    ParticipantPurge,
    ParticipantStatus,
    StatusChange,
)

CLOSED = (ParticipantStatus.AFGEROND.value, ParticipantStatus.UITGEVALLEN.value, ParticipantStatus.NIET_GESTART.value)
ANONYMOUS_NAME = "Geanonimiseerd"
REMOVED = "[verwijderd]"
REMOVED_CONTRACT_TEXT = "[Tekst verwijderd na afloop van de bewaartermijn.]"

# Keys in audit `changes` whose before/after values can hold personal data or free text about a person.
PERSONAL_AUDIT_KEYS = frozenset(
    {
        "first_name",
        "last_name",
        "date_of_birth",
        "email",
        "phone",
        "address",
        "eligibility_exception",
        "extension_reason",
        "outcome_note",
        "dropout_reason",
        "note",
        "description",
        "justification",
        "rejection_reason",
        "summary",
        "cancel_reason",
        "next_action",
        "sections",
        "canonical_text",
        "name",
        "signer_name",
        "ip",
        "user_agent",
        "intent_text",
        "reason",
        "reden",  # the Dutch key of semantic entries (a handover's or an extension's reason)
        "detail",
        "to_address",
        "subject",
        "body",
        "close_reason",
        "error",
        "actor_label",
        "filename",
        "removed_reason",
    }
)


# --------------------------------------------------------------------------- dates


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def end_of_trajectory(participant: Participant) -> date:
    return participant.outcome_date or participant.end_date


def destruction_date(participant: Participant, years: int) -> date | None:
    """The day a closed file is due for anonymisation; None for a file that is still open."""
    if participant.status not in CLOSED:
        return None
    return add_years(end_of_trajectory(participant), years)


@dataclass
class RetentionRow:
    participant: Participant
    end: date
    destruction_date: date
    due: bool
    purged_on: date | None


def _end_column():
    return func.coalesce(Participant.outcome_date, Participant.end_date)


def retention_rows(session: Session, years: int, today: date, only_due: bool = False) -> list[RetentionRow]:
    """Closed files with their destruction date, soonest first (two queries, whatever the number)."""
    query = select(Participant).where(Participant.status.in_(CLOSED)).order_by(_end_column(), Participant.id)
    if only_due:
        # A day of slack for 29 February; the exact check is in Python below.
        query = query.where(_end_column() <= add_years(today, -years) + timedelta(days=1))
    participants = session.scalars(query).all()
    purged = dict(
        session.execute(
            select(ParticipantPurge.participant_id, ParticipantPurge.purged_at).where(
                ParticipantPurge.participant_id.in_([p.id for p in participants] or [-1])
            )
        ).all()
    )
    rows = []
    for p in participants:
        when = destruction_date(p, years)
        purged_at = purged.get(p.id)
        row = RetentionRow(p, end_of_trajectory(p), when, when <= today, purged_at.date() if purged_at else None)
        if not only_due or (row.due and row.purged_on is None):
            rows.append(row)
    return rows


def due_files(session: Session, years: int, today: date) -> list[RetentionRow]:
    """Closed files past their destruction date that were not anonymised yet."""
    return retention_rows(session, years, today, only_due=True)


# --------------------------------------------------------------------------- the purge


@dataclass
class PurgePlan:
    """What the purge changes for one file: counts per kind of row, for --dry-run and the audit entry."""

    participant_id: int
    destruction_date: date
    counts: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [f"  {kind}: {count}" for kind, count in self.counts.items() if count]


@dataclass
class _Objects:
    goal_ids: list[int]
    action_ids: list[int]
    conversation_ids: list[int]
    assessment_ids: list[int]
    status_change_ids: list[int]
    commitment_ids: list[int]
    commitment_update_ids: list[int]
    request_ids: list[int]
    contract_ids: list[int]
    version_ids: list[int]
    party_ids: list[int]
    signature_ids: list[int]
    decline_ids: list[int]
    link_ids: list[int]
    event_ids: list[int]
    outbox_ids: list[int]
    coach_assignment_ids: list[int]
    onward_ids: list[int] = field(default_factory=list)
    lasting_ids: list[int] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)

    def audit_targets(self, participant_id: int) -> dict[str, list[int]]:
        return {
            "participant": [participant_id],
            "goal": self.goal_ids,
            "goal_action": self.action_ids,
            "conversation": self.conversation_ids,
            "assessment": self.assessment_ids,
            "status_change": self.status_change_ids,
            "commitment": self.commitment_ids,
            "commitment_update": self.commitment_update_ids,
            "maatwerk_request": self.request_ids,
            "contract": self.contract_ids,
            "contract_version": self.version_ids,
            "contract_party": self.party_ids,
            "contract_signature": self.signature_ids,
            "contract_decline": self.decline_ids,
            "contract_signing_link": self.link_ids,
            "contract_event": self.event_ids,
            "outbox_message": self.outbox_ids,
            "coach_assignment": self.coach_assignment_ids,
            "onward_referral": self.onward_ids,
            "lasting_outcome_check": self.lasting_ids,
            "person": self.person_ids,
            "document": self.document_ids,
        }


def _ids(session: Session, query) -> list[int]:
    # Removed rows (a mistake the coach took back) are held all the same: the purge covers them too.
    return list(session.scalars(query.execution_options(**INCLUDE_REMOVED)).all())


def _objects(session: Session, participant_id: int) -> _Objects:
    goal_ids = _ids(session, select(Goal.id).where(Goal.participant_id == participant_id))
    commitment_ids = _ids(session, select(Commitment.id).where(Commitment.participant_id == participant_id))
    contract_ids = _ids(session, select(Contract.id).where(Contract.participant_id == participant_id))
    version_ids = _ids(session, select(ContractVersion.id).where(ContractVersion.contract_id.in_(contract_ids)))
    return _Objects(
        goal_ids=goal_ids,
        action_ids=_ids(session, select(Action.id).where(Action.goal_id.in_(goal_ids))),
        conversation_ids=_ids(session, select(Conversation.id).where(Conversation.participant_id == participant_id)),
        assessment_ids=_ids(session, select(Assessment.id).where(Assessment.participant_id == participant_id)),
        status_change_ids=_ids(session, select(StatusChange.id).where(StatusChange.participant_id == participant_id)),
        commitment_ids=commitment_ids,
        commitment_update_ids=_ids(
            session, select(CommitmentUpdate.id).where(CommitmentUpdate.commitment_id.in_(commitment_ids))
        ),
        request_ids=_ids(session, select(MaatwerkRequest.id).where(MaatwerkRequest.participant_id == participant_id)),
        contract_ids=contract_ids,
        version_ids=version_ids,
        party_ids=_ids(session, select(ContractParty.id).where(ContractParty.version_id.in_(version_ids))),
        signature_ids=_ids(session, select(ContractSignature.id).where(ContractSignature.version_id.in_(version_ids))),
        decline_ids=_ids(session, select(ContractDecline.id).where(ContractDecline.version_id.in_(version_ids))),
        link_ids=_ids(session, select(ContractSigningLink.id).where(ContractSigningLink.version_id.in_(version_ids))),
        event_ids=_ids(session, select(ContractEvent.id).where(ContractEvent.contract_id.in_(contract_ids))),
        outbox_ids=_ids(
            session,
            select(OutboxMessage.id).where(
                OutboxMessage.contract_id.in_(contract_ids) | (OutboxMessage.participant_id == participant_id)
            ),
        ),
        coach_assignment_ids=_ids(
            session, select(CoachAssignment.id).where(CoachAssignment.participant_id == participant_id)
        ),
        onward_ids=_ids(session, select(OnwardReferral.id).where(OnwardReferral.participant_id == participant_id)),
        lasting_ids=_ids(
            session, select(LastingOutcomeCheck.id).where(LastingOutcomeCheck.participant_id == participant_id)
        ),
        person_ids=[p for p in [_person_to_purge(session, participant_id)] if p is not None],
        document_ids=_ids(session, select(Document.id).where(Document.participant_id == participant_id)),
    )


def _audit_rows(session: Session, participant_id: int, objects: _Objects) -> list[AuditLog]:
    clauses = [
        (AuditLog.object_type == kind) & AuditLog.object_id.in_(ids)
        for kind, ids in objects.audit_targets(participant_id).items()
        if ids
    ]
    return list(session.scalars(select(AuditLog).where(or_(*clauses))).all())


def _scrubbed(changes: dict | None) -> dict | None:
    if not changes:
        return changes
    return {
        key: ([None if v is None else REMOVED for v in values] if key in PERSONAL_AUDIT_KEYS else values)
        for key, values in changes.items()
    }


def plan_purge(session: Session, participant: Participant, years: int) -> PurgePlan:
    objects = _objects(session, participant.id)
    audit_rows = _audit_rows(session, participant.id, objects)
    counts = {
        "deelnemer": 1,
        "doelen": len(objects.goal_ids),
        "acties": len(objects.action_ids),
        "gesprekken": len(objects.conversation_ids),
        "metingen": len(objects.assessment_ids),
        "statuswijzigingen": len(objects.status_change_ids),
        "toezeggingen": len(objects.commitment_ids),
        "maatwerkaanvragen (bedragen blijven)": len(objects.request_ids),
        "contractversies": len(objects.version_ids),
        "handtekeningen": len(objects.signature_ids),
        "weigeringen": len(objects.decline_ids),
        "tekenlinks (verwijderd)": len(objects.link_ids),
        "contractgebeurtenissen": len(objects.event_ids),
        "uitgaande berichten": len(objects.outbox_ids),
        "verwijzingen (waarheen blijft)": len(objects.onward_ids),
        "vragen na afloop (antwoord blijft)": len(objects.lasting_ids),
        "documenten (verwijderd)": len(objects.document_ids),
        "auditregels (namen uit wijzigingen)": sum(1 for row in audit_rows if _scrubbed(row.changes) != row.changes),
    }
    return PurgePlan(participant.id, destruction_date(participant, years), counts)


@contextmanager
def purge_exception(session: Session) -> Iterator[None]:
    """The only way past the contract guards: a session flag plus, on PostgreSQL, a transaction-local setting."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT set_config(:name, 'on', true)"), {"name": PURGE_SETTING})
    session.info[PURGE_SESSION_FLAG] = True
    try:
        yield
    finally:
        session.info.pop(PURGE_SESSION_FLAG, None)


def _blank(value):
    return None if value is None else REMOVED


def _person_to_purge(session: Session, participant_id: int) -> int | None:
    """The person of this file, when it goes with it: while another trajectory of theirs is not purged,
    that file still needs who they are (youths/persons.py)."""
    person_id = session.scalar(select(Participant.person_id).where(Participant.id == participant_id))
    if person_id is None:
        return None
    others_kept = session.scalar(
        select(func.count())
        .select_from(Participant)
        .where(
            Participant.person_id == person_id,
            Participant.id != participant_id,
            ~select(ParticipantPurge.id).where(ParticipantPurge.participant_id == Participant.id).exists(),
        )
    )
    return None if others_kept else person_id


def _anonymise_person(session: Session, participant: Participant, objects: _Objects) -> None:
    if not objects.person_ids:
        return
    person = participant.person
    person.first_name, person.last_name = participant.first_name, participant.last_name
    person.date_of_birth = participant.date_of_birth
    person.email = person.phone = person.address = None


def _anonymise_case_file(session: Session, participant: Participant, objects: _Objects) -> None:
    participant.first_name = ANONYMOUS_NAME
    participant.last_name = f"deelnemer {participant.id}"
    participant.date_of_birth = date(participant.date_of_birth.year, 1, 1)
    participant.email = participant.phone = participant.address = None
    for name in ("eligibility_exception", "extension_reason", "outcome_note", "dropout_reason"):
        setattr(participant, name, _blank(getattr(participant, name)))
    session.execute(
        update(StatusChange)
        .where(StatusChange.participant_id == participant.id, StatusChange.note.is_not(None))
        .values(note=REMOVED)
    )
    session.execute(
        update(Assessment)
        .where(Assessment.participant_id == participant.id, Assessment.note.is_not(None))
        .values(note=REMOVED)
    )
    _anonymise_person(session, participant, objects)
    # A handover's reason can say something about the person; who was coach when stays.
    session.execute(
        update(CoachAssignment).where(CoachAssignment.participant_id == participant.id).values(reason=REMOVED)
    )
    session.execute(update(Goal).where(Goal.participant_id == participant.id).values(description=REMOVED))
    # Where someone was referred and where they are now stay for the figures; the free text about them goes.
    session.execute(
        update(OnwardReferral).where(OnwardReferral.participant_id == participant.id).values(reason=REMOVED)
    )
    session.execute(
        update(LastingOutcomeCheck)
        .where(LastingOutcomeCheck.participant_id == participant.id, LastingOutcomeCheck.note.is_not(None))
        .values(note=REMOVED)
    )
    session.execute(update(Action).where(Action.goal_id.in_(objects.goal_ids)).values(description=REMOVED))
    session.execute(
        update(Conversation)
        .where(Conversation.participant_id == participant.id)
        .values(summary=None, cancel_reason=None, next_action=None)
    )
    session.execute(update(Commitment).where(Commitment.id.in_(objects.commitment_ids)).values(description=REMOVED))
    session.execute(
        update(CommitmentUpdate).where(CommitmentUpdate.id.in_(objects.commitment_update_ids)).values(note=REMOVED)
    )
    # Money stays: amount, category, dates, status, supplier and invoice number (needed to match invoices and
    # payments in the books). The coach's free text about the person's situation goes.
    session.execute(
        update(MaatwerkRequest)
        .where(MaatwerkRequest.id.in_(objects.request_ids))
        .values(description=REMOVED, justification=REMOVED)
    )
    session.execute(
        update(MaatwerkRequest)
        .where(MaatwerkRequest.id.in_(objects.request_ids), MaatwerkRequest.rejection_reason.is_not(None))
        .values(rejection_reason=REMOVED)
    )


def _anonymise_contracts(session: Session, objects: _Objects) -> dict[int, str]:
    """Blank contract texts and the participant's signing evidence; returns version id -> original hash."""
    original = {}
    removed_hash = hashlib.sha256(REMOVED_CONTRACT_TEXT.encode()).hexdigest()
    for version in session.scalars(select(ContractVersion).where(ContractVersion.id.in_(objects.version_ids))):
        if version.text_sha256:
            original[version.id] = version.text_sha256
        version.sections = [{**s, "body": REMOVED} for s in version.sections or []]
        if version.canonical_text is not None:
            # The row stays self-consistent (the database checks text against hash); the signatures keep the
            # original hash, and the purge audit entry records it.
            version.canonical_text = REMOVED_CONTRACT_TEXT
            version.text_sha256 = removed_hash
        version.close_reason = _blank(version.close_reason)
    # Stored PDFs hold the whole text and every name: they go (a verify by code then says "not known").
    session.execute(delete(ContractDocument).where(ContractDocument.version_id.in_(objects.version_ids)))
    participant_parties = _ids(
        session,
        select(ContractParty.id).where(ContractParty.id.in_(objects.party_ids), ContractParty.kind == "deelnemer"),
    )
    # Names the participant signed or declined with appear as actor of contract events: blank those.
    names = set(session.scalars(select(ContractParty.name).where(ContractParty.id.in_(participant_parties))))
    names |= set(
        session.scalars(
            select(ContractSignature.signer_name).where(ContractSignature.party_id.in_(participant_parties))
        )
    )
    names |= set(session.scalars(select(ContractDecline.name).where(ContractDecline.party_id.in_(participant_parties))))
    session.execute(
        update(ContractEvent)
        .where(ContractEvent.id.in_(objects.event_ids), ContractEvent.actor_label.in_(names or {""}))
        .values(actor_label=ANONYMOUS_NAME)
    )
    session.execute(update(ContractParty).where(ContractParty.id.in_(participant_parties)).values(name=ANONYMOUS_NAME))
    session.execute(
        update(ContractSignature)
        .where(ContractSignature.id.in_(objects.signature_ids))
        .values(intent_text=REMOVED, link_id=None)
    )
    session.execute(
        update(ContractSignature)
        .where(ContractSignature.id.in_(objects.signature_ids), ContractSignature.party_id.in_(participant_parties))
        .values(signer_name=ANONYMOUS_NAME, ip=None, user_agent=None)
    )
    session.execute(
        update(ContractDecline).where(ContractDecline.id.in_(objects.decline_ids)).values(reason=REMOVED, link_id=None)
    )
    session.execute(
        update(ContractDecline)
        .where(ContractDecline.id.in_(objects.decline_ids), ContractDecline.party_id.in_(participant_parties))
        .values(name=ANONYMOUS_NAME, ip=None, user_agent=None)
    )
    session.execute(delete(ContractSigningLink).where(ContractSigningLink.id.in_(objects.link_ids)))
    session.execute(update(ContractEvent).where(ContractEvent.id.in_(objects.event_ids)).values(detail=None))
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(objects.outbox_ids))
        .values(to_address=REMOVED, subject=REMOVED, body=REMOVED, html=None, error=None)
    )
    session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(objects.outbox_ids)))
    # Uploaded files hold names, addresses, signatures: they go whole (the audit keeps that they existed).
    session.execute(delete(DocumentContent).where(DocumentContent.document_id.in_(objects.document_ids)))
    session.execute(delete(Document).where(Document.id.in_(objects.document_ids)))
    return original


def _scrub_audit(session: Session, participant_id: int, objects: _Objects) -> None:
    for row in _audit_rows(session, participant_id, objects):
        scrubbed = _scrubbed(row.changes)
        if scrubbed != row.changes:
            row.changes = scrubbed
        if row.actor_id is None and (row.actor_label or "").startswith("tekenlink"):
            row.ip = None  # the participant's own address when signing by link


def purge_file(session: Session, participant: Participant, years: int, actor_label: str = "systeem") -> PurgePlan:
    """Anonymise one due file in the session's transaction; the caller commits (or rolls back)."""
    plan = plan_purge(session, participant, years)
    objects = _objects(session, participant.id)
    with purge_exception(session):
        _anonymise_case_file(session, participant, objects)
        original_hashes = _anonymise_contracts(session, objects)
        session.add(
            ParticipantPurge(
                participant_id=participant.id, destruction_date=plan.destruction_date, purged_by=actor_label
            )
        )
        session.flush()  # the automatic audit writes its before/after rows now ...
        _scrub_audit(session, participant.id, objects)  # ... so their names are blanked too
        record(
            session,
            "privacy_purge",
            participant,
            changes={
                "destruction_date": (None, plan.destruction_date),
                "rows": (None, ", ".join(f"{k}={v}" for k, v in plan.counts.items() if v)),
                "contract_sha256": (None, ", ".join(f"{vid}:{h}" for vid, h in sorted(original_hashes.items()))),
            },
        )
        session.flush()
    return plan


def purge_due(session: Session, years: int, today: date, dry_run: bool, actor_label: str = "systeem"):
    """Purge every due file, one transaction per file. Yields (plan, error) per file."""
    for row in due_files(session, years, today):
        if dry_run:
            yield plan_purge(session, row.participant, years), None
            continue
        try:
            plan = purge_file(session, row.participant, years, actor_label)
            session.commit()
            yield plan, None
        except Exception as exc:  # one broken file must not stop the others; report it
            session.rollback()
            yield PurgePlan(row.participant.id, row.destruction_date), exc
