"""Browser: single sign-on for staff through a real OpenID Connect provider (oidc-provider-mock on 127.0.0.1).

The sign-in page with the "Inloggen met uw gemeenteaccount" button at 1280 and 375 px (axe-core, no
sideways scrolling), and the whole journey: button, the provider's page, the coach's start page,
sign-out through the provider's end_session page and back to the sign-in page.
"""

import os
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_accessible
from tests.oidc_provider import running_provider, set_person

# Screenshots to look at after a run (not compared by the test).
SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / "perspectiefjaar-shots")
BUTTON = "Inloggen met uw gemeenteaccount"


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def app_config(provider):
    return {
        "OIDC_ISSUER": provider.base_url,
        "OIDC_CLIENT_ID": "perspectiefjaar-e2e",
        "OIDC_CLIENT_SECRET": "e2e-secret",
        "OIDC_ROLE_GROUPS": "coach=grp-coach,financien=grp-financien,beheer=grp-beheer",
    }


@pytest.fixture
def sso_page(page, provider):
    """The guarded page may also visit the provider; the provider's own stylesheet CDN gets an empty file."""
    page.route(f"{provider.base_url}/**", lambda route: route.continue_())
    page.route(
        "https://cdn.jsdelivr.net/npm/@picocss/**",
        lambda route: route.fulfill(body="", content_type="text/css"),
    )
    return page


@pytest.mark.parametrize("width", [1280, 375])
def test_sign_in_page_with_the_sso_button(sso_page, live_server, width):
    page = sso_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/inloggen")
    button = page.get_by_role("button", name=BUTTON)
    assert button.is_visible()
    assert page.get_by_role("button", name="Inloggen", exact=True).is_visible()  # password stays
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = button.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= width
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"sso-login-{width}.png"), full_page=True)
    assert_accessible(page, f"inlogpagina met single sign-on op {width} px")


def test_coach_signs_in_and_out_through_the_provider(sso_page, live_server, provider):
    page = sso_page
    sub = uuid.uuid4().hex
    set_person(provider, sub, oid=f"oid-{sub}", preferred_username="lotte@hengelo.nl", name="Lotte Jansen",
               groups=["grp-coach"])  # fmt: skip
    page.goto(f"{live_server}/inloggen")
    page.get_by_role("button", name=BUTTON).click()
    page.wait_for_url(provider.base_url + "/oauth2/authorize*")
    # The provider's page: the mock asks for the subject instead of a password.
    assert page.url.startswith(provider.base_url + "/oauth2/authorize")
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{live_server}/start/coach")
    assert "Lotte Jansen" in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "sso-signed-in-coach.png"))
    assert_accessible(page, "startpagina na single sign-on")

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(provider.base_url + "/oauth2/end_session*")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{live_server}/inloggen*")
    assert "U bent uitgelogd." in page.content()
    page.goto(f"{live_server}/start/coach")
    assert "/inloggen" in page.url  # the local session is over


def test_person_without_access_sees_why_on_the_sign_in_page(sso_page, live_server, provider):
    page = sso_page
    page.set_viewport_size({"width": 375, "height": 900})
    sub = uuid.uuid4().hex
    set_person(provider, sub, oid=f"oid-{sub}", preferred_username="gast@hengelo.nl", groups=[])
    page.goto(f"{live_server}/inloggen")
    page.get_by_role("button", name=BUTTON).click()
    page.wait_for_url(provider.base_url + "/oauth2/authorize*")
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{live_server}/inloggen")
    assert page.get_by_text("nog geen toegang tot Perspectiefjaar").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(SHOTS / "sso-refused-375.png"), full_page=True)
    assert_accessible(page, "inlogpagina met melding na geweigerde single sign-on")


@pytest.mark.parametrize("width", [1280, 375])
def test_beheer_users_page_shows_linked_accounts(sso_page, live_server, app, width):
    from tests.conftest import make_user
    from tests.e2e.conftest import browser_login_as

    page = sso_page
    make_user("coach", name="Gekoppelde Coach", oidc_subject="oid-e2e")
    make_user("partner", name="Partner Zonder Koppeling")
    browser_login_as(page, app, live_server, make_user("beheer", name="Beheer Test"))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/beheer/gebruikers")
    assert page.get_by_role("columnheader", name="Gemeenteaccount").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"sso-beheer-users-{width}.png"), full_page=True)
    assert_accessible(page, f"gebruikers met gemeenteaccount op {width} px")
