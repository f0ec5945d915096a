"""The coach's main journey with the keyboard only (Tab, Enter, Space and typing), with visible focus.

Sign in, open a participant, record a conversation, change a goal's status and add an action. Every
element that receives focus on the way must show a focus indicator (a computed outline or box-shadow),
and after each htmx swap of the goal the focus must stay where the user was.
"""

from datetime import date

from sqlalchemy import select

from models import Conversation, Goal, db
from tests.conftest import TEST_PASSWORD, make_participant, make_user
from tests.e2e.journey_helpers import arrive, settled

FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = !!style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  return {
    tag: el.tagName.toLowerCase(), id: el.id, type: el.type || '',
    text: (label || el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 80),
    indicator: outline || shadow, onScreen: box.width > 0 && box.height > 0,
  };
}"""


class Keyboard:
    """Moves focus with Tab only and checks each focused element for a visible focus indicator."""

    def __init__(self, page):
        self.page = page
        self.seen: list[str] = []

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUS_STATE)

    def check(self) -> dict:
        state = self.focused()
        assert state is not None, f"de focus is verloren (na {self.seen[-3:]})"
        described = f"{state['tag']}#{state['id']} '{state['text']}'"
        assert state["indicator"], f"geen zichtbare focus op {described}"
        assert state["onScreen"], f"focus op een onzichtbaar element: {described}"
        self.seen.append(described)
        return state

    def tab_to(self, matches, limit: int = 150) -> dict:
        """Press Tab until `matches(state)` is true, checking the focus indicator at every stop."""
        wrapped = False
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.focused() is None and not wrapped:
                wrapped = True  # past the last element: the browser's own UI, the next Tab starts at the top
                continue
            state = self.check()
            if matches(state):
                return state
        raise AssertionError(f"niet bereikt met Tab; laatste stops: {self.seen[-8:]}")

    def tab_to_text(self, text: str, tag: str | None = None) -> dict:
        return self.tab_to(lambda s: s["text"].startswith(text) and (tag is None or s["tag"] == tag))

    def tab_to_id(self, element_id: str) -> dict:
        return self.tab_to(lambda s: s["id"] == element_id)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press_and_navigate(self, key: str, url_glob: str) -> None:
        with self.page.expect_navigation(url=url_glob):
            self.page.keyboard.press(key)
        arrive(self.page, url_glob)


def test_coach_journey_with_the_keyboard_only(page, live_server, browser_problems):
    coach = make_user("coach", email="lotte@hengelo.test", name="Lotte Jansen")
    participant = make_participant(first_name="Sanne", last_name="de Jong", coach_id=coach.id, start_date=date.today())
    goal = Goal(participant_id=participant.id, domain="werk_opleiding", description="Een BBL-plek vinden")
    db.session.add(goal)
    db.session.commit()
    keys = Keyboard(page)

    # Sign in.
    page.goto(f"{live_server}/inloggen")
    arrive(page, "inloggen")
    first = keys.tab_to(lambda s: True)
    assert first["text"] == "Naar de inhoud", "de eerste Tab-stop is de link naar de inhoud"
    keys.tab_to_id("email")
    keys.type(coach.email)
    keys.tab_to_id("password")
    keys.type(TEST_PASSWORD)
    keys.tab_to_text("Inloggen", "button")
    keys.press_and_navigate("Enter", "**/start/coach")

    # Open the participant from the list.
    keys.tab_to_text("Deelnemers", "a")
    keys.press_and_navigate("Enter", "**/deelnemers/")
    keys.tab_to_text("de Jong, Sanne", "a")
    keys.press_and_navigate("Enter", f"**/deelnemers/{participant.id}")

    # Record a conversation: attended, with a short report. The menu of the file swaps in the section (htmx).
    keys.tab_to_text("Gesprekken", "a")
    with page.expect_response(lambda r: "tab=gesprekken" in r.url):
        page.keyboard.press("Enter")
    settled(page)
    assert keys.check()["id"] == "onderdeel-gesprekken", "de focus blijft op de link in het menu"
    keys.tab_to_text("Gesprek toevoegen", "a")
    keys.press_and_navigate("Enter", f"**/deelnemers/{participant.id}/gesprekken/nieuw")
    keys.tab_to_id("attendance")
    keys.type("Verschenen")  # type-ahead in the focused select
    assert page.locator("#attendance").input_value() == "verschenen"
    keys.tab_to_id("summary")
    keys.type("Gesproken over de BBL-plek bij ROC van Twente.")
    keys.tab_to_id("next_action")
    keys.type("Sanne belt de werkgever")
    keys.tab_to_text("Gesprek opslaan", "button")
    keys.press_and_navigate("Enter", f"**/deelnemers/{participant.id}*")
    assert page.get_by_text("Het gesprek is opgeslagen.").is_visible()
    conversation = db.session.scalar(select(Conversation).where(Conversation.participant_id == participant.id))
    assert conversation.attendance == "verschenen" and conversation.next_action == "Sanne belt de werkgever"

    # Change the goal's status: the select posts through htmx on change, focus stays on it.
    keys.tab_to_text("Plan", "a")
    with page.expect_response(lambda r: "tab=plan" in r.url):
        page.keyboard.press("Enter")
    settled(page)
    arrive(page, "dossier, plan (htmx)")
    select_id = f"doel{goal.id}-status"
    keys.tab_to_id(select_id)
    before = len(browser_problems.htmx_requests)
    with page.expect_response(lambda r: f"/doelen/{goal.id}/status" in r.url) as response:
        keys.type("Bezig")
    assert response.value.status == 200
    settled(page)
    assert len(browser_problems.htmx_requests) > before, "de doelstatus ging niet via htmx"
    state = keys.check()
    assert state["id"] == select_id, f"focus na de htmx-swap op {state}"
    db.session.expire_all()
    assert db.session.get(Goal, goal.id).status == "bezig"
    arrive(page, "dossier na de doelstatus (htmx)")

    # The same with the button: Tab to "Status opslaan" and press Space (a plain submit, also via htmx).
    keys.type("Behaald")
    page.wait_for_load_state("networkidle")
    settled(page)
    keys.tab_to_text("Status opslaan", "button")
    with page.expect_response(lambda r: f"/doelen/{goal.id}/status" in r.url) as response:
        page.keyboard.press("Space")
    assert response.value.status == 200
    settled(page)
    db.session.expire_all()
    assert db.session.get(Goal, goal.id).status == "behaald"
    state = keys.check()
    assert state["id"] == f"doel-{goal.id}-opslaan", f"focus na de htmx-swap op {state}"
    arrive(page, "dossier na 'Status opslaan' (htmx)")

    # Add an action: Enter opens "Actie toevoegen", Enter on "Actie opslaan" saves it (htmx). Focus stays on
    # the button of the form, which stays open for the next action, and a status message confirms it.
    keys.tab_to_text("Actie toevoegen", "summary")
    page.keyboard.press("Enter")
    keys.tab_to_id(f"actie{goal.id}-description")
    keys.type("CV sturen naar de werkgever")
    keys.tab_to_text("Actie opslaan", "button")
    with page.expect_response(lambda r: f"/doelen/{goal.id}/acties" in r.url) as response:
        page.keyboard.press("Enter")
    assert response.value.status == 200
    settled(page)
    state = keys.check()
    assert state["id"] == f"doel-{goal.id}-actie-opslaan", f"focus na 'Actie opslaan' op {state}"
    assert page.get_by_role("status").filter(has_text="Actie toegevoegd: CV sturen naar de werkgever").is_visible()
    db.session.expire_all()
    assert [a.description for a in db.session.get(Goal, goal.id).actions] == ["CV sturen naar de werkgever"]
    arrive(page, "dossier na 'Actie opslaan' (htmx)")
