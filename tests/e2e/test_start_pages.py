"""Sign in as each role in a real browser: the start page loads htmx, has no axe violations, no JS errors."""

import pytest

from tests.conftest import TEST_PASSWORD, make_org, make_user
from tests.e2e.conftest import assert_accessible, axe_violations, sign_in

DEMO_TOTP = "JBSWY3DPEHPK3PXP"


def _user_for(role):
    organisation = make_org("ROC van Twente", "onderwijs") if role == "partner" else None
    extra = {}
    if role in ("partner", "beheer"):
        from models import utcnow

        extra = {"totp_secret": DEMO_TOTP, "totp_enabled_at": utcnow()}
    return make_user(role, organisation=organisation, email=f"{role}@hengelo.test", **extra)


@pytest.mark.parametrize("role", ["coach", "financien", "partner", "beheer"])
def test_each_role_signs_in_and_gets_an_accessible_start_page(page, live_server, browser_problems, role):
    user = _user_for(role)
    sign_in(page, live_server, user.email, TEST_PASSWORD, totp_secret=user.totp_secret)

    assert page.url.endswith(f"/start/{role}")
    assert page.locator("h1").count() == 1
    assert page.evaluate("() => window.htmx && window.htmx.version") == "2.0.11"
    assert page.get_attribute("html", "lang") == "nl"
    assert_accessible(page, f"op de startpagina van {role}")


def test_sign_in_error_is_shown_at_the_field_and_accessible(page, live_server):
    page.goto(f"{live_server}/inloggen")
    page.get_by_label("E-mailadres").fill("niemand@hengelo.test")
    page.get_by_label("Wachtwoord", exact=True).fill("verkeerd-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    assert page.get_by_text("Het e-mailadres of wachtwoord klopt niet").is_visible()
    assert_accessible(page, "op de inlogpagina met een fout")


def test_the_accessibility_check_can_fail(page, live_server):
    """A deliberately bad page (unlabelled input, low contrast) must produce violations."""
    page.goto(f"{live_server}/inloggen")
    page.evaluate(
        """() => {
          const main = document.querySelector('main');
          const input = document.createElement('input');
          input.type = 'text';
          main.appendChild(input);
          const p = document.createElement('p');
          p.textContent = 'nauwelijks leesbaar';
          p.setAttribute('class', 'x');
          p.style.color = '#eeeeee';
          main.appendChild(p);
        }"""
    )
    ids = {v["id"] for v in axe_violations(page)}
    assert "label" in ids
    assert "color-contrast" in ids
