"""The participant list and the contracts list come from memory until their data changes, and are never stale.

The participant list's rows and its choice list of coaches are kept per version of the people scope
(youths/list_cache.py), bumped in the transaction of every change of a participant or an account; a change
elsewhere (a conversation) keeps them, a rolled-back change too, and a new day renders the days left again.
The contracts list is kept per version of all data (it reads contracts, versions, signatures and names).
"""

from datetime import date, datetime, timedelta

import pytest

from models import Participant, User, db
from tests.conftest import count_queries, make_participant, make_user, without_tokens
from tests.factories_youths import make_conversation


@pytest.fixture
def listed(client, login_as):
    coach = make_user("coach", name="Carla Coach")
    login_as(user=coach)
    participant = make_participant(first_name="Ada", last_name="Aalders", coach_id=coach.id)
    first = client.get("/deelnemers/")
    assert first.status_code == 200 and "Aalders, Ada" in first.text
    return coach, participant


def _list(client, path="/deelnemers/"):
    with count_queries() as n:
        response = client.get(path)
    assert response.status_code == 200
    return response.text, n()


def test_the_list_is_served_from_memory_while_nothing_changes(client, listed):
    page, cold = _list(client, "/deelnemers/?q=aal")  # built: the version, coaches, count, rows, the user
    again, warm = _list(client, "/deelnemers/?q=aal")
    assert without_tokens(again) == without_tokens(page) and "Aalders, Ada" in again
    assert warm == 2 < cold  # the user and the version only


def test_a_change_of_a_participant_shows_on_the_next_list(client, listed):
    _, participant = listed
    db.session.get(Participant, participant.id).first_name = "Adriana"
    db.session.commit()
    page, _ = _list(client)
    assert "Aalders, Adriana" in page and "Aalders, Ada<" not in page
    make_participant(first_name="Bo", last_name="Bakker")
    assert "Bakker, Bo" in _list(client)[0]
    assert "Bakker, Bo" in _list(client, "/deelnemers/?q=bakk")[0]


def test_a_new_coach_name_shows_in_the_rows_and_in_the_choice_list(client, listed):
    coach, _ = listed
    db.session.get(User, coach.id).name = "Carla de Vries"
    db.session.commit()
    page, _ = _list(client)
    assert page.count("Carla de Vries") >= 2  # the row's coach and the filter's option
    assert "Carla Coach" not in page.replace("Carla de Vries", "")


def test_a_change_elsewhere_or_a_rolled_back_change_keeps_the_list(client, listed):
    _, participant = listed
    make_conversation(participant, datetime(2026, 11, 2, 10, 0))
    page, warm = _list(client)
    assert warm == 2 and "Aalders, Ada" in page
    db.session.get(Participant, participant.id).first_name = "Niet opgeslagen"
    db.session.flush()
    db.session.rollback()
    page, warm = _list(client)
    assert warm == 2 and "Niet opgeslagen" not in page


def test_a_new_day_counts_the_days_left_again(client, listed, monkeypatch):
    _, participant = listed
    days = (participant.end_date - date.today()).days
    assert f"({days} dagen)" in _list(client)[0]

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return date.today() + timedelta(days=1)

    monkeypatch.setattr("blueprints.youths.views.date", Tomorrow)
    assert f"({days - 1} dagen)" in _list(client)[0]


def test_the_htmx_swap_is_the_cached_region_of_the_page(client, listed):
    page = client.get("/deelnemers/?status=actief").text
    fragment = client.get("/deelnemers/?status=actief", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and fragment.strip() in page


# --------------------------------------------------------------------------- the contracts list


def test_the_contracts_list_shows_every_change_and_is_kept_in_between(client, login_as):
    from tests.factories_contracts import make_sent, make_world, party, sign

    world = make_world()
    login_as(user=world["coach"])
    assert "Er zijn geen contracten" in client.get("/contracten/").text
    contract, version, _ = make_sent(world)
    page = client.get("/contracten/").text
    assert contract.reference in page and "0 van 3" in page
    with count_queries() as n:
        assert without_tokens(client.get("/contracten/").text) == without_tokens(page)
    assert n() == 2  # the user and the version

    sign(version, party(version, "deelnemer"), name="Sanne de Jong")
    db.session.commit()
    assert "1 van 3" in client.get("/contracten/").text
    db.session.get(Participant, world["participant"].id).last_name = "de Vries"
    db.session.commit()
    assert "Sanne de Vries" in client.get("/contracten/").text
    fragment = client.get("/contracten/?zoek=vries", headers={"HX-Request": "true"}).text
    assert contract.reference in fragment and "<html" not in fragment


def test_the_kept_filter_form_shows_the_urls_values_and_messages(client, listed):
    coach, _ = listed
    for _ in range(2):  # built, then from memory: the same values and the same message
        bad = client.get("/deelnemers/?status=onzin&q=aal")
        assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text and 'value="aal"' in bad.text
    good = client.get(f"/deelnemers/?coach={coach.id}").text
    assert f'<option selected value="{coach.id}">' in good and 'aria-invalid="true"' not in good
    assert 'value="aal"' not in good  # another URL, another form
