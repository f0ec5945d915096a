"""The participant's own "In het kort", pages that say "je", and goals the coach marks confidential."""

import re

from blueprints.contracts import drafting
from models import Commitment, Goal, db
from tests.factories_contracts import make_contract, make_sent, make_world


def test_personal_summary_names_goals_coach_dates_and_partners(app):
    world = make_world()
    pid = world["participant"].id
    db.session.add(Goal(participant_id=pid, domain="justitie", description="Taakstraf afronden"))
    db.session.add(
        Commitment(participant_id=pid, organisation_id=world["partners"][0].id, kind="opleidingsplek",
                   description="Een BBL-plek bij de opleiding Bouw")
    )  # fmt: skip
    db.session.commit()
    _contract, version, _ = make_sent(world)
    summary = drafting.personal_summary(version)
    assert summary.first_name == "Sanne" and summary.coach_name == "Lotte Jansen"
    assert "Een BBL-plek vinden" in summary.goals and "Taakstraf afronden" in summary.goals  # annex too
    assert summary.partners == [("ROC van Twente", ["Een BBL-plek bij de opleiding Bouw"])]
    assert (summary.start, summary.end) == (version.start_date, version.end_date)
    assert summary.phone == drafting.HENGELO_PHONE  # no number known yet
    world["participant"].coach.phone = "074 245 12 34"
    assert drafting.personal_summary(version).phone == "074 245 12 34"  # the coach's own number first


def _words(html: str) -> set[str]:
    text = re.sub(r"<[^>]+>", " ", html)
    return {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", text)}


def test_participant_pages_show_the_summary_and_speak_je(client):
    world = make_world()
    _contract, _version, token = make_sent(world)
    start = client.get(f"/tekenen/{token}")
    assert client.post(f"/tekenen/{token}", data={"date_of_birth": "2001-05-17"}).status_code == 303
    page = client.get(f"/tekenen/{token}/contract")
    assert "Jouw doelen" in page.text and "Een BBL-plek vinden" in page.text
    assert "Je life-coach is <strong>Lotte Jansen</strong>" in page.text and "Als je niet komt" in page.text
    declined = client.post(f"/tekenen/{token}/weigeren", data={"weiger-name": "Sanne", "weiger-reason": ""})
    assert declined.status_code == 422 and "Schrijf kort op waarom je niet tekent." in declined.text
    problem = client.get("/tekenen/onbekende-link")
    for response in (start, page, declined, problem):
        main = response.text.split("<main", 1)[-1].split("</main>", 1)[0]
        assert not _words(main) & {"u", "uw"}, response.request.path


def test_coach_marks_a_goal_confidential_and_it_goes_into_the_annex(client, login_as):
    world = make_world()
    login_as(user=world["coach"])
    pid = world["participant"].id
    form = {"domain": "financien", "description": "Afspraken met de deurwaarder", "confidential": "y"}
    assert client.post(f"/deelnemers/{pid}/doelen/nieuw", data=form).status_code == 303
    goal = db.session.scalar(db.select(Goal).where(Goal.description == "Afspraken met de deurwaarder"))
    assert goal.confidential
    assert "Vertrouwelijk (persoonlijke bijlage)" in client.get(f"/deelnemers/{pid}?tab=plan").text
    version = make_contract(world).versions[0]
    assert "deurwaarder" in drafting.annex_section(version)["body"]
    assert "deurwaarder" not in drafting.partner_view_text(version)


def test_demo_has_a_waiting_contract_for_every_partner_an_open_proposal_and_an_annex(app):
    from blueprints.contracts import rules
    from blueprints.contracts.queries import partner_waiting
    from demo import load_demo
    from models import Contract, Organisation, User

    load_demo("perspectiefjaar-demo")
    partners = db.session.scalars(db.select(Organisation).where(Organisation.kind != "gemeente")).all()
    assert any(o.name == "ROC van Twente" for o in partners)
    with_accounts = 0
    for org in partners:
        users = db.session.scalars(db.select(User).where(User.organisation_id == org.id)).all()
        if users:  # every partner that can sign in has a contract waiting for it
            with_accounts += 1
            assert any(partner_waiting(u) for u in users), org.name
    assert with_accounts == 4
    contracts = db.session.scalars(db.select(Contract)).all()
    proposals = [c for c in contracts if rules.open_proposal(c) is not None]
    assert proposals and all(rules.version_in_force(c).number == 1 for c in proposals)
    assert any(drafting.annex_section(v) is not None for c in contracts for v in c.versions if v.is_frozen)
