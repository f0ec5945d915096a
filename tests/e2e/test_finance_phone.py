"""Finance decides on a 375 px phone: each waiting request is a card with its decision under it.

Before, the queue was a six-column table in a sideways-scrolling box, so the tick and the buttons sat off
screen to the right. Now every card names its fields, the tick and "Goedkeuren" are inside the screen, and
approving swaps the queue in place (htmx) with axe clean before and after.
"""

from datetime import date

from tests.conftest import make_participant, make_user
from tests.e2e.conftest import PHONE, assert_accessible, browser_login_as
from tests.e2e.journey_helpers import swap
from tests.factories_budget import make_request, make_year


def inside_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_finance_approves_a_request_from_a_card_on_a_375px_phone(app, page, live_server, browser_problems):
    year = date.today().year
    make_year(year)
    coach = make_user("coach", name="Lotte Jansen")
    finance = make_user("financien", name="Fien de Vries")
    participant = make_participant(first_name="Mila", last_name="Kok", coach_id=coach.id, start_date=date.today())
    request = make_request("84.50", participant=participant, coach=coach, year=year, expected_on=date.today())
    browser_login_as(page, app, live_server, finance)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/financien/{year}")
    queue = page.locator("#queue")
    card = queue.locator("tbody tr").first
    assert "Mila Kok" in card.inner_text()
    # The column headings are read out per cell on a phone, where the table head is out of sight.
    labels = card.locator("td").evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels == ['"Nr."', '"Deelnemer"', '"Aanvraag"', '"Bedrag"', '"Aangevraagd door"', '"Besluit"']
    # Still a table for a screen reader, although it is laid out as cards.
    assert queue.get_by_role("table").count() == 1 and queue.get_by_role("columnheader").count() == 6
    assert card.get_by_role("cell").count() == 6
    tick = card.locator(f"#zeker-goedkeuren-{request.id}")
    approve = card.get_by_role("button", name=f"Goedkeuren aanvraag {request.id}")
    assert inside_screen(tick) and inside_screen(approve)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page, "wachtrij op 375 px")

    tick.check()
    swap(page, browser_problems, approve.click, "/goedkeuren", "goedgekeurd vanaf een kaart op 375 px")
    assert page.get_by_role("status").get_by_text("is goedgekeurd").is_visible()
    assert "Mila Kok" not in page.locator("#queue").inner_text()
    assert_accessible(page, "wachtrij na goedkeuren op 375 px")
