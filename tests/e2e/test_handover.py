"""Browser: a coach hands her files over before a holiday, the new coach reads the handover on the file.

At 1280 and 375 px: no horizontal page scroll, zero axe violations on every page, the boxes checked and the
form sent with the keyboard. Set SCREENSHOT_DIR to keep a screenshot of each step.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import make_participant, make_user
from tests.e2e.conftest import browser_login_as
from tests.e2e.journey_helpers import arrive
from tests.factories_youths import make_goal


def shot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def no_page_scroll(page, width: int, where: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"horizontaal scrollen: {where}"


@pytest.mark.parametrize("width", [1280, 375])
def test_a_coach_hands_files_over_and_the_new_coach_reads_the_summary(page, app, live_server, width):
    anna = make_user("coach", name="Anna Aalbers", email="anna@hengelo.test")
    bram = make_user("coach", name="Bram Bakker", email="bram@hengelo.test")
    files = [make_participant(coach_id=anna.id, first_name=name) for name in ("Sanne", "Tom", "Lisa")]
    make_goal(files[0], description="Een BBL-plek vinden in de metaal")
    page.set_viewport_size({"width": width, "height": 900})

    browser_login_as(page, app, live_server, anna)
    page.goto(f"{live_server}/deelnemers/overdragen")
    arrive(page, "de overdrachtpagina")
    no_page_scroll(page, width, "de overdrachtpagina")
    shot(page, f"handover-page-{width}")

    # "Alle aanvinken" is a link: it works without JavaScript. Then one box off again with the keyboard.
    page.get_by_role("link", name="Alle 3 dossiers aanvinken").click()
    arrive(page, "alle dossiers aangevinkt")
    assert page.locator("input[name=participants]:checked").count() == 3
    lisa = page.get_by_label(f"{files[2].full_name}", exact=False)
    lisa.focus()
    page.keyboard.press("Space")
    assert not lisa.is_checked()
    page.get_by_label("Naar life-coach").select_option(label="Bram Bakker")
    page.get_by_label("Vakantie").focus()
    page.keyboard.press("Space")
    page.get_by_label("Toelichting voor de nieuwe life-coach").fill("Sanne belt liever niet voor tien uur.")
    page.get_by_role("button", name="Overdragen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("2 dossiers overgedragen aan Bram Bakker.").is_visible()
    arrive(page, "na het overdragen")
    no_page_scroll(page, width, "na het overdragen")
    shot(page, f"handover-done-{width}")

    # The new coach: the start page says it, the file shows the summary until it is marked read.
    page.context.clear_cookies()
    browser_login_as(page, app, live_server, bram)
    page.goto(f"{live_server}/start/coach")
    arrive(page, "de startpagina van de nieuwe coach")
    assert page.get_by_role("heading", name="2 dossiers aan u overgedragen").is_visible()
    page.get_by_role("link", name=files[0].full_name).first.click()
    arrive(page, "het dossier met de overdracht")
    summary = page.locator("#overdracht")
    assert "Overgedragen door Anna Aalbers" in summary.inner_text()
    assert "Een BBL-plek vinden in de metaal" in summary.inner_text()
    assert "Sanne belt liever niet voor tien uur." in summary.inner_text()
    no_page_scroll(page, width, "het dossier met de overdracht")
    shot(page, f"handover-summary-{width}")
    with page.expect_navigation():
        page.get_by_role("button", name="Gelezen, niet meer tonen").click()
    assert page.locator("#overdracht").count() == 0
    arrive(page, "het dossier na gelezen")

    page.goto(f"{live_server}/deelnemers/{files[0].id}?tab=tijdlijn#coachgeschiedenis")
    arrive(page, "wie was wanneer life-coach")
    history = page.locator("#coachgeschiedenis").inner_text()
    assert "Anna Aalbers" in history and "Bram Bakker" in history and "Vakantie" in history
    no_page_scroll(page, width, "wie was wanneer life-coach")
    page.locator("#coachgeschiedenis").scroll_into_view_if_needed()
    shot(page, f"handover-history-{width}")
