"""Browser journey: a coach uploads a referral list, reads the dry run, imports it and watches the progress.

The import runs in a background thread of the live server (as on a real app server), in small batches,
so the progress bar really moves while htmx polls it. Desktop and 375 px, axe on every page.
"""

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Participant, db
from tests.conftest import make_participant, make_user
from tests.e2e.conftest import browser_login_as
from tests.e2e.journey_helpers import arrive
from tests.factories_referrals import csv_bytes, many_people, person

# Screenshots to look at (desktop and 375 px) are written only when SCREENSHOT_DIR is set.
SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def app_config():
    return {"REFERRAL_IMPORT_WORKER": "thread", "REFERRAL_IMPORT_BATCH": 5}


WIDER_THAN_VIEWPORT = """() => [document.documentElement.scrollWidth, window.innerWidth,
  ...[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))]"""


def no_page_scroll(page) -> bool:
    wide = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, page.evaluate(WIDER_THAN_VIEWPORT)
    return True


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@pytest.mark.parametrize("width", [1280, 375])
def test_upload_dry_run_import_and_progress(app, page, live_server, browser_problems, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 900})
    coach = make_user("coach", name="Coach Een")
    make_participant(first_name="Sanne", last_name="de Jong", date_of_birth=date(2001, 5, 17))
    rows = [person(), person(first="Jan", last="Klein", born="01-01-2005"), *many_people(300)]
    rows.append(person(first='=HYPERLINK("http://x.test","klik")', last="Boos"))
    file = tmp_path / "rmc-november.csv"
    file.write_bytes(csv_bytes(rows, encoding="cp1252"))
    browser_login_as(page, app, live_server, coach)

    page.goto(f"{live_server}/aanmeldlijsten/")
    arrive(page, "uploadpagina")
    assert no_page_scroll(page)
    shot(page, f"import-upload-{width}")
    page.get_by_label("Van wie komt de lijst?").select_option("rmc")
    page.get_by_label("Bestand (CSV of Excel, hoogstens 20 MB)").set_input_files(str(file))
    page.get_by_label("Geplande startdatum").fill("2026-09-01")
    page.get_by_role("button", name="Bestand lezen (proefimport)").click()

    page.wait_for_url("**/koppelen")
    arrive(page, "kolommen koppelen")
    assert no_page_scroll(page)
    assert page.get_by_label("Voornaam (verplicht)").input_value() == "Voornaam"  # guessed from the header
    shot(page, f"import-mapping-{width}")
    page.get_by_role("button", name="Proefimport bekijken").click()

    page.wait_for_url("**/aanmeldlijsten/*")
    arrive(page, "proefimport")
    assert no_page_scroll(page)
    status = page.locator("#import-status")
    assert "300 nieuw" in status.inner_text()
    assert page.get_by_text("Niet in de doelgroep").first.is_visible()
    shot(page, f"import-dry-run-{width}")
    page.get_by_role("link", name="Fout in de regel (1)").click()  # the rows of one kind
    arrive(page, "proefimport, alleen fouten")
    assert page.get_by_text("Voornaam: Begint met =").is_visible()
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Participant)) == 1  # the dry run saved nobody

    page.get_by_role("button", name="Importeren (300 nieuw)").click()
    page.wait_for_load_state("load")
    progress = page.locator("progress#import-progress")
    was_running = progress.count() > 0
    if was_running:  # still running: the bar is real and htmx keeps it up to date
        assert int(progress.get_attribute("max")) == 303
        arrive(page, "voortgang")
        shot(page, f"import-progress-{width}")
        assert page.get_by_text("regels verwerkt").is_visible()
    page.get_by_role("heading", name="Import klaar").wait_for(timeout=60_000)
    if was_running:  # htmx polled the status box until the import finished
        assert any("/aanmeldlijsten/" in url for url in browser_problems.htmx_requests)
    arrive(page, "import klaar")
    assert no_page_scroll(page)
    assert "300 deelnemers aangemeld" in page.locator("#import-status").inner_text()
    assert page.get_by_role("link", name="Aangemaakt (300)").is_visible()  # the whole page, not only the box
    shot(page, f"import-done-{width}")
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Participant)) == 301

    with page.expect_download() as download:
        page.get_by_role("link", name="Resultaat downloaden (Excel)").click()
    assert download.value.suggested_filename.endswith("-resultaat.xlsx")


def test_a_wrong_file_gets_a_dutch_message_at_the_field(app, page, live_server, tmp_path):
    page.set_viewport_size({"width": 375, "height": 900})
    coach = make_user("coach")
    file = tmp_path / "lijst.xlsx"
    file.write_bytes(b"%PDF-1.7 this is no list")
    browser_login_as(page, app, live_server, coach)
    page.goto(f"{live_server}/aanmeldlijsten/")
    page.get_by_label("Van wie komt de lijst?").select_option("werkplein")
    page.get_by_label("Bestand (CSV of Excel, hoogstens 20 MB)").set_input_files(str(file))
    page.get_by_label("Geplande startdatum").fill("2026-09-01")
    page.get_by_role("button", name="Bestand lezen (proefimport)").click()
    page.wait_for_load_state("load")
    arrive(page, "uploadpagina met een fout")
    assert no_page_scroll(page)
    assert (
        page.locator("#upload-error")
        .inner_text()
        .endswith("Dit is een PDF-bestand, geen lijst. Kies een CSV- of Excel-bestand (.xlsx).")
    )
    assert page.get_by_role("alert").is_visible()  # the error summary links to the field
    shot(page, "import-upload-error-375")
