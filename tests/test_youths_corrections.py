"""Correcting an outcome (issue #17 point 4): the coach within 90 days of closing, later only beheer; the
audit log keeps before, after and the reason; an outcome date lies between the start and today."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from blueprints.youths import workflow
from models import AuditLog, Participant, StatusChange, db
from tests.conftest import make_participant, make_user
from tests.test_wtforms_ready import no_tuple_choices  # noqa: F401 (a fixture)

TODAY = date.today()
START = date(2026, 9, 1)


def closed_file(coach, outcome="betaald_werk", closed_days_ago=10, status="afgerond"):
    """A file closed `closed_days_ago` days ago (recorded then) with `outcome`."""
    participant = make_participant(status="actief", start_date=START)
    closed = TODAY - timedelta(days=closed_days_ago)
    kwargs = {"outcome": outcome} if status == "afgerond" else {"reason": "Wil niet meer"}
    workflow.change_status(participant, status, coach, max(closed, START), today=TODAY, note="Bij Stork", **kwargs)
    db.session.flush()
    change = db.session.scalar(select(StatusChange).where(StatusChange.participant_id == participant.id))
    change.created_at = datetime.combine(closed, datetime.min.time())
    db.session.commit()
    return participant


@pytest.fixture
def coach(app):
    return make_user("coach")


# --------------------------------------------------------------------------- rules, without HTTP


def test_an_outcome_before_the_start_is_refused_at_the_date(coach):
    participant = make_participant(status="actief", start_date=START)
    for target, kwargs in (("afgerond", {"outcome": "zorg"}), ("uitgevallen", {"reason": "Verhuisd"})):
        with pytest.raises(workflow.WorkflowError) as error:
            workflow.change_status(participant, target, coach, START - timedelta(days=1), today=TODAY, **kwargs)
        assert error.value.field == "on" and "01-09-2026" in str(error.value)
    assert participant.status == "actief" and participant.outcome is None
    workflow.change_status(participant, "afgerond", coach, START, outcome="zorg", today=TODAY)  # the start itself
    assert participant.outcome_date == START


def test_the_coach_corrects_category_date_and_note_with_a_reason(coach):
    participant = closed_file(coach)
    changes = workflow.correct_outcome(
        participant, coach, outcome="opleiding", on=START + timedelta(days=5), note=" ROC  ", reason="Verkeerd gekozen"
    )
    assert (participant.outcome, participant.outcome_date, participant.outcome_note) == (
        "opleiding",
        START + timedelta(days=5),
        "ROC",
    )
    assert changes["outcome"] == ("betaald_werk", "opleiding")
    db.session.commit()
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "correct_outcome"))
    assert entry.object_id == participant.id
    assert entry.changes["reden"] == [None, "Verkeerd gekozen"] or entry.changes["reden"] == (None, "Verkeerd gekozen")
    assert list(entry.changes["outcome"]) == ["betaald_werk", "opleiding"]
    # The flush listener also recorded the columns' before and after.
    updates = db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "participant", AuditLog.object_id == participant.id)
    ).all()
    assert any(u.changes and "outcome_note" in u.changes and u.action != "correct_outcome" for u in updates)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"outcome": "opleiding", "on": START - timedelta(days=1), "reason": "x"}, "on"),
        ({"outcome": "opleiding", "on": TODAY + timedelta(days=1), "reason": "x"}, "on"),
        ({"outcome": "opleiding", "on": START, "reason": "   "}, "reason"),
        ({"outcome": "uitgevallen", "on": START, "reason": "x"}, "outcome"),  # a completion stays a completion
        ({"outcome": "nonsense", "on": START, "reason": "x"}, "outcome"),
    ],
)
def test_a_bad_correction_is_refused_and_changes_nothing(coach, kwargs, field):
    participant = closed_file(coach)
    before = (participant.outcome, participant.outcome_date, participant.outcome_note)
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.correct_outcome(participant, coach, note="Bij Stork", **kwargs)
    assert error.value.field == field
    assert (participant.outcome, participant.outcome_date, participant.outcome_note) == before


def test_a_correction_that_changes_nothing_is_refused(coach):
    participant = closed_file(coach)
    with pytest.raises(workflow.WorkflowError, match="niets veranderd"):
        workflow.correct_outcome(
            participant, coach, outcome="betaald_werk", on=participant.outcome_date, note="Bij Stork", reason="x"
        )


def test_after_90_days_only_beheer_corrects(coach):
    beheer = make_user("beheer")
    recent, old = closed_file(coach, closed_days_ago=90), closed_file(coach, closed_days_ago=91)
    assert workflow.correction_refusal(recent, coach, TODAY) is None
    assert "beheer" in workflow.correction_refusal(old, coach, TODAY)
    with pytest.raises(workflow.WorkflowError):
        workflow.correct_outcome(old, coach, outcome="zorg", on=START, note=None, reason="Te laat")
    workflow.correct_outcome(old, beheer, outcome="zorg", on=START, note=None, reason="Op verzoek van de coach")
    assert old.outcome == "zorg"
    assert workflow.correction_refusal(recent, make_user("financien"), TODAY) is not None


def test_an_open_file_has_nothing_to_correct(coach):
    participant = make_participant(status="actief")
    assert "nog geen uitstroom" in workflow.correction_refusal(participant, coach, TODAY)


def test_a_dropout_keeps_its_category_and_corrects_date_and_note(coach):
    participant = closed_file(coach, status="uitgevallen")
    assert list(workflow.correction_outcomes(participant)) == ["uitgevallen"]
    workflow.correct_outcome(
        participant, coach, outcome="uitgevallen", on=START + timedelta(days=3), note=None, reason="Datum klopte niet"
    )
    assert participant.outcome_date == START + timedelta(days=3) and participant.status == "uitgevallen"


# --------------------------------------------------------------------------- over HTTP


@pytest.mark.usefixtures("no_tuple_choices")  # the view's choices are ready for WTForms 3.4
def test_correction_over_http(client, login_as):
    coach = login_as("coach")
    participant = closed_file(coach)
    page = client.get(f"/deelnemers/{participant.id}")
    assert "Uitstroom corrigeren" in page.text
    form = client.get(f"/deelnemers/{participant.id}/uitstroom/corrigeren")
    assert form.status_code == 200 and "Reden van de correctie" in form.text
    day = (START + timedelta(days=7)).isoformat()
    response = client.post(
        f"/deelnemers/{participant.id}/uitstroom/corrigeren",
        data={"outcome": "zorg", "on": day, "note": "", "reason": "Toch zorg"},
    )
    assert response.status_code == 303
    stored = db.session.get(Participant, participant.id)
    assert (stored.outcome, stored.outcome_date.isoformat()) == ("zorg", day)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"on": "2026-08-31", "reason": "x"}, "voor de start"),
        ({"on": "9999-01-01", "reason": "x"}, "tussen 2020 en vandaag"),
        ({"on": "٢٠٢٦-٠٩-٠٥", "reason": "x"}, "geldige datum"),
        ({"on": "2026-09-05", "reason": "   "}, "reden van de correctie"),
        ({"on": "2026-09-05", "reason": "a\x00b"}, "onzichtbaar teken"),  # the shared message (core/input.py)
    ],
)
def test_bad_correction_over_http_is_422_at_the_field_and_saves_nothing(client, login_as, data, message):
    coach = login_as("coach")
    participant = closed_file(coach)
    before = participant.outcome_date
    response = client.post(
        f"/deelnemers/{participant.id}/uitstroom/corrigeren", data={"outcome": "zorg", "note": "", **data}
    )
    assert response.status_code == 422
    assert message in response.text
    assert 'class="error-message"' in response.text
    db.session.expire_all()
    stored = db.session.get(Participant, participant.id)
    assert (stored.outcome, stored.outcome_date) == ("betaald_werk", before)


def test_after_90_days_the_coach_is_sent_to_beheer_and_beheer_corrects(client, login_as):
    coach = make_user("coach")
    participant = closed_file(coach, closed_days_ago=120)
    login_as(user=coach)
    page = client.get(f"/deelnemers/{participant.id}/uitstroom/corrigeren")
    assert "Vraag beheer" in page.text and "Correctie opslaan" not in page.text
    refused = client.post(
        f"/deelnemers/{participant.id}/uitstroom/corrigeren",
        data={"outcome": "zorg", "on": "2026-09-05", "reason": "x"},
    )
    assert refused.status_code == 403
    assert db.session.get(Participant, participant.id).outcome == "betaald_werk"
    login_as("beheer")
    privacy = client.get("/privacy/")
    assert f"/deelnemers/{participant.id}/uitstroom/corrigeren" in privacy.text
    done = client.post(
        f"/deelnemers/{participant.id}/uitstroom/corrigeren",
        data={"outcome": "zorg", "on": "2026-09-05", "reason": "Op verzoek van de coach"},
    )
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Participant, participant.id).outcome == "zorg"
