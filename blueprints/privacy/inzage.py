"""Inzage (AVG art. 15): everything held about one participant, as a dict, JSON and PDF.

Includes the case file, maatwerk requests, commitments, contracts with versions and signatures, the
access log (who viewed the file when) and which partners saw what: partner organisations that are a
party to a sent contract version or hold a commitment, and every audit entry of a partner user on the
participant's objects. Knows nothing of HTTP; the view audits the export.
"""

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from core.pdf import DutchPDF
from models import (
    Assessment,
    AuditLog,
    Commitment,
    Contract,
    ContractParty,
    ContractVersion,
    Conversation,
    Goal,
    MaatwerkRequest,
    Organisation,
    Participant,
    StatusChange,
    User,
    utcnow,
)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj, *names) -> dict:
    return {name: _plain(getattr(obj, name)) for name in names}


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


def collect(session: Session, participant_id: int) -> dict | None:
    """The full export as plain JSON-ready data; None when the participant does not exist."""
    participant = session.get(Participant, participant_id)
    if participant is None:
        return None
    pid = participant.id
    status_history = session.scalars(
        select(StatusChange).where(StatusChange.participant_id == pid).order_by(StatusChange.changed_on)
    ).all()
    assessments = session.scalars(
        select(Assessment)
        .where(Assessment.participant_id == pid)
        .options(selectinload(Assessment.scores))
        .order_by(Assessment.assessed_on)
    ).all()
    goals = session.scalars(
        select(Goal).where(Goal.participant_id == pid).options(selectinload(Goal.actions)).order_by(Goal.id)
    ).all()
    conversations = session.scalars(
        select(Conversation).where(Conversation.participant_id == pid).order_by(Conversation.held_at)
    ).all()
    requests = session.scalars(
        select(MaatwerkRequest).where(MaatwerkRequest.participant_id == pid).order_by(MaatwerkRequest.requested_at)
    ).all()
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

    access_log = [_audit(e, users) for e in entries if e.action == "view" and e.object_type == "participant"]
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
        "participant": _row(
            participant,
            "id",
            "first_name",
            "last_name",
            "date_of_birth",
            "email",
            "phone",
            "address",
            "highest_education",
            "has_startkwalificatie",
            "referral_source",
            "start_date",
            "end_date",
            "status",
            "eligibility_exception",
            "extension_reason",
            "created_at",
        )
        | {"coach": participant.coach.name if participant.coach else None},
        "outcome": _row(participant, "outcome", "outcome_date", "outcome_note", "dropout_reason"),
        "status_history": [
            _row(s, "from_status", "to_status", "changed_on", "note")
            | {"by": s.changed_by.name if s.changed_by else None}
            for s in status_history
        ],
        "assessments": [
            _row(a, "assessed_on", "kind", "ladder_rung", "growth_rung", "note")
            | {"zrm_scores": {s.domain: s.score for s in a.scores}}
            for a in assessments
        ],
        "goals": [
            _row(g, "domain", "description", "target_date", "status", "created_at")
            | {"actions": [_row(x, "description", "who", "due_date", "done", "done_on") for x in g.actions]}
            for g in goals
        ],
        "conversations": [
            _row(c, "held_at", "kind", "attendance", "cancel_reason", "summary", "next_action") for c in conversations
        ],
        "maatwerk_requests": [
            _row(
                r,
                "id",
                "category",
                "description",
                "supplier",
                "amount",
                "expected_on",
                "justification",
                "status",
                "requested_at",
                "decided_at",
                "rejection_reason",
                "invoice_number",
                "paid_on",
            )
            for r in requests
        ],
        "commitments": [
            _row(c, "id", "kind", "description", "status", "due_date", "created_at")
            | {
                "organisation": c.organisation.name,
                "updates": [_row(u, "on_date", "old_status", "new_status", "note") for u in c.updates],
            }
            for c in commitments
        ],
        "contracts": [
            {
                "reference": c.reference,
                "status": c.status,
                "versions": [
                    _row(v, "number", "status", "start_date", "end_date", "canonical_text", "text_sha256", "frozen_at")
                    | {
                        "parties": [
                            {
                                "kind": p.kind,
                                "name": p.name,
                                "organisation": p.organisation.name if p.organisation else None,
                            }
                            for p in v.parties
                        ],
                        "signatures": [
                            _row(s, "signer_name", "method", "authentication", "signed_at", "ip", "user_agent")
                            | {"intent_text": s.intent_text, "version_sha256": s.version_sha256}
                            for s in v.signatures
                        ],
                        "declines": [_row(d, "name", "reason", "declined_at") for d in v.declines],
                    }
                    for v in c.versions
                ],
            }
            for c in contracts
        ],
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
    "assessments": "Metingen (ZRM en participatieladder)",
    "goals": "Doelen en acties",
    "conversations": "Gesprekken",
    "maatwerk_requests": "Maatwerkaanvragen",
    "commitments": "Toezeggingen van partners",
    "contracts": "Inspanningscontracten",
    "access_log": "Wie heeft het dossier bekeken",
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
