"""What the documents block on a page needs: the list, the upload form and where it posts.

One function per place, and `documents_for(obj)` as the Jinja global the pages include the block with
(`{% with documents_ctx=documents_for(r) %}{% include "documents/partials/list.html" %}{% endwith %}`).
It answers None where the signed-in user may not see documents (beheer on a contract, partners), so
the block shows nothing there. One query for the list, whatever its length.
"""

from flask import url_for
from flask_login import current_user

from blueprints.documents import bp, rules
from blueprints.documents.files import TYPE_LABELS, format_size
from blueprints.documents.forms import ACCEPT, UploadForm
from core.access import may
from models import Contract, MaatwerkRequest, Participant, db


def _context(place: str, documents, upload_endpoint: str, **ids) -> dict:
    form = UploadForm(place, formdata=None)
    # One page can hold several upload blocks; the label must follow the changed id (WTForms binds it once).
    for field, name in ((form.file, "file"), (form.kind, "kind")):
        field.id = field.label.field_id = f"document-{name}-{place}"
    return {
        "place": place,
        "documents": documents,
        "form": form,
        "accept": ACCEPT,
        "upload_url": url_for(upload_endpoint, **ids),
        "type_labels": TYPE_LABELS,
        "format_size": format_size,
    }


def for_participant(participant: Participant) -> dict | None:
    if not may("documents.upload_participant"):
        return None
    documents = rules.listed(db.session, participant_id=participant.id)
    return _context("participant", documents, "documents.upload_participant", participant_id=participant.id)


def for_maatwerk(maatwerk: MaatwerkRequest) -> dict | None:
    if not may("documents.upload_maatwerk", maatwerk=maatwerk):
        return None
    documents = rules.listed(db.session, maatwerk_request_id=maatwerk.id)
    return _context("maatwerk", documents, "documents.upload_maatwerk", request_id=maatwerk.id)


def for_contract(contract: Contract) -> dict | None:
    if not may("documents.upload_contract"):
        return None
    documents = rules.listed(db.session, contract_id=contract.id)
    return _context("contract", documents, "documents.upload_contract", contract_id=contract.id)


def section(participant: Participant) -> dict:
    """The case file's `documenten` section (blueprints/youths/sections.py)."""
    return {"documents_ctx": for_participant(participant)}


def documents_for(obj) -> dict | None:
    if not current_user.is_authenticated:
        return None
    if isinstance(obj, Participant):
        return for_participant(obj)
    if isinstance(obj, MaatwerkRequest):
        return for_maatwerk(obj)
    if isinstance(obj, Contract):
        return for_contract(obj)
    raise TypeError(f"no documents for {type(obj).__name__}")


bp.add_app_template_global(documents_for, "documents_for")
