"""Loose ends when a file closes (issue #17 point 5, the listing): every kind is found, and only open ones."""

from datetime import datetime, timedelta

from blueprints.youths import closing
from models import db, utcnow
from tests.factories_budget import make_request, make_year
from tests.factories_contracts import make_sent, make_world
from tests.factories_partners import make_commitment
from tests.factories_youths import make_conversation


def test_every_kind_of_loose_end_is_listed_and_closed_ones_are_not(app):
    make_year(2026)
    world = make_world()
    participant, coach = world["participant"], world["coach"]
    _contract, _version, _token = make_sent(world)  # one working signing link
    waiting = make_request(participant=participant, coach=coach)
    make_request(participant=participant, coach=coach, status="goedgekeurd")
    org = world["partners"][0]
    open_commitment = make_commitment(org, participant)
    make_commitment(org, participant, status="nagekomen")
    planned = make_conversation(participant, utcnow() + timedelta(days=3), attendance="gepland")
    make_conversation(participant, datetime(2026, 9, 1, 9), attendance="verschenen")
    participant.needs_followup = True
    db.session.commit()

    ends = closing.loose_ends(participant)
    assert [r.id for r in ends.requests] == [waiting.id]
    assert [c.id for c in ends.commitments] == [open_commitment.id]
    assert [c.id for c in ends.conversations] == [planned.id]
    assert len(ends.links) == 1 and ends.needs_followup
    assert ends.count == 5
    # An expired link is no loose end any more.
    assert closing.loose_ends(participant, now=ends.links[0].expires_at + timedelta(seconds=1)).links == []


def test_a_file_without_loose_ends(app):
    world = make_world()
    assert closing.loose_ends(world["participant"]).count == 0


def test_the_closing_form_shows_the_loose_ends(client, login_as):
    coach = login_as("coach")
    make_year(2026)
    world = make_world(participant_kw={"status": "actief", "coach_id": coach.id})
    participant = world["participant"]
    make_request(participant=participant, coach=coach)
    make_conversation(participant, utcnow() + timedelta(days=3), attendance="gepland")
    page = client.get(f"/deelnemers/{participant.id}/status?naar=afgerond")
    assert page.status_code == 200
    assert "Dit staat nog open" in page.text
    assert "1 maatwerkaanvraag wacht op een besluit" in page.text and "1 gesprek staat nog gepland" in page.text
    calm = client.get(f"/deelnemers/{participant.id}/status?naar=intake")
    assert "Dit staat nog open" not in calm.text
