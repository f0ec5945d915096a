"""A change is a proposal, in a real browser: the coach sees version 1 in force while version 2 waits;
the participant reads their own summary and signs on a 375 px phone; a partner signs the proposal.

Set SCREENSHOT_DIR to keep screenshots of every step (desktop 1280 px and phone 375 px).
"""

import os

from sqlalchemy import select

from blueprints.contracts import drafting, links, signing
from models import ContractVersion, Goal, db
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import browser_login_as
from tests.e2e.journey_helpers import arrive, guarded_page
from tests.factories_contracts import make_sent, make_world, party, sign


def _shot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def _proposal_world():
    world = make_world(("Leerwerkloket Twente", "ROC van Twente"))
    pid = world["participant"].id
    db.session.add(Goal(participant_id=pid, domain="geestelijke_gezondheid", description="Hulp bij somberheid"))
    db.session.commit()
    contract, v1, token = make_sent(world)
    link = links.verify_token(token).link
    sign(v1, party(v1, "deelnemer"), name="Sanne de Jong", link=link)
    sign(v1, party(v1, "gemeente"), user=world["coach"])
    for org, user in zip(world["partners"], world["partner_users"], strict=True):
        sign(v1, party(v1, "partner", org), user=user)
    db.session.commit()
    lwl = world["partners"][0]
    v2 = drafting.next_version(contract, world["coach"])
    v2.sections = [
        {**s, "body": s["body"] + "\n- Elke maand een gesprek over werk."} if s["key"] == f"partner-{lwl.id}" else s
        for s in v2.sections
    ]
    db.session.flush()
    signing.send_version(v2, world["coach"])
    db.session.flush()
    _link, token2 = links.create_link(v2, world["coach"])
    db.session.commit()
    return world, contract, v2, token2


def test_proposal_journey_phone_partner_and_coach(app, browser, page, live_server, browser_problems):
    world, contract, v2, token = _proposal_world()
    coach, lwl_user = world["coach"], world["partner_users"][0]

    # The coach sees version 1 in force while version 2 waits; ROC keeps its signature.
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login_as(page, app, live_server, coach)
    page.goto(f"{live_server}/contracten/{contract.id}")
    arrive(page, "contract met voorstel")
    assert "Versie 1 blijft gelden" in page.content()
    assert page.get_by_text("getekend op versie 1, tekst ongewijzigd").count() >= 1
    _shot(page, "coach-voorstel-1280")

    # The participant opens the link on a phone, reads their own summary and signs.
    phone = guarded_page(
        browser, live_server, browser_problems, viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    try:
        phone.goto(f"{live_server}/tekenen/{token}")
        arrive(phone, "tekenen: geboortedatum")
        phone.get_by_label("Je geboortedatum").fill("2001-05-17")
        phone.get_by_role("button", name="Verder").click()
        phone.wait_for_url("**/contract")
        arrive(phone, "tekenen: contract met samenvatting")
        assert phone.get_by_role("heading", name="Jouw doelen").is_visible()
        assert phone.get_by_text("Hulp bij somberheid").first.is_visible()  # the annex is theirs to read
        assert phone.get_by_text("Lotte Jansen").first.is_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        _shot(phone, "deelnemer-samenvatting-375")
        phone.get_by_label("Je volledige naam").fill("Iemand Anders")
        phone.locator("input[type=checkbox][name$='intent']").check()
        phone.get_by_role("button", name="Ik teken").tap()
        phone.get_by_text("Deze naam klopt niet").first.wait_for()
        arrive(phone, "tekenen: verkeerde naam")
        phone.get_by_label("Je volledige naam").fill("sanne de jong")
        phone.locator("input[type=checkbox][name$='intent']").check()
        phone.get_by_role("button", name="Ik teken").tap()
        phone.wait_for_url("**/tekenen/klaar")
        arrive(phone, "tekenen: klaar")
        _shot(phone, "deelnemer-klaar-375")
    finally:
        phone.context.close()

    # A partner whose text changed signs the proposal on a phone.
    partner = guarded_page(browser, live_server, browser_problems, viewport={"width": 375, "height": 812})
    try:
        browser_login_as(partner, app, live_server, lwl_user)
        partner.goto(f"{live_server}/contracten/portaal/{v2.id}")
        arrive(partner, "portaal: voorstel")
        assert "Versie 1 blijft gelden" in partner.content()
        assert "Hulp bij somberheid" not in partner.content()  # never the personal annex
        assert partner.evaluate("document.documentElement.scrollWidth") <= 375
        _shot(partner, "partner-voorstel-375")
        partner.get_by_label("Uw volledige naam").fill(lwl_user.name)
        partner.locator("input[name='teken-intent']").check()
        partner.get_by_label("Uw wachtwoord").fill(TEST_PASSWORD)
        partner.get_by_role("button", name="Ik teken").click()
        partner.get_by_text("U heeft getekend.").wait_for()
        arrive(partner, "portaal: getekend")
    finally:
        partner.context.close()

    # Until the municipality signs, version 1 still holds; then version 2 does.
    page.goto(f"{live_server}/contracten/{contract.id}")
    arrive(page, "contract: wacht op de gemeente")
    assert "Versie 1 blijft gelden" in page.content()
    page.get_by_role("link", name="Tekenen namens de gemeente").click()
    arrive(page, "tekenen namens de gemeente")
    page.locator("input[name='teken-intent']").check()
    page.get_by_label("Uw wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Ik teken").click()
    page.get_by_text("het contract is actief").wait_for()
    arrive(page, "contract: versie 2 geldt")
    assert "Versie 2, volledig getekend op" in page.content()
    _shot(page, "coach-versie-2-geldt-1280")
    db.session.expire_all()
    statuses = dict(db.session.execute(select(ContractVersion.number, ContractVersion.status)).all())
    assert statuses == {1: "vervangen", 2: "actief"}
