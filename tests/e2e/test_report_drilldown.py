"""Every number of the report leads to its people, in the browser (issue #17 point 9): on the demo data a
coach clicks counts of several tables at 1280 and 375 px, each opens the list behind it with that many
trajectories (or referrals, commitments) and the page's filters; axe stays clean on both pages."""

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from demo import load_demo
from models import User, db
from tests.e2e.conftest import assert_accessible, browser_login_as

SHOTS_DIR = os.environ.get("SHOTS_DIR")  # screenshots to look at, e.g. SHOTS_DIR=/tmp/shots-drilldown

# (section heading id, which link in it): counts from different tables and kinds of list.
CLICKS = [
    ("kop-raad", 0),  # council table, of all registrations
    ("kop-instroom", 1),  # a month of the inflow
    ("kop-verwezen-naar", 0),  # referrals (things per trajectory)
    ("kop-na-afloop", 0),  # lasting outcomes
    ("kop-partners", 0),  # commitments
    ("kop-geld-leefgebied", 0),  # maatwerk per life domain
]


def no_page_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_coach_clicks_counts_and_gets_the_people(app, page, live_server, width, tmp_path):
    load_demo("perspectiefjaar-demo")
    shots = Path(SHOTS_DIR) if SHOTS_DIR else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    coach = db.session.scalar(select(User).where(User.email == "coach@hengelo.test"))
    browser_login_as(page, app, live_server, coach)
    page.set_viewport_size({"width": width, "height": 900})
    report_url = f"{live_server}/rapportage/?jaar=2026"
    page.goto(report_url)
    assert_accessible(page, f"rapportage {width}px")
    assert no_page_scroll(page)
    page.screenshot(path=str(shots / f"rapportage-{width}.png"), full_page=False)
    for heading, index in CLICKS:
        page.goto(report_url)
        section = page.locator(f"section:has(#{heading}), #{heading} ~ *").first
        links = page.locator(f"section:has(> #{heading}) a[href*='/rapportage/lijst']")
        if heading == "kop-geld-leefgebied":
            links = page.locator(f"#{heading} ~ div a[href*='/rapportage/lijst']")
        assert section.count() and links.count() > index, heading
        link = links.nth(index)
        shown = link.inner_text().strip()
        name = link.get_attribute("aria-label")
        assert name.startswith(shown + ", ") and name.endswith("toon de lijst")
        link.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"klik-{heading}-{width}.png"))
        link.click()
        page.wait_for_load_state("networkidle")
        assert "/rapportage/lijst" in page.url and "jaar=2026" in page.url
        intro = page.locator("p.intro").inner_text()
        assert re.search(rf": {re.escape(shown)} ", intro), (heading, shown, intro)
        assert page.get_by_role("heading", name="Wie zit achter dit cijfer?").is_visible()
        assert_accessible(page, f"lijst {heading} {width}px")
        assert no_page_scroll(page)
        page.screenshot(path=str(shots / f"lijst-{heading}-{width}.png"), full_page=True)
        page.get_by_role("link", name="Terug naar de rapportage").click()
        page.wait_for_load_state("networkidle")
        assert "jaar=2026" in page.url
