"""The coach's start page keeps its loose ends (questions after the end, late commitments, contracts that wait)
per data version, coach and day (home/views.coach_loose_ends); the caseload above them stays live. A kept part
is never another coach's, never older than the data, and a new day makes a commitment late."""

from datetime import date, timedelta

from models import Commitment, Participant, db
from tests.conftest import count_queries, make_org, make_user, without_tokens
from tests.factories_contracts import make_sent, make_world, party, sign
from tests.factories_partners import make_commitment


def _overdue_section(page: str) -> str:
    return page.split('id="te-late-toezeggingen"')[1].split("</section>")[0]


def test_the_loose_ends_are_kept_per_coach_and_follow_every_change(client, login_as, monkeypatch):
    world = make_world()
    coach = world["coach"]
    other = make_user("coach", name="Anne Ander")
    login_as(user=coach)
    contract, version, _ = make_sent(world)
    roc = make_org("Werkplaats Hengelo", "werkgever")
    commitment = make_commitment(roc, world["participant"], due_date=date.today() + timedelta(days=1))

    page = client.get("/start/coach").text
    assert "wacht op 3 van 3 handtekening(en)" in page
    assert "Geen te late toezeggingen" in _overdue_section(page)
    with count_queries() as warm:
        assert without_tokens(client.get("/start/coach").text) == without_tokens(page)
    sign(version, party(version, "deelnemer"), name="Sanne de Jong")
    db.session.commit()
    assert "wacht op 2 van 3 handtekening(en)" in client.get("/start/coach").text

    class DayAfterTomorrow(date):
        @classmethod
        def today(cls):
            return date.today() + timedelta(days=2)

    monkeypatch.setattr("blueprints.home.views.date", DayAfterTomorrow)
    assert "Werkplaats Hengelo" in _overdue_section(client.get("/start/coach").text)
    db.session.get(Commitment, commitment.id).status = "nagekomen"
    db.session.commit()
    assert "Geen te late toezeggingen" in _overdue_section(client.get("/start/coach").text)

    login_as(user=other)  # another coach: never the first coach's kept part
    theirs = client.get("/start/coach").text
    assert contract.reference not in theirs and "Er wachten geen contracten op handtekeningen" in theirs
    assert warm() < 13  # from memory: no lists of contracts, commitments or questions read again


def test_a_participant_name_shows_at_once_in_the_kept_part(client, login_as):
    world = make_world()
    login_as(user=world["coach"])
    make_sent(world)
    assert "Sanne de Jong (" in client.get("/start/coach").text
    db.session.get(Participant, world["participant"].id).first_name = "Susan"
    db.session.commit()
    assert "Susan de Jong (" in client.get("/start/coach").text
