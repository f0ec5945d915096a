"""The commitment rules without HTTP: statuses, change_status with a note, overdue, progress, fulfilled %."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from blueprints.partners.commitments import (
    DONE_STATUSES,
    OPEN_STATUSES,
    STATUSES,
    CommitmentError,
    change_status,
    fulfilled_percent,
    is_overdue,
    progress,
)
from models import Commitment, User

TODAY = date(2026, 3, 10)


def commitment(**kw) -> Commitment:
    values = {"kind": "bbl_plaats", "description": "BBL-plaats", "status": "toegezegd", "participant_id": 1}
    values.update(kw)
    return Commitment(**values)


def test_the_five_statuses_and_their_groups():
    assert STATUSES == ["toegezegd", "in_uitvoering", "nagekomen", "niet_nagekomen", "vervallen"]
    assert set(OPEN_STATUSES) | set(DONE_STATUSES) == set(STATUSES)
    assert not set(OPEN_STATUSES) & set(DONE_STATUSES)


def test_change_status_records_a_dated_note_by_whom():
    c = commitment()
    actor = User(name="Marloes", email="m@roc.test", role="partner")
    update = change_status(c, "in_uitvoering", "  Intake gepland op school.  ", actor, on_date=TODAY)
    assert c.status == "in_uitvoering"
    assert update.old_status == "toegezegd"
    assert update.new_status == "in_uitvoering"
    assert update.note == "Intake gepland op school."
    assert update.on_date == TODAY
    assert update.actor is actor
    assert c.updates == [update]


@pytest.mark.parametrize("note", ["", "   ", None])
def test_change_status_refuses_without_note(note):
    c = commitment()
    with pytest.raises(CommitmentError) as error:
        change_status(c, "nagekomen", note, None, on_date=TODAY)
    assert "notitie is verplicht" in str(error.value)
    assert c.status == "toegezegd"
    assert c.updates == []


def test_change_status_refuses_unknown_status_and_too_long_note():
    c = commitment()
    with pytest.raises(CommitmentError) as error:
        change_status(c, "klaar", "Gedaan", None, on_date=TODAY)
    assert error.value.field == "status"
    with pytest.raises(CommitmentError):
        change_status(c, "nagekomen", "x" * 2001, None, on_date=TODAY)
    assert c.status == "toegezegd"


def test_same_status_with_a_note_is_a_progress_note():
    c = commitment(participant_id=None, quantity=10, realised_quantity=4)
    update = change_status(c, "toegezegd", "Twee plaatsen erbij", None, on_date=TODAY, realised_quantity=6)
    assert c.status == "toegezegd"
    assert c.realised_quantity == 6
    assert update.realised_quantity == 6


def test_realised_count_only_for_pilot_wide_with_a_quantity():
    with pytest.raises(CommitmentError):
        change_status(commitment(quantity=1), "nagekomen", "Klaar", None, on_date=TODAY, realised_quantity=1)
    with pytest.raises(CommitmentError):
        change_status(
            commitment(participant_id=None, quantity=10), "toegezegd", "x", None, on_date=TODAY, realised_quantity=-1
        )


@pytest.mark.parametrize(
    ("due", "status", "overdue"),
    [
        (TODAY - timedelta(days=1), "toegezegd", True),
        (TODAY - timedelta(days=1), "in_uitvoering", True),
        (TODAY, "toegezegd", False),  # due today is not overdue yet
        (TODAY + timedelta(days=1), "toegezegd", False),
        (None, "toegezegd", False),
        (TODAY - timedelta(days=30), "nagekomen", False),  # done is never overdue
        (TODAY - timedelta(days=30), "niet_nagekomen", False),
        (TODAY - timedelta(days=30), "vervallen", False),
    ],
)
def test_overdue(due, status, overdue):
    assert is_overdue(commitment(due_date=due, status=status), TODAY) is overdue


def test_pilot_wide_progress_by_quantity():
    p = progress(commitment(participant_id=None, kind="bbl_plaats", quantity=10, realised_quantity=6))
    assert (p.realised, p.target, p.percent) == (6, 10, 60)
    assert p.text == "6 van 10 plaatsen ingevuld"
    assert progress(commitment(participant_id=None, quantity=10)).text == "0 van 10 plaatsen ingevuld"
    assert progress(commitment(participant_id=None, quantity=4, realised_quantity=5)).percent == 100


def test_pilot_wide_progress_by_amount_is_exact():
    c = commitment(
        participant_id=None, kind="cofinanciering", amount=Decimal("25000.00"), realised_amount=Decimal("12500.00")
    )
    p = progress(c)
    assert p.percent == 50
    assert p.text == "€ 12.500,00 van € 25.000,00 ontvangen"
    assert progress(commitment(participant_id=None)) is None


def test_fulfilled_percent_counts_only_closed_commitments():
    assert fulfilled_percent({}) is None
    assert fulfilled_percent({"toegezegd": 5, "vervallen": 2}) is None
    assert fulfilled_percent({"nagekomen": 3, "niet_nagekomen": 1, "toegezegd": 10, "vervallen": 4}) == 75
    assert fulfilled_percent({"nagekomen": 2}) == 100


def test_a_late_pilot_wide_commitment_counts_as_late_on_the_portal(app):
    from datetime import date, timedelta

    from blueprints.partners.queries import partner_portal
    from tests.conftest import make_org
    from tests.factories_partners import make_commitment

    org = make_org("ROC van Twente", "onderwijs")
    today = date(2026, 11, 22)
    late = make_commitment(org, None, due_date=today - timedelta(days=1), status="toegezegd", quantity=10)
    make_commitment(org, None, due_date=today, status="toegezegd", quantity=5)  # due today: not late
    make_commitment(org, None, due_date=today - timedelta(days=9), status="nagekomen", quantity=2)
    portal = partner_portal(org.id, today)
    assert [c.id for c in portal.overdue] == [late.id]
    assert len(portal.pilot_wide) == 3
