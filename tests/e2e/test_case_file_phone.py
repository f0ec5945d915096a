"""The coach on a home visit (issue #19): the case file on a 375 px phone.

Open a file, switch sections (htmx swaps only the section and pushes the address), add a conversation and
upload a photo of a document, with axe after every page and every swap and no sideways page scrolling.
"""

import base64
import os
from datetime import date, datetime, timedelta
from pathlib import Path

from models import Conversation, Document, db
from tests.conftest import make_participant, make_user
from tests.e2e.conftest import browser_login_as
from tests.e2e.journey_helpers import arrive, keep_marker, marker_kept, swap

SHOTS = os.environ.get("SCREENSHOT_DIR")  # screenshots to look at, only when set

# A real 1x1 PNG: the server checks the type from the content, so the photo must be an image.
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def no_page_scroll(page, where: str) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{where}: de pagina schuift opzij ({width[0]} px breed op {width[1]} px)"


def test_coach_works_in_a_case_file_on_a_375px_phone(app, page, live_server, browser_problems, tmp_path):
    page.set_viewport_size({"width": 375, "height": 800})
    coach = make_user("coach", name="Coach Thuisbezoek")
    participant = make_participant(
        first_name="Sanne", last_name="Visser", status="actief", start_date=date(2026, 9, 1), coach_id=coach.id
    )
    db.session.commit()
    browser_login_as(page, app, live_server, coach)

    page.goto(f"{live_server}/deelnemers/{participant.id}")
    arrive(page, "dossier op de telefoon")
    no_page_scroll(page, "overzicht")
    shot(page, "telefoon-dossier-overzicht")

    # Switching sections: the address changes, the page stays (htmx), the menu marks the section.
    keep_marker(page)
    for name in ("plan", "metingen", "gesprekken"):
        link = page.locator(f"#onderdeel-{name}")
        swap(page, browser_problems, link.click, f"tab={name}", f"onderdeel {name}")
        assert page.url.endswith(f"tab={name}")
        assert link.get_attribute("aria-current") == "page"
        no_page_scroll(page, f"onderdeel {name}")
    assert marker_kept(page), "het wisselen van onderdeel laadde de hele pagina opnieuw"
    shot(page, "telefoon-dossier-gesprekken")

    # A conversation from the home visit, entered on the phone.
    page.get_by_role("link", name="Gesprek toevoegen").click()
    arrive(page, "gesprek toevoegen")
    no_page_scroll(page, "gesprek toevoegen")
    held = (datetime.now() - timedelta(hours=1)).replace(second=0, microsecond=0)
    page.get_by_label("Datum en tijd").fill(held.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Aanwezigheid").select_option("verschenen")
    page.get_by_label("Verslag (vertrouwelijk)").fill("Thuisbezoek: cv samen bijgewerkt.")
    page.get_by_label("Volgende actie").fill("Sanne belt het ROC over de open dag.")
    page.get_by_role("button", name="Gesprek opslaan").click()
    arrive(page, "dossier na het gesprek")
    no_page_scroll(page, "dossier na het gesprek")
    assert "Thuisbezoek: cv samen bijgewerkt." in page.content()
    stored = db.session.scalars(db.select(Conversation).where(Conversation.participant_id == participant.id)).all()
    assert [c.summary for c in stored] == ["Thuisbezoek: cv samen bijgewerkt."]

    # A photo of a letter, taken with the phone's camera, in the documents section.
    page.goto(f"{live_server}/deelnemers/{participant.id}?tab=documenten")
    arrive(page, "documenten")
    no_page_scroll(page, "documenten")
    photo = tmp_path / "brief-uwv.png"
    photo.write_bytes(PHOTO)
    page.locator("#document-file-participant").set_input_files(str(photo))
    page.get_by_label("Soort document").select_option(index=1)
    page.get_by_role("button", name="Document toevoegen").click()
    arrive(page, "na het uploaden")
    no_page_scroll(page, "na het uploaden")
    assert page.get_by_role("link", name="brief-uwv.png", exact=True).count() == 1
    shot(page, "telefoon-dossier-documenten")
    db.session.expire_all()
    documents = db.session.scalars(db.select(Document).where(Document.participant_id == participant.id)).all()
    assert [(d.filename, d.content_type) for d in documents] == [("brief-uwv.png", "image/png")]
