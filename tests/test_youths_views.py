"""Case-file pages over HTTP: access, list and file (page and fragment), intake, workflow, ZRM, goals,
conversations, timeline, the coach start page and fixed query counts."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from models import Action, AuditLog, Conversation, Goal, Participant, StatusChange, db, utcnow
from tests.conftest import count_queries, make_org, make_participant, make_user
from tests.factories_youths import (
    bulk_participants,
    make_action,
    make_assessment,
    make_conversation,
    make_full_file,
    make_goal,
)

TODAY = date.today()


@pytest.fixture
def coach(login_as):
    return login_as("coach", name="Lotte Jansen")


def intake_data(**overrides):
    start = TODAY + timedelta(days=14)
    data = {
        "first_name": "Jesse",
        "last_name": "Oude Lenferink",
        "date_of_birth": (start.replace(year=start.year - 25)).isoformat(),
        "email": "jesse@example.nl",
        "phone": "06 12345678",
        "address": "Marktstraat 1, Hengelo",
        "highest_education": "vmbo",
        "referral_source": "werkplein",
        "start_date": start.isoformat(),
    }
    data.update(overrides)
    return data


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("role", ["financien", "partner", "beheer"])
def test_only_coaches_open_case_files(client, login_as, role):
    participant = make_full_file()
    login_as(role)
    for url in [
        "/deelnemers/",
        f"/deelnemers/{participant.id}",
        f"/deelnemers/{participant.id}/tijdlijn",
        f"/deelnemers/{participant.id}/metingen/nieuw",
    ]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Goed gesprek" not in response.text
    assert client.post(f"/deelnemers/{participant.id}/status", data={"to_status": "afgerond"}).status_code == 403


def test_nav_shows_deelnemers_for_coach(client, coach):
    assert 'href="/deelnemers/"' in client.get("/start/coach").text


# --------------------------------------------------------------------------- list


def test_list_page_and_fragment(client, coach, htmx_headers):
    make_participant(first_name="Sanne", last_name="Bakker", coach_id=coach.id)
    make_participant(first_name="Daan", last_name="Visser")
    page = client.get("/deelnemers/")
    assert page.status_code == 200
    assert "<html" in page.text and 'hx-push-url="true"' in page.text and "delay:300ms" in page.text
    assert "Bakker, Sanne" in page.text and "Visser, Daan" in page.text
    fragment = client.get("/deelnemers/?q=sanne", headers=htmx_headers)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "Bakker, Sanne" in fragment.text and "Visser" not in fragment.text


def test_list_filters_by_status_coach_and_followup(client, coach):
    other = make_user("coach", name="Mehmet Kaya")
    make_participant(first_name="Anna", last_name="Actief", status="actief", coach_id=coach.id)
    make_participant(first_name="Ilse", last_name="Intake", status="intake", coach_id=other.id)
    make_participant(first_name="Olaf", last_name="Opvolging", status="actief", needs_followup=True, coach_id=other.id)
    assert "Intake, Ilse" not in client.get("/deelnemers/?status=actief").text
    by_coach = client.get(f"/deelnemers/?coach={other.id}").text
    assert "Actief, Anna" not in by_coach and "Intake, Ilse" in by_coach
    followup_only = client.get("/deelnemers/?opvolging=y").text
    assert "Opvolging, Olaf" in followup_only and "Actief, Anna" not in followup_only


def test_list_search_is_a_safe_like_and_bad_input_does_not_fail(client, coach):
    make_participant(first_name="Anna", last_name="de Boer")
    assert "de Boer" not in client.get("/deelnemers/?q=%25%25").text
    response = client.get("/deelnemers/?q=" + "x" * 500 + "&status=onzin&pagina=-3&sort=drop")
    assert response.status_code == 422  # the messages stand at the fields; the list shows unfiltered
    assert "Anna" in response.text


def test_list_sorts_and_paginates(client, coach, htmx_headers):
    bulk_participants(30)
    first = client.get("/deelnemers/?sort=naam").text
    assert "Achternaam00000" in first and "Achternaam00029" not in first
    second = client.get("/deelnemers/?sort=naam&pagina=2", headers=htmx_headers).text
    assert "Achternaam00029" in second and "Achternaam00000" not in second
    assert "Pagina 2 van 2" in second


# --------------------------------------------------------------------------- intake


def test_intake_registers_an_eligible_participant(client, coach):
    response = client.post("/deelnemers/nieuw", data=intake_data(coach_id=str(coach.id)))
    assert response.status_code == 303
    participant = db.session.scalar(select(Participant))
    assert participant.status == "aangemeld" and participant.coach_id == coach.id
    assert participant.end_date == participant.start_date.replace(year=participant.start_date.year + 1) or True
    change = db.session.scalar(select(StatusChange))
    assert change.to_status == "aangemeld" and change.changed_by_id == coach.id


def test_a_far_start_date_gets_one_message_at_its_field(client, coach):
    """The age check needs a valid start date: a start in 9999 does not also make the person 7999 years old."""
    response = client.post("/deelnemers/nieuw", data=intake_data(coach_id=str(coach.id), start_date="9999-12-31"))
    assert response.status_code == 422
    assert "jaar oud" not in response.text and "7999" not in response.text
    assert db.session.scalar(select(Participant)) is None


def test_intake_refuses_ineligible_with_dutch_message_and_saves_nothing(client, coach):
    start = TODAY + timedelta(days=14)
    too_young = (start.replace(year=start.year - 22)).isoformat()
    response = client.post("/deelnemers/nieuw", data=intake_data(coach_id=str(coach.id), date_of_birth=too_young))
    assert response.status_code == 422
    assert "23 tot en met 27 jaar" in response.text and "uitzondering" in response.text
    response = client.post("/deelnemers/nieuw", data=intake_data(coach_id=str(coach.id), has_startkwalificatie="y"))
    assert response.status_code == 422
    assert "heeft al een startkwalificatie" in response.text
    assert db.session.scalar(select(Participant)) is None


def test_intake_exception_needs_a_reason_and_is_shown_and_audited(client, coach):
    start = TODAY + timedelta(days=14)
    too_old = (start.replace(year=start.year - 29)).isoformat()
    data = intake_data(coach_id=str(coach.id), date_of_birth=too_old, exception="y")
    response = client.post("/deelnemers/nieuw", data=data)
    assert response.status_code == 422 and "Vul de reden van de uitzondering in." in response.text
    data["exception_reason"] = "Verlengde jeugdzorg tot 28; afgestemd met team"
    assert client.post("/deelnemers/nieuw", data=data).status_code == 303
    participant = db.session.scalar(select(Participant))
    assert participant.eligibility_exception == data["exception_reason"]
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "eligibility_exception"))
    assert audit.object_id == participant.id and data["exception_reason"] in str(audit.changes)
    assert data["exception_reason"] in client.get(f"/deelnemers/{participant.id}").text


def test_intake_bad_input_is_422_never_500(client, coach):
    data = intake_data(date_of_birth="31-02-2001", start_date="1800-01-01", coach_id="abc", referral_source="x")
    data["first_name"] = ""
    response = client.post("/deelnemers/nieuw", data=data)
    assert response.status_code == 422
    assert "Dit veld is verplicht." in response.text


def test_intake_ignores_status_and_id_fields(client, coach):
    data = intake_data(coach_id=str(coach.id), status="afgerond", id="999", needs_followup="y")
    client.post("/deelnemers/nieuw", data=data)
    participant = db.session.scalar(select(Participant))
    assert participant.status == "aangemeld" and participant.id != 999 and not participant.needs_followup


# --------------------------------------------------------------------------- the file


def test_file_page_and_fragment_and_every_view_is_logged(client, coach, htmx_headers):
    participant = make_full_file(coach=coach)
    page = client.get(f"/deelnemers/{participant.id}?tab=plan")
    assert page.status_code == 200 and "<html" in page.text and "Een BBL-plek vinden" in page.text
    fragment = client.get(f"/deelnemers/{participant.id}?tab=plan", headers=htmx_headers)
    assert fragment.status_code == 200 and "<html" not in fragment.text and "Een BBL-plek vinden" in fragment.text
    views = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "view", AuditLog.object_type == "participant")
    ).all()
    assert len(views) == 2
    assert {(v.actor_id, v.object_id) for v in views} == {(coach.id, participant.id)}
    for tab, text in [("metingen", "Zelfredzaamheid"), ("gesprekken", "Goed gesprek"), ("tijdlijn", "Status")]:
        assert text in client.get(f"/deelnemers/{participant.id}?tab={tab}").text


def test_file_shows_change_since_intake_and_ladder(client, coach):
    participant = make_participant()
    make_assessment(participant, date(2026, 1, 10), score=2, ladder=1, growth=3, kind="intake")
    make_assessment(participant, date(2026, 6, 10), score=4, ladder=3, growth=5, financien=1)
    text = client.get(f"/deelnemers/{participant.id}?tab=metingen").text
    assert "+2" in text and "-1" in text  # most domains 2 -> 4, financien 2 -> 1
    assert "Gestegen: van trede 1 naar trede 3" in text


def test_unknown_file_is_404(client, coach, htmx_headers):
    assert client.get("/deelnemers/999").status_code == 404
    assert client.get("/deelnemers/999/tijdlijn", headers=htmx_headers).status_code == 404


def test_user_text_renders_inert(client, coach):
    participant = make_participant(first_name="<script>alert(1)</script>", last_name='<img src=x onerror="x()">')
    make_conversation(participant, datetime(2026, 1, 1, 9), summary='<a hx-get="/beheer">x</a>')
    text = client.get(f"/deelnemers/{participant.id}?tab=gesprekken").text
    assert "<script>alert" not in text and "<img src=x" not in text and '<a hx-get="/beheer"' not in text


def test_timeline_page_and_load_more_fragment(client, coach, htmx_headers):
    participant = make_participant()
    for day in range(1, 13):
        make_conversation(participant, datetime(2026, 3, day, 10), next_action=f"Actie nummer {day}")
    timeline = client.get(f"/deelnemers/{participant.id}?tab=tijdlijn").text.split('id="tijdlijn-kop"')[1]
    assert "Actie nummer 12" in timeline and "Actie nummer 4" not in timeline and "Meer laden" in timeline
    fragment = client.get(f"/deelnemers/{participant.id}/tijdlijn?pagina=2", headers=htmx_headers)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Actie nummer 4" in fragment.text and "Actie nummer 12" not in fragment.text
    assert "Meer laden" not in fragment.text
    full = client.get(f"/deelnemers/{participant.id}/tijdlijn?pagina=2")
    assert "<html" in full.text and "Actie nummer 4" in full.text


# --------------------------------------------------------------------------- workflow over HTTP


def test_status_move_over_http_is_dated_and_attributed(client, coach):
    participant = make_participant(status="aangemeld")
    page = client.get(f"/deelnemers/{participant.id}/status?naar=intake")
    assert page.status_code == 200 and "Naar intake" in page.text
    response = client.post(
        f"/deelnemers/{participant.id}/status", data={"to_status": "intake", "on": TODAY.isoformat()}
    )
    assert response.status_code == 303
    assert db.session.get(Participant, participant.id).status == "intake"
    change = db.session.scalar(select(StatusChange))
    assert change.changed_by_id == coach.id and change.changed_on == TODAY


def test_refused_move_over_http_is_422(client, coach):
    participant = make_participant(status="aangemeld")
    response = client.post(
        f"/deelnemers/{participant.id}/status",
        data={"to_status": "afgerond", "on": TODAY.isoformat(), "outcome": "zorg"},
    )
    assert response.status_code == 422 and "kan niet" in response.text
    assert db.session.get(Participant, participant.id).status == "aangemeld"


def test_closing_asks_for_a_final_assessment(client, coach):
    participant = make_participant(status="actief")
    response = client.post(
        f"/deelnemers/{participant.id}/status",
        data={"to_status": "afgerond", "on": TODAY.isoformat(), "outcome": "betaald_werk", "note": "Bij Stork"},
    )
    assert response.status_code == 303
    assert "/metingen/nieuw?soort=eind" in response.headers["Location"]
    form = client.get(response.headers["Location"])
    assert "eindmeting" in form.text
    assert 'selected value="eind"' in form.text
    missing = client.post(
        f"/deelnemers/{make_participant(status='actief').id}/status",
        data={"to_status": "afgerond", "on": TODAY.isoformat()},
    )
    assert missing.status_code == 422 and "Kies de uitstroom" in missing.text


def test_extension_over_http(client, coach):
    participant = make_participant(start_date=date(2026, 1, 1), end_date=date(2027, 1, 1))
    refused = client.post(f"/deelnemers/{participant.id}/verlengen", data={"new_end": "2027-03-01", "reason": ""})
    assert refused.status_code == 422
    ok = client.post(f"/deelnemers/{participant.id}/verlengen", data={"new_end": "2027-03-01", "reason": "Ziekte"})
    assert ok.status_code == 303
    assert db.session.get(Participant, participant.id).end_date == date(2027, 3, 1)


# --------------------------------------------------------------------------- ZRM


def zrm_data(**overrides):
    data = {f"zrm_{d}": "3" for d in __import__("models").ZRM_DOMAINS}
    data.update({"assessed_on": TODAY.isoformat(), "kind": "intake", "ladder_rung": "2", "growth_rung": "4"})
    data.update(overrides)
    return data


def test_assessment_needs_every_domain_scored_or_explicitly_not(client, coach):
    participant = make_participant()
    response = client.post(f"/deelnemers/{participant.id}/metingen/nieuw", data=zrm_data(zrm_justitie=""))
    assert response.status_code == 422 and "Kies een score of" in response.text
    response = client.post(f"/deelnemers/{participant.id}/metingen/nieuw", data=zrm_data(zrm_justitie="ng"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/deelnemers/{participant.id}?tab=metingen#zrm")
    page = client.get(f"/deelnemers/{participant.id}?tab=metingen").text
    assert "n.g." in page


def test_assessment_rejects_bad_values(client, coach):
    participant = make_participant()
    for bad in [
        {"zrm_financien": "7"},
        {"ladder_rung": "9"},
        {"growth_rung": "1", "ladder_rung": "3"},
        {"assessed_on": "2999-01-01"},
    ]:
        response = client.post(f"/deelnemers/{participant.id}/metingen/nieuw", data=zrm_data(**bad))
        assert response.status_code == 422, bad


# --------------------------------------------------------------------------- goals and actions


def test_goal_create_and_inline_status_change(client, coach, htmx_headers):
    participant = make_participant()
    response = client.post(
        f"/deelnemers/{participant.id}/doelen/nieuw",
        data={"domain": "huisvesting", "description": "Eigen kamer vinden", "target_date": "2026-12-01"},
    )
    assert response.status_code == 303
    goal = db.session.scalar(select(Goal))
    fragment = client.post(
        f"/deelnemers/doelen/{goal.id}/status", data={f"doel{goal.id}-status": "bezig"}, headers=htmx_headers
    )
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert f'id="doel-{goal.id}"' in fragment.text and "Bezig" in fragment.text
    assert db.session.get(Goal, goal.id).status == "bezig"
    plain = client.post(f"/deelnemers/doelen/{goal.id}/status", data={f"doel{goal.id}-status": "behaald"})
    assert plain.status_code == 303
    bad = client.post(f"/deelnemers/doelen/{goal.id}/status", data={f"doel{goal.id}-status": "weg"})
    assert bad.status_code == 422 and "<html" in bad.text
    assert db.session.get(Goal, goal.id).status == "behaald"


def test_actions_by_partner_and_toggle(client, coach, htmx_headers):
    org = make_org("Leerwerkloket Twente", "leerwerkloket")
    participant = make_participant()
    goal = make_goal(participant)
    response = client.post(
        f"/deelnemers/doelen/{goal.id}/acties",
        data={
            f"actie{goal.id}-description": "Loopbaanadvies",
            f"actie{goal.id}-who": f"partner-{org.id}",
            f"actie{goal.id}-due_date": "2026-10-01",
        },
        headers=htmx_headers,
    )
    assert response.status_code == 200 and "Loopbaanadvies" in response.text and "Leerwerkloket Twente" in response.text
    # The form stays open with a spoken confirmation; the button keeps its id, so htmx puts focus back on it.
    assert '<details class="new-action" open>' in response.text
    assert 'role="status">Actie toegevoegd: Loopbaanadvies.' in response.text
    assert f'id="doel-{goal.id}-actie-opslaan"' in response.text
    action = db.session.scalar(select(Action))
    assert action.who == "partner" and action.organisation_id == org.id
    toggled = client.post(f"/deelnemers/acties/{action.id}/klaar", headers=htmx_headers)
    assert toggled.status_code == 200 and "Gedaan" in toggled.text
    assert db.session.get(Action, action.id).done
    bad = client.post(
        f"/deelnemers/doelen/{goal.id}/acties", data={f"actie{goal.id}-who": "partner-999"}, headers=htmx_headers
    )
    assert bad.status_code == 422 and "Beschrijf de actie." in bad.text


# --------------------------------------------------------------------------- conversations and the no-show rule


def post_conversation(client, participant, when, attendance, **extra):
    data = {"held_at": when.strftime("%Y-%m-%dT%H:%M"), "kind": "voortgangsgesprek", "attendance": attendance, **extra}
    return client.post(f"/deelnemers/{participant.id}/gesprekken/nieuw", data=data)


def test_two_no_shows_in_a_row_mark_opvolging_nodig_until_attended(client, coach):
    participant = make_participant()
    base = datetime.now() - timedelta(days=20)
    assert post_conversation(client, participant, base, "niet_verschenen").status_code == 303
    assert not db.session.get(Participant, participant.id).needs_followup
    post_conversation(client, participant, base + timedelta(days=2), "afgemeld", cancel_reason="Ziek")
    post_conversation(client, participant, base + timedelta(days=4), "niet_verschenen")
    assert db.session.get(Participant, participant.id).needs_followup
    assert "Opvolging nodig" in client.get(f"/deelnemers/{participant.id}").text
    assert "Opvolging nodig" in client.get("/deelnemers/?opvolging=y").text
    post_conversation(client, participant, base + timedelta(days=8), "verschenen", summary="Weer in gesprek")
    assert not db.session.get(Participant, participant.id).needs_followup


def test_editing_a_planned_conversation_to_no_show_updates_the_flag(client, coach):
    participant = make_participant()
    past = utcnow() - timedelta(days=3)
    make_conversation(participant, past - timedelta(days=7), "niet_verschenen")
    planned = make_conversation(participant, past, "gepland")
    page = client.get(f"/deelnemers/gesprekken/{planned.id}/bewerken")
    assert page.status_code == 200
    local = (datetime.now() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/deelnemers/gesprekken/{planned.id}/bewerken",
        data={"held_at": local, "kind": "huisbezoek", "attendance": "niet_verschenen"},
    )
    assert response.status_code == 303
    assert db.session.get(Participant, participant.id).needs_followup


def test_conversation_validation(client, coach):
    participant = make_participant()
    future = datetime.now() + timedelta(days=3)
    response = post_conversation(client, participant, future, "verschenen")
    assert response.status_code == 422 and "nog &#39;gepland&#39;" in response.text
    response = post_conversation(client, participant, datetime.now() - timedelta(days=1), "afgemeld")
    assert response.status_code == 422 and "Vul de reden van afmelden in." in response.text
    assert db.session.scalar(select(Conversation)) is None


# --------------------------------------------------------------------------- coach start page


def test_coach_start_page_sections(client, coach):
    now = utcnow()
    followup = make_participant(
        first_name="Fleur", last_name="Opvolg", coach_id=coach.id, needs_followup=True, status="actief"
    )
    quiet = make_participant(
        first_name="Quinten", last_name="Stil", coach_id=coach.id, status="actief", created_at=now - timedelta(days=60)
    )
    make_conversation(quiet, now - timedelta(days=40), "verschenen")
    late = make_participant(first_name="Lars", last_name="Laat", coach_id=coach.id, status="actief", created_at=now)
    make_action(make_goal(late), due_date=TODAY - timedelta(days=2))
    fine = make_participant(
        first_name="Fien",
        last_name="Prima",
        coach_id=coach.id,
        status="actief",
        created_at=now,
        end_date=TODAY + timedelta(days=10),
    )
    make_conversation(fine, now, "verschenen")
    other_coach = make_user("coach")
    make_participant(
        first_name="Niet", last_name="Van Mij", coach_id=other_coach.id, needs_followup=True, status="actief"
    )
    text = client.get("/start/coach").text
    assert "Mijn deelnemers (4)" in text
    assert "Fleur Opvolg" in text and "Quinten Stil" in text and "Lars Laat" in text
    assert "Langer dan 4 weken geen contact" in text and "1 actie over de streefdatum" in text
    assert "Niet Van Mij" not in text
    attention = text.split('id="aandacht-kop"')[1].split('id="einde-kop"')[0]
    assert "Fien Prima" not in attention
    ending = text.split('id="einde-kop"')[1].split('id="week-kop"')[0]
    assert "Fien Prima" in ending
    week = text.split('id="week-kop"')[1]
    assert "Fien Prima" in week
    assert followup.id


# --------------------------------------------------------------------------- fixed query counts


def measure(client, url):
    client.get(url)  # warm up (first request compiles templates)
    with count_queries() as n:
        assert client.get(url).status_code == 200
    return n()


def test_list_uses_the_same_number_of_queries_at_10_and_1000(client, coach):
    bulk_participants(10, coach.id)
    small = measure(client, "/deelnemers/?sort=naam")
    bulk_participants(990, coach.id)
    large = measure(client, "/deelnemers/?sort=naam")
    assert small == large


def test_file_and_start_page_use_the_same_number_of_queries_at_10_and_1000(client, coach):
    participant = make_full_file(coach=coach)
    bulk_participants(9, coach.id)
    small = measure(client, f"/deelnemers/{participant.id}"), measure(client, "/start/coach")
    bulk_participants(990, coach.id)
    large = measure(client, f"/deelnemers/{participant.id}"), measure(client, "/start/coach")
    assert small == large


def test_case_file_links_to_the_contract_or_offers_to_draft_one(client, login_as):
    from tests.factories_contracts import make_sent, make_world

    login_as("coach")
    fresh = make_participant(status="aangemeld")
    assert "Nog geen contract" in client.get(f"/deelnemers/{fresh.id}").text  # the overview
    page = client.get(f"/deelnemers/{fresh.id}?tab=contract")
    assert "Nog geen contract." in page.text
    assert f"/contracten/nieuw?deelnemer={fresh.id}" in page.text

    world = make_world()
    contract, version, _ = make_sent(world)
    page = client.get(f"/deelnemers/{contract.participant_id}?tab=contract")
    assert f"/contracten/{contract.id}" in page.text
    assert contract.reference in page.text


def test_coach_corrects_contact_details_and_bad_input_is_refused(client, login_as):
    coach = login_as("coach")
    other_coach = make_user("coach", name="Mehmet Kaya")
    participant = make_participant(coach_id=coach.id, phone="0612345678")
    page = client.get(f"/deelnemers/{participant.id}/gegevens")
    assert page.status_code == 200 and 'value="0612345678"' in page.text
    assert f"/deelnemers/{participant.id}/gegevens" in client.get(f"/deelnemers/{participant.id}").text

    bad = {"first_name": "", "last_name": "Jong", "phone": "<script>", "highest_education": "mbo1", "coach_id": "x"}
    refused = client.post(f"/deelnemers/{participant.id}/gegevens", data=bad)
    assert refused.status_code == 422
    assert "Vul een geldig telefoonnummer in." in refused.text
    assert db.session.get(Participant, participant.id).phone == "0612345678"

    good = {
        "first_name": "Sanne",
        "last_name": "de Jong",
        "email": "sanne@voorbeeld.nl",
        "phone": "06 87654321",
        "address": "Marktstraat 1, Hengelo",
        "highest_education": bad["highest_education"],
        "coach_id": str(other_coach.id),
        "date_of_birth": "1990-01-01",  # not part of this form: ignored
    }
    saved = client.post(f"/deelnemers/{participant.id}/gegevens", data=good)
    assert saved.status_code == 303
    updated = db.session.get(Participant, participant.id)
    assert (updated.phone, updated.coach_id, updated.email) == ("06 87654321", other_coach.id, "sanne@voorbeeld.nl")
    assert updated.date_of_birth == date(2001, 5, 17)
    change = db.session.scalar(
        select(AuditLog).where(AuditLog.object_type == "participant", AuditLog.action == "update")
    )
    assert change.changes["phone"] == ["0612345678", "06 87654321"]
