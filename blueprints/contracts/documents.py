"""Stored contract PDFs: made once per state, the fully signed one sealed (PAdES) with a verification code.

Why stored: a download must be the very bytes that were sealed and mailed (a verifier compares hashes),
and a PDF that never changes should not be rebuilt per request (issue 21: fonts alone take 150 ms).
A version that still waits for signatures gets one stored PDF per state (which signatures it shows);
when the last signature arrives, `seal_final` makes the final PDF for each audience, prints a
verification code and a QR code to the public verify page in it, and seals it. No HTTP here.
"""

import hashlib
import logging
import secrets

from flask import current_app, has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from blueprints.contracts.pdf import build_pdf
from core import seal
from models import ContractDocument, ContractVersion, db, utcnow

log = logging.getLogger(__name__)

FULL, PARTNER = "volledig", "partner"
AUDIENCES = (FULL, PARTNER)
# No 0/O, 1/I/L: a code read aloud or typed over from paper stays unambiguous. 12 of 31 symbols: ~59 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


# --------------------------------------------------------------------------- codes and URLs


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str | None) -> str | None:
    """The code as stored (12 symbols, upper case), or None when the text cannot be one."""
    cleaned = "".join(ch for ch in (text or "")[:100].upper() if ch not in " -.\t")
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for mails and PDFs; PUBLIC_URL wins (the CLI has no request to take a host from)."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        with current_app.test_request_context(base_url=base):
            return url_for(endpoint, _external=True, **values)
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url="http://localhost"):
        return url_for(endpoint, _external=True, **values)


def verify_url(code: str) -> str:
    return external_url("verify.by_code", code=format_code(code))


# --------------------------------------------------------------------------- states


def all_signed(version: ContractVersion) -> bool:
    return bool(version.parties) and all(p.signature is not None for p in version.parties)


def state_of(version: ContractVersion) -> str:
    """Fingerprint of what the PDF shows that can still change: status and who signed or declined."""
    parts = [version.status, str(version.activated_at), str(version.closed_at)]
    for party in version.parties:
        parts.append(f"{party.id}:{party.signature.id if party.signature else '-'}")
        parts.append(f"{party.decline.id if party.decline else '-'}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _build(version: ContractVersion, audience: str, verification=None) -> bytes:
    # The partner variant is where the personal annex (issue 16 point 3) stays out of the PDF.
    return build_pdf(version, verification=verification, for_partner=audience == PARTNER)


def _store(version, audience, state, data, *, final=False, sealed=False, timestamped=False, code=None):
    document = ContractDocument(
        version_id=version.id,
        audience=audience,
        state=state,
        final=final,
        sealed=sealed,
        timestamped=timestamped,
        verification_code=code,
        pdf=data,
        pdf_sha256=hashlib.sha256(data).hexdigest(),
        created_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(document)
    except IntegrityError:  # a concurrent request stored this state first: use that one
        return db.session.scalar(
            select(ContractDocument).where(
                ContractDocument.version_id == version.id,
                ContractDocument.audience == audience,
                ContractDocument.state == state,
            )
        )
    return document


# --------------------------------------------------------------------------- finding and making


def final_document(version: ContractVersion, audience: str = FULL) -> ContractDocument | None:
    """The fully signed PDF of a version (the newest sealed one first), or None."""
    return db.session.scalar(
        select(ContractDocument)
        .where(
            ContractDocument.version_id == version.id,
            ContractDocument.audience == audience,
            ContractDocument.final.is_(True),
        )
        .order_by(ContractDocument.sealed.desc(), ContractDocument.id.desc())
        .limit(1)
    )


def document_for(version: ContractVersion, audience: str = FULL) -> ContractDocument:
    """The stored PDF of a frozen version as it stands now; made and stored the first time it is asked for."""
    final = final_document(version, audience)
    if final is not None:
        return final
    if all_signed(version):
        return seal_final(version)[audience]
    state = state_of(version)
    document = db.session.scalar(
        select(ContractDocument).where(
            ContractDocument.version_id == version.id,
            ContractDocument.audience == audience,
            ContractDocument.state == state,
        )
    )
    return document or _store(version, audience, state, _build(version, audience))


def seal_final(version: ContractVersion) -> dict[str, ContractDocument]:
    """Make, seal and store the fully signed PDF for every audience. The caller commits.

    Without a configured certificate, or when sealing fails (a timestamp server down), the PDF is stored
    unsealed with its code, so the last signature is never lost; `seal_pending` seals it later.
    """
    settings = seal.settings_from(current_app.config)
    documents = {}
    for audience in AUDIENCES:
        code = new_code()
        data = _build(version, audience, (format_code(code), verify_url(code)))
        sealed = False
        if settings is not None:
            try:
                data, sealed = seal.seal_pdf(data, settings), True
            except seal.SealError as exc:
                log.error("Contract %s versie %s niet verzegeld: %s", version.contract_id, version.number, exc)
        documents[audience] = _store(
            version,
            audience,
            f"final:{code}",  # each final PDF is its own row: a later sealed one joins an unsealed one
            data,
            final=True,
            sealed=sealed,
            timestamped=sealed and bool(settings.tsa_url),
            code=code,
        )
    return documents


def seal_pending() -> int:
    """Seal fully signed versions whose final PDF could not be sealed before. Returns how many."""
    if seal.settings_from(current_app.config) is None:
        return 0
    sealed_ids = select(ContractDocument.version_id).where(
        ContractDocument.final.is_(True), ContractDocument.sealed.is_(True)
    )
    unsealed_ids = select(ContractDocument.version_id).where(
        ContractDocument.final.is_(True), ContractDocument.version_id.not_in(sealed_ids)
    )
    versions = db.session.scalars(
        select(ContractVersion).where(ContractVersion.id.in_(unsealed_ids)).order_by(ContractVersion.id)
    ).all()
    count = 0
    for version in versions:
        documents = seal_final(version)
        count += all(d.sealed for d in documents.values())
    return count


def by_code(code: str | None) -> ContractDocument | None:
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return db.session.scalar(select(ContractDocument).where(ContractDocument.verification_code == normalised))


def by_hash(sha256: str) -> ContractDocument | None:
    return db.session.scalar(
        select(ContractDocument).where(ContractDocument.pdf_sha256 == sha256).order_by(ContractDocument.id).limit(1)
    )
