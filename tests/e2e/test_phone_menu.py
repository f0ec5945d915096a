"""The header menu on a 375 px phone: one "Menu" button that opens with the keyboard and without JavaScript,
then Tab reaches every menu link and the account links, each with a visible focus ring; on a wide screen
the menu is simply there and the button is not.
"""

from core.nav import MENUS
from tests.conftest import make_user
from tests.e2e.conftest import PHONE, assert_accessible, browser_login_as, guard
from tests.e2e.test_keyboard import Keyboard


def menu_button(page) -> dict:
    """The Menu button as Chromium tells assistive tech (role, expanded), read from its accessibility tree."""
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    node = next(n for n in tree if n.get("name", {}).get("value") == "Menu" and not n.get("ignored"))
    properties = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
    return {
        "role": node["role"]["value"],
        "expanded": properties.get("expanded"),
        "focusable": properties.get("focusable"),
    }


def test_the_phone_menu_opens_with_the_keyboard_and_tab_reaches_every_link(app, page, live_server):
    coach = make_user("coach", name="Lotte Jansen", email="lotte@hengelo.test")
    browser_login_as(page, app, live_server, coach)
    labels = [label for _, label in MENUS["coach"]]

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/start/coach")
    assert not page.get_by_role("button", name="Menu").is_visible()
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    assert [nav.get_by_role("link", name=label, exact=True).is_visible() for label in labels] == [True] * len(labels)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/start/coach")
    assert page.get_by_role("navigation", name="Hoofdmenu").count() == 0  # folded away: not in the tab order
    assert page.get_by_role("button", name="Uitloggen").count() == 0
    menu = page.locator("summary", has_text="Menu")
    assert menu.is_visible() and menu.bounding_box()["height"] >= 44
    assert menu_button(page) == {"role": "DisclosureTriangle", "expanded": False, "focusable": True}
    assert_accessible(page, "menu dicht op 375 px")

    keys = Keyboard(page)
    keys.tab_to(lambda state: state["text"] == "Menu")
    page.keyboard.press("Enter")
    assert menu_button(page)["expanded"] is True
    reached = [keys.tab_to(lambda state: state["tag"] == "a")["text"] for _ in labels]
    assert reached == labels
    assert keys.tab_to(lambda state: state["tag"] in ("a", "button"))["text"] == "Wachtwoord wijzigen"
    assert keys.tab_to(lambda state: state["tag"] in ("a", "button"))["text"] == "Uitloggen"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page, "menu open op 375 px")

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    for _ in labels:
        page.keyboard.press("Shift+Tab")
    assert keys.check()["text"] == "Menu"
    page.keyboard.press("Enter")  # closes it again
    assert menu_button(page)["expanded"] is False
    assert page.get_by_role("navigation", name="Hoofdmenu").count() == 0


def test_the_phone_menu_works_without_javascript(app, browser, live_server, browser_problems):
    coach = make_user("coach", name="Lotte Jansen", email="lotte@hengelo.test")
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = guard(context.new_page(), live_server, browser_problems)
        browser_login_as(page, app, live_server, coach)
        page.goto(f"{live_server}/start/coach")
        page.locator("summary", has_text="Menu").click()
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Deelnemers").click()
        page.wait_for_url("**/deelnemers/")
        assert page.get_by_role("heading", level=1).is_visible()
    finally:
        context.close()
    browser_problems.assert_clean()
