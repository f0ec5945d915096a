"""In a real browser: the participant downloads their copy on a 375 px phone, the coach hands over the link
(QR code, copy button), and anyone checks a PDF on the public verify page. Zero axe violations."""

import os
from pathlib import Path

import pytest

from blueprints.contracts import documents
from tests.e2e.conftest import assert_accessible, browser_login_as
from tests.factories_contracts import make_sent, make_world
from tests.factories_delivery import make_signed, seal_config

SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def app_config(tmp_path):
    return seal_config(tmp_path)


def shot(page, name):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_participant_downloads_the_signed_copy_on_a_375px_phone(app, page, live_server):
    world = make_world()
    _, version, token = make_sent(world)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/tekenen/{token}")
    page.get_by_label("Je geboortedatum").fill("2001-05-17")
    page.get_by_role("button", name="Verder").click()
    page.wait_for_url("**/contract")
    page.get_by_label("Je volledige naam").fill(world["participant"].full_name)
    page.get_by_label(version.contract.reference, exact=False).check()
    page.get_by_role("button", name="Ik teken").click()
    page.wait_for_url("**/tekenen/klaar")

    download_link = page.get_by_role("link", name="Download je contract (PDF)")
    box = download_link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] >= 44
    no_sideways_scroll(page, 375)
    assert_accessible(page, "tekenen: klaar met kopie")
    shot(page, "done-375")
    with page.expect_download() as info:
        download_link.click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"%PDF-") and data == documents.document_for(version).pdf


def test_coach_hands_over_the_link_with_a_qr_code_and_a_copy_button(app, page, live_server):
    world = make_world(participant_kw={"phone": "0612345678"})
    contract, _version, _token = make_sent(world)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    browser_login_as(page, app, live_server, world["coach"])
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/contracten/{contract.id}")
        page.get_by_role("button", name="Nieuwe tekenlink voor de deelnemer").click()
        page.wait_for_load_state("networkidle")
        qr = page.get_by_role("img", name="QR-code met de persoonlijke tekenlink")
        assert qr.is_visible() and qr.bounding_box()["width"] >= 150
        copy = page.get_by_role("button", name="Kopieer link")
        assert copy.is_visible()  # the own script ran under the CSP
        copy.click()
        page.get_by_text("Gekopieerd.").wait_for()
        url = page.get_by_label("Link om te kopiëren").input_value()
        assert page.evaluate("navigator.clipboard.readText()") == url
        no_sideways_scroll(page, width)
        assert_accessible(page, f"tekenlink overdragen {width}")
        shot(page, f"handover-{width}")
    page.get_by_role("button", name="Stuur per sms naar 0612345678").click()
    page.wait_for_load_state("networkidle")
    assert "geen sms-dienst ingesteld" in page.content()
    assert_accessible(page, "tekenlink na sms")


def test_the_public_verify_page_by_upload_and_by_code(app, page, live_server, tmp_path):
    _world, _contract, version, _token = make_signed()
    final = documents.final_document(version)
    assert final.sealed  # also when a browser driver's event loop runs in this thread
    real = tmp_path / "contract.pdf"
    real.write_bytes(final.pdf)
    tampered = tmp_path / "veranderd.pdf"
    data = bytearray(final.pdf)
    data[len(data) // 3] ^= 1
    tampered.write_bytes(bytes(data))
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/controle/")
        assert_accessible(page, f"controle leeg {width}")
        page.get_by_label("PDF van het contract").set_input_files(str(real))
        page.get_by_role("button", name="PDF controleren").click()
        page.get_by_role("heading", name="Echt", exact=True).wait_for()
        no_sideways_scroll(page, width)
        assert_accessible(page, f"controle echt {width}")
        shot(page, f"verify-echt-{width}")
    page.get_by_label("PDF van het contract").set_input_files(str(tampered))
    page.get_by_role("button", name="PDF controleren").click()
    page.get_by_role("heading", name="Niet echt").wait_for()
    assert_accessible(page, "controle niet echt")
    shot(page, "verify-niet-echt-375")
    page.goto(f"{live_server}/controle/{documents.format_code(final.verification_code)}")
    page.get_by_role("heading", name="Echt", exact=True).wait_for()
    page.get_by_label("Controlecode").fill("ABCD")
    page.get_by_role("button", name="Code controleren").click()
    page.wait_for_load_state("networkidle")
    assert "12 letters en cijfers" in page.content()
    assert_accessible(page, "controle code fout")
