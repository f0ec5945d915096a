"""Test factories for case files: participants with assessments, goals, actions and conversations."""

from datetime import date, datetime, timedelta

from sqlalchemy import insert

from blueprints.youths import coach_history, persons
from models import (
    ZRM_DOMAINS,
    Action,
    Assessment,
    Conversation,
    Goal,
    Participant,
    StatusChange,
    ZrmScore,
    db,
)
from tests.conftest import make_participant


def make_assessment(
    participant, on: date, score: int = 3, ladder: int = 2, growth: int = 4, kind="tussentijds", **overrides
):
    scores = {d: score for d in ZRM_DOMAINS}
    scores.update(overrides)
    assessment = Assessment(
        participant_id=participant.id,
        assessed_on=on,
        kind=kind,
        ladder_rung=ladder,
        growth_rung=growth,
        scores=[ZrmScore(domain=d, score=s) for d, s in scores.items()],
    )
    db.session.add(assessment)
    db.session.commit()
    return assessment


def make_goal(participant, domain="werk_opleiding", description="Een BBL-plek vinden", **kw):
    goal = Goal(participant_id=participant.id, domain=domain, description=description, **kw)
    db.session.add(goal)
    db.session.commit()
    return goal


def make_action(goal, description="Cv maken", who="deelnemer", due_date=None, done=False, organisation=None):
    action = Action(
        goal_id=goal.id, description=description, who=who, due_date=due_date, done=done, organisation=organisation
    )
    db.session.add(action)
    db.session.commit()
    return action


def make_conversation(participant, held_at: datetime, attendance="verschenen", kind="voortgangsgesprek", **kw):
    conversation = Conversation(participant_id=participant.id, held_at=held_at, attendance=attendance, kind=kind, **kw)
    db.session.add(conversation)
    db.session.commit()
    return conversation


def make_full_file(coach=None, **kw) -> Participant:
    """A participant with a bit of everything, so a file page touches every relation."""
    participant = make_participant(coach_id=coach.id if coach else None, **kw)
    db.session.add(StatusChange(participant_id=participant.id, to_status="aangemeld", changed_on=date(2026, 8, 1)))
    make_assessment(participant, date(2026, 8, 20), score=2, kind="intake")
    make_assessment(participant, date(2026, 11, 20), score=3, justitie=None)
    goal = make_goal(participant)
    make_action(goal, due_date=date(2026, 10, 1))
    make_conversation(participant, datetime(2026, 9, 1, 9), summary="Goed gesprek")
    return participant


def bulk_participants(count: int, coach_id: int | None = None) -> None:
    """Insert `count` participants in one statement (fast, for query-count tests)."""
    rows = [
        {
            "first_name": f"Deelnemer{i}",
            "last_name": f"Achternaam{i:05d}",
            "date_of_birth": date(2001, 1, 1) + timedelta(days=i % 300),
            "referral_source": "rmc",
            "coach_id": coach_id,
            "start_date": date(2026, 1, 1),
            "end_date": date(2027, 1, 1),
            "status": ["aangemeld", "intake", "actief", "afgerond", "uitgevallen"][i % 5],
            "has_startkwalificatie": False,
            "needs_followup": i % 7 == 0,
            "created_at": datetime(2026, 1, 1),
        }
        for i in range(count)
    ]
    db.session.execute(insert(Participant), rows)
    coach_history.open_first_periods()
    persons.give_persons_to_bulk_rows()
    db.session.commit()
