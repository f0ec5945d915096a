"""Undo a mistake: removed items leave every list and figure, come back on restore, and the audit keeps all."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from blueprints.mijn.home import home, own_action, own_conversation
from blueprints.mijn.reminders import claim, due_ids
from blueprints.removal import rules
from blueprints.reports.figures import Filters, no_shows, no_shows_by_reminder
from blueprints.youths import queries
from models import INCLUDE_REMOVED, Action, AuditLog, Conversation, Document, Goal, Participant, db, utcnow
from tests.conftest import make_participant, make_user
from tests.factories_documents import make_document
from tests.factories_youths import make_action, make_conversation, make_goal

NO_SHOW = "niet_verschenen"


def fresh(participant) -> Participant:
    db.session.expire_all()
    return db.session.get(Participant, participant.id)


def shown(model, object_id) -> bool:
    """Would a request find it? (A query, not the test session's identity map.)"""
    return db.session.scalars(select(model).where(model.id == object_id)).first() is not None


def two_no_shows():
    participant = make_participant()
    first = make_conversation(participant, datetime(2026, 9, 2, 9), attendance=NO_SHOW)
    second = make_conversation(participant, datetime(2026, 9, 9, 9), attendance=NO_SHOW)
    from blueprints.youths.followup import refresh_followup

    refresh_followup(participant)
    db.session.commit()
    return participant, first, second


# --------------------------------------------------------------------------- rules, without HTTP


def test_a_removed_conversation_leaves_the_file_the_figures_and_the_follow_up_rule_and_comes_back(app):
    coach = make_user("coach")
    coach_id = coach.id
    participant, first, second = two_no_shows()
    pid, first_id, second_id = participant.id, first.id, second.id
    assert fresh(participant).needs_followup is True
    assert no_shows(Filters(), 1).part == 1
    assert no_shows_by_reminder(Filters()).without_reminder.part == 2

    rules.remove(db.session, second, coach, "Bij de verkeerde deelnemer ingevoerd")
    db.session.commit()
    participant = fresh(participant)
    assert participant.needs_followup is False  # one no-show left: no follow-up
    assert [c.id for c in queries.load_case_file(participant).conversations] == [first_id]
    assert no_shows(Filters(), 1).part == 0
    assert no_shows(Filters(year=2026), 1).part == 0
    assert no_shows_by_reminder(Filters()).without_reminder.part == 1
    assert own_conversation(participant, second_id) is None  # Mijn Perspectiefjaar
    db.session.expunge_all()  # a request starts with an empty session
    assert db.session.get(Conversation, second_id) is None  # so a removed id is a 404 everywhere
    # Still held, for beheer and the audit.
    kept = db.session.get(Conversation, second_id, execution_options=INCLUDE_REMOVED)
    assert kept.removed_reason == "Bij de verkeerde deelnemer ingevoerd" and kept.removed_by_id == coach_id

    rules.restore(db.session, kept, make_user("beheer"))
    db.session.commit()
    participant = db.session.get(Participant, pid)
    assert participant.needs_followup is True
    assert no_shows(Filters(), 1).part == 1
    assert [c.id for c in queries.load_case_file(participant).conversations] == [second_id, first_id]
    actions = db.session.scalars(
        select(AuditLog.action).where(AuditLog.object_type == "conversation", AuditLog.object_id == second_id)
    ).all()
    assert {"remove", "restore"} <= set(actions)
    flags = db.session.scalars(
        select(AuditLog.action).where(AuditLog.object_type == "participant", AuditLog.object_id == pid)
    ).all()
    assert flags.count("opvolging_nodig") == 2 and flags.count("opvolging_klaar") == 1


def test_a_goal_goes_with_its_actions_and_comes_back_with_them_but_not_with_one_removed_earlier(app):
    coach = make_user("coach")
    participant = make_participant()
    goal = make_goal(participant)
    keep = make_action(goal, "Cv maken", due_date=date(2026, 1, 1))
    earlier = make_action(goal, "Verkeerd ingevoerd")
    rules.remove(db.session, earlier, coach, "Dubbel")
    db.session.commit()
    rules.remove(db.session, goal, coach, "Verkeerd doel")
    db.session.commit()

    assert queries.goals_of(participant.id) == []
    assert home(fresh(participant)).goals == []
    overdue = db.session.execute(select(func.count()).select_from(queries.overdue_subquery(date(2026, 6, 1)))).scalar()
    assert overdue == 0
    kept = db.session.get(Action, keep.id, execution_options=INCLUDE_REMOVED)
    assert kept.removed_reason == "Verkeerd doel"
    # Beheer's list shows the goal only: its actions can come back only with it.
    assert {(item.kind, item.obj.id) for item in rules.removed_items(db.session)} == {("doel", goal.id)}
    with pytest.raises(rules.NotRestorable):
        rules.restore(db.session, kept, make_user("beheer"))

    db.session.rollback()
    rules.restore(db.session, db.session.get(Goal, goal.id, execution_options=INCLUDE_REMOVED), make_user("beheer"))
    db.session.commit()
    (back,) = queries.goals_of(participant.id)
    assert [a.id for a in back.actions] == [keep.id]
    assert {(item.kind, item.obj.id) for item in rules.removed_items(db.session)} == {("actie", earlier.id)}


def test_a_removed_planned_conversation_gets_no_reminder_even_if_it_was_picked_before(app):
    participant = make_participant(email="sanne@example.test")
    now = utcnow()
    planned = make_conversation(participant, now + timedelta(hours=20), attendance="gepland")
    assert due_ids(now) == [planned.id]
    rules.remove(db.session, planned, make_user("coach"), "Dubbel gepland")
    db.session.commit()
    assert due_ids(now) == []
    assert claim(planned.id, now) is False  # a run that listed it before the removal does not claim it


def test_the_coach_start_page_and_the_portal_forget_a_removed_conversation(app):
    coach = make_user("coach")
    participant = make_participant(coach_id=coach.id)
    now = utcnow()
    planned = make_conversation(participant, now + timedelta(hours=2), attendance="gepland")
    today = now.date()
    assert [c.id for c, _p in queries.coach_overview(coach.id, today, now).this_week] == [planned.id]
    assert [c.id for c in home(participant, now).appointments] == [planned.id]
    rules.remove(db.session, planned, coach, "Fout")
    db.session.commit()
    assert queries.coach_overview(coach.id, today, now).this_week == []
    assert home(fresh(participant), now).appointments == []


def test_a_participant_cannot_tick_an_action_that_was_removed(app):
    participant = make_participant()
    action = make_action(make_goal(participant))
    rules.remove(db.session, action, make_user("coach"), "Fout")
    db.session.commit()
    assert own_action(participant, action.id) is None


# --------------------------------------------------------------------------- HTTP: coach removes, beheer restores


def test_coach_removes_with_a_reason_and_beheer_restores_after_confirming(client, login_as):
    coach = login_as("coach")
    participant = make_participant()
    conversation = make_conversation(participant, datetime(2026, 9, 2, 9), summary="Per ongeluk")
    url = f"/verwijderen/gesprek/{conversation.id}"
    page = client.get(url)
    assert page.status_code == 200 and "Gesprek verwijderen?" in page.get_data(as_text=True)
    empty = client.post(url, data={"reason": "  "})
    assert empty.status_code == 422 and "Schrijf op waarom" in empty.get_data(as_text=True)
    done = client.post(url, data={"reason": "Bij de verkeerde deelnemer"})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/deelnemers/{participant.id}?tab=gesprekken")
    assert client.get(url).status_code == 404  # already removed
    assert "Per ongeluk" not in client.get(f"/deelnemers/{participant.id}").get_data(as_text=True)

    login_as("beheer")
    listing = client.get("/beheer/verwijderd").get_data(as_text=True)
    assert "Bij de verkeerde deelnemer" in listing and coach.name in listing and participant.full_name in listing
    assert "Per ongeluk" not in listing  # beheer sees what and why, not the case content
    restore_url = f"/beheer/verwijderd/gesprek/{conversation.id}"
    confirm = client.get(restore_url)
    assert confirm.status_code == 200 and "Ja, terugzetten" in confirm.get_data(as_text=True)
    assert not shown(Conversation, conversation.id)  # the confirmation page changed nothing
    assert client.post(restore_url).status_code == 303
    assert shown(Conversation, conversation.id)
    assert client.get(restore_url).status_code == 404
    assert "Er is niets verwijderd." in client.get("/beheer/verwijderd").get_data(as_text=True)


def test_a_document_removed_is_gone_from_download_and_restored_it_is_back(client, login_as):
    coach = login_as("coach")
    document = make_document(make_participant(), coach)
    assert client.post(f"/verwijderen/document/{document.id}", data={"reason": "Verkeerd bestand"}).status_code == 303
    assert client.get(f"/documenten/{document.id}/download").status_code == 404
    login_as("beheer")
    assert client.post(f"/beheer/verwijderd/document/{document.id}").status_code == 303
    login_as(user=coach)
    assert client.get(f"/documenten/{document.id}/download").status_code == 200
    assert db.session.scalar(select(Document.removed_at).where(Document.id == document.id)) is None


@pytest.mark.parametrize("role", ["financien", "partner"])
def test_only_coaches_remove_case_items(client, login_as, role):
    conversation = make_conversation(make_participant(), datetime(2026, 9, 2, 9))
    login_as(role)
    status = client.post(f"/verwijderen/gesprek/{conversation.id}", data={"reason": "x"}).status_code
    assert status in (403, 404)
    assert shown(Conversation, conversation.id)


def test_finance_removes_only_a_document_it_uploaded_itself(client, login_as):
    from tests.factories_budget import make_request, make_year

    make_year(2026)
    request = make_request()
    finance = login_as("financien")
    own = make_document(request.participant, finance, kind="factuur", maatwerk=request)
    other = make_document(request.participant, make_user("coach"), kind="offerte", maatwerk=request)
    assert client.post(f"/verwijderen/document/{other.id}", data={"reason": "x"}).status_code == 404
    assert client.post(f"/verwijderen/document/{own.id}", data={"reason": "Dubbel"}).status_code == 303


def test_unknown_kinds_and_ids_are_404(client, login_as):
    login_as("coach")
    assert client.get("/verwijderen/deelnemer/1").status_code == 404
    assert client.get("/verwijderen/gesprek/999999").status_code == 404
    login_as("beheer")
    assert client.get("/beheer/verwijderd/doel/999999").status_code == 404


def test_the_file_offers_removal_of_conversations_goals_and_actions(client, login_as):
    login_as("coach")
    participant = make_participant()
    conversation = make_conversation(participant, datetime(2026, 9, 2, 9))
    goal = make_goal(participant)
    action = make_action(goal)
    talks = client.get(f"/deelnemers/{participant.id}?tab=gesprekken").get_data(as_text=True)
    assert f"/verwijderen/gesprek/{conversation.id}" in talks
    plan = client.get(f"/deelnemers/{participant.id}?tab=plan").get_data(as_text=True)
    assert f"/verwijderen/doel/{goal.id}" in plan and f"/verwijderen/actie/{action.id}" in plan
