"""'Niet gestart' (issue #17 point 2): a registration ends before the start with a reason, in its own
status, never 'uitgevallen'; the report counts it on its own line and every other figure stays."""

from datetime import date

import pytest
from sqlalchemy import select

from blueprints.reports.figures import Filters, build_report
from blueprints.youths import workflow
from models import Participant, StatusChange, db
from tests.conftest import make_participant, make_user

START = date(2026, 9, 1)
TODAY = date(2026, 10, 1)


@pytest.fixture
def coach(app):
    return make_user("coach")


@pytest.mark.parametrize("source", ["aangemeld", "intake"])
def test_a_registration_ends_as_niet_gestart_with_a_reason(coach, source):
    participant = make_participant(status=source, start_date=START)
    change = workflow.change_status(
        participant,
        "niet_gestart",
        coach,
        date(2026, 8, 20),
        not_started_reason="wil_niet",
        note="Belde af",
        today=TODAY,
    )
    db.session.commit()
    assert participant.status == "niet_gestart" and participant.status_label == "Niet gestart"
    assert participant.not_started_reason == "wil_niet" and participant.not_started_label == "Wil niet"
    assert participant.outcome is None and participant.dropout_reason is None  # never a dropout or an outcome
    assert (change.from_status, change.to_status, change.note) == (source, "niet_gestart", "Wil niet. Belde af")
    assert workflow.allowed_moves("niet_gestart") == []


def test_niet_gestart_needs_a_reason_from_the_list(coach):
    participant = make_participant(status="intake")
    for bad in (None, "", "zomaar", "uitgevallen"):
        with pytest.raises(workflow.WorkflowError) as error:
            workflow.change_status(participant, "niet_gestart", coach, TODAY, not_started_reason=bad, today=TODAY)
        assert error.value.field == "not_started_reason"
    assert participant.status == "intake"


@pytest.mark.parametrize("source", ["actief", "afgerond", "uitgevallen"])
def test_niet_gestart_only_before_the_start(coach, source):
    participant = make_participant(status=source)
    with pytest.raises(workflow.WorkflowError):
        workflow.change_status(participant, "niet_gestart", coach, TODAY, not_started_reason="verhuisd", today=TODAY)


def test_the_report_counts_niet_gestart_on_its_own_line_and_keeps_the_rest(coach):
    make_participant(status="actief", start_date=date(2026, 3, 1))
    make_participant(
        status="uitgevallen", outcome="uitgevallen", outcome_date=date(2026, 6, 1), start_date=date(2026, 2, 1)
    )
    make_participant(status="afgerond", outcome="opleiding", outcome_date=date(2026, 7, 1), start_date=date(2026, 1, 5))
    before = build_report(Filters(year=2026))
    waiting = make_participant(status="aangemeld", start_date=date(2026, 11, 1))
    workflow.register(waiting, coach, date(2026, 9, 1))
    db.session.commit()
    workflow.change_status(waiting, "niet_gestart", coach, date(2026, 9, 15), not_started_reason="niet_bereikbaar")
    db.session.commit()
    for report in (build_report(Filters(year=2026)), build_report(Filters())):
        counts = {r.key: r.count for r in report.statuses.rows}
        assert counts["niet_gestart"] == 1
        assert counts["uitgevallen"] == 1 and counts["afgerond"] == 1 and counts["actief"] == 1
        assert report.outcomes.finished == before.outcomes.finished == 2  # not a closed trajectory
        assert {r.key: r.count for r in report.outcomes.rows} == {r.key: r.count for r in before.outcomes.rows}
    # It ended in 2026: it is not in the population of 2027.
    counts_2027 = {r.key: r.count for r in build_report(Filters(year=2027)).statuses.rows}
    assert counts_2027["niet_gestart"] == 0


def test_niet_gestart_over_http(client, login_as):
    login_as("coach")
    participant = make_participant(status="aangemeld", start_date=START)
    page = client.get(f"/deelnemers/{participant.id}")
    assert "Niet gestart vastleggen" in page.text
    form = client.get(f"/deelnemers/{participant.id}/status?naar=niet_gestart")
    assert (
        "Waarom start het perspectiefjaar niet?" in form.text and "Twee keer niet verschenen op de intake" in form.text
    )
    refused = client.post(
        f"/deelnemers/{participant.id}/status", data={"to_status": "niet_gestart", "on": "2026-08-20"}
    )
    assert refused.status_code == 422 and "Kies waarom het perspectiefjaar niet start." in refused.text
    assert db.session.get(Participant, participant.id).status == "aangemeld"
    done = client.post(
        f"/deelnemers/{participant.id}/status",
        data={"to_status": "niet_gestart", "on": "2026-08-20", "not_started_reason": "twee_keer_niet_verschenen"},
    )
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/deelnemers/{participant.id}#status")
    db.session.expire_all()
    stored = db.session.get(Participant, participant.id)
    assert (stored.status, stored.not_started_reason) == ("niet_gestart", "twee_keer_niet_verschenen")
    assert db.session.scalar(select(StatusChange.to_status).where(StatusChange.participant_id == participant.id)) == (
        "niet_gestart"
    )
    file = client.get(f"/deelnemers/{participant.id}")
    assert "Twee keer niet verschenen op de intake" in file.text and "Niet gestart" in file.text
