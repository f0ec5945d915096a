"""Beheer creates a user, the new user sets a password from the mailed link, and the second-factor reset
asks for confirmation: in Chromium at 1280 and 375 px, axe clean, no sideways scrolling."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from blueprints.auth import accounts
from models import User, db
from tests.conftest import make_org, make_user
from tests.e2e.conftest import assert_accessible, browser_login_as
from tests.factories_auth import make_enrolled_user


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def no_sideways_scroll(page):
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def look(page, shots, name, width):
    page.wait_for_load_state()
    assert_accessible(page, name)
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 375])
def test_beheer_creates_a_partner_and_resets_a_second_factor(app, page, live_server, width, shots):
    page.set_viewport_size({"width": width, "height": 900})
    org = make_org("Leerwerkloket Twente")
    enrolled = make_enrolled_user("partner", organisation=org, name="Sander Oude Luttikhuis")
    browser_login_as(page, app, live_server, make_user("beheer"))
    page.goto(live_server + "/beheer/gebruikers")
    page.get_by_role("link", name="Nieuwe gebruiker").click()
    page.get_by_label("Naam").fill("Fatma Yilmaz")
    page.get_by_label("E-mailadres").fill("fatma@leerwerkloket.test")
    page.get_by_label("Rol").select_option("partner")
    page.get_by_role("button", name="Gebruiker aanmaken en mail sturen").click()
    page.wait_for_load_state()
    assert "Een partner hoort bij precies één organisatie" in page.content()
    look(page, shots, "user-new-error", width)
    page.get_by_label("Organisatie (alleen voor partners)").select_option(str(org.id))
    page.get_by_role("button", name="Gebruiker aanmaken en mail sturen").click()
    page.wait_for_url("**/beheer/gebruikers")
    assert "Fatma Yilmaz is aangemaakt" in page.content()
    look(page, shots, "users-list", width)

    page.get_by_role("link", name="Tweede stap herstellen van Sander Oude Luttikhuis").click()
    expect(page.get_by_text("Tweede stap van Sander Oude Luttikhuis herstellen?").first).to_be_visible()
    look(page, shots, "user-reset-confirm", width)
    page.get_by_role("button", name="Ja, tweede stap herstellen").click()
    page.wait_for_url("**/beheer/gebruikers")
    db.session.expire_all()
    assert db.session.get(User, enrolled.id).totp_enabled_at is None

    page.get_by_role("link", name="Wijzigen Fatma Yilmaz").click()
    look(page, shots, "user-edit", width)

    user = db.session.scalar(select(User).where(User.email == "fatma@leerwerkloket.test"))
    token = accounts.create_password_link(user, None)
    db.session.commit()
    page.context.clear_cookies()
    page.goto(f"{live_server}/wachtwoord-instellen/{token}")
    look(page, shots, "set-password", width)
    page.get_by_label("Nieuw wachtwoord").fill("fiets-boom-regen-lamp")
    page.get_by_label("Wachtwoord nog een keer").fill("fiets-boom-regen-lamp")
    page.get_by_role("button", name="Wachtwoord instellen").click()
    page.wait_for_url("**/inloggen")
    assert "Uw wachtwoord is ingesteld" in page.content()
    page.goto(f"{live_server}/wachtwoord-instellen/{token}")
    assert "Deze link werkt niet meer" in page.content()
    look(page, shots, "set-password-gone", width)
