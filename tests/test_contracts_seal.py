"""The fully signed contract PDF is sealed (PAdES, pyHanko), stored once, and carries a verification code."""

from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from blueprints.contracts import documents
from core import seal
from models import ContractDocument, PartyKind, db
from tests.factories_contracts import make_sent, make_world
from tests.factories_delivery import TimestampServer, make_signed, pdf_text, seal_config, sign_all


@pytest.fixture
def app_config(tmp_path):
    return seal_config(tmp_path)


def _trust(app):
    raw = Path(app.config["SEAL_CERT_FILE"]).read_bytes()
    return ValidationContext(trust_roots=[x509.Certificate.load(pem.unarmor(raw)[2])], allow_fetching=False)


def _validate(app, data):
    # After a browser test, pytest-playwright keeps an event loop running in this thread, where
    # pyHanko's blocking validation may not start its own: the same guard as the app's own check.
    reader = PdfFileReader(BytesIO(data))
    return seal.outside_event_loop(lambda: validate_pdf_signature(reader.embedded_signatures[0], _trust(app)))


def test_the_last_signature_seals_the_pdf_and_pyhanko_validates_it(app):
    _world, _contract, version, _token = make_signed()
    final = documents.final_document(version)
    assert final.final and final.sealed and final.verification_code
    status = _validate(app, final.pdf)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert "Gemeente Hengelo" in status.signing_cert.subject.human_friendly
    # every audience has its own sealed PDF with its own code
    partner = documents.final_document(version, documents.PARTNER)
    assert partner.sealed and partner.verification_code != final.verification_code


def test_one_changed_byte_breaks_the_seal(app):
    _world, _contract, version, _token = make_signed()
    data = bytearray(documents.final_document(version).pdf)
    middle = len(data) // 3  # inside the signed byte range, in the contract text
    data[middle] = (data[middle] + 1) % 256
    status = _validate(app, bytes(data))
    assert not status.intact and not status.bottom_line
    assert seal.check_seal(bytes(data), seal.settings_from(app.config)).ok is False
    assert seal.check_seal(documents.final_document(version).pdf, seal.settings_from(app.config)).ok is True


def test_a_seal_by_another_certificate_is_not_the_municipality(app, tmp_path):
    _world, _contract, version, _token = make_signed()
    other = seal_config(tmp_path / "..", passphrase=None)
    unsealed = documents._build(version, documents.FULL)
    forged = seal.seal_pdf(unsealed, seal.settings_from(other))
    check = seal.check_seal(forged, seal.settings_from(app.config))
    assert check.sealed and not check.ok
    assert check.problem == "Het zegel is niet van de gemeente Hengelo."


def test_something_appended_after_sealing_is_refused(app):
    _world, _contract, version, _token = make_signed()
    sealed = documents.final_document(version).pdf
    check = seal.check_seal(sealed + b"\n% een toevoeging\n", seal.settings_from(app.config))
    assert not check.ok


def test_the_pdf_prints_the_verification_code_and_a_qr_code_to_the_verify_page(app):
    _world, _contract, version, _token = make_signed()
    final = documents.final_document(version)
    text = pdf_text(final.pdf)
    code = documents.format_code(final.verification_code)
    assert f"Controlecode: {code}" in text
    assert f"/controle/{code}" in text
    assert b"/Subtype /Image" in final.pdf  # the QR code


def test_the_signed_pdf_is_stored_and_served_as_the_same_bytes_without_rebuilding(app, client, login_as, monkeypatch):
    world, _contract, version, _token = make_signed()
    login_as(user=world["coach"])
    first = client.get(f"/contracten/versie/{version.id}/inspanningscontract.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"

    def no_rebuild(*args, **kwargs):
        raise AssertionError("a stored PDF must not be rebuilt")

    monkeypatch.setattr(documents, "build_pdf", no_rebuild)
    second = client.get(f"/contracten/versie/{version.id}/inspanningscontract.pdf")
    assert first.data == second.data == documents.final_document(version).pdf
    # a partner downloads the partner variant, also sealed
    partner_user = world["partner_users"][0]
    login_as(user=partner_user)
    partner_pdf = client.get(f"/contracten/versie/{version.id}/inspanningscontract.pdf").data
    assert partner_pdf == documents.final_document(version, documents.PARTNER).pdf


def test_a_version_still_waiting_gets_one_stored_pdf_per_state(app):
    world = make_world()
    _contract, version, _token = make_sent(world)
    first = documents.document_for(version)
    assert documents.document_for(version).id == first.id
    assert not first.sealed and not first.final and first.verification_code is None
    sign_all(version, world, skip=(PartyKind.GEMEENTE, PartyKind.PARTNER))
    db.session.commit()
    after = documents.document_for(version)
    assert after.id != first.id and not after.final


def test_with_a_timestamp_server_the_seal_is_pades_b_t(app, tmp_path):
    tsa = TimestampServer(tmp_path)
    try:
        app.config["SEAL_TSA_URL"] = tsa.url
        _world, _contract, version, _token = make_signed()
    finally:
        tsa.stop()
    final = documents.final_document(version)
    assert final.sealed and final.timestamped and tsa.requests >= 2  # one per audience
    reader = PdfFileReader(BytesIO(final.pdf))
    assert reader.embedded_signatures[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    tsa_trust = ValidationContext(trust_roots=[tsa.cert], allow_fetching=False)
    status = seal.outside_event_loop(
        lambda: validate_pdf_signature(reader.embedded_signatures[0], _trust(app), ts_validation_context=tsa_trust)
    )
    assert status.bottom_line and status.timestamp_validity.intact and status.timestamp_validity.trusted


def test_a_timestamp_server_down_stores_the_pdf_unsealed_and_the_daily_job_seals_it_later(app, tmp_path):
    app.config["SEAL_TSA_URL"] = "http://127.0.0.1:9/niet-bereikbaar"
    _world, _contract, version, _token = make_signed()
    first = documents.final_document(version)
    assert first.final and not first.sealed and first.verification_code  # the signature is not lost
    app.config["SEAL_TSA_URL"] = None
    assert documents.seal_pending() == 1
    db.session.commit()
    assert documents.final_document(version).sealed
    assert documents.seal_pending() == 0


def test_without_a_certificate_the_final_pdf_is_stored_unsealed(app):
    for key in ("SEAL_CERT_FILE", "SEAL_KEY_FILE"):
        app.config[key] = None
    _world, _contract, version, _token = make_signed()
    final = documents.final_document(version)
    assert final.final and not final.sealed and final.verification_code
    assert documents.seal_pending() == 0


def test_a_wrong_passphrase_is_a_clear_error_not_a_silent_seal(app):
    settings = seal.settings_from({**app.config, "SEAL_KEY_PASSPHRASE": "fout"})
    with pytest.raises(seal.SealError):
        seal.seal_pdf(b"%PDF-1.4", settings)


def test_the_audit_log_records_the_pdf_by_size_not_its_bytes(app):
    from models import AuditLog

    make_signed()
    rows = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "contract_document")).all()
    assert rows and all("bytes" in row.changes["pdf"][1] for row in rows)
    assert all(len(str(row.changes)) < 2000 for row in rows)


def test_the_verification_code_reads_back_in_any_case_and_spacing(app):
    _world, _contract, version, _token = make_signed()
    code = documents.final_document(version).verification_code
    typed = " " + documents.format_code(code).lower().replace("-", " ") + " "
    assert documents.by_code(typed).version_id == version.id
    assert documents.by_code("ABCD") is None
    assert documents.by_code("\x00" * 12) is None
    assert db.session.scalar(select(ContractDocument.id).where(ContractDocument.verification_code == code))
