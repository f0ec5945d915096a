"""User journeys in a real browser, through the real UI: forms, buttons and htmx.

Each journey signs in through the login form (second factor included for partners), visits the
pages a user would, and checks every page and every htmx swap with axe (WCAG 2.1 A/AA). The page
fixture fails the test on JavaScript errors and on any request that leaves 127.0.0.1. Only the
starting data (users, organisations, a budget year) comes from factories.
"""

import time
from datetime import date, timedelta

from sqlalchemy import select

from blueprints.auth.totp import code_at
from models import Participant, db, utcnow
from tests.conftest import TEST_PASSWORD, make_org, make_participant, make_user
from tests.e2e.conftest import sign_in
from tests.e2e.journey_helpers import arrive, guarded_page, keep_marker, marker_kept, swap
from tests.factories_budget import make_year
from tests.factories_contracts import make_world
from tests.factories_partners import make_commitment

PARTNER_SECRET = "JBSWY3DPEHPK3PXP"


def years_ago(years: int) -> date:
    today = date.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def open_section(page, problems, label: str) -> None:
    """Switch the case file to another section through its menu (htmx swaps only the section)."""
    menu = page.get_by_role("navigation", name="Onderdelen van het dossier")
    swap(page, problems, lambda: menu.get_by_role("link", name=label, exact=True).click(), "/deelnemers/", label)
    assert menu.locator("[aria-current=page]").inner_text() == label


def record_no_show(page, when: str) -> None:
    page.get_by_role("link", name="Gesprek toevoegen").click()
    arrive(page, "gesprek toevoegen")
    page.get_by_label("Datum en tijd").fill(when)
    page.get_by_label("Soort gesprek").select_option("voortgangsgesprek")
    page.get_by_label("Aanwezigheid").select_option("niet_verschenen")
    page.get_by_role("button", name="Gesprek opslaan").click()
    page.wait_for_url("**/deelnemers/*")
    arrive(page, "dossier na een gesprek")


def test_coach_registers_scores_sets_a_goal_and_sees_follow_up(page, live_server, browser_problems):
    coach = make_user("coach", email="lotte@hengelo.test", name="Lotte Jansen")
    sign_in(page, live_server, coach.email, TEST_PASSWORD)
    assert page.url.endswith("/start/coach")
    arrive(page, "startpagina coach")

    # Intake: register a participant through the form.
    page.goto(f"{live_server}/deelnemers/")
    arrive(page, "deelnemerslijst")
    page.get_by_role("link", name="Deelnemer aanmelden").click()
    arrive(page, "aanmeldformulier")
    page.get_by_label("Voornaam").fill("Daan")
    page.get_by_label("Achternaam").fill("Wessels")
    page.get_by_label("Geboortedatum").fill(years_ago(25).isoformat())
    page.get_by_label("E-mailadres").fill("daan@example.test")
    page.get_by_label("Hoogst gevolgde opleiding").select_option("vmbo")
    page.get_by_label("Aangemeld via").select_option("rmc")
    page.get_by_label("Geplande startdatum").fill(date.today().isoformat())
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url("**/deelnemers/*")
    arrive(page, "nieuw dossier")
    assert page.get_by_role("heading", name="Daan Wessels", level=1).is_visible()
    participant = db.session.scalar(select(Participant).where(Participant.last_name == "Wessels"))
    assert participant is not None and participant.coach_id == coach.id

    # ZRM: score all 13 domains and the participation ladder.
    page.get_by_role("link", name="Meting toevoegen").click()
    arrive(page, "metingformulier")
    selects = page.locator(".score-grid select")
    assert selects.count() == 13
    for index in range(13):
        selects.nth(index).select_option(str(2 + index % 3))
    page.get_by_label("Participatieladder: huidige trede").select_option("2")
    page.get_by_label("Groeipotentieel: haalbare trede binnen een jaar").select_option("4")
    page.get_by_role("button", name="Meting opslaan").click()
    page.wait_for_url("**/deelnemers/*")
    arrive(page, "dossier na de meting")
    assert page.get_by_text("De meting is opgeslagen").is_visible()
    assert page.url.endswith("?tab=metingen#zrm")

    # A goal, then its status changed inline (htmx).
    open_section(page, browser_problems, "Plan")
    page.get_by_role("link", name="Doel toevoegen").click()
    arrive(page, "doelformulier")
    page.get_by_label("Leefgebied").select_option("werk_opleiding")
    page.get_by_label("Doel").fill("Een BBL-plek in de metaal vinden")
    page.get_by_role("button", name="Doel opslaan").click()
    page.wait_for_url("**/deelnemers/*")
    arrive(page, "dossier met een doel")
    goal = page.locator("article.goal").first
    assert "Een BBL-plek in de metaal vinden" in goal.inner_text()
    swap(
        page,
        browser_problems,
        lambda: goal.get_by_label("Status van het doel").select_option("bezig"),
        "/doelen/",
        "doelstatus gewijzigd",
    )
    assert page.locator("article.goal").first.get_by_label("Status van het doel").input_value() == "bezig"

    # Two no-shows in a row: the file shows "opvolging nodig".
    assert page.get_by_text("Opvolging nodig").count() == 0
    now = date.today()
    open_section(page, browser_problems, "Gesprekken")
    record_no_show(page, f"{(now - timedelta(days=14)).isoformat()}T10:00")
    record_no_show(page, f"{(now - timedelta(days=7)).isoformat()}T10:00")
    assert page.get_by_text("Opvolging nodig: twee keer niet verschenen").is_visible()

    # ...and the list filter "Alleen opvolging nodig" (htmx) finds the participant.
    page.get_by_role("link", name="Terug naar deelnemers").click()
    arrive(page, "deelnemerslijst")
    swap(
        page,
        browser_problems,
        lambda: page.get_by_label("Alleen opvolging nodig").check(),
        "/deelnemers/",
        "lijst gefilterd op opvolging",
    )
    results = page.locator("#deelnemers-resultaten")
    row = results.locator("tr", has_text="Wessels, Daan")
    assert row.count() == 1 and "Opvolging nodig" in row.inner_text()
    assert "opvolging" in page.url


def test_contract_is_drafted_sent_and_signed_by_all_and_the_participant_becomes_active(
    browser, page, live_server, browser_problems
):
    world = make_world(participant_kw={"first_name": "Sanne", "last_name": "de Jong", "status": "intake"})
    coach, participant = world["coach"], world["participant"]
    coach.email = "lotte@hengelo.test"
    partner = world["partner_users"][0]
    partner.email, partner.name = "roc@roc-twente.test", "Rik Bakker"
    partner.totp_secret, partner.totp_enabled_at = PARTNER_SECRET, utcnow()
    db.session.commit()

    # The coach drafts the contract and sends it.
    sign_in(page, live_server, coach.email, TEST_PASSWORD)
    page.goto(f"{live_server}/contracten/")
    arrive(page, "contractenlijst")
    page.get_by_role("link", name="Nieuw contract opstellen").click()
    arrive(page, "nieuw contract")
    page.get_by_label("Deelnemer").select_option(str(participant.id))
    page.get_by_label("Startdatum").fill(date.today().isoformat())
    page.get_by_label("ROC van Twente").check()
    page.get_by_role("button", name="Concept maken").click()
    page.wait_for_url("**/concept")
    arrive(page, "concept bewerken")
    page.get_by_role("button", name="Versturen ter ondertekening").click()
    page.get_by_role("heading", name="Verstuurd ter ondertekening").wait_for()
    arrive(page, "verstuurd, met tekenlink")
    sign_url = page.locator("#tekenlink").input_value()
    assert "/tekenen/" in sign_url
    page.get_by_role("link", name="Naar het contract").click()
    arrive(page, "contractpagina (verzonden)")
    contract_url = page.url

    # The partner signs in with the second factor and signs in the portal.
    partner_page = guarded_page(browser, live_server, browser_problems)
    try:
        sign_in(partner_page, live_server, partner.email, TEST_PASSWORD, totp_secret=PARTNER_SECRET)
        assert partner_page.url.endswith("/start/partner"), "tweede stap niet gelukt"
        arrive(partner_page, "startpagina partner")
        partner_page.get_by_role("link", name="Alle contracten van uw organisatie").click()
        arrive(partner_page, "portaal: contracten")
        partner_page.locator("main table a[href*='/contracten/portaal/']").first.click()
        arrive(partner_page, "portaal: contract")
        partner_page.get_by_label("Uw volledige naam").fill(partner.name)  # the account's name
        partner_page.locator("input[name='teken-intent']").check()
        partner_page.get_by_label("Uw wachtwoord").fill(TEST_PASSWORD)
        # The code used at sign-in is spent: the next 30-second step is still accepted.
        partner_page.get_by_label("Code uit uw authenticator-app").fill(code_at(PARTNER_SECRET, time.time() + 30))
        partner_page.get_by_role("button", name="Ik teken").click()
        partner_page.get_by_text("U heeft getekend.").wait_for()
        arrive(partner_page, "portaal: getekend")
    finally:
        partner_page.context.close()

    # The participant signs through the link on a 375 px wide phone.
    phone = guarded_page(
        browser, live_server, browser_problems, viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    try:
        phone.goto(sign_url)
        arrive(phone, "tekenen: geboortedatum (telefoon)")
        phone.get_by_label("Je geboortedatum").fill(participant.date_of_birth.isoformat())
        phone.get_by_role("button", name="Verder").click()
        phone.wait_for_url("**/contract")
        arrive(phone, "tekenen: contract (telefoon)")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        phone.get_by_label("Je volledige naam").fill("Sanne de Jong")
        phone.locator("input[type=checkbox][name$='intent']").check()
        phone.get_by_role("button", name="Ik teken").tap()
        phone.wait_for_url("**/tekenen/klaar")
        arrive(phone, "tekenen: klaar (telefoon)")
    finally:
        phone.context.close()

    # The municipality signs through the coach; then everyone has signed.
    page.goto(contract_url)
    arrive(page, "contractpagina (partner en deelnemer getekend)")
    page.get_by_role("link", name="Tekenen namens de gemeente").click()
    arrive(page, "tekenen namens de gemeente")
    page.locator("input[name='teken-intent']").check()
    page.get_by_label("Uw wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Ik teken").click()
    page.get_by_text("het contract is actief").wait_for()
    arrive(page, "contract actief")

    # The contract list, filtered by status through htmx, shows it as active.
    page.get_by_role("link", name="Alle contracten").click()
    arrive(page, "contractenlijst")
    swap(
        page,
        browser_problems,
        lambda: page.get_by_label("Status").select_option("actief"),
        "/contracten/",
        "contracten gefilterd op actief",
    )
    assert "de Jong" in page.locator("#contract-list").inner_text()

    # The participant is now actief in the case file.
    page.goto(f"{live_server}/deelnemers/{participant.id}")
    arrive(page, "dossier na het contract")
    db.session.expire_all()
    assert db.session.get(Participant, participant.id).status == "actief"
    assert page.locator(".file-badges").get_by_text("Actief").is_visible()


def pot_figures(page) -> dict[str, str]:
    """The shown figures of the maatwerk pot card ('committed', 'remaining', ...)."""
    card = page.locator("#pot-cards .budget-card", has_text="Maatwerk")
    return {
        name: card.locator(f"[data-figure={name}]").inner_text()
        for name in ("total", "committed", "paid", "remaining", "percent")
    }


def test_maatwerk_request_is_approved_on_the_dashboard_and_totals_change_without_reload(
    browser, page, live_server, browser_problems
):
    year = date.today().year
    make_year(year, total="150000.00")
    coach = make_user("coach", email="lotte@hengelo.test", name="Lotte Jansen")
    finance = make_user("financien", email="financien@hengelo.test", name="Fien de Vries")
    participant = make_participant(first_name="Mila", last_name="Kok", coach_id=coach.id, start_date=date.today())

    # The coach requests maatwerk from the case file.
    sign_in(page, live_server, coach.email, TEST_PASSWORD)
    page.goto(f"{live_server}/deelnemers/{participant.id}?tab=maatwerk")
    arrive(page, "dossier")
    page.get_by_role("link", name="Maatwerk aanvragen voor deze deelnemer").click()
    arrive(page, "maatwerk aanvragen")
    page.get_by_label("Deelnemer").select_option(str(participant.id))
    page.get_by_label("Categorie").select_option("vervoer")
    page.get_by_label("Waarvoor is het geld?").fill("Tweedehands fiets om naar de BBL-werkplek te gaan")
    page.get_by_label("Leverancier").fill("Twents Fietsenhuis")
    swap(
        page,
        browser_problems,
        lambda: page.get_by_label("Verwachte datum van de uitgave").fill(date.today().isoformat()),
        "/financien/aanvragen/ruimte",
        "ruimte in de pot bij de datum",
    )
    swap(
        page,
        browser_problems,
        lambda: page.get_by_label("Bedrag").fill("1.234,50"),
        "/financien/aanvragen/ruimte",
        "ruimte in de pot bij het bedrag",
    )
    assert "€ 1.234,50" in page.locator("#pot-room").inner_text()
    page.get_by_label("Waarom is dit de goedkoopste oplossing").fill("Goedkoper dan een OV-abonnement voor een jaar.")
    page.get_by_role("button", name="Aanvraag indienen").click()
    page.get_by_text("Uw aanvraag is ingediend").wait_for()
    arrive(page, "aanvraag ingediend")

    # Finance approves it on the dashboard: the queue and the pot totals change in place.
    finance_page = guarded_page(browser, live_server, browser_problems)
    try:
        sign_in(finance_page, live_server, finance.email, TEST_PASSWORD)
        finance_page.goto(f"{live_server}/financien/")
        finance_page.wait_for_url(f"**/financien/{year}")
        arrive(finance_page, "financieel dashboard")
        before = pot_figures(finance_page)
        assert before["committed"] == "€ 0,00"
        keep_marker(finance_page)
        queue = finance_page.locator("#queue")
        assert "Mila Kok" in queue.inner_text()
        queue.locator("input[id^=zeker-goedkeuren-]").check()  # the "gecontroleerd" tick the server asks for
        swap(
            finance_page,
            browser_problems,
            lambda: queue.get_by_role("button", name="Goedkeuren").click(),
            "/goedkeuren",
            "aanvraag goedgekeurd op het dashboard",
        )
        assert marker_kept(finance_page), "de pagina is opnieuw geladen"
        assert finance_page.get_by_role("status").get_by_text("is goedgekeurd").is_visible()
        after = pot_figures(finance_page)
        assert after["committed"] == "€ 1.234,50"
        assert after["remaining"] != before["remaining"]
        assert after["percent"] != before["percent"]
        assert "Mila Kok" not in finance_page.locator("#queue").inner_text()
    finally:
        finance_page.context.close()


def test_partner_updates_a_commitment_and_the_closed_file_shows_in_the_report(
    browser, page, live_server, browser_problems
):
    coach = make_user("coach", email="lotte@hengelo.test", name="Lotte Jansen")
    roc = make_org("ROC van Twente", "onderwijs")
    partner = make_user(
        "partner",
        organisation=roc,
        email="roc@roc-twente.test",
        name="Rik Bakker",
        totp_secret=PARTNER_SECRET,
        totp_enabled_at=utcnow(),
    )
    start = date.today() - timedelta(days=300)
    participant = make_participant(
        first_name="Noah",
        last_name="Smit",
        coach_id=coach.id,
        status="actief",
        start_date=start,
        end_date=start + timedelta(days=365),
    )
    commitment = make_commitment(roc, participant, description="BBL-plaats niveau 2 Metaal")

    # The partner updates the commitment inline on the start page.
    partner_page = guarded_page(browser, live_server, browser_problems)
    try:
        sign_in(partner_page, live_server, partner.email, TEST_PASSWORD, totp_secret=PARTNER_SECRET)
        assert partner_page.url.endswith("/start/partner")
        arrive(partner_page, "startpagina partner")
        card = partner_page.locator(f"#toezegging-{commitment.id}")
        swap(
            partner_page,
            browser_problems,
            lambda: card.get_by_role("link", name="Status bijwerken").click(),
            f"/toezeggingen/{commitment.id}/status",
            "statusformulier in de kaart",
        )
        focused = "() => document.activeElement && document.activeElement.id"
        assert partner_page.evaluate(focused) == card.get_by_label("Nieuwe status").get_attribute("id")
        # "Annuleren" puts the card back, with the focus on its button again.
        swap(
            partner_page,
            browser_problems,
            lambda: card.get_by_role("link", name="Annuleren").click(),
            f"/toezeggingen/{commitment.id}/kaart",
            "statusformulier geannuleerd",
        )
        in_card = "() => document.activeElement.closest('article') !== null"
        assert partner_page.evaluate(in_card), "de focus is verloren na Annuleren"
        swap(
            partner_page,
            browser_problems,
            lambda: card.get_by_role("link", name="Status bijwerken").click(),
            f"/toezeggingen/{commitment.id}/status",
            "statusformulier opnieuw in de kaart",
        )
        card.get_by_label("Nieuwe status").select_option("nagekomen")
        card.get_by_label("Notitie").fill("Noah is begonnen op de BBL-plek.")
        swap(
            partner_page,
            browser_problems,
            lambda: card.get_by_role("button", name="Opslaan").click(),
            f"/toezeggingen/{commitment.id}/status",
            "status opgeslagen",
        )
        assert card.get_by_role("status").get_by_text("De status is bijgewerkt.").is_visible()
        assert "Nagekomen" in card.inner_text()
        # Focus is back on the card's own button, not lost to the top of the page.
        assert partner_page.evaluate(in_card), "de focus is verloren na Opslaan"
    finally:
        partner_page.context.close()

    # The coach sees it in the file and closes the file with an outcome.
    sign_in(page, live_server, coach.email, TEST_PASSWORD)
    page.goto(f"{live_server}/deelnemers/{participant.id}?tab=partners")
    arrive(page, "dossier")
    assert "Nagekomen" in page.locator("#dossier-sectie").inner_text()
    open_section(page, browser_problems, "Overzicht")
    page.get_by_role("link", name="Afsluiten met uitstroom").click()
    arrive(page, "afsluiten met uitstroom")
    page.get_by_label("Uitstroom").select_option("betaald_werk")
    page.get_by_label("Toelichting").fill("Vast contract bij Metaalbedrijf Hengelo")
    page.get_by_role("button", name="Afsluiten met uitstroom").click()
    page.wait_for_url("**/metingen/nieuw*")
    arrive(page, "eindmeting na het afsluiten")
    db.session.expire_all()
    closed = db.session.get(Participant, participant.id)
    assert closed.status == "afgerond" and closed.outcome == "betaald_werk"

    # The report shows the completed trajectory, for the whole pilot and for this year (htmx filter).
    page.goto(f"{live_server}/rapportage/")
    arrive(page, "rapportage")
    outcomes = page.locator("table", has=page.locator("caption", has_text="Uitstroom per categorie"))
    assert outcomes.locator("tr", has_text="Betaald werk").locator("td").first.inner_text() == "1"
    swap(
        page,
        browser_problems,
        lambda: page.get_by_label("Pilotjaar").select_option(str(date.today().year)),
        "/rapportage/",
        "rapportage gefilterd op dit jaar",
    )
    outcomes = page.locator("table", has=page.locator("caption", has_text="Uitstroom per categorie"))
    assert outcomes.locator("tr", has_text="Betaald werk").locator("td").first.inner_text() == "1"
