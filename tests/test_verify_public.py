"""The public verify page: anyone checks a contract PDF by upload or by code, without an account; rate-limited."""

import uuid
from io import BytesIO

import pytest

from blueprints.contracts import documents, verification
from tests.factories_delivery import make_signed, seal_config


@pytest.fixture
def app_config(tmp_path):
    return seal_config(tmp_path)


def upload(client, data, name="contract.pdf"):
    return client.post("/controle/", data={"upload-pdf": (BytesIO(data), name)}, content_type="multipart/form-data")


def test_the_real_pdf_uploaded_is_echt_with_version_parties_and_times(app, client):
    world, contract, version, _token = make_signed()
    response = upload(client, documents.final_document(version).pdf)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<h2 class="verdict">Echt</h2>' in page
    assert f"versie {version.number} van inspanningscontract {contract.reference}" in page
    assert "digitaal verzegeld" in page
    for party in version.parties:
        assert party.name in page
    assert page.count("getekend op") == len(version.parties)


def test_a_tampered_pdf_is_niet_echt(app, client):
    _world, _contract, version, _token = make_signed()
    data = bytearray(documents.final_document(version).pdf)
    data[len(data) // 3] ^= 0x01
    page = upload(client, bytes(data)).get_data(as_text=True)
    assert "Niet echt" in page and '<h2 class="verdict">Echt</h2>' not in page
    assert version.contract.participant.last_name not in page


def test_a_partner_copy_and_an_appended_pdf(app, client):
    _world, _contract, version, _token = make_signed()
    partner = documents.final_document(version, documents.PARTNER).pdf
    assert '<h2 class="verdict">Echt</h2>' in upload(client, partner).get_data(as_text=True)
    appended = upload(client, partner + b"%extra\n").get_data(as_text=True)
    assert "Niet echt" in appended


def test_a_file_that_is_no_pdf_or_no_file_at_all(app, client):
    assert "Dit bestand is geen PDF." in upload(client, b"MZ\x00\x00 not a pdf").get_data(as_text=True)
    assert "Niet echt" in upload(client, b"%PDF-1.7\n garbage \x00\x01").get_data(as_text=True)
    empty = client.post("/controle/", data={"upload-pdf": (BytesIO(b""), "")}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Kies een PDF-bestand." in empty.get_data(as_text=True)


def test_an_upload_larger_than_the_limit_is_refused_in_dutch(app, client):
    response = upload(client, b"%PDF-" + b"0" * (11 * 1024 * 1024))
    assert response.status_code == 413
    assert "te groot" in response.get_data(as_text=True)


def test_the_code_typed_or_scanned_says_echt(app, client):
    _world, contract, version, _token = make_signed()
    code = documents.format_code(documents.final_document(version).verification_code)
    scanned = client.get(f"/controle/{code}")
    assert scanned.status_code == 200 and '<h2 class="verdict">Echt</h2>' in scanned.get_data(as_text=True)
    typed = client.post("/controle/", data={"code-code": code.lower().replace("-", " ")})
    assert typed.status_code == 200 and contract.reference in typed.get_data(as_text=True)


def test_an_unknown_or_malformed_code(app, client):
    make_signed()
    unknown = client.get("/controle/ABCD-EFGH-JKMN")
    assert unknown.status_code == 404 and "Niet echt" in unknown.get_data(as_text=True)
    for bad in ("", "   ", "\x00\x01", "١٢٣٤٥٦٧٨٩٠١٢", "A" * 500):
        response = client.post("/controle/", data={"code-code": bad})
        assert response.status_code == 422, bad
        assert 'class="error-message"' in response.get_data(as_text=True)


def test_the_answer_holds_no_other_personal_data(app, client):
    world, _contract, version, _token = make_signed()
    code = documents.final_document(version).verification_code
    page = client.get(f"/controle/{documents.format_code(code)}").get_data(as_text=True)
    participant = world["participant"]
    for private in (
        participant.email,
        participant.date_of_birth.strftime("%d-%m-%Y"),
        "127.0.0.1",
        "pytest",  # the user agent in the evidence
        world["partner_users"][0].email,
        participant.goals[0].description,
        version.text_sha256,
    ):
        assert private not in page


def test_verification_rules_without_http(app):
    _world, _contract, version, _token = make_signed()
    final = documents.final_document(version)
    assert verification.verify_upload(final.pdf).authentic
    assert verification.verify_code(final.verification_code).version_number == version.number
    interim = verification.verify_upload(b"%PDF-1.4 nothing")
    assert not interim.authentic


@pytest.fixture
def limited(app):
    app.config["RATELIMIT_ENABLED"] = True
    app.config["RATELIMIT_KEY_PREFIX"] = uuid.uuid4().hex
    from extensions import limiter

    limiter.init_app(app)
    return app


def test_codes_and_uploads_share_one_rate_limit_per_address(limited, client):
    make_signed()
    statuses = [client.get("/controle/ABCD-EFGH-JKMN").status_code for _ in range(6)]
    statuses += [client.post("/controle/", data={"code-code": "ABCD-EFGH-JKMN"}).status_code for _ in range(4)]
    assert 429 not in statuses
    assert client.get("/controle/ABCD-EFGH-JKMN").status_code == 429
    assert upload(client, b"%PDF-1.4").status_code == 429
    assert client.get("/controle/").status_code == 200  # the page itself stays open
    other = client.get("/controle/ABCD-EFGH-JKMN", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 404
