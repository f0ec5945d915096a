"""Every page of every role has zero axe-core WCAG 2.1 A/AA violations in Chromium, at 1280 px and on a
375 px phone, where it also fits: no sideways page scroll, wide tables scroll inside a labelled region.

The pages are found by crawling the demo as each role (tests/crawl.py); one page per route shape (each
case-file section its own) is checked in the browser, with the app's real CSP and htmx loaded.
"""

import pytest
from sqlalchemy import func, select

from demo import load_demo
from models import User, db
from tests.crawl import crawl
from tests.e2e.conftest import PHONE, assert_accessible, assert_fits_phone, browser_login_as

ROLES = {
    "coach": "coach@hengelo.test",
    "financien": "financien@hengelo.test",
    "partner": "roc@roc-twente.test",
    "beheer": "beheer@hengelo.test",
}

# Pages checked for a role whatever the crawl finds first (its page budget is limited).
ALWAYS = {
    "coach": [
        "/agenda/week",
        "/agenda/week?wie=iedereen",
        "/agenda/maand",
        "/agenda/maand?wie=iedereen",
        "/agenda/plannen?datum=2026-12-10",
        "/agenda/koppeling",
    ],
}


def document_pages() -> list[str]:
    """The upload pages and the document lists of a participant, a maatwerk request and a contract: the
    crawl reaches the lists, but the upload page is only linked when the inline form is refused."""
    from models import Contract, Document

    documents = db.session.scalars(select(Document).order_by(Document.id)).all()
    request = next(d.maatwerk_request_id for d in documents if d.maatwerk_request_id)
    # the demo has no scan on a contract: its (empty) list and upload form are what a coach sees first
    contract = next((d.contract_id for d in documents if d.contract_id), None) or db.session.scalar(
        select(Contract.id).order_by(Contract.id).limit(1)
    )
    participant = documents[0].participant_id
    return [
        f"/deelnemers/{participant}?tab=documenten",
        f"/documenten/deelnemer/{participant}/nieuw",
        f"/financien/aanvragen/{request}",
        f"/documenten/maatwerk/{request}/nieuw",
        f"/contracten/{contract}",
        f"/documenten/contract/{contract}/nieuw",
    ]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_of_a_role_is_accessible_and_fits_a_phone(app, client, login_as, page, live_server, role):
    load_demo("perspectiefjaar-demo")
    user = db.session.scalar(select(User).where(User.email == ROLES[role]))
    login_as(user=user)
    # a download is a file, not a page: the browser would save it instead of showing it
    urls = [url for url in crawl(client).one_page_per_shape() if not url.endswith("/download")]
    always = ALWAYS.get(role, []) + (document_pages() if role == "coach" else [])
    urls += [url for url in always if url not in urls]  # checked even if the crawl misses them
    assert len(urls) >= 2

    browser_login_as(page, app, live_server, user)
    failures = []
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        page.set_viewport_size(viewport)
        for url in urls:
            response = page.goto(live_server + url)
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            assert response.status < 400, f"{url} gaf {response.status}"
            assert page.evaluate("() => window.htmx && window.htmx.version") == "2.0.11", url
            where = f"{url} op {viewport['width']} px"
            try:
                assert_accessible(page, where)
                if viewport == PHONE:
                    assert_fits_phone(page, where)
            except AssertionError as error:
                failures.append(str(error))
    assert not failures, "\n".join(failures)


def test_onward_referral_and_lasting_outcome_pages_are_accessible_at_desk_and_phone(app, page, live_server):
    """Named explicitly (the crawl samples one page per shape): the case-file part, the forms (also with
    errors), the start-page task and the report part, at 1280 and 375 px, without horizontal scrolling."""
    from models import LastingOutcomeCheck, OnwardReferral, Participant

    load_demo("perspectiefjaar-demo")
    coach = db.session.scalar(select(User).where(User.email == ROLES["coach"]))
    referral = db.session.scalars(select(OnwardReferral).order_by(OnwardReferral.id)).first()
    alumnus = db.session.scalar(select(Participant).where(Participant.first_name == "Fatima"))
    assert db.session.scalar(select(LastingOutcomeCheck).where(LastingOutcomeCheck.participant_id == alumnus.id))
    urls = [
        f"/deelnemers/{referral.participant_id}",
        f"/deelnemers/{alumnus.id}",
        f"/deelnemers/{referral.participant_id}/verwezen-naar/nieuw",
        f"/deelnemers/verwezen-naar/{referral.id}/wijzigen",
        f"/deelnemers/verwezen-naar/{referral.id}/uitkomst",
        f"/deelnemers/{alumnus.id}/na-afloop/12?terug=start",
        f"/deelnemers/{alumnus.id}/na-afloop/12?terug=lijst",
        "/deelnemers/na-afloop",  # every open question (the start page shows the oldest ten)
        "/start/coach",
        "/rapportage/",
        "/rapportage/?jaar=2026",
    ]
    browser_login_as(page, app, live_server, coach)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            page.goto(live_server + url)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width, (url, width)
            assert_accessible(page, f"{url} op {width} px")
        page.goto(f"{live_server}/deelnemers/{referral.participant_id}/verwezen-naar/nieuw")
        page.get_by_label("Datum van de verwijzing").fill("2099-01-01")
        page.get_by_role("button", name="Verwijzing opslaan").click()
        assert page.get_by_text("De datum kan niet in de toekomst liggen.").first.is_visible()
        assert_accessible(page, f"het verwijsformulier met fouten op {width} px")


def test_person_pages_are_accessible_at_desk_and_phone(app, page, live_server):
    """Persons and trajectories: a closed file's overview with 'Opnieuw aanmelden', the prefilled intake and
    the same-person step of an intake (a form post), at 1280 and 375 px, without horizontal scrolling."""
    from models import Participant

    load_demo("perspectiefjaar-demo")
    coach = db.session.scalar(select(User).where(User.email == ROLES["coach"]))
    closed = db.session.scalars(select(Participant).where(Participant.status == "afgerond")).first()
    browser_login_as(page, app, live_server, coach)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for url in (f"/deelnemers/{closed.id}", f"/deelnemers/nieuw?opnieuw={closed.id}"):
            page.goto(live_server + url)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width, (url, width)
            assert_accessible(page, f"{url} op {width} px")
        page.goto(f"{live_server}/deelnemers/nieuw")  # the same person again, as a plain intake
        page.fill("#first_name", closed.first_name.upper())
        page.fill("#last_name", closed.last_name)
        page.fill("#date_of_birth", closed.date_of_birth.isoformat())
        page.select_option("#highest_education", "vmbo")
        page.select_option("#referral_source", "werkplein")
        page.fill("#start_date", closed.end_date.replace(year=closed.end_date.year + 1).isoformat())
        page.get_by_role("button", name="Aanmelden").click()
        assert page.get_by_role("heading", name="Is dit dezelfde persoon?").is_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        assert_accessible(page, f"de stap 'dezelfde persoon' op {width} px")


def test_document_upload_with_a_refused_file_is_accessible_at_desk_and_phone(app, page, live_server, tmp_path):
    """The upload form of each place with its error (no file, then a file that is not what its name says),
    at 1280 and 375 px: axe clean, no sideways scroll, and nothing is saved."""
    from models import Document

    load_demo("perspectiefjaar-demo")
    coach = db.session.scalar(select(User).where(User.email == ROLES["coach"]))
    before = db.session.scalar(select(func.count(Document.id)))
    fake = tmp_path / "factuur.pdf"
    fake.write_bytes(b"dit is geen pdf, alleen tekst")
    uploads = [url for url in document_pages() if url.endswith("/nieuw")]
    browser_login_as(page, app, live_server, coach)
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        page.set_viewport_size(viewport)
        for url in uploads:
            page.goto(live_server + url)
            page.get_by_role("button", name="Document toevoegen").click()
            assert page.get_by_text("Kies een bestand.").first.is_visible(), url
            assert_accessible(page, f"{url} zonder bestand op {viewport['width']} px")
            page.get_by_label("Bestand").set_input_files(str(fake))
            page.get_by_role("button", name="Document toevoegen").click()
            assert page.locator(".error-summary").is_visible(), url
            assert_accessible(page, f"{url} met een verkeerd bestand op {viewport['width']} px")
            if viewport == PHONE:
                assert_fits_phone(page, url)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Document.id))) == before
