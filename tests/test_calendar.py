"""Calendar (issue #19.6): week and month views on Dutch days, planning from a day, the coach's iCalendar feed."""

from datetime import datetime, timedelta

from icalendar import Calendar

from blueprints.calendar import agenda, feed
from blueprints.mijn.ics import place
from models import CalendarFeed, Conversation, db, utcnow
from tests.conftest import count_queries, make_participant, make_user
from tests.factories_youths import make_conversation


def _conversation(participant, coach, held_at, **kw):
    return make_conversation(participant, held_at, attendance=kw.pop("attendance", "gepland"), coach_id=coach.id, **kw)


def test_the_week_puts_conversations_on_dutch_days_mine_or_everyones(client, login_as):
    coach = login_as("coach")
    other = make_user("coach", name="Andere Coach")
    mine = make_participant(first_name="Mila", last_name="Visser", coach_id=coach.id, status="actief")
    theirs = make_participant(first_name="Omar", last_name="Smit", coach_id=other.id, status="actief")
    # Sunday 6 Dec 23:30 UTC is Monday 7 Dec 00:30 in Hengelo: Monday's, in the week of 7 December.
    _conversation(mine, coach, datetime(2026, 12, 6, 23, 30))
    _conversation(theirs, other, datetime(2026, 12, 8, 9, 0))
    _conversation(mine, coach, datetime(2026, 12, 14, 9, 0))  # next week
    days = agenda.days_with_conversations(agenda.week_days(datetime(2026, 12, 9).date()), coach.id)
    assert [len(d.conversations) for d in days] == [1, 0, 0, 0, 0, 0, 0]
    everyone = agenda.days_with_conversations(agenda.week_days(datetime(2026, 12, 9).date()), None)
    assert [len(d.conversations) for d in everyone] == [1, 1, 0, 0, 0, 0, 0]

    page = client.get("/agenda/week?datum=2026-12-09")
    assert page.status_code == 200
    assert "maandag 7 december" in page.text and "00:30" in page.text and "Mila Visser" in page.text
    assert "Omar Smit" not in page.text
    all_page = client.get("/agenda/week?datum=2026-12-09&wie=iedereen")
    assert "Omar Smit" in all_page.text and "Andere Coach" in all_page.text
    month = client.get("/agenda/maand?datum=2026-12-20")
    assert month.status_code == 200 and "december 2026" in month.text
    assert month.text.count("Mila Visser") == 2 and "Omar Smit" not in month.text
    # Bad input: an odd or far date falls back to today, never a 500.
    assert client.get("/agenda/week?datum=2026-02-31").status_code == 200
    far = client.get("/agenda/maand?datum=9999-01-01&wie=alles")
    assert far.status_code == 200 and "Die datum kunnen we niet tonen" in far.text


def test_a_view_loads_in_a_fixed_number_of_queries(client, login_as):
    coach = login_as("coach")
    participant = make_participant(coach_id=coach.id, status="actief")
    _conversation(participant, coach, datetime(2026, 12, 8, 9, 0))
    for url in ("/agenda/week?datum=2026-12-08&wie=iedereen", "/agenda/maand?datum=2026-12-08&wie=iedereen"):
        with count_queries() as few:
            assert client.get(url).status_code == 200
        for day in range(9, 14):
            other = make_participant(coach_id=make_user("coach").id, status="actief")
            _conversation(other, other.coach, datetime(2026, 12, day, 10, 0))
        with count_queries() as many:
            assert client.get(url).status_code == 200
        assert few() == many(), url


def test_planning_from_a_day_opens_the_conversation_form_with_the_date(client, login_as):
    coach = login_as("coach")
    participant = make_participant(first_name="Mila", coach_id=coach.id, status="actief")
    page = client.get("/agenda/plannen?datum=2026-12-10")
    assert page.status_code == 200 and participant.full_name in page.text
    none_chosen = client.get("/agenda/plannen?datum=2026-12-10&tijd=10:00&deelnemer=")
    assert none_chosen.status_code == 422 and "Kies een deelnemer." in none_chosen.text
    bad_time = client.get(f"/agenda/plannen?datum=2026-12-10&tijd=25:99&deelnemer={participant.id}")
    assert bad_time.status_code == 422
    chosen = client.get(f"/agenda/plannen?datum=2026-12-10&tijd=14:30&deelnemer={participant.id}")
    assert chosen.status_code == 302
    assert chosen.headers["Location"].endswith(f"/deelnemers/{participant.id}/gesprekken/nieuw?op=2026-12-10T14:30")
    form = client.get(chosen.headers["Location"])
    assert 'value="2026-12-10T14:30"' in form.text


def test_the_feed_holds_the_coachs_own_conversations_and_dies_when_revoked(client, login_as):
    coach = login_as("coach")
    other = make_user("coach")
    participant = make_participant(first_name="Mila", last_name="Visser", coach_id=coach.id, status="actief")
    planned = _conversation(participant, coach, datetime(2026, 12, 10, 9, 0), location="Stadhuis")
    cancelled = _conversation(participant, coach, datetime(2026, 12, 11, 9, 0), attendance="afgemeld", ics_sequence=2)
    _conversation(make_participant(first_name="Omar", coach_id=other.id), other, datetime(2026, 12, 10, 11, 0))
    assert "Link maken" in client.get("/agenda/koppeling").text
    made = client.post("/agenda/koppeling/nieuw")
    assert made.status_code == 200 and "/agenda/feed/" in made.text
    token = made.text.split("/agenda/feed/")[1].split(".ics")[0]
    stored = db.session.query(CalendarFeed).one()
    assert stored.token_hash == feed.token_hash(token) and token not in stored.token_hash

    response = client.get(f"/agenda/feed/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = {str(e["UID"]): e for e in Calendar.from_ical(response.data).walk("VEVENT")}
    [timezone] = Calendar.from_ical(response.data).walk("VTIMEZONE")  # Europe/Amsterdam, no English comment in it
    assert str(timezone["TZID"]) == "Europe/Amsterdam" and "COMMENT" not in timezone
    assert set(events) == {
        f"gesprek-{planned.id}@perspectiefjaar.hengelo.nl",
        f"gesprek-{cancelled.id}@perspectiefjaar.hengelo.nl",
    }
    first = events[f"gesprek-{planned.id}@perspectiefjaar.hengelo.nl"]
    assert first.decoded("DTSTART").isoformat() == "2026-12-10T10:00:00+01:00"  # 09:00 UTC, Dutch winter time
    assert str(first["STATUS"]) == "CONFIRMED" and str(first["SUMMARY"]) == "Voortgangsgesprek: Mila V."
    assert "Stadhuis" in str(first["LOCATION"])
    gone = events[f"gesprek-{cancelled.id}@perspectiefjaar.hengelo.nl"]
    assert str(gone["STATUS"]) == "CANCELLED" and int(gone["SEQUENCE"]) == 2

    # A new link revokes the old URL; revoking the new one leaves none working.
    again = client.post("/agenda/koppeling/nieuw")
    new_token = again.text.split("/agenda/feed/")[1].split(".ics")[0]
    assert client.get(f"/agenda/feed/{token}.ics").status_code == 404
    assert client.get(f"/agenda/feed/{new_token}.ics").status_code == 200
    assert client.post("/agenda/koppeling/intrekken").status_code == 303
    assert client.get(f"/agenda/feed/{new_token}.ics").status_code == 404
    assert client.get("/agenda/feed/onbekend.ics").status_code == 404


def test_finance_and_partners_have_no_calendar_and_a_former_coachs_feed_is_gone(client, login_as):
    coach = make_user("coach")
    token = feed.new_feed(coach)
    db.session.commit()
    for role in ("financien", "partner"):
        login_as(role)
        assert client.get("/agenda/week").status_code == 403
        assert client.post("/agenda/koppeling/nieuw").status_code == 403
    assert client.get(f"/agenda/feed/{token}.ics").status_code == 200
    coach.role = "financien"  # the account changed role: its feed shows nothing any more
    db.session.commit()
    assert client.get(f"/agenda/feed/{token}.ics").status_code == 404
    assert db.session.query(Conversation).count() == 0


def test_a_place_not_given_is_to_be_agreed_only_for_a_conversation_still_to_come():
    now = utcnow()
    assert place(Conversation(held_at=now + timedelta(days=2))) == "Wordt nog afgesproken"
    assert place(Conversation(held_at=now - timedelta(days=2))) == "Geen plaats vastgelegd"
    assert place(Conversation(held_at=now - timedelta(days=2), location="Stadhuis")) == "Stadhuis"
