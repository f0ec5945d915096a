"""The participant signs through the link on a 375 px wide phone screen, in a real browser.

Browser fixtures from tests/e2e/conftest.py (system Chromium, htmx from the npm copy, no outside requests).
"""

from sqlalchemy import select

from models import ContractSignature, db
from tests.e2e.conftest import assert_accessible
from tests.factories_contracts import make_sent, make_world


def test_participant_signs_on_a_375px_phone(app, page, live_server):
    world = make_world()
    _, version, token = make_sent(world)
    page.set_viewport_size({"width": 375, "height": 800})

    page.goto(f"{live_server}/tekenen/{token}")
    assert_accessible(page, "tekenen: geboortedatum")
    page.get_by_label("Je geboortedatum").fill("2001-05-17")
    page.get_by_role("button", name="Verder").click()
    page.wait_for_url("**/contract")

    assert page.get_by_role("heading", name="In het kort").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    button = page.get_by_role("button", name="Ik teken")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] >= 44
    assert_accessible(page, "tekenen: contract")

    page.get_by_label("Je volledige naam").fill("Sanne de Jong")
    page.get_by_label(version.contract.reference, exact=False).check()
    button.click()
    page.wait_for_url("**/tekenen/klaar")
    assert "je hebt getekend" in page.content()

    signature = db.session.scalar(select(ContractSignature))
    assert signature.signer_name == "Sanne de Jong" and signature.method == "link"
    assert signature.user_agent and "Chrome" in signature.user_agent
