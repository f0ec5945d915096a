"""Who sees which document, and storing one: plain functions, no HTTP.

Coaches see every document (every coach works in every case file). Finance sees only documents attached
to a maatwerk request: they check every euro, so the quote and the invoice are theirs to read. Partners
and beheer never see a document (case content). Uploads are audited by the flush listener (the row) and
a semantic entry; downloads and removals get their own entries, which the inzage lists.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from blueprints.documents.files import CheckedFile
from core.audit import record
from models import Contract, Document, DocumentContent, MaatwerkRequest, Participant, Role, User

# Which kinds fit which place; the first is the default choice.
KINDS_FOR = {
    "participant": ("diploma", "brief", "overig"),
    "maatwerk": ("offerte", "factuur", "overig"),
    "contract": ("handtekening", "overig"),
}

UPLOAD = "document_upload"
DOWNLOAD = "document_download"


def may_see(user: User, document: Document) -> bool:
    if user.role == Role.COACH.value:
        return True
    if user.role == Role.FINANCIEN.value:
        return document.maatwerk_request_id is not None
    return False


def store(
    session: Session,
    participant: Participant,
    checked: CheckedFile,
    data: bytes,
    kind: str,
    user: User,
    maatwerk: MaatwerkRequest | None = None,
    contract: Contract | None = None,
) -> Document:
    """Add the document and its bytes to the session, audited; the caller commits."""
    document = Document(
        participant_id=participant.id,
        maatwerk_request_id=maatwerk.id if maatwerk is not None else None,
        contract_id=contract.id if contract is not None else None,
        kind=kind,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by_id=user.id,
    )
    session.add(document)
    session.flush()
    session.add(DocumentContent(document_id=document.id, data=data))
    record(
        session,
        UPLOAD,
        document,
        changes={"participant_id": (None, participant.id), "filename": (None, checked.filename)},
    )
    return document


def content_of(session: Session, document: Document) -> bytes:
    return session.scalar(select(DocumentContent.data).where(DocumentContent.document_id == document.id))


def note_download(session: Session, document: Document) -> None:
    record(
        session,
        DOWNLOAD,
        document,
        changes={"participant_id": (None, document.participant_id), "filename": (None, document.filename)},
    )


def listed(session: Session, **where) -> list[Document]:
    """Documents of one participant, maatwerk request or contract, newest first, in one query (no bytes)."""
    query = select(Document).options(
        joinedload(Document.uploaded_by), joinedload(Document.maatwerk_request), joinedload(Document.contract)
    )
    for column, value in where.items():
        query = query.where(getattr(Document, column) == value)
    return list(session.scalars(query.order_by(Document.uploaded_at.desc(), Document.id.desc())))
