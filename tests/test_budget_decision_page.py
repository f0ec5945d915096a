"""What finance sees before deciding: labels instead of keys, the file's state, earlier spend, a confirmation."""

import re

from blueprints.budget.rules import approve_request
from models import RequestStatus, db
from tests.conftest import count_queries, make_participant, make_user
from tests.factories_budget import make_request, make_year
from tests.factories_youths import make_goal

YEAR = 2026


def test_request_page_shows_labels_state_and_earlier_spend(client, login_as):
    make_year(YEAR)
    finance = login_as("financien")
    sanne = make_participant(first_name="Sanne", last_name="de Vries", status="actief")
    other = make_user("financien")
    # Earlier maatwerk: one approved (250,00) and one paid (100,50); a rejected one does not count.
    approve_request(make_request("250.00", participant=sanne), other)
    make_request("100.50", participant=sanne, status=RequestStatus.BETAALD)
    make_request("999.00", participant=sanne, status=RequestStatus.AFGEWEZEN)
    db.session.commit()
    goal = make_goal(sanne, domain="werk_opleiding")
    pending = make_request("40.00", participant=sanne, goal_id=goal.id, description="Rijlessen")

    page = client.get(f"/financien/aanvragen/{pending.id}")
    assert page.status_code == 200
    text = page.text
    assert "werk_opleiding" not in text and "Leefgebied: Werk &amp; opleiding" in text
    assert "Vervoer" in text and "Rijlessen" in text and "Goedkoper dan een OV-abonnement." in text
    assert "Stand van het traject" in text and "Actief" in text
    assert "€ 350,50 goedgekeurd of betaald, in 2 aanvragen" in text
    # Approving and rejecting each ask for a tick the browser requires before it sends the form.
    for form in re.findall(
        r'<form method="post" action="/financien/aanvragen/\d+/(?:goedkeuren|afwijzen)".*?</form>', text, re.S
    ):
        assert re.search(r'type="checkbox"[^>]*name="zeker"[^>]*required', form)
        assert "novalidate" not in form
    assert finance.role == "financien"


def test_queue_shows_description_justification_and_earlier_spend_in_fixed_queries(client, login_as):
    make_year(YEAR)
    login_as("financien")
    sanne = make_participant(first_name="Sanne", last_name="Eerder")
    make_request("75.00", participant=sanne, status=RequestStatus.BETAALD)
    make_request("20.00", participant=sanne, description="Werkschoenen", justification="Verplicht op de bouw.")
    with count_queries() as few:
        page = client.get(f"/financien/{YEAR}")
    text = page.text.split('id="queue"')[1]
    assert "Werkschoenen" in text and "Waarom: Verplicht op de bouw." in text
    assert "Eerder: € 75,00 in 1 aanvraag" in text
    assert "Traject: actief" in text
    assert re.search(r'name="zeker"[^>]*required', text)
    for _ in range(5):
        make_request("10.00")
    with count_queries() as many:
        client.get(f"/financien/{YEAR}")
    assert many() == few()
