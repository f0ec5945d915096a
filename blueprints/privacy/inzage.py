"""Inzage (AVG art. 15): everything held about one participant, as a dict, JSON and PDF.

Includes the case file (also what the coach removed by mistake: it is still held), uploaded documents
(name, type, size, date; the files themselves on request), maatwerk requests, commitments, contracts
with versions and signatures, the access log (who viewed the file or a document when) and which
partners saw what: partner organisations that are a party to a sent contract version or hold a
commitment, and every audit entry of a partner user on the participant's objects. Knows nothing of HTTP;
the view audits the export.

Each record is exported with every mapped column of its table (`_columns`), except the columns named
in `LEFT_OUT` with the reason. So a new column is in the export by itself, and
tests/test_privacy_columns.py fails when a table holding participant data is neither exported
(`EXPORTED_TABLES`) nor left out with a reason (`LEFT_OUT_TABLES`).
"""

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import Session, selectinload

from core.pdf import DutchPDF
from models import (
    INCLUDE_REMOVED,
    Assessment,
    AuditLog,
    CoachAssignment,
    Commitment,
    Contract,
    ContractParty,
    ContractVersion,
    Conversation,
    Document,
    Goal,
    LastingOutcomeCheck,
    MaatwerkRequest,
    OnwardReferral,
    Organisation,
    OutboxMessage,
    Participant,
    PortalMessage,
    StatusChange,
    User,
    utcnow,
)

STAFF = "a staff account; who did what is in the audit trail and, where it matters, named beside it"
PARENT = "the record it belongs to: it stands inside that record in the export"

# Columns not exported, per table, with the reason. Everything else a table maps is exported.
LEFT_OUT: dict[str, dict[str, str]] = {
    "participant": {
        "coach_id": "exported as the coach's name ('coach')",
        "person_id": "internal number; the person's name and contact are this record's own (above)",
    },
    "status_change": {"participant_id": PARENT, "changed_by_id": "exported as a name ('by')"},
    "coach_assignment": {
        "participant_id": PARENT,
        "coach_id": "exported as the coach's name ('coach')",
        "assigned_by_id": "exported as a name ('by')",
    },
    "assessment": {"participant_id": PARENT, "assessed_by_id": STAFF},
    "zrm_score": {"id": "internal number", "assessment_id": PARENT},
    "goal": {"participant_id": PARENT, "created_by_id": STAFF},
    "goal_action": {"goal_id": PARENT, "organisation_id": "exported as the partner's name ('organisation')"},
    "conversation": {
        "participant_id": PARENT,
        "coach_id": STAFF,
        "ics_sequence": "technical: the calendar invitation's revision number",
        "reminder_claimed_at": "technical: when the reminder job took the message",
    },
    "maatwerk_request": {
        "participant_id": PARENT,
        "pot_id": "the municipality's budget pot; the year follows from the dates",
        "requested_by_id": STAFF,
        "decided_by_id": STAFF,
        "paid_by_id": STAFF,
    },
    "commitment": {
        "participant_id": PARENT,
        "organisation_id": "exported as the partner's name ('organisation')",
        "contact_user_id": STAFF,
        "created_by_id": STAFF,
    },
    "commitment_update": {"commitment_id": PARENT, "actor_id": STAFF},
    "contract": {"participant_id": PARENT, "created_by_id": STAFF},
    "contract_version": {"contract_id": PARENT, "created_by_id": STAFF},
    "contract_party": {
        "version_id": PARENT,
        "organisation_id": "exported as the organisation's name ('organisation')",
        "signer_user_id": STAFF,
    },
    "contract_signature": {
        "version_id": PARENT,
        "user_id": STAFF,
        "witness_user_id": STAFF,
        "link_id": "the one-time signing link (only its hash is stored)",
    },
    "contract_decline": {"version_id": PARENT, "user_id": STAFF, "link_id": "the one-time signing link"},
    "portal_message": {"participant_id": PARENT, "read_by_id": STAFF},
    "onward_referral": {
        "participant_id": PARENT,
        "organisation_id": "exported as the partner's name ('organisation')",
        "created_by_id": STAFF,
    },
    "lasting_outcome_check": {"participant_id": PARENT, "answered_by_id": STAFF},
    "document": {"participant_id": PARENT, "uploaded_by_id": STAFF, "removed_by_id": STAFF},
    "outbox_message": {
        "participant_id": PARENT,
        "contract_id": "the contract it is about, exported under 'contracts'",
        "conversation_id": "the appointment it is about, exported under 'conversations'",
        "html": "the same text as 'body', with layout",
        "attempts": "technical: sending attempts",
        "claimed_at": "technical: when the sender took the message",
    },
}
OUTCOME_COLUMNS = ("outcome", "outcome_date", "outcome_note", "dropout_reason")  # their own section
EXPORTED_TABLES = frozenset(LEFT_OUT)

# Tables that refer to a participant but are not part of the export, and why.
LEFT_OUT_TABLES = {
    "maatwerk_participant_total": "derived running totals of the maatwerk requests, which are exported",
    "assessment_progress": "derived from the assessments, which are exported",
    "participant_purge": "the municipality's own record of when the file is destroyed (shown on the privacy page)",
    "portal_code": "one-time sign-in codes, stored only as a hash; they expire within minutes",
    "referral_import_row": "the referral list row as imported; what it held is in the participant's record",
}


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"({len(value)} bytes)"
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _columns(obj, skip=()) -> dict:
    """Every mapped column of `obj`, except those in LEFT_OUT for its table (and `skip`)."""
    left_out = LEFT_OUT.get(obj.__tablename__, {})
    return {
        attr.key: _plain(getattr(obj, attr.key))
        for attr in inspect(obj).mapper.column_attrs
        if attr.key not in left_out and attr.key not in skip
    }


def _audit(entry: AuditLog, users: dict[int, User]) -> dict:
    user = users.get(entry.actor_id)
    return {
        "at": _plain(entry.at),
        "actor": entry.actor_label,
        "actor_role": user.role if user else None,
        "actor_organisation": user.organisation.name if user and user.organisation else None,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "result": entry.result,
    }


def _of_participant(session: Session, model, pid: int, order) -> list:
    return _all(session, select(model).where(model.participant_id == pid).order_by(order, model.id))


def _all(session: Session, query) -> list:
    # Removed rows (a mistake the coach took back) are still held, so the export shows them too.
    return session.scalars(query.execution_options(**INCLUDE_REMOVED)).all()


# Audit actions that show who looked at or handled the file and its documents.
ACCESS_ACTIONS = {("participant", "view")} | {
    ("document", action) for action in ("document_upload", "document_download", "remove", "restore")
}


def collect(session: Session, participant_id: int) -> dict | None:
    """The full export as plain JSON-ready data; None when the participant does not exist."""
    participant = session.get(Participant, participant_id)
    if participant is None:
        return None
    pid = participant.id
    coach_periods = session.scalars(
        select(CoachAssignment)
        .where(CoachAssignment.participant_id == pid)
        .options(selectinload(CoachAssignment.coach), selectinload(CoachAssignment.assigned_by))
        .order_by(CoachAssignment.starts_at, CoachAssignment.id)
    ).all()
    status_history = session.scalars(
        select(StatusChange).where(StatusChange.participant_id == pid).order_by(StatusChange.changed_on)
    ).all()
    assessments = session.scalars(
        select(Assessment)
        .where(Assessment.participant_id == pid)
        .options(selectinload(Assessment.scores))
        .order_by(Assessment.assessed_on)
    ).all()
    goals = _all(
        session, select(Goal).where(Goal.participant_id == pid).options(selectinload(Goal.actions)).order_by(Goal.id)
    )
    conversations = _of_participant(session, Conversation, pid, Conversation.held_at)
    requests = _of_participant(session, MaatwerkRequest, pid, MaatwerkRequest.requested_at)
    commitments = session.scalars(
        select(Commitment)
        .where(Commitment.participant_id == pid)
        .options(selectinload(Commitment.organisation), selectinload(Commitment.updates))
        .order_by(Commitment.id)
    ).all()
    contracts = session.scalars(
        select(Contract)
        .where(Contract.participant_id == pid)
        .options(
            selectinload(Contract.versions).options(
                selectinload(ContractVersion.parties).selectinload(ContractParty.organisation),
                selectinload(ContractVersion.signatures),
                selectinload(ContractVersion.declines),
            )
        )
        .order_by(Contract.id)
    ).all()

    portal_messages = _of_participant(session, PortalMessage, pid, PortalMessage.created_at)
    outbox = _of_participant(session, OutboxMessage, pid, OutboxMessage.created_at)
    onward_referrals = session.scalars(
        select(OnwardReferral)
        .where(OnwardReferral.participant_id == pid)
        .options(selectinload(OnwardReferral.organisation))
        .order_by(OnwardReferral.referred_on, OnwardReferral.id)
    ).all()
    lasting_checks = _of_participant(session, LastingOutcomeCheck, pid, LastingOutcomeCheck.months)
    documents = _of_participant(session, Document, pid, Document.uploaded_at)

    targets = {
        "participant": [pid],
        "contract": [c.id for c in contracts],
        "contract_version": [v.id for c in contracts for v in c.versions],
        "commitment": [c.id for c in commitments],
        "commitment_update": [u.id for c in commitments for u in c.updates],
        "goal": [g.id for g in goals],
        "conversation": [c.id for c in conversations],
        "assessment": [a.id for a in assessments],
        "maatwerk_request": [r.id for r in requests],
        "onward_referral": [r.id for r in onward_referrals],
        "lasting_outcome_check": [c.id for c in lasting_checks],
        "document": [d.id for d in documents],
    }
    clauses = [(AuditLog.object_type == kind) & AuditLog.object_id.in_(ids) for kind, ids in targets.items() if ids]
    entries = session.scalars(select(AuditLog).where(or_(*clauses)).order_by(AuditLog.at, AuditLog.id)).all()
    actor_ids = {e.actor_id for e in entries if e.actor_id is not None}
    users = {
        u.id: u
        for u in session.scalars(
            select(User).where(User.id.in_(actor_ids or [-1])).options(selectinload(User.organisation))
        )
    }

    access_log = [_audit(e, users) for e in entries if (e.object_type, e.action) in ACCESS_ACTIONS]
    partner_entries = [_audit(e, users) for e in entries if e.actor_id in users and users[e.actor_id].role == "partner"]

    partner_orgs: dict[int, dict] = {}

    def note_org(org: Organisation | None, why: str) -> None:
        if org is None:
            return
        item = partner_orgs.setdefault(org.id, {"organisation": org.name, "what": []})
        if why not in item["what"]:
            item["what"].append(why)

    for contract in contracts:
        for version in contract.versions:
            if version.frozen_at is None:
                continue  # partners never see a concept
            for party in version.parties:
                if party.kind == "partner":
                    note_org(party.organisation, f"contract {contract.reference} versie {version.number}")
    for commitment in commitments:
        note_org(commitment.organisation, f"toezegging {commitment.id}: {commitment.kind_label}")

    return {
        "generated_at": _plain(utcnow()),
        "participant": _columns(participant, skip=OUTCOME_COLUMNS)
        | {"coach": participant.coach.name if participant.coach else None},
        "outcome": {name: _plain(getattr(participant, name)) for name in OUTCOME_COLUMNS},
        "status_history": [_columns(s) | {"by": s.changed_by.name if s.changed_by else None} for s in status_history],
        "coach_history": [
            _columns(a)
            | {"coach": a.coach.name if a.coach else None, "by": a.assigned_by.name if a.assigned_by else None}
            for a in coach_periods
        ],
        "assessments": [_columns(a) | {"zrm_scores": {s.domain: s.score for s in a.scores}} for a in assessments],
        "goals": [
            _columns(g)
            | {
                "actions": [
                    _columns(x) | {"organisation": x.organisation.name if x.organisation else None} for x in g.actions
                ]
            }
            for g in goals
        ],
        "conversations": [_columns(c) for c in conversations],
        "maatwerk_requests": [_columns(r) for r in requests],
        "commitments": [
            _columns(c) | {"organisation": c.organisation.name, "updates": [_columns(u) for u in c.updates]}
            for c in commitments
        ],
        "contracts": [
            _columns(c)
            | {
                "reference": c.reference,
                "versions": [
                    _columns(v)
                    | {
                        "parties": [
                            _columns(p) | {"organisation": p.organisation.name if p.organisation else None}
                            for p in v.parties
                        ],
                        "signatures": [_columns(s) for s in v.signatures],
                        "declines": [_columns(d) for d in v.declines],
                    }
                    for v in c.versions
                ],
            }
            for c in contracts
        ],
        "onward_referrals": [
            _columns(r) | {"organisation": r.organisation.name if r.organisation else None} for r in onward_referrals
        ],
        "lasting_outcomes": [_columns(c) for c in lasting_checks],
        "documents": [_columns(d) for d in documents],
        "messages_to_coach": [_columns(m) for m in portal_messages],
        "messages_sent": [_columns(m) for m in outbox],
        "access_log": access_log,
        "partners": {"organisations": list(partner_orgs.values()), "audit": partner_entries},
    }


def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


# --------------------------------------------------------------------------- PDF


class InzagePDF(DutchPDF):
    heading_size = 13
    heading_space = 1

    def footer_label(self) -> str:
        return "Inzage Perspectiefjaar"

    def line_text(self, text: str, size: int = 9):
        self.set_font(self.family, "", size)
        self.multi_cell(0, 4.6, self.t(text), new_x="LMARGIN", new_y="NEXT")


SECTION_TITLES = {
    "participant": "Persoonsgegevens",
    "outcome": "Uitstroom",
    "status_history": "Statusgeschiedenis",
    "coach_history": "Life-coaches (wie was wanneer de coach)",
    "assessments": "Metingen (ZRM en participatieladder)",
    "goals": "Doelen en acties",
    "conversations": "Gesprekken",
    "maatwerk_requests": "Maatwerkaanvragen",
    "commitments": "Toezeggingen van partners",
    "contracts": "Inspanningscontracten",
    "onward_referrals": "Verwezen naar",
    "lasting_outcomes": "Na afloop: waar de deelnemer 6 en 12 maanden later was",
    "documents": "Documenten (de bestanden zelf krijgt u op verzoek)",
    "messages_to_coach": "Berichten aan de coach",
    "messages_sent": "Verstuurde e-mails en sms'jes",
    "access_log": "Wie heeft het dossier en de documenten bekeken",
    "partners": "Welke partners zagen wat",
}


def _lines(value, indent: int = 0) -> list[str]:
    pad = "  " * indent
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                out.append(f"{pad}{key}:")
                out += _lines(item, indent + 1)
            else:
                out.append(f"{pad}{key}: {'' if item in (None, [], {}) else item}")
        return out
    if isinstance(value, list):
        out = []
        for number, item in enumerate(value, 1):
            out.append(f"{pad}- {number}")
            out += _lines(item, indent + 1)
        return out or [f"{pad}(geen)"]
    return [f"{pad}{value}"]


def to_pdf(data: dict, compress: bool = True) -> bytes:
    pdf = InzagePDF()
    pdf.set_compression(compress)
    pdf.add_page()
    name = f"{data['participant']['first_name']} {data['participant']['last_name']}"
    pdf.heading(f"Inzage: alle gegevens over {name}", 15)
    pdf.line_text(f"Gemaakt op {data['generated_at']} (UTC) door de gemeente Hengelo, pilot Perspectiefjaar 23+.")
    pdf.ln(3)
    for key, title in SECTION_TITLES.items():
        pdf.heading(title)
        for line in _lines(data[key]):
            pdf.line_text(line)
        pdf.ln(2)
    return bytes(pdf.output())
