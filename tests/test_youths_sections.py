"""The case file's sections (?tab=): each as a page and as an htmx fragment, in a fixed number of queries,
an unknown section, the overview's facts, and every form on the file redirecting back to its own section."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from blueprints.youths import sections
from models import Action, Conversation, Goal, db, utcnow
from tests.conftest import count_queries, make_org, make_participant
from tests.factories_youths import (
    make_action,
    make_assessment,
    make_conversation,
    make_full_file,
    make_goal,
)

TODAY = date.today()
NAMES = list(sections.SECTIONS)

# What each section shows that no other section does (and a word the overview shows).
MARKERS = {
    "overzicht": 'id="aandacht-kop"',
    "plan": 'id="doelen-kop"',
    "metingen": 'id="zrm-kop"',
    "gesprekken": 'id="gesprekken-kop"',
    "contract": 'id="contracten-kop"',
    "maatwerk": 'id="maatwerk-title"',
    "partners": 'id="toezeggingen-deelnemer-titel"',
    "documenten": 'id="documenten-participant-kop"',
    "tijdlijn": 'id="tijdlijn-kop"',
}


@pytest.fixture
def coach(login_as):
    return login_as("coach", name="Lotte Jansen")


def url(participant_id: int, name: str) -> str:
    return f"/deelnemers/{participant_id}" + ("" if name == "overzicht" else f"?tab={name}")


def test_the_menu_has_every_section_in_order():
    assert NAMES == [
        "overzicht",
        "plan",
        "metingen",
        "gesprekken",
        "contract",
        "maatwerk",
        "partners",
        "documenten",
        "tijdlijn",
    ]
    assert set(MARKERS) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_section_as_page_and_as_fragment(client, coach, htmx_headers, name):
    participant = make_full_file(coach=coach)
    page = client.get(url(participant.id, name))
    assert page.status_code == 200 and "<html" in page.text and MARKERS[name] in page.text
    assert f'id="onderdeel-{name}" href="{url(participant.id, name)}"' in page.text
    # Only the chosen section is in the page, and the menu says which one it is.
    assert [other for other in NAMES if MARKERS[other] in page.text] == [name]
    assert page.text.count('aria-current="page"') == 1
    assert f'id="onderdeel-{name}" href="{url(participant.id, name)}" hx-get' in page.text
    current = page.text.split('aria-current="page">')[1].split("<")[0]
    assert current == sections.SECTIONS[name].label
    assert 'hx-target="#dossier-sectie" hx-push-url="true"' in page.text

    fragment = client.get(url(participant.id, name), headers=htmx_headers)
    assert fragment.status_code == 200 and "<html" not in fragment.text and "site-header" not in fragment.text
    assert MARKERS[name] in fragment.text and 'hx-swap-oob="true"' in fragment.text
    assert f"<title>{sections.SECTIONS[name].label} · " in fragment.text
    assert fragment.headers["Vary"] == "HX-Request" or "HX-Request" in fragment.headers["Vary"]
    # A history restore or a boosted request gets the whole page.
    restore = client.get(url(participant.id, name), headers={**htmx_headers, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text


def grow_file(participant, coach, partner, first: int, last: int) -> None:
    """Give the file lines number `first` up to `last` of every kind the case file shows."""
    from blueprints.contracts import drafting
    from tests.factories_budget import make_request
    from tests.factories_partners import make_commitment

    for i in range(first, last):
        make_request(participant=participant, coach=coach, description=f"Fiets {i}")
        make_conversation(participant, datetime(2026, 9, 1, 9) + timedelta(days=i), summary=f"Gesprek {i}")
        make_commitment(partner, participant, description=f"Stageplek {i}")
        goal = make_goal(participant, description=f"Doel {i}")
        make_action(goal, description=f"Actie {i}", who="partner", organisation=partner)
        make_assessment(participant, date(2026, 8, 1) + timedelta(days=i), kind="intake" if i == 0 else "tussentijds")
    for _ in range(min(last - first, 5)):
        drafting.new_contract(participant, [partner], date(2026, 9, 1), coach)
    db.session.commit()


def measure(client, address, headers=None):
    client.get(address, headers=headers)  # warm up (first request compiles templates)
    with count_queries() as n:
        assert client.get(address, headers=headers).status_code == 200
    return n()


# Queries a section may use, page and fragment alike: the signed-in user, the file (with its coach), the view
# entry, and what the section itself shows. A section that grows past this loads more than it shows.
MOST_QUERIES = 16


@pytest.mark.parametrize("name", NAMES)
def test_section_uses_the_same_number_of_queries_with_2_and_40_lines_of_each_kind(client, coach, htmx_headers, name):
    from tests.factories_budget import make_year

    make_year(2026)
    make_org("Gemeente Hengelo", "gemeente")
    partner = make_org("ROC van Twente", "onderwijs")
    participant = make_participant(coach_id=coach.id)
    address = url(participant.id, name)
    grow_file(participant, coach, partner, 0, 2)
    small = measure(client, address), measure(client, address, htmx_headers)
    grow_file(participant, coach, partner, 2, 40)
    large = measure(client, address), measure(client, address, htmx_headers)
    assert small == large
    assert small[1] <= small[0] <= MOST_QUERIES


def test_sections_load_only_what_they_show(client, coach, htmx_headers):
    """The plan does not load conversations, the conversations not the goals, and so on."""
    participant = make_full_file(coach=coach)
    counts = {name: measure(client, url(participant.id, name), htmx_headers) for name in NAMES}
    everything = measure(client, url(participant.id, "overzicht"))
    assert counts["contract"] < counts["plan"] and counts["maatwerk"] < counts["overzicht"]
    assert max(counts[n] for n in ("contract", "maatwerk", "partners")) < everything
    plan = client.get(url(participant.id, "plan")).text
    assert "Goed gesprek" not in plan and "Een BBL-plek vinden" in plan


def test_the_plan_keeps_every_goals_own_forms(client, coach):
    from tests.factories_budget import make_year

    make_year(2026)
    partner = make_org("ROC van Twente", "onderwijs")
    participant = make_participant(coach_id=coach.id)
    grow_file(participant, coach, partner, 0, 40)
    page = client.get(url(participant.id, "plan")).text
    assert "Actie 39" in page and page.count('name="actie') >= 40
    assert page.count(f'<option value="partner-{partner.id}">ROC van Twente</option>') == 40
    assert "Fiets 39" in client.get(url(participant.id, "maatwerk")).text
    assert "Gesprek 39" in client.get(url(participant.id, "gesprekken")).text
    assert "Stageplek 39" in client.get(url(participant.id, "partners")).text


@pytest.mark.parametrize("tab", ["onzin", "documentje", "x" * 300, "PLAN", "plan "])
def test_an_unknown_section_is_a_dutch_404(client, coach, htmx_headers, tab):
    participant = make_participant(coach_id=coach.id)
    for headers in (None, htmx_headers):
        response = client.get(f"/deelnemers/{participant.id}", query_string={"tab": tab}, headers=headers)
        assert response.status_code == 404
        assert "Dit onderdeel van het dossier bestaat niet" in response.text
    assert client.get("/deelnemers/999?tab=plan").status_code == 404


def test_an_empty_tab_is_the_overview(client, coach):
    participant = make_participant(coach_id=coach.id)
    assert MARKERS["overzicht"] in client.get(f"/deelnemers/{participant.id}?tab=").text
    assert MARKERS["overzicht"] in client.get(f"/deelnemers/{participant.id}?tab=overzicht").text


def test_the_overview_shows_who_status_next_appointment_attention_zrm_contract_and_money(client, coach):
    from models import RequestStatus
    from tests.factories_budget import make_request, make_year

    make_year(2026)
    participant = make_participant(coach_id=coach.id, status="actief", needs_followup=True)
    goal = make_goal(participant)
    make_action(goal, description="Cv maken", due_date=TODAY - timedelta(days=3))
    make_action(goal, description="Bellen", due_date=TODAY - timedelta(days=1))
    make_action(goal, description="Klaar", due_date=TODAY - timedelta(days=9), done=True)
    make_conversation(participant, utcnow() + timedelta(days=9), "gepland", kind="huisbezoek", location="Thuis")
    make_conversation(participant, utcnow() + timedelta(days=2), "gepland", location="Stadhuis")
    make_conversation(participant, utcnow() - timedelta(days=2), "gepland", location="Vergeten")
    make_assessment(participant, date(2026, 1, 10), score=3, ladder=1, growth=3, kind="intake")
    make_assessment(participant, date(2026, 6, 10), score=4, ladder=3, growth=5, financien=2, huisvesting=1)
    make_request("125.50", RequestStatus.BETAALD, participant=participant, coach=coach)
    make_request("74.50", RequestStatus.GOEDGEKEURD, participant=participant, coach=coach)
    make_request("999.00", RequestStatus.AANGEVRAAGD, participant=participant, coach=coach)
    make_request("500.00", RequestStatus.AFGEWEZEN, participant=participant, coach=coach)

    text = client.get(f"/deelnemers/{participant.id}").text
    attention = text.split('id="aandacht-kop"')[1].split("</section>")[0]
    assert "twee keer achter elkaar niet verschenen" in attention and "2 acties zijn over de datum." in attention
    assert "Stadhuis" in text and "Thuis" not in text and "Vergeten" not in text  # the next planned one
    assert "Trede 3 – " in text and "Trede 5 – " in text
    assert "Laag (1 of 2) op: Financiën, Huisvesting" in text
    assert "€ 200,00" in text and "wacht op besluit € 999,00" in text  # 125.50 paid + 74.50 approved
    assert "Nog geen contract" in text
    assert Decimal("125.50") + Decimal("74.50") == Decimal("200.00")


def test_the_overview_names_the_contract_in_force(client, coach):
    from tests.factories_contracts import make_sent, make_world
    from tests.factories_delivery import sign_all

    world = make_world()
    contract, version, _ = make_sent(world)
    text = client.get(f"/deelnemers/{contract.participant_id}").text
    assert "Nog geen getekende versie" in text
    sign_all(version, world)
    db.session.commit()
    text = client.get(f"/deelnemers/{contract.participant_id}").text
    assert f"{contract.reference}</a>, versie {version.number} geldt" in text


def test_an_overview_part_from_another_feature_hooks_in_with_one_line(client, coach, monkeypatch):
    participant = make_participant(coach_id=coach.id, first_name="Hanna")
    part = sections.Part("youths/partials/file_head.html", lambda p: {"hooked": p.first_name})
    monkeypatch.setattr(sections, "OVERVIEW_PARTS", [part])
    text = client.get(f"/deelnemers/{participant.id}").text
    assert text.count("<h1>Hanna ") == 2  # the head, and the part included again below the overview


# --------------------------------------------------------------------------- forms go back to their section


def test_goal_and_action_forms_return_to_the_plan(client, coach):
    participant = make_participant(coach_id=coach.id)
    base = f"/deelnemers/{participant.id}"
    created = client.post(f"{base}/doelen/nieuw", data={"domain": "huisvesting", "description": "Eigen kamer vinden"})
    goal = db.session.scalar(select(Goal))
    assert created.status_code == 303 and created.headers["Location"].endswith(f"{base}?tab=plan#doel-{goal.id}")
    status = client.post(f"/deelnemers/doelen/{goal.id}/status", data={f"doel{goal.id}-status": "bezig"})
    assert status.headers["Location"].endswith(f"{base}?tab=plan#doel-{goal.id}")
    action = client.post(
        f"/deelnemers/doelen/{goal.id}/acties",
        data={f"actie{goal.id}-description": "Kamernet bekijken", f"actie{goal.id}-who": "deelnemer"},
    )
    assert action.headers["Location"].endswith(f"{base}?tab=plan#doel-{goal.id}")
    action_id = db.session.scalar(select(Action.id))
    toggled = client.post(f"/deelnemers/acties/{action_id}/klaar")
    assert toggled.headers["Location"].endswith(f"{base}?tab=plan#doel-{goal.id}")
    assert "Kamernet bekijken" in client.get(toggled.headers["Location"]).text


def test_conversation_and_assessment_forms_return_to_their_section(client, coach):
    participant = make_participant(coach_id=coach.id)
    base = f"/deelnemers/{participant.id}"
    when = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"held_at": when, "kind": "voortgangsgesprek", "attendance": "verschenen", "summary": "Fijn gesprek"}
    added = client.post(f"{base}/gesprekken/nieuw", data=data)
    assert added.status_code == 303 and added.headers["Location"].endswith(f"{base}?tab=gesprekken#gesprekken")
    conversation = db.session.scalar(select(Conversation))
    edited = client.post(f"/deelnemers/gesprekken/{conversation.id}/bewerken", data={**data, "summary": "Anders"})
    assert edited.headers["Location"].endswith(f"{base}?tab=gesprekken#gesprek-{conversation.id}")
    assert "Anders" in client.get(edited.headers["Location"]).text
    scores = {f"zrm_{d}": "3" for d in __import__("models").ZRM_DOMAINS}
    measured = client.post(
        f"{base}/metingen/nieuw",
        data={**scores, "assessed_on": TODAY.isoformat(), "kind": "intake", "ladder_rung": "2", "growth_rung": "4"},
    )
    assert measured.headers["Location"].endswith(f"{base}?tab=metingen#zrm")


def test_details_status_and_extension_return_to_the_overview(client, coach):
    participant = make_participant(coach_id=coach.id, status="aangemeld", start_date=date(2026, 1, 1))
    base = f"/deelnemers/{participant.id}"
    moved = client.post(f"{base}/status", data={"to_status": "intake", "on": TODAY.isoformat()})
    assert moved.status_code == 303 and moved.headers["Location"].endswith(f"{base}#status")
    extended = client.post(
        f"{base}/verlengen",
        data={"new_end": (participant.end_date + timedelta(days=60)).isoformat(), "reason": "Ziekte"},
    )
    assert extended.headers["Location"].endswith(f"{base}#status")


def test_links_into_the_file_point_at_their_section(client, coach):
    participant = make_full_file(coach=coach)
    goal = db.session.scalar(select(Goal))
    timeline = client.get(url(participant.id, "tijdlijn")).text
    assert f'href="/deelnemers/{participant.id}?tab=plan#doel-{goal.id}"' in timeline
    assert f'href="/deelnemers/{participant.id}?tab=metingen#zrm"' in timeline
    assert f'href="/deelnemers/{participant.id}?tab=tijdlijn#statusgeschiedenis"' in timeline
    form = client.get(f"/deelnemers/{participant.id}/gesprekken/nieuw").text
    assert f'href="/deelnemers/{participant.id}?tab=gesprekken#gesprekken"' in form


# --------------------------------------------------------------------------- ZRM matrix and ladder steps


def test_score_words_and_ladder_steps_without_http(app):
    from blueprints.youths import queries, zrm

    assert [zrm.score_word(s) for s in (1, 3, 5, None)] == [
        "acute problematiek",
        "beperkt zelfredzaam",
        "volledig zelfredzaam",
        "niet gescoord",
    ]
    participant = make_participant()
    make_assessment(participant, date(2026, 1, 10), ladder=1, growth=3, kind="intake")
    make_assessment(participant, date(2026, 6, 10), ladder=3, growth=5)
    steps = zrm.ladder_steps(zrm.summarise(queries.assessments_of(participant.id)))
    assert [s.rung for s in steps] == [6, 5, 4, 3, 2, 1]
    assert [s.rung for s in steps if s.now] == [3] and [s.rung for s in steps if s.start] == [1]
    assert [s.rung for s in steps if s.reachable] == [5]


def test_the_zrm_matrix_shows_score_colour_and_word_per_domain_and_measurement(client, coach):
    participant = make_participant(coach_id=coach.id)
    make_assessment(participant, date(2026, 1, 10), score=2, ladder=1, growth=3, kind="intake", justitie=None)
    make_assessment(participant, date(2026, 6, 10), score=4, ladder=3, growth=5, financien=1, justitie=3)
    text = client.get(url(participant.id, "metingen")).text
    matrix = text.split('class="table zrm-matrix"')[1].split("</table>")[0]
    assert 'role="region" aria-label="ZRM-scores per domein en meting"' in text and 'tabindex="0"' in text
    assert matrix.count("<tr>") == 14  # a head row and 13 domains
    # 12 domains scored 2 at intake (justitie not), 11 scored 4 later (financien 1, justitie 3).
    assert matrix.count('<td class="zrm-cell zrm-2"><span class="zrm-score">2</span> ') == 12
    assert matrix.count('<span class="zrm-word">niet zelfredzaam</span>') == 12
    assert matrix.count('<td class="zrm-cell zrm-4"><span class="zrm-score">4</span> ') == 11
    assert matrix.count('<span class="zrm-word">acute problematiek</span>') == 1
    assert matrix.count("+2 beter") == 11 and matrix.count("-1 slechter") == 1
    assert matrix.count("n.g.") == 1 and "10-01-2026" in matrix and "Intake" in matrix
    assert 'role="img"' not in text  # the old line chart is gone
    ladder = text.split('class="ladder-steps"')[1].split("</ol>")[0]
    current = ladder.split('aria-current="step"')[1].split("</li>")[0]
    assert "Trede 3" in current and "<strong>Nu</strong>" in current
    assert ladder.count('aria-current="step"') == 1
    assert "Bij de start" in ladder.split("Trede 1")[1] and "Haalbaar binnen een jaar" in ladder.split("Trede 5")[1]
    assert "Gestegen: van trede 1 naar trede 3." in text
