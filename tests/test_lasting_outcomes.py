"""Lasting outcomes (issue #17 point 6): the question 6 and 12 months after the end, as a task on the coach's
start page from the right day (Dutch calendar) until answered; the rules without HTTP, the page, access."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from blueprints.youths import lasting, onward, timeline
from blueprints.youths.queries import load_case_file
from blueprints.youths.workflow import add_months
from core import data_version
from models import AuditLog, LastingOutcomeCheck, db
from tests.conftest import count_queries, make_participant, make_user


@pytest.fixture
def coach(app):
    return make_user("coach", name="Cor Coach")


def ended(coach, end: date, status="afgerond", **kw):
    outcome = "betaald_werk" if status == "afgerond" else "uitgevallen"
    return make_participant(
        status=status, start_date=date(2025, 1, 6), outcome=outcome, outcome_date=end, coach_id=coach.id, **kw
    )


def tasks(coach, today):
    return [(t.participant.id, t.months, t.due_on) for t in lasting.coach_tasks(coach.id, today)]


# --------------------------------------------------------------------------- rules, without HTTP


def test_latest_end_due_is_exactly_the_inverse_of_adding_months():
    """Every day of 2027 and 2028 (a leap year): an end date is due on `day` exactly when it is on or before
    `latest_end_due(day)`, with month ends clipped (31 August + 6 months is 28 February)."""
    ends = [date(2026, 1, 1) + timedelta(days=i) for i in range(3 * 366)]
    day = date(2027, 1, 1)
    while day <= date(2028, 12, 31):
        for months in (6, 12):
            latest = lasting.latest_end_due(day, months)
            due = [e for e in ends if add_months(e, months) <= day]
            assert max(due) == latest, (day, months)
        day += timedelta(days=1)
    assert lasting.latest_end_due(date(2027, 2, 28), 6) == date(2026, 8, 31)
    assert lasting.latest_end_due(date(2028, 2, 28), 12) == date(2027, 2, 28)
    assert lasting.latest_end_due(date(2028, 2, 29), 12) == date(2027, 2, 28)


def test_the_task_appears_on_the_day_six_months_after_the_end_and_stays_until_answered(coach):
    p = ended(coach, date(2026, 8, 31))
    assert tasks(coach, date(2027, 2, 27)) == []
    assert tasks(coach, date(2027, 2, 28)) == [(p.id, 6, date(2027, 2, 28))]
    assert tasks(coach, date(2027, 8, 30)) == [(p.id, 6, date(2027, 2, 28))]  # still there months later
    assert tasks(coach, date(2027, 8, 31)) == [(p.id, 6, date(2027, 2, 28)), (p.id, 12, date(2027, 8, 31))]
    lasting.answer(p, 6, "werk", "Bij Stork", coach, date(2027, 8, 31))
    db.session.commit()
    assert tasks(coach, date(2027, 8, 31)) == [(p.id, 12, date(2027, 8, 31))]
    lasting.answer(p, 12, "onbekend", None, coach, date(2027, 9, 1))
    db.session.commit()
    assert tasks(coach, date(2028, 1, 1)) == []  # "niet bereikbaar" is an answer too


def test_only_closed_trajectories_of_the_current_coach_get_the_question(coach):
    other = make_user("coach")
    mine = ended(coach, date(2026, 1, 15), status="uitgevallen")
    ended(other, date(2026, 1, 15))
    make_participant(status="actief", coach_id=coach.id, outcome_date=date(2026, 1, 15))
    make_participant(status="niet_gestart", coach_id=coach.id, outcome_date=date(2026, 1, 15))
    assert [t[0] for t in tasks(coach, date(2026, 7, 15))] == [mine.id]
    mine.coach_id = other.id  # handed over: the new coach asks
    db.session.commit()
    assert tasks(coach, date(2026, 7, 15)) == []
    assert mine.id in [t[0] for t in tasks(other, date(2026, 7, 15))]


def test_a_corrected_outcome_date_moves_the_question(coach):
    p = ended(coach, date(2026, 1, 15))
    assert tasks(coach, date(2026, 7, 15)) != []
    p.outcome_date = date(2026, 2, 1)
    db.session.commit()
    assert tasks(coach, date(2026, 7, 15)) == []


def test_an_answer_before_the_day_or_for_an_open_file_is_refused(coach):
    p = ended(coach, date(2026, 1, 15))
    with pytest.raises(lasting.LastingError) as error:
        lasting.answer(p, 6, "werk", None, coach, date(2026, 7, 14))
    assert "15-07-2026" in str(error.value)
    with pytest.raises(lasting.LastingError):
        lasting.answer(p, 6, "op de maan", None, coach, date(2026, 7, 15))
    with pytest.raises(lasting.LastingError):
        lasting.answer(p, 9, "werk", None, coach, date(2027, 7, 15))
    running = make_participant(status="actief", coach_id=coach.id)
    with pytest.raises(lasting.LastingError):
        lasting.answer(running, 6, "werk", None, coach, date(2030, 1, 1))
    db.session.commit()
    assert db.session.scalar(select(func.count(LastingOutcomeCheck.id))) == 0


def test_a_changed_answer_keeps_one_row_and_the_audit_has_before_and_after(coach):
    p = ended(coach, date(2026, 1, 15))
    lasting.answer(p, 6, "uitkering", None, coach, date(2026, 7, 20), now=datetime(2026, 7, 20, 9))
    db.session.commit()
    lasting.answer(p, 6, "werk", " Bij Stork ", coach, date(2026, 7, 22), now=datetime(2026, 7, 22, 9))
    db.session.commit()
    checks = db.session.scalars(select(LastingOutcomeCheck)).all()
    assert [(c.months, c.situation, c.note) for c in checks] == [(6, "werk", "Bij Stork")]
    rows = db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "lasting_outcome_check").order_by(AuditLog.id)
    ).all()
    assert [r.action for r in rows] == ["create", "update"], [r.changes for r in rows]
    assert rows[1].changes["situation"] == ["uitkering", "werk"]


def test_the_day_asked_is_the_dutch_day_and_the_timeline_shows_it(coach):
    p = ended(coach, date(2026, 1, 15))
    # 31 December 23:30 UTC is 1 January 00:30 in Hengelo.
    lasting.answer(p, 6, "school", None, coach, date(2026, 12, 31), now=datetime(2026, 12, 31, 23, 30))
    db.session.commit()
    check = lasting.get_check(p.id, 6)
    assert lasting.asked_on(check) == date(2027, 1, 1)
    items = [i for i in timeline.items(load_case_file(p)) if i.kind == "nameting"]
    assert [(i.day, i.title) for i in items] == [
        (date(2027, 1, 1), "6 maanden na het einde: gaat naar school of volgt een opleiding")
    ]


def test_today_is_the_dutch_calendar_day(monkeypatch):
    # 23:30 UTC on 31 December is already the new year in Hengelo; `local_now` is the one clock.
    monkeypatch.setattr(onward, "local_now", lambda: datetime(2027, 1, 1, 0, 30))
    assert onward.today() == date(2027, 1, 1)


# --------------------------------------------------------------------------- pages


def test_the_start_page_task_appears_on_the_day_and_disappears_when_answered(client, login_as, coach):
    login_as(user=coach)
    today = onward.today()
    due = ended(coach, add_months(today, -6), first_name="Daan")
    tomorrow = ended(coach, add_months(today, -6) + timedelta(days=1), first_name="Eva")
    if add_months(tomorrow.outcome_date, 6) <= today:  # the last day of a short month: both are due
        tomorrow.outcome_date += timedelta(days=5)
        db.session.commit()
    page = client.get("/start/coach").text
    answer_url = f"/deelnemers/{due.id}/na-afloop/6?terug=start"
    assert "Vragen na afloop (1)" in page and answer_url in page.replace("&amp;", "&")
    assert f"/deelnemers/{tomorrow.id}/na-afloop/6" not in page

    form = client.get(answer_url)
    assert form.status_code == 200 and "Niet bereikbaar / weet ik niet" in form.text
    response = client.post(answer_url, data={"situation": "werk_en_school", "note": "BBL bij Stork"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/start/coach#na-afloop-kop")
    page = client.get("/start/coach").text
    assert "Vragen na afloop (0)" in page and "Geen vragen na afloop open." in page
    file = client.get(f"/deelnemers/{due.id}").text
    assert "Werkt en leert (bijvoorbeeld BBL)" in file and "BBL bij Stork" in file


def test_a_question_that_is_not_due_is_404(client, login_as, coach):
    login_as(user=coach)
    today = onward.today()
    p = ended(coach, today - timedelta(days=20))
    assert client.get(f"/deelnemers/{p.id}/na-afloop/6").status_code == 404
    assert client.post(f"/deelnemers/{p.id}/na-afloop/6", data={"situation": "werk"}).status_code == 404
    assert client.get(f"/deelnemers/{p.id}/na-afloop/7").status_code == 404
    assert client.get(f"/deelnemers/{p.id}/na-afloop/99999999999").status_code == 404
    assert "Vanaf " in client.get(f"/deelnemers/{p.id}").text  # the file says when


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"situation": "maan"}, "Ongeldige keuze."),
        ({}, "Kies waar de deelnemer nu is."),
        ({"situation": "werk", "note": "Bij\x00Stork"}, "onzichtbaar teken"),
        ({"situation": "werk\x01"}, "onzichtbaar teken"),
    ],
)
def test_bad_answers_get_a_dutch_message_and_save_nothing(client, login_as, coach, values, message):
    login_as(user=coach)
    p = ended(coach, add_months(onward.today(), -7))
    response = client.post(f"/deelnemers/{p.id}/na-afloop/6", data=values)
    assert response.status_code == 422 and message in response.text
    assert db.session.scalar(select(func.count(LastingOutcomeCheck.id))) == 0


@pytest.mark.parametrize("role", ["partner", "financien", "beheer"])
def test_only_coaches_answer(client, login_as, coach, role):
    p = ended(coach, add_months(onward.today(), -7))
    login_as(role)
    assert client.get(f"/deelnemers/{p.id}/na-afloop/6").status_code == 403
    assert client.post(f"/deelnemers/{p.id}/na-afloop/6", data={"situation": "werk"}).status_code == 403
    assert db.session.scalar(select(func.count(LastingOutcomeCheck.id))) == 0


def test_the_start_page_uses_the_same_number_of_queries_with_1_and_30_tasks(client, login_as, coach):
    login_as(user=coach)
    long_ago = add_months(onward.today(), -13)
    ended(coach, long_ago)
    client.get("/start/coach")
    data_version.bump(db.session)  # as a change does: both counts are of a start page built anew
    db.session.commit()
    with count_queries() as few:
        assert "Vragen na afloop (2)" in client.get("/start/coach").text
    for _ in range(15):
        ended(coach, long_ago)
    with count_queries() as many:
        assert "Vragen na afloop (32)" in client.get("/start/coach").text
    assert many() == few()


def test_the_start_page_shows_the_oldest_ten_and_links_to_all_of_them(client, login_as, coach):
    login_as(user=coach)
    today = onward.today()
    people = [ended(coach, add_months(today, -7) - timedelta(days=i), first_name=f"Oud{i:02d}") for i in range(32)]
    other = ended(make_user("coach"), add_months(today, -7), first_name="Vreemd")
    start = client.get("/start/coach").text
    assert "Vragen na afloop (32)" in start and "Alle 32 vragen na afloop" in start
    shown = [p for p in people if f"/deelnemers/{p.id}/na-afloop/6?" in start]
    assert shown == people[-10:]  # the ten that ended longest ago, whose questions are oldest
    first = client.get("/deelnemers/na-afloop").text
    assert "Vragen na afloop (32)" in first and "Pagina 1 van 2 (32 resultaten)" in first
    last = client.get("/deelnemers/na-afloop?pagina=2").text
    listed = [p for p in people if f"/deelnemers/{p.id}/na-afloop/6?terug=lijst" in first + last.replace("&amp;", "&")]
    assert len(listed) == 32 and "Vreemd" not in first + last
    assert client.get("/deelnemers/na-afloop?pagina=99").text.count("?terug=lijst") == 7  # the last page
    answer = f"/deelnemers/{people[0].id}/na-afloop/6?terug=lijst"
    assert "Terug naar de vragen na afloop" in client.get(answer).text
    response = client.post(answer, data={"situation": "werk"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/deelnemers/na-afloop#na-afloop-kop")
    assert "Vragen na afloop (31)" in client.get("/deelnemers/na-afloop").text
    assert other.id not in [t.participant.id for t in lasting.coach_tasks(coach.id, today)]


@pytest.mark.parametrize("role", ["partner", "financien", "beheer"])
def test_only_coaches_see_the_task_list(client, login_as, role):
    login_as(role)
    assert client.get("/deelnemers/na-afloop").status_code == 403
