"""Mijn Perspectiefjaar on a 375 px phone, in a real browser: code by e-mail (real SMTP), sign in, the next
appointment, its .ics, cancel with a reason, tick an action; then the coach sees both.

Every participant page gets an axe-core check (WCAG 2.1 AA) and a check for sideways scrolling.
Set PORTAL_SHOTS=/some/dir to keep screenshots at 375 and 1280 px.
"""

import os
import re
from datetime import date, timedelta
from pathlib import Path

from icalendar import Calendar
from sqlalchemy import select

from blueprints.mijn import signin
from models import Action, Conversation, db, utcnow
from tests.conftest import make_participant, make_user
from tests.e2e.conftest import assert_accessible, assert_fits_phone, browser_login_as
from tests.factories_youths import make_action, make_conversation, make_goal

SHOTS = os.environ.get("PORTAL_SHOTS")
HOME = re.compile(r"/mijn/(#[a-z0-9-]+)?$")


def check_page(page, name: str) -> None:
    assert_accessible(page, name)
    width = page.viewport_size["width"]
    if width <= 375:
        assert_fits_phone(page, name)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name}: scrolls sideways"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def test_participant_journey_on_a_phone(app, page, live_server, smtp_server, browser):
    host, port, inbox = smtp_server
    app.config.update(SMTP_HOST=host, SMTP_PORT=port)
    coach = make_user("coach", name="Fatima Coach", email="fatima@hengelo.test", phone="074 245 98 10")
    coach.reachable = "maandag tot en met donderdag, 9.00 tot 17.00 uur"
    sanne = make_participant(email="sanne@example.test", coach_id=coach.id, date_of_birth=date(2001, 5, 17))
    appointment = make_conversation(
        sanne,
        utcnow() + timedelta(days=2),
        attendance="gepland",
        coach_id=coach.id,
        location="Stadhuis Hengelo, balie Werk en Inkomen",
        address="Hazenweg 120, Hengelo",
        bring="je identiteitsbewijs en je cv",
    )
    action = make_action(make_goal(sanne, description="Een BBL-plek vinden als timmerman"), description="Cv maken")
    db.session.commit()
    page.set_viewport_size({"width": 375, "height": 800})

    page.goto(f"{live_server}/mijn/inloggen")
    check_page(page, "mijn-inloggen")
    page.get_by_label("Je e-mailadres of mobiele nummer").fill("sanne@example.test")
    page.get_by_role("button", name="Stuur mij een code").click()
    page.wait_for_url("**/mijn/inloggen/code")
    check_page(page, "mijn-code")

    [mail] = inbox.to("sanne@example.test")
    code = re.search(r"\b(\d{6})\b", mail.get_body(preferencelist=("plain",)).get_content()).group(1)
    page.get_by_label("De code uit je e-mail of sms").fill(code)
    page.get_by_label("Je geboortedatum").fill("2001-05-17")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/mijn/")
    assert page.get_by_role("heading", name="Hoi Sanne").is_visible()
    assert "Stadhuis Hengelo, balie Werk en Inkomen" in page.content()
    assert "je identiteitsbewijs en je cv" in page.content()
    check_page(page, "mijn-home")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Zet in mijn agenda")).click()
    calendar = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"gesprek-{appointment.id}@perspectiefjaar.hengelo.nl"
    assert "Hazenweg 120" in str(event["LOCATION"])

    page.get_by_role("link", name=re.compile("^Ik kan niet")).click()
    page.wait_for_url("**/afzeggen")
    check_page(page, "mijn-afzeggen")
    page.get_by_role("button", name="Afspraak afzeggen").click()  # empty: a message at the field
    assert page.locator(".error-message").first.is_visible()
    check_page(page, "mijn-afzeggen-fout")
    page.get_by_label("Waarom kun je niet?").fill("Ik moet die ochtend naar de tandarts.")
    page.get_by_role("button", name="Afspraak afzeggen").click()
    page.wait_for_url(HOME)
    assert "Je afspraak is afgezegd" in page.content()

    page.get_by_role("button", name="Gedaan").first.click()
    page.wait_for_load_state("networkidle")
    assert "Je coach ziet dat je dit gedaan hebt" in page.content()
    check_page(page, "mijn-home-na")

    db.session.expire_all()
    assert db.session.get(Conversation, appointment.id).attendance == "afgemeld"
    assert db.session.get(Action, action.id).done_by == "deelnemer"

    # The coach, in a browser of their own, sees both on the start page.
    coach_context = browser.new_context(viewport={"width": 1280, "height": 900})
    coach_page = coach_context.new_page()
    from tests.e2e.conftest import BrowserProblems, guard

    problems = BrowserProblems()
    guard(coach_page, live_server, problems)
    browser_login_as(coach_page, app, live_server, coach)
    coach_page.goto(f"{live_server}/start/coach")
    content = coach_page.content()
    assert "Ik moet die ochtend naar de tandarts." in content and "Cv maken" in content
    if SHOTS:
        coach_page.screenshot(path=f"{SHOTS}/coach-start-1280.png", full_page=True)
    problems.assert_clean()
    coach_context.close()


def test_qr_pages_and_desktop_width_are_accessible(app, page, live_server, monkeypatch):
    coach = make_user("coach")
    sanne = make_participant(email="sanne@example.test", coach_id=coach.id)
    token = signin.create_qr_token(sanne, coach.id)
    db.session.commit()
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server}/mijn/qr/{token}")
        check_page(page, "mijn-qr")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/mijn/")
    check_page(page, "mijn-home-leeg")
    page.goto(f"{live_server}/mijn/qr/{token}")  # used: a clear page, no sign-in
    check_page(page, "mijn-qr-gebruikt")
    assert "werkt niet meer" in page.content()
    assert db.session.scalars(select(Conversation)).all() == []
