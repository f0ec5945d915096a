"""Upload and download of documents. Downloads are attachments with the stored type and `nosniff`.

Who may: see `rules.may_see`. Every route loads its object or answers 404, then applies the rule
(a document a role may not see is a 404, as if it did not exist).
"""

from io import BytesIO

from flask import abort, flash, request, send_file, url_for
from flask_login import current_user

from blueprints.budget.rules import may_see_request
from blueprints.contracts.queries import contract_or_404
from blueprints.documents import bp, rules
from blueprints.documents.files import MAX_BYTES
from blueprints.documents.forms import ACCEPT, UploadForm
from blueprints.youths.queries import get_participant
from core.access import allow
from core.forms import form_status
from core.htmx import redirect_after_post, render
from models import Document, MaatwerkRequest, db

COACH = "coach"
FINANCE = "financien"
# Partners and beheer may ask for a download and always get 404: a document is never theirs to see.
# The request as a whole may be a little larger than the file: the form's other fields and the
# multipart framing. A larger request is refused (413, Dutch page) before its body is read.
REQUEST_LIMIT = MAX_BYTES + 64 * 1024


@bp.url_value_preprocessor
def _limit_request_size(endpoint, values):
    # Runs before every before_request (the CSRF check reads the body there).
    request.max_content_length = REQUEST_LIMIT


def document_or_404(document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or not rules.may_see(current_user, document):
        abort(404)
    return document


def may_see_document(user, document: Document) -> bool:
    return rules.may_see(user, document)


def maatwerk_or_404(request_id: int) -> MaatwerkRequest:
    maatwerk = db.session.get(MaatwerkRequest, request_id)
    if maatwerk is None or not may_see_request(current_user, maatwerk):
        abort(404)
    return maatwerk


def _upload(place: str, participant, back: str, title: str, **target):
    form = UploadForm(place)
    if form.validate_on_submit():
        document = rules.store(
            db.session, participant, form.checked, form.content, form.kind.data, current_user, **target
        )
        db.session.commit()
        flash(f"{document.filename} is opgeslagen.", "success")
        return redirect_after_post(back)
    return render(
        "documents/upload.html",
        form=form,
        accept=ACCEPT,
        title=title,
        back=back,
        action=request.path,
        status=form_status(form),
    )


@bp.route("/deelnemer/<int:participant_id>/nieuw", methods=["GET", "POST"])
@allow(COACH)
def upload_participant(participant_id: int):
    participant = get_participant(participant_id)
    back = url_for("youths.show", participant_id=participant.id, tab="documenten")
    return _upload("participant", participant, back, f"Document toevoegen aan het dossier van {participant.full_name}")


@bp.route("/maatwerk/<int:request_id>/nieuw", methods=["GET", "POST"])
@allow(COACH, FINANCE, only=may_see_request)
def upload_maatwerk(request_id: int):
    maatwerk = maatwerk_or_404(request_id)
    back = url_for("budget.request_detail", request_id=maatwerk.id)
    title = f"Offerte of factuur toevoegen aan maatwerkaanvraag {maatwerk.id}"
    return _upload("maatwerk", maatwerk.participant, back, title, maatwerk=maatwerk)


@bp.route("/contract/<int:contract_id>/nieuw", methods=["GET", "POST"])
@allow(COACH)
def upload_contract(contract_id: int):
    contract = contract_or_404(contract_id)
    back = url_for("contracts.show", contract_id=contract.id)
    title = f"Scan toevoegen aan contract {contract.reference}"
    return _upload("contract", contract.participant, back, title, contract=contract)


@bp.route("/<int:document_id>/download")
@allow(COACH, FINANCE, "partner", "beheer", only=may_see_document)
def download(document_id: int):
    document = document_or_404(document_id)
    data = rules.content_of(db.session, document)
    if data is None:
        abort(404)
    rules.note_download(db.session, document)
    db.session.commit()
    response = send_file(
        BytesIO(data),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
