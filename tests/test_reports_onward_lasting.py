"""Report figures for onward referrals and lasting outcomes (issue #17 points 3 and 6), hand-counted,
with the year boundaries in Hengelo time; and the report page shows them."""

from datetime import date, datetime

import pytest

from blueprints.reports.figures import Filters
from blueprints.reports.lasting import lasting_outcomes
from blueprints.reports.onward import onward_referrals
from models import LastingOutcomeCheck, OnwardReferral, db
from tests.conftest import make_org, make_participant, make_user

TODAY = date(2028, 6, 1)  # every question below is due by then


@pytest.fixture
def coaches(app):
    return make_user("coach", name="Anna"), make_user("coach", name="Bert")


def refer(p, destination, on, result="onbekend", result_on=None, organisation=None):
    db.session.add(
        OnwardReferral(
            participant_id=p.id,
            destination=destination,
            organisation_id=organisation.id if organisation else None,
            referred_on=on,
            reason="Geheime reden Q7",
            result=result,
            result_on=result_on,
        )
    )


def ended(coach, end, status="afgerond", **kw):
    outcome = "betaald_werk" if status == "afgerond" else "uitgevallen"
    return make_participant(
        status=status, start_date=date(2025, 1, 6), outcome=outcome, outcome_date=end, coach_id=coach.id, **kw
    )


def answer(p, months, situation, at: datetime):
    db.session.add(LastingOutcomeCheck(participant_id=p.id, months=months, situation=situation, answered_at=at))


# --------------------------------------------------------------------------- onward referrals


@pytest.fixture
def referrals(coaches):
    anna, bert = coaches
    roc = make_org("ROC van Twente")
    a1 = make_participant(coach_id=anna.id, start_date=date(2026, 1, 5), referral_source="rmc")
    a2 = make_participant(coach_id=anna.id, start_date=date(2026, 1, 5))
    b1 = make_participant(coach_id=bert.id, start_date=date(2026, 1, 5))
    refer(a1, "ggz", date(2026, 3, 1), "aangekomen", date(2026, 3, 20))
    refer(a1, "schuldhulp", date(2026, 12, 31), "aangekomen", date(2027, 1, 1))  # result heard in 2027
    refer(a2, "ggz", date(2026, 5, 1), "niet_aangekomen", date(2026, 6, 1))
    refer(a2, "partner", date(2027, 1, 1), organisation=roc)
    refer(b1, "werkbedrijf", date(2027, 2, 1), "aangekomen", date(2027, 2, 15))
    refer(b1, "ggz", date(2027, 3, 1))
    db.session.commit()
    return anna, bert


def by_key(figures):
    return {r.key: (r.count, r.arrived, r.not_arrived, r.unknown) for r in figures.rows}


def test_referrals_per_destination_for_the_whole_pilot(referrals):
    figures = onward_referrals(Filters())
    rows = by_key(figures)
    assert rows["ggz"] == (3, 1, 1, 1)
    assert rows["schuldhulp"] == (1, 1, 0, 0)
    assert rows["werkbedrijf"] == (1, 1, 0, 0)
    assert rows["partner"] == (1, 0, 0, 1)
    assert rows["participatiecoach"] == (0, 0, 0, 0) and rows["anders"] == (0, 0, 0, 0)
    assert (figures.total.count, figures.total.arrived, figures.total.not_arrived, figures.total.unknown) == (
        6,
        3,
        1,
        2,
    )
    assert figures.participants == 3
    assert figures.total.arrived_share.percent == 75  # 3 of the 4 with a known result


def test_a_year_counts_referrals_made_in_it_with_the_result_known_by_31_december(referrals):
    y2026 = onward_referrals(Filters(year=2026))
    assert by_key(y2026)["ggz"] == (2, 1, 1, 0)
    assert by_key(y2026)["schuldhulp"] == (1, 0, 0, 1)  # referred 31 Dec, arrival heard on 1 Jan: unknown in 2026
    assert y2026.total.count == 3 and y2026.participants == 2
    y2027 = onward_referrals(Filters(year=2027))
    assert by_key(y2027)["partner"] == (1, 0, 0, 1) and by_key(y2027)["werkbedrijf"] == (1, 1, 0, 0)
    assert by_key(y2027)["schuldhulp"] == (0, 0, 0, 0)  # referred in 2026: not a 2027 referral
    assert y2027.total.count == 3


def test_coach_and_referral_source_filters_select_participants(referrals):
    anna, bert = referrals
    assert onward_referrals(Filters(coach_id=anna.id)).total.count == 4
    assert onward_referrals(Filters(coach_id=bert.id, year=2027)).total.count == 2
    assert onward_referrals(Filters(referral="rmc")).total.count == 2


# --------------------------------------------------------------------------- lasting outcomes


@pytest.fixture
def alumni(coaches):
    anna, bert = coaches
    p1 = ended(anna, date(2026, 3, 10))  # due 10 Sep 2026 and 10 Mar 2027
    p2 = ended(anna, date(2026, 6, 30))  # due 30 Dec 2026 and 30 Jun 2027
    p3 = ended(bert, date(2026, 7, 1), status="uitgevallen")  # due 1 Jan 2027 and 1 Jul 2027
    p4 = ended(bert, date(2027, 1, 15))  # due 15 Jul 2027 and 15 Jan 2028
    make_participant(status="niet_gestart", outcome_date=date(2026, 1, 1), coach_id=anna.id)  # no trajectory
    make_participant(status="actief", coach_id=anna.id)
    answer(p1, 6, "werk", datetime(2026, 9, 12, 10))
    answer(p1, 12, "werk_en_school", datetime(2027, 3, 15, 10))
    answer(p2, 6, "school", datetime(2026, 12, 31, 23, 30))  # 1 January 2027 00:30 in Hengelo
    answer(p3, 6, "onbekend", datetime(2027, 1, 5, 9))
    answer(p3, 12, "uitkering", datetime(2027, 7, 2, 9))
    answer(p4, 6, "anders", datetime(2027, 8, 1, 9))
    db.session.commit()
    return anna, bert


def counts(column):
    return {r.key: r.count for r in column.rows if r.count}


def test_lasting_outcomes_for_the_whole_pilot(alumni):
    figures = lasting_outcomes(Filters(), today=TODAY)
    six, twelve = figures.column(6), figures.column(12)
    assert six.due == 4 and counts(six) == {"werk": 1, "school": 1, "onbekend": 1, "anders": 1}
    assert six.unknown.part == 1 and six.in_work_or_school.part == 2
    assert twelve.due == 4
    assert counts(twelve) == {"werk_en_school": 1, "uitkering": 1, "nog_niet_gevraagd": 2}
    assert twelve.unknown.part == 2 and twelve.unknown.percent == 50


def test_a_year_counts_questions_due_in_it_with_answers_given_by_31_december_in_hengelo(alumni):
    y2026 = lasting_outcomes(Filters(year=2026), today=TODAY)
    six = y2026.column(6)
    # Due in 2026: p1 (10 Sep) and p2 (30 Dec). p2's answer came at 23:30 UTC on 31 December: 2027 in Hengelo.
    assert six.due == 2 and counts(six) == {"werk": 1, "nog_niet_gevraagd": 1}
    assert y2026.column(12).due == 0
    y2027 = lasting_outcomes(Filters(year=2027), today=TODAY)
    # Due in 2027: p3 (1 Jan) and p4 (15 Jul) at 6 months; p1, p2 and p3 at 12 months.
    assert counts(y2027.column(6)) == {"onbekend": 1, "anders": 1}
    assert counts(y2027.column(12)) == {"werk_en_school": 1, "uitkering": 1, "nog_niet_gevraagd": 1}
    y2028 = lasting_outcomes(Filters(year=2028), today=TODAY)
    assert y2028.column(6).due == 0 and counts(y2028.column(12)) == {"nog_niet_gevraagd": 1}  # p4, 15 Jan 2028


def test_questions_not_yet_due_are_not_counted(alumni):
    figures = lasting_outcomes(Filters(), today=date(2026, 12, 30))
    assert figures.column(6).due == 2 and figures.column(12).due == 0  # p2 is due that very day
    assert lasting_outcomes(Filters(year=2026), today=date(2026, 12, 29)).column(6).due == 1
    assert lasting_outcomes(Filters(year=2030), today=TODAY).column(6).due == 0


def test_lasting_outcomes_follow_the_coach_filter(alumni):
    anna, bert = alumni
    assert lasting_outcomes(Filters(coach_id=anna.id), today=TODAY).column(6).due == 2
    assert counts(lasting_outcomes(Filters(coach_id=bert.id), today=TODAY).column(12)) == {
        "uitkering": 1,
        "nog_niet_gevraagd": 1,
    }


# --------------------------------------------------------------------------- the page


def test_the_report_shows_both_parts_to_coach_and_finance(client, login_as, referrals, alumni):
    for role in ("coach", "financien"):
        login_as(role)
        page = client.get("/rapportage/")
        assert page.status_code == 200
        assert "Verwezen naar" in page.text and "Na afloop: waar zijn deelnemers 6 en 12 maanden later?" in page.text
        assert "Geheime reden Q7" not in page.text  # no case content, only counts
        fragment = client.get("/rapportage/?jaar=2026", headers={"HX-Request": "true"})
        assert "gedaan in 2026" in fragment.text and "op 31 december bekend" in fragment.text
