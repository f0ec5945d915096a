"""Browser check of the trajectory forms (issue #17): correcting an outcome and ending a registration as
'niet gestart', at 1280 and 375 px: axe clean, no sideways scrolling, the Dutch message at the field."""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from blueprints.youths import workflow
from models import Participant, db
from tests.conftest import make_participant, make_user
from tests.e2e.conftest import browser_login_as
from tests.e2e.journey_helpers import arrive

SHOTS = os.environ.get("SCREENSHOT_DIR")  # screenshots to look at, only when set


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def no_page_scroll(page) -> None:
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("width", [1280, 375])
def test_correct_an_outcome_in_the_browser(app, page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    coach = make_user("coach", name="Coach Een")
    participant = make_participant(status="actief", start_date=date(2026, 9, 1), coach_id=coach.id)
    workflow.change_status(participant, "afgerond", coach, date(2026, 11, 2), outcome="betaald_werk", note="Stork")
    db.session.commit()
    browser_login_as(page, app, live_server, coach)

    page.goto(f"{live_server}/deelnemers/{participant.id}")
    page.get_by_role("link", name="Uitstroom corrigeren").click()
    arrive(page, "uitstroom corrigeren")
    no_page_scroll(page)
    page.get_by_label("Uitstroom", exact=True).select_option("opleiding")
    page.get_by_label("Datum van de uitstroom").fill("2026-08-01")  # before the start
    page.get_by_role("button", name="Correctie opslaan").click()
    arrive(page, "correctie geweigerd")
    assert "voor de start van het perspectiefjaar" in page.locator("#on-field").inner_text()
    assert "Vul de reden van de correctie in." in page.locator("#reason-field").inner_text()
    no_page_scroll(page)
    shot(page, f"correctie-fout-{width}")
    page.get_by_label("Datum van de uitstroom").fill("2026-11-03")
    page.get_by_label("Reden van de correctie").fill("Hij ging toch naar het ROC")
    page.get_by_role("button", name="Correctie opslaan").click()
    page.wait_for_url(f"**/deelnemers/{participant.id}#status")
    arrive(page, "dossier na correctie")
    db.session.expire_all()
    stored = db.session.get(Participant, participant.id)
    assert (stored.outcome, stored.outcome_date) == ("opleiding", date(2026, 11, 3))


@pytest.mark.parametrize("width", [1280, 375])
def test_niet_gestart_in_the_browser(app, page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    coach = make_user("coach", name="Coach Een")
    participant = make_participant(status="intake", start_date=date.today() + timedelta(days=20), coach_id=coach.id)
    browser_login_as(page, app, live_server, coach)

    page.goto(f"{live_server}/deelnemers/{participant.id}")
    page.get_by_role("link", name="Niet gestart vastleggen").click()
    arrive(page, "niet gestart")
    no_page_scroll(page)
    page.get_by_role("button", name="Niet gestart vastleggen").click()
    arrive(page, "niet gestart geweigerd")
    assert "Kies waarom" in page.locator("#not_started_reason-field").inner_text()
    shot(page, f"niet-gestart-fout-{width}")
    page.get_by_label("Waarom start het perspectiefjaar niet?").select_option("verhuisd")
    page.get_by_role("button", name="Niet gestart vastleggen").click()
    page.wait_for_url(f"**/deelnemers/{participant.id}#status")
    arrive(page, "dossier niet gestart")
    no_page_scroll(page)
    shot(page, f"niet-gestart-dossier-{width}")
    db.session.expire_all()
    assert db.session.get(Participant, participant.id).status == "niet_gestart"


@pytest.mark.parametrize("width", [1280, 375])
def test_the_closing_form_lists_loose_ends_in_the_browser(app, page, live_server, width):
    from models import utcnow
    from tests.factories_budget import make_request, make_year
    from tests.factories_youths import make_conversation

    page.set_viewport_size({"width": width, "height": 900})
    coach = make_user("coach", name="Coach Een")
    make_year(2026)
    participant = make_participant(status="actief", coach_id=coach.id, needs_followup=True)
    make_request(participant=participant, coach=coach)
    make_conversation(participant, utcnow() + timedelta(days=3), attendance="gepland")
    browser_login_as(page, app, live_server, coach)
    page.goto(f"{live_server}/deelnemers/{participant.id}/status?naar=uitgevallen")
    arrive(page, "afsluiten met losse eindjes")
    no_page_scroll(page)
    assert "Dit staat nog open" in page.locator("#losse-eindjes").inner_text()
    shot(page, f"losse-eindjes-{width}")
