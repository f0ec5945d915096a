"""Is this contract PDF genuine? The answer for the public verify page, by uploaded PDF or by code. No HTTP.

An upload is genuine only when both hold: pyHanko validates the seal against the municipality's
certificate (intact, trusted, covering the whole file) AND the bytes are exactly a PDF the app stored.
The second check also covers a PDF stored unsealed (no certificate configured, or an interim copy).
The answer names the version, the parties and when each signed: nothing else about the people.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app

from blueprints.contracts import documents
from core import seal
from models import ContractDocument

PDF_MAGIC = b"%PDF-"


@dataclass
class PartyLine:
    kind: str
    name: str
    signed_at: datetime | None


@dataclass
class Verdict:
    authentic: bool
    reason: str | None = None  # why not, in plain Dutch
    reference: str | None = None
    version_number: int | None = None
    final: bool = False
    sealed: bool = False
    timestamp: datetime | None = None
    code: str | None = None
    parties: list[PartyLine] = field(default_factory=list)


def _verdict(document: ContractDocument, check: seal.SealCheck | None = None) -> Verdict:
    version = document.version
    return Verdict(
        authentic=True,
        reference=version.contract.reference,
        version_number=version.number,
        final=document.final,
        sealed=document.sealed,
        timestamp=check.timestamp if check else None,
        code=documents.format_code(document.verification_code) if document.verification_code else None,
        parties=[
            PartyLine(p.kind_label, p.name, p.signature.signed_at if p.signature else None) for p in version.parties
        ],
    )


def verify_code(code: str) -> Verdict:
    document = documents.by_code(code)
    if document is None:
        return Verdict(False, "Deze controlecode is niet bekend bij gemeente Hengelo.")
    return _verdict(document)


def verify_upload(data: bytes) -> Verdict:
    if not data.startswith(PDF_MAGIC):
        return Verdict(False, "Dit bestand is geen PDF.")
    stored = documents.by_hash(hashlib.sha256(data).hexdigest())
    settings = seal.settings_from(current_app.config)
    check = seal.check_seal(data, settings)
    if stored is None:
        return Verdict(False, check.problem or "Deze PDF is niet door gemeente Hengelo gemaakt of is veranderd.")
    if stored.sealed and not check.ok:
        return Verdict(False, check.problem)
    return _verdict(stored, check if check.ok else None)
