"""Case-file rules without HTTP: eligibility, the status workflow, the year's length and the no-show rule."""

from datetime import date, datetime

import pytest

from blueprints.youths import eligibility, followup, workflow
from models import StatusChange, db
from tests.conftest import make_participant, make_user
from tests.factories_youths import make_conversation

START = date(2026, 9, 1)
STATUSES = ["aangemeld", "intake", "actief", "afgerond", "uitgevallen", "niet_gestart"]
ALLOWED = {
    ("aangemeld", "intake"),
    ("intake", "actief"),
    ("actief", "afgerond"),
    ("actief", "uitgevallen"),
    ("aangemeld", "niet_gestart"),
    ("intake", "niet_gestart"),
}


# --------------------------------------------------------------------------- eligibility


def test_turning_23_exactly_on_the_start_date_is_eligible():
    result = eligibility.check(date(2003, 9, 1), False, START)
    assert result.age == 23
    assert result.eligible


def test_one_day_before_turning_23_is_too_young_and_points_to_the_rmc():
    result = eligibility.check(date(2003, 9, 2), False, START)
    assert result.age == 22
    assert not result.eligible
    assert "RMC" in result.age_reason


def test_turning_28_the_day_before_the_start_is_too_old():
    result = eligibility.check(date(1998, 8, 31), False, START)
    assert result.age == 28
    assert not result.eligible
    assert "28 jaar" in result.age_reason


def test_turning_28_on_the_day_after_the_start_is_still_27():
    result = eligibility.check(date(1998, 9, 2), False, START)
    assert result.age == 27
    assert result.eligible


def test_a_startkwalificatie_is_refused_even_at_the_right_age():
    result = eligibility.check(date(2000, 1, 1), True, START)
    assert not result.eligible
    assert result.age_reason is None
    assert "startkwalificatie" in result.qualification_reason


def test_leap_day_birthday_counts_from_first_of_march():
    assert eligibility.age_on(date(2004, 2, 29), date(2027, 2, 28)) == 22
    assert eligibility.age_on(date(2004, 2, 29), date(2027, 3, 1)) == 23


# --------------------------------------------------------------------------- workflow


@pytest.fixture
def coach(app):
    return make_user("coach")


@pytest.mark.parametrize("source", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_every_status_move_is_allowed_or_refused(coach, source, target):
    participant = make_participant(status=source)
    kwargs = {"outcome": "betaald_werk"} if target == "afgerond" else {"reason": "Verhuisd naar Zwolle"}
    kwargs["not_started_reason"] = "verhuisd"
    if (source, target) in ALLOWED:
        change = workflow.change_status(participant, target, coach, date(2026, 9, 2), today=date(2026, 9, 3), **kwargs)
        db.session.commit()
        assert participant.status == target
        assert (change.from_status, change.to_status, change.changed_by_id) == (source, target, coach.id)
        assert change.changed_on == date(2026, 9, 2)
    else:
        with pytest.raises(workflow.WorkflowError):
            workflow.change_status(participant, target, coach, date(2026, 9, 2), today=date(2026, 9, 3), **kwargs)
        db.session.rollback()
        assert participant.status == source
        assert db.session.query(StatusChange).count() == 0


def test_closing_needs_an_outcome(coach):
    participant = make_participant(status="actief")
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.change_status(participant, "afgerond", coach, date(2026, 9, 2), today=date(2026, 9, 3))
    assert error.value.field == "outcome"
    with pytest.raises(workflow.WorkflowError):  # 'uitgevallen' is not an outcome of a completed year
        workflow.change_status(
            participant, "afgerond", coach, date(2026, 9, 2), outcome="uitgevallen", today=date(2026, 9, 3)
        )


def test_closing_stores_outcome_date_and_note(coach):
    participant = make_participant(status="actief")
    workflow.change_status(
        participant,
        "afgerond",
        coach,
        date(2026, 9, 2),
        outcome="leerwerktraject",
        note="BBL bij Stork",
        today=date(2026, 9, 3),
    )
    assert (participant.outcome, participant.outcome_date, participant.outcome_note) == (
        "leerwerktraject",
        date(2026, 9, 2),
        "BBL bij Stork",
    )


def test_dropout_needs_a_reason_and_records_it(coach):
    participant = make_participant(status="actief")
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.change_status(participant, "uitgevallen", coach, date(2026, 9, 2), reason="  ", today=date(2026, 9, 3))
    assert error.value.field == "reason"
    workflow.change_status(
        participant, "uitgevallen", coach, date(2026, 9, 2), reason="Geen motivatie", today=date(2026, 9, 3)
    )
    assert participant.dropout_reason == "Geen motivatie"
    assert participant.outcome == "uitgevallen"


def test_a_move_cannot_be_dated_in_the_future(coach):
    participant = make_participant(status="aangemeld")
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.change_status(participant, "intake", coach, date(2026, 9, 4), today=date(2026, 9, 3))
    assert error.value.field == "on"


@pytest.mark.parametrize("source", ["aangemeld", "intake"])
def test_a_signed_contract_activates_from_aangemeld_or_intake(coach, source):
    participant = make_participant(status=source)
    change = workflow.activate_after_contract(participant, coach, date(2026, 9, 1))
    db.session.commit()
    assert participant.status == "actief"
    assert change.from_status == source and change.changed_by_id == coach.id
    assert "contract" in change.note


@pytest.mark.parametrize("source", ["actief", "afgerond", "uitgevallen"])
def test_a_signed_contract_does_not_move_other_statuses(coach, source):
    participant = make_participant(status=source)
    with pytest.raises(workflow.WorkflowError):
        workflow.activate_after_contract(participant, coach)
    assert participant.status == source


def test_the_year_ends_twelve_months_after_the_start():
    assert workflow.planned_end(date(2026, 9, 1)) == date(2027, 9, 1)
    assert workflow.planned_end(date(2028, 2, 29)) == date(2029, 2, 28)


def test_days_left(app):
    participant = make_participant(start_date=date(2026, 1, 1), end_date=date(2027, 1, 1))
    assert workflow.days_left(participant, date(2026, 12, 1)) == 31


def test_extension_needs_a_reason_and_a_later_date(coach):
    participant = make_participant(start_date=date(2026, 1, 1), end_date=date(2027, 1, 1))
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.extend(participant, date(2027, 4, 1), "", coach)
    assert error.value.field == "reason"
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.extend(participant, date(2026, 12, 1), "BBL start later", coach)
    assert error.value.field == "new_end"
    workflow.extend(participant, date(2027, 4, 1), "BBL start later", coach)
    assert participant.end_date == date(2027, 4, 1)
    assert participant.extension_reason == "BBL start later"


# --------------------------------------------------------------------------- no-show rule


@pytest.mark.parametrize(
    ("attendances", "expected"),
    [
        ([], False),
        (["niet_verschenen"], False),
        (["niet_verschenen", "niet_verschenen"], True),
        (["niet_verschenen", "verschenen", "niet_verschenen"], False),
        (["niet_verschenen", "afgemeld", "niet_verschenen"], True),  # a cancellation does not break the row
        (["niet_verschenen", "niet_verschenen", "gepland"], True),  # a planned talk does not lift it yet
        (["niet_verschenen", "niet_verschenen", "afgemeld"], True),
        (["niet_verschenen", "niet_verschenen", "verschenen"], False),  # attended: follow-up done
        (["verschenen", "niet_verschenen", "niet_verschenen", "niet_verschenen"], True),
    ],
)
def test_two_no_shows_in_a_row_need_followup(attendances, expected):
    assert followup.needs_followup(attendances) is expected


def test_refresh_followup_reads_conversations_in_time_order(app):
    participant = make_participant()
    # Entered out of order: the attended one is the oldest, so the two later no-shows count.
    make_conversation(participant, datetime(2026, 9, 20, 10), "niet_verschenen")
    make_conversation(participant, datetime(2026, 9, 1, 10), "verschenen")
    make_conversation(participant, datetime(2026, 9, 10, 10), "niet_verschenen")
    assert followup.refresh_followup(participant) is True
    db.session.commit()
    assert participant.needs_followup
    make_conversation(participant, datetime(2026, 9, 27, 10), "verschenen")
    assert followup.refresh_followup(participant) is False


def test_attention_reasons():
    class P:
        status = "actief"
        needs_followup = True
        created_at = datetime(2026, 1, 1)

    now = datetime(2026, 3, 1)
    reasons = followup.attention_reasons(P(), datetime(2026, 1, 15), 2, now)
    assert reasons == [
        "Opvolging nodig: twee keer niet verschenen",
        "Langer dan 4 weken geen contact",
        "2 acties over de streefdatum",
    ]
    P.needs_followup = False
    assert followup.attention_reasons(P(), datetime(2026, 2, 20), 0, now) == []
    P.status = "afgerond"
    assert followup.attention_reasons(P(), None, 3, now) == []


# --------------------------------------------------------------------------- intake (admit)


def _details(coach, born: date, **kw) -> dict:
    details = {
        "first_name": "Noor",
        "last_name": "Bakker",
        "date_of_birth": born,
        "highest_education": "vmbo",
        "has_startkwalificatie": False,
        "referral_source": "wijkteam",
        "coach_id": coach.id,
        "start_date": START,
    }
    return details | kw


def test_admit_registers_with_the_planned_end_and_no_exception(app):
    from models import AuditLog

    coach = make_user("coach")
    participant = workflow.admit(_details(coach, date(2000, 1, 1)), coach, START, "niet nodig")
    db.session.commit()
    assert participant.status == "aangemeld" and participant.end_date == workflow.planned_end(START)
    assert participant.eligibility_exception is None
    assert db.session.scalar(db.select(db.func.count(StatusChange.id))) == 1
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "eligibility_exception")) is None


def test_admit_outside_the_rules_keeps_and_logs_the_reason(app):
    from models import AuditLog

    coach = make_user("coach")
    participant = workflow.admit(_details(coach, date(2005, 1, 1)), coach, START, "  Broer zit al in de pilot.  ")
    db.session.commit()
    assert participant.eligibility_exception == "Broer zit al in de pilot."
    entry = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "eligibility_exception"))
    assert entry.object_id == participant.id
    assert entry.changes["reden"][1] == "Broer zit al in de pilot." and "RMC" in entry.changes["regels"][1]
