"""Documents: the type from the content, size limits, safe names, who may download, headers, audit."""

from io import BytesIO

import pytest
from sqlalchemy import select

from blueprints.documents.files import (
    DOCX,
    JPEG,
    MAX_BYTES,
    PDF,
    PNG,
    FileProblem,
    check_upload,
    detect_type,
    safe_filename,
)
from blueprints.documents.views import REQUEST_LIMIT
from blueprints.privacy.inzage import collect
from blueprints.privacy.retention import purge_file
from models import AuditLog, Document, DocumentContent, Participant, db
from tests.conftest import make_participant, make_user
from tests.factories_budget import make_request, make_year
from tests.factories_contracts import make_contract, make_world
from tests.factories_documents import EXE, docx_bytes, make_document, png_bytes, zip_bytes
from tests.factories_documents import JPEG as JPEG_BYTES
from tests.factories_documents import PDF as PDF_BYTES
from tests.test_privacy import LONG_AGO, build_file

# --------------------------------------------------------------------------- the rules, without HTTP


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF_BYTES, PDF),
        (JPEG_BYTES, JPEG),
        (png_bytes(), PNG),
        (docx_bytes(word_first=True), DOCX),
        (docx_bytes(word_first=False), DOCX),  # filetype alone calls this a plain ZIP
        (zip_bytes(), None),
        (EXE, None),
        (b"Gewoon tekst, geen document", None),
    ],
)
def test_the_type_comes_from_the_content(data, expected):
    assert detect_type(data) == expected


def test_a_png_named_pdf_is_stored_as_png_with_a_png_name():
    checked = check_upload("scan.pdf", png_bytes())
    assert checked.content_type == PNG
    assert checked.filename == "scan.png"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("..", "document.pdf"),
        ("", "document.pdf"),
        ("offerte café <script>.pdf", "offerte café _script.pdf"),
        ("nul\x00byte\r\n.pdf", "nul byte.pdf"),
        (".verborgen.pdf", "verborgen.pdf"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_a_name_with_a_path_or_odd_characters_becomes_safe(name, expected):
    assert safe_filename(name, PDF) == expected


def test_empty_and_too_large_files_are_refused_and_the_limit_itself_is_fine():
    with pytest.raises(FileProblem, match="leeg"):
        check_upload("leeg.pdf", b"")
    too_large = PDF_BYTES + b"0" * (MAX_BYTES + 1 - len(PDF_BYTES))
    assert len(too_large) == 10 * 1024 * 1024 + 1
    with pytest.raises(FileProblem, match="groter dan 10 MB"):
        check_upload("groot.pdf", too_large)
    assert check_upload("precies.pdf", too_large[:-1]).size == MAX_BYTES
    with pytest.raises(FileProblem, match="Dit soort bestand kan niet"):
        check_upload("programma.pdf", EXE)


# --------------------------------------------------------------------------- upload over HTTP


def upload(client, url, data, name, kind="diploma"):
    return client.post(url, data={"file": (BytesIO(data), name), "kind": kind}, content_type="multipart/form-data")


def stored():
    return db.session.scalars(select(Document)).all()


def test_coach_uploads_to_a_file_and_the_bytes_are_in_the_database(client, login_as):
    coach = login_as("coach")
    participant = make_participant()
    data = png_bytes()
    response = upload(client, f"/documenten/deelnemer/{participant.id}/nieuw", data, "../../diploma.pdf")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/deelnemers/{participant.id}?tab=documenten")
    (document,) = stored()
    assert (document.filename, document.content_type, document.size) == ("diploma.png", PNG, len(data))
    assert document.uploaded_by_id == coach.id and document.participant_id == participant.id
    assert db.session.get(DocumentContent, document.id).data == data
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.object_type == "document")).all()
    assert "document_upload" in actions and "create" in actions
    # The audit holds the size of the bytes, never the bytes.
    assert not db.session.scalars(select(AuditLog).where(AuditLog.object_type == "document_content")).all()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "leeg.pdf", "Het bestand is leeg."),
        (PDF_BYTES + b"0" * (MAX_BYTES + 1 - len(PDF_BYTES)), "groot.pdf", "groter dan 10 MB"),
        (EXE, "factuur.pdf", "Dit soort bestand kan niet."),
    ],
)
def test_a_refused_upload_gets_a_dutch_message_and_nothing_is_stored(client, login_as, data, name, message):
    login_as("coach")
    participant = make_participant()
    response = upload(client, f"/documenten/deelnemer/{participant.id}/nieuw", data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored() == []


def test_no_file_chosen_asks_for_one(client, login_as):
    login_as("coach")
    participant = make_participant()
    response = client.post(
        f"/documenten/deelnemer/{participant.id}/nieuw",
        data={"file": (BytesIO(b""), ""), "kind": "diploma"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "Kies een bestand." in response.get_data(as_text=True)


def test_a_request_larger_than_the_limit_gets_a_dutch_413_page(client, login_as):
    login_as("coach")
    participant = make_participant()
    response = upload(client, f"/documenten/deelnemer/{participant.id}/nieuw", b"0" * (REQUEST_LIMIT + 1), "x.pdf")
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "te groot" in body and "10 MB" in body
    assert stored() == []


def test_finance_adds_an_invoice_to_a_maatwerk_request_and_the_wrong_kind_is_refused(client, login_as):
    make_year(2026)
    login_as("financien")
    request = make_request()
    url = f"/documenten/maatwerk/{request.id}/nieuw"
    assert upload(client, url, PDF_BYTES, "factuur.pdf", kind="diploma").status_code == 422
    assert upload(client, url, PDF_BYTES, "factuur.pdf", kind="factuur").status_code == 303
    (document,) = stored()
    assert (document.maatwerk_request_id, document.participant_id, document.kind) == (
        request.id,
        request.participant_id,
        "factuur",
    )


def test_another_coach_cannot_attach_to_a_request_they_cannot_see(client, login_as):
    make_year(2026)
    request = make_request()
    login_as("coach")
    assert upload(client, f"/documenten/maatwerk/{request.id}/nieuw", PDF_BYTES, "x.pdf", "offerte").status_code == 404


def test_a_scan_of_a_paper_signature_on_a_contract(client, login_as):
    world = make_world()
    contract = make_contract(world)
    login_as(user=world["coach"])
    response = upload(client, f"/documenten/contract/{contract.id}/nieuw", JPEG_BYTES, "IMG_2041.JPG", "handtekening")
    assert response.status_code == 303
    (document,) = stored()
    assert (document.contract_id, document.filename, document.content_type) == (contract.id, "IMG_2041.jpg", JPEG)
    page = client.get(f"/contracten/{contract.id}").get_data(as_text=True)
    assert "IMG_2041.jpg" in page and "Scan van een getekend contract" in page


# --------------------------------------------------------------------------- download


def test_download_is_an_attachment_with_the_stored_type_nosniff_and_audited(client, login_as):
    coach = login_as("coach")
    participant = make_participant()
    document = make_document(participant, coach, data=png_bytes(), name="scan.pdf", kind="brief")
    response = client.get(f"/documenten/{document.id}/download")
    assert response.status_code == 200
    assert response.mimetype == PNG
    assert response.headers["Content-Disposition"] == "attachment; filename=scan.png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data == png_bytes()
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "document_download")).one()
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("document", document.id, coach.id)


def test_a_name_outside_ascii_is_offered_the_rfc_6266_way(client, login_as):
    coach = login_as("coach")
    document = make_document(make_participant(), coach, name="offerte café.pdf", kind="brief")
    disposition = client.get(f"/documenten/{document.id}/download").headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''offerte%20caf%C3%A9.pdf" in disposition


@pytest.mark.parametrize("role", ["financien", "partner", "beheer"])
def test_only_coaches_get_a_participant_document(client, login_as, role):
    document = make_document(make_participant(), make_user("coach"))
    login_as(role)
    assert client.get(f"/documenten/{document.id}/download").status_code == 404
    assert not db.session.scalars(select(AuditLog).where(AuditLog.action == "document_download")).all()


@pytest.mark.parametrize(("role", "status"), [("financien", 200), ("coach", 200), ("partner", 404), ("beheer", 404)])
def test_finance_sees_the_documents_of_a_maatwerk_request_partners_never(client, login_as, role, status):
    make_year(2026)
    request = make_request()
    document = make_document(request.participant, make_user("coach"), kind="offerte", maatwerk=request)
    login_as(role)
    assert client.get(f"/documenten/{document.id}/download").status_code == status
    if role == "financien":
        page = client.get(f"/financien/aanvragen/{request.id}").get_data(as_text=True)
        assert "diploma.pdf" in page and f"/documenten/{document.id}/download" in page


def test_an_unknown_document_is_404(client, login_as):
    login_as("coach")
    assert client.get("/documenten/999999/download").status_code == 404


# --------------------------------------------------------------------------- inzage and retention


def test_the_inzage_lists_documents_and_who_downloaded_them(client, login_as):
    coach = login_as("coach")
    participant = make_participant()
    document = make_document(participant, coach, name="diploma mbo 2.pdf")
    client.get(f"/documenten/{document.id}/download")
    data = collect(db.session, participant.id)
    assert [(d["filename"], d["content_type"], d["kind"]) for d in data["documents"]] == [
        ("diploma mbo 2.pdf", PDF, "diploma")
    ]
    assert {"document_upload", "document_download"} <= {e["action"] for e in data["access_log"]}


def test_the_purge_deletes_a_files_documents_and_blanks_their_names_in_the_audit(app):
    make_year(2026)
    file = build_file(closed_on=LONG_AGO)
    participant = file["participant"]
    make_document(participant, file["coach"], name="Sanne Veldhuis diploma.pdf")
    make_document(participant, file["coach"], name="offerte.pdf", kind="offerte", maatwerk=file["request"])
    purge_file(db.session, db.session.get(Participant, participant.id), 7)
    db.session.commit()
    assert stored() == [] and db.session.scalars(select(DocumentContent)).all() == []
    audit = db.session.scalars(select(AuditLog.changes).where(AuditLog.object_type == "document")).all()
    assert audit and "Veldhuis" not in str(audit)


def test_the_case_files_documenten_section_lists_them_with_the_upload_form(client, login_as, htmx_headers):
    coach = login_as("coach")
    participant = make_participant()
    make_document(participant, coach, name="diploma mbo 2.pdf")
    page = client.get(f"/deelnemers/{participant.id}?tab=documenten")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "diploma mbo 2.pdf" in body and f"/documenten/deelnemer/{participant.id}/nieuw" in body
    assert 'enctype="multipart/form-data"' in body and "/verwijderen/document/" in body
    fragment = client.get(f"/deelnemers/{participant.id}?tab=documenten", headers=htmx_headers)
    assert "diploma mbo 2.pdf" in fragment.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
