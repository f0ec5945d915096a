"""The beheer page of the audit chain and the throttled sign-in, in Chromium at 1280 and 375 px: axe clean,
no sideways scrolling, the seal button works without JavaScript-specific code."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from blueprints.auth import throttle
from models import AuditLog, db, utcnow
from tests.conftest import TEST_PASSWORD, make_user
from tests.e2e.conftest import assert_accessible, browser_login_as


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where the screenshots go: SCREENSHOT_DIR to look at them afterwards, else the test's own folder."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def no_sideways_scroll(page):
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 375])
def test_audit_chain_page(app, page, live_server, width, shots):
    page.set_viewport_size({"width": width, "height": 900})
    for days in (3, 2, 1):
        db.session.add(AuditLog(at=utcnow() - timedelta(days=days), action="update", actor_label="coach@hengelo.test"))
    db.session.commit()
    browser_login_as(page, app, live_server, make_user("beheer"))
    page.goto(live_server + "/beheer/auditlog")
    page.get_by_role("link", name="Controleer of de auditlog nog klopt").click()
    # expect() waits for the new page: content() right after a click may still read the old, unloading one.
    expect(page.get_by_text("Er is nog geen dag verzegeld.")).to_be_visible()
    page.get_by_role("button", name="Afgelopen dagen nu verzegelen").click()
    expect(page.get_by_text("3 dagen verzegeld.")).to_be_visible()
    expect(page.get_by_text("De keten is heel.")).to_be_visible()
    assert_accessible(page, "audit chain intact")
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / f"audit-chain-ok-{width}.png"), full_page=True)

    db.session.execute(text("UPDATE audit_log SET actor_label = 'iemand' WHERE action = 'update'"))
    db.session.commit()
    page.reload()
    expect(page.get_by_text("De auditlog is aangepast.")).to_be_visible()
    assert_accessible(page, "audit chain broken")
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / f"audit-chain-broken-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 375])
def test_throttled_sign_in_says_how_long_to_wait(page, live_server, width, shots):
    page.set_viewport_size({"width": width, "height": 900})
    user = make_user("coach", email="geduld@hengelo.test")
    page.goto(live_server + "/inloggen")
    for _ in range(throttle.PAIR_FREE + 1):
        page.get_by_label("E-mailadres").fill(user.email)
        page.get_by_label("Wachtwoord").fill("fout-" + TEST_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
    assert "Wacht" in page.content() and "seconden en probeer het dan opnieuw" in page.content()
    assert_accessible(page, "throttled sign-in")
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / f"login-throttled-{width}.png"), full_page=True)
