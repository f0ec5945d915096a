"""Handing files over to another coach (issue #19 point 7): the rules without HTTP, the page, bad input, the
handover summary on the file for the new coach, "gelezen", the start page, and who was coach when."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from blueprints.youths import coach_history, handover
from models import AuditLog, CoachAssignment, Participant, User, db
from tests.conftest import make_org, make_participant, make_user
from tests.factories_youths import make_action, make_goal

TODAY = date(2026, 12, 3)


@pytest.fixture
def team(app):
    anna = make_user("coach", name="Anna Aalbers")
    bram = make_user("coach", name="Bram Bakker")
    files = [make_participant(coach_id=anna.id, first_name=f"Deelnemer{i}") for i in range(3)]
    return anna, bram, files


def periods(participant_id):
    return [(a.coach_id, a.reason, a.ends_at is None) for a in coach_history.history(participant_id)]


# --------------------------------------------------------------------------- rules


def test_many_files_move_in_one_go_with_the_reason_and_the_history_keeps_who_was_coach(team):
    anna, bram, files = team
    until = TODAY + timedelta(days=14)
    result = handover.hand_over(
        [str(p.id) for p in files], bram, "vakantie", "Bel Sanne op maandag", until, anna, TODAY
    )
    db.session.commit()
    assert [p.id for p in result.moved] == [p.id for p in files] and result.skipped == []
    for p in files:
        db.session.refresh(p)
        assert p.coach_id == bram.id
        assert periods(p.id) == [(anna.id, "Aanmelding", False), (bram.id, "Vakantie", True)]
        newest = coach_history.history(p.id)[-1]
        assert (newest.note, newest.until, newest.read_at, newest.assigned_by_id) == (
            "Bel Sanne op maandag",
            until,
            None,
            anna.id,
        )
    # One audit action: the handover first (it names the action), then one 'assign_coach' row per file.
    rows = db.session.scalars(
        select(AuditLog).where(AuditLog.action.in_(("handover", "assign_coach"))).order_by(AuditLog.id)
    ).all()
    assert [r.action for r in rows] == ["handover"] + ["assign_coach"] * 3
    assert len({r.group_key for r in rows}) == 1
    assert rows[0].changes["aantal"] == [None, 3] and rows[0].changes["reden"] == [None, "Vakantie"]
    assert rows[1].changes["tijdelijk_tot"] == [None, until.isoformat()]


def test_files_that_cannot_move_are_skipped_with_the_reason_and_the_rest_moves(team):
    anna, bram, files = team
    files[1].status = "afgerond"
    mine_already = make_participant(coach_id=bram.id)
    db.session.commit()
    values = [
        str(files[0].id),
        str(files[1].id),
        str(mine_already.id),
        "987654",
        "99999999999",
        "abc",
        str(files[0].id),
    ]
    result = handover.hand_over(values, bram, "werkverdeling", "", None, anna, TODAY)
    db.session.commit()
    assert [p.id for p in result.moved] == [files[0].id]
    why = {s.label: s.why for s in result.skipped}
    assert why[files[1].full_name] == "het dossier is afgesloten"
    assert why[mine_already.full_name] == "Bram Bakker is al de life-coach"
    assert why["dossier 987654"] == "dit dossier bestaat niet"
    assert why["99999999999"] == why["abc"] == "dit is geen dossier"
    assert db.session.get(Participant, files[1].id).coach_id == anna.id
    assert "het dossier is afgesloten" in handover.describe(result.skipped)


def test_nothing_changes_when_no_file_can_move(team):
    anna, bram, files = team
    with pytest.raises(handover.HandoverError, match="Geen van de gekozen dossiers"):
        handover.hand_over(["987654"], bram, "ziekte", "", None, anna, TODAY)
    db.session.rollback()
    with pytest.raises(handover.HandoverError, match="minstens één"):
        handover.hand_over([], bram, "ziekte", "", None, anna, TODAY)
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "handover")) is None
    assert all(len(coach_history.history(p.id)) == 1 for p in files)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"to_coach": "finance"}, "to_coach"),
        ({"to_coach": "left"}, "to_coach"),
        ({"to_coach": None}, "to_coach"),
        ({"reason": "zomaar"}, "reason"),
        ({"reason": "anders", "note": "  "}, "note"),
        ({"note": "nul\x00teken"}, "note"),
        ({"note": "x" * (handover.NOTE_MAX + 1)}, "note"),
        ({"until": TODAY}, "until"),
        ({"until": TODAY + timedelta(days=400)}, "until"),
    ],
)
def test_bad_details_are_refused_at_their_field_and_nothing_moves(team, change, field):
    anna, bram, files = team
    coaches = {
        "finance": make_user("financien"),
        "left": make_user("coach", active=False),
        None: None,
    }
    args = {"to_coach": bram, "reason": "vakantie", "note": "", "until": None, **change}
    if not hasattr(args["to_coach"], "id"):
        args["to_coach"] = coaches[args["to_coach"]]
    with pytest.raises(handover.HandoverError) as error:
        handover.hand_over(
            [str(files[0].id)], args["to_coach"], args["reason"], args["note"], args["until"], anna, TODAY
        )
    assert error.value.field == field
    db.session.rollback()
    assert db.session.get(Participant, files[0].id).coach_id == anna.id


def test_a_new_file_has_nothing_to_read_a_handover_does_until_marked_read(team):
    anna, bram, files = team
    assert handover.unread_for(anna.id) == []  # the intake period is read from the start
    handover.hand_over([str(files[0].id), str(files[1].id)], bram, "vertrek", "", None, anna, TODAY)
    db.session.commit()
    assert {p.id for p in handover.unread_for(bram.id)} == {files[0].id, files[1].id}
    assert handover.summary(files[0], anna.id) is None  # not for the old coach
    assert handover.mark_read(files[0], bram) is True
    db.session.commit()
    assert [p.id for p in handover.unread_for(bram.id)] == [files[1].id]
    assert handover.summary(files[0], bram.id) is None
    assert handover.mark_read(files[0], bram) is False
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "handover_read")).object_id == files[0].id
    # A closed file is no longer waiting to be read.
    files[1].status = "uitgevallen"
    db.session.commit()
    assert handover.unread_for(bram.id) == []


def test_the_summary_lists_what_is_open_and_nothing_that_is_done(team):
    from tests.factories_partners import make_commitment

    anna, bram, files = team
    p = files[0]
    open_goal = make_goal(p, description="Een BBL-plek vinden")
    make_action(open_goal, description="Cv maken")
    make_action(open_goal, description="Gebeld", done=True)
    make_goal(p, description="Rijbewijs", status="behaald")
    roc = make_org("ROC van Twente", "onderwijs")
    running = make_commitment(roc, p)
    make_commitment(roc, p, status="nagekomen")
    handover.hand_over([str(p.id)], bram, "ziekte", "", None, anna, TODAY)
    db.session.commit()
    found = handover.summary(p, bram.id)
    assert found.previous_coach == "Anna Aalbers" and found.assignment.assigned_by.name == "Anna Aalbers"
    assert [g.id for g in found.open_goals] == [open_goal.id] and found.open_actions == 1
    assert [c.id for c in found.open_commitments] == [running.id]


# --------------------------------------------------------------------------- the page


@pytest.fixture
def signed_in(client, login_as):
    anna = login_as("coach", name="Anna Aalbers")
    bram = make_user("coach", name="Bram Bakker")
    mine = [make_participant(coach_id=anna.id, first_name=f"Mijn{i}") for i in range(2)]
    theirs = make_participant(coach_id=bram.id, first_name="Ander")
    closed = make_participant(coach_id=anna.id, first_name="Klaar", status="afgerond")
    return anna, bram, mine, theirs, closed


def test_the_page_lists_my_open_files_and_checks_all_of_a_coach_without_javascript(client, signed_in):
    anna, bram, mine, theirs, closed = signed_in
    page = client.get("/deelnemers/overdragen")
    assert page.status_code == 200
    assert all(f'id="deelnemer-{p.id}"' in page.text for p in mine)
    assert f'id="deelnemer-{theirs.id}"' not in page.text and f'id="deelnemer-{closed.id}"' not in page.text
    assert " checked" not in page.text.split('name="participants"')[1].split(">")[0]
    everything = client.get(f"/deelnemers/overdragen?van={bram.id}&alle=1")
    assert f'value="{theirs.id}" id="deelnemer-{theirs.id}" checked' in everything.text
    assert f'id="deelnemer-{mine[0].id}"' not in everything.text
    one = client.get(f"/deelnemers/overdragen?van={anna.id}&deelnemer={mine[1].id}")
    assert f'value="{mine[1].id}" id="deelnemer-{mine[1].id}" checked' in one.text
    assert f'value="{mine[0].id}" id="deelnemer-{mine[0].id}">' in one.text
    # A filter value that is no choice: the message at the field, not a 500.
    assert client.get("/deelnemers/overdragen?van=onzin").status_code == 200


def test_a_coach_without_files_first_sees_every_coachs_files_without_an_error(client, login_as):
    other = make_user("coach", name="Bram Bakker")
    theirs = make_participant(coach_id=other.id)
    login_as("coach", name="Nieuw")
    page = client.get("/deelnemers/overdragen")
    assert page.status_code == 200 and 'class="error-message"' not in page.text
    assert f'id="deelnemer-{theirs.id}"' in page.text


def test_posting_moves_the_files_and_says_what_was_skipped(client, signed_in):
    anna, bram, mine, theirs, closed = signed_in
    data = {
        "participants": [str(mine[0].id), str(mine[1].id), str(closed.id), "987654"],
        "to_coach": str(bram.id),
        "reason": "vakantie",
        "note": "Terug op 5 januari",
        "until": (date.today() + timedelta(days=30)).isoformat(),
    }
    response = client.post(f"/deelnemers/overdragen?van={anna.id}", data=data)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "2 dossiers overgedragen aan Bram Bakker." in page.text
    assert "het dossier is afgesloten" in page.text and "dit dossier bestaat niet" in page.text
    db.session.expire_all()
    assert [db.session.get(Participant, p.id).coach_id for p in mine] == [bram.id, bram.id]
    assert db.session.get(Participant, closed.id).coach_id == anna.id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"participants": []}, "Kies minstens één dossier."),
        ({"to_coach": ""}, "Kies de nieuwe life-coach."),
        ({"to_coach": "99999999999"}, "Ongeldige"),
        ({"reason": ""}, "Kies een reden."),
        ({"reason": "anders", "note": ""}, "Schrijf bij"),
        ({"note": "nul\x00teken"}, "onzichtbaar teken"),
        ({"note": "x" * 1001}, "hooguit 1000 tekens"),
        ({"until": "31-02-2027"}, "Vul een geldige datum in"),
        ({"until": "9999-01-01"}, "te ver weg"),
        ({"until": "2020-01-01"}, "na vandaag"),
        ({"participants": ["987654"]}, "Geen van de gekozen dossiers"),
    ],
)
def test_bad_input_shows_the_form_again_with_a_dutch_message_and_saves_nothing(client, signed_in, change, message):
    anna, bram, mine, theirs, closed = signed_in
    data = {"participants": [str(mine[0].id)], "to_coach": str(bram.id), "reason": "ziekte", "note": "", **change}
    response = client.post("/deelnemers/overdragen", data=data)
    assert response.status_code == 422
    assert message in response.text
    db.session.expire_all()
    assert db.session.get(Participant, mine[0].id).coach_id == anna.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "handover")) is None


def test_the_new_coach_reads_the_summary_on_the_file_and_marks_it_read(client, login_as, signed_in):
    anna, bram, mine, theirs, closed = signed_in
    p = mine[0]
    make_goal(p, description="Een BBL-plek vinden")
    handover.hand_over([str(p.id)], bram, "vertrek", "Moeder belt vaak", None, anna, date.today())
    db.session.commit()
    assert 'id="overdracht-kop"' not in client.get(f"/deelnemers/{p.id}").text  # Anna: not for her
    login_as(user=bram)
    start = client.get("/start/coach").text
    assert "1 dossier aan u overgedragen" in start and f"/deelnemers/{p.id}#overdracht" in start
    overview = client.get(f"/deelnemers/{p.id}").text
    assert "Overgedragen door Anna Aalbers" in overview and "Reden: vertrek van de life-coach." in overview
    assert "Moeder belt vaak" in overview and "Een BBL-plek vinden" in overview
    assert "Aandachtspunten:</strong> geen." in overview
    p.needs_followup = True  # the overview's own attention point shows up in the summary too
    db.session.commit()
    assert "Aandachtspunten:</strong> 1, zie hieronder." in client.get(f"/deelnemers/{p.id}").text
    response = client.post(f"/deelnemers/{p.id}/overdracht-gelezen")
    assert response.status_code == 303
    assert 'id="overdracht-kop"' not in client.get(f"/deelnemers/{p.id}").text
    assert "aan u overgedragen" not in client.get("/start/coach").text
    # Once more: nothing to read, a message, no error.
    again = client.post(f"/deelnemers/{p.id}/overdracht-gelezen", follow_redirects=True)
    assert "Er is geen overdracht" in again.text


def test_the_file_shows_who_was_coach_when_with_the_reason(client, signed_in):
    anna, bram, mine, theirs, closed = signed_in
    p = mine[0]
    handover.hand_over(
        [str(p.id)], bram, "vakantie", "Twee weken", date.today() + timedelta(days=14), anna, date.today()
    )
    db.session.commit()
    page = client.get(f"/deelnemers/{p.id}?tab=tijdlijn").text
    history = page.split('id="coachgeschiedenis-kop"')[1]
    assert history.index("Anna Aalbers") < history.index("Bram Bakker")
    assert "Aanmelding" in history and "Vakantie" in history and "Twee weken" in history
    assert "tijdelijk tot en met" in history


def test_the_overview_with_a_handover_keeps_a_fixed_number_of_queries(client, login_as):
    from tests.factories_budget import make_year
    from tests.test_youths_sections import MOST_QUERIES, grow_file, measure

    make_year(2026)
    make_org("Gemeente Hengelo", "gemeente")
    partner = make_org("ROC van Twente", "onderwijs")
    anna = make_user("coach", name="Anna Aalbers")
    bram = login_as("coach", name="Bram Bakker")
    p = make_participant(coach_id=anna.id)
    grow_file(p, anna, partner, 0, 2)
    handover.hand_over([str(p.id)], bram, "vakantie", "", None, anna, date.today())
    db.session.commit()
    address = f"/deelnemers/{p.id}"
    small = measure(client, address)
    grow_file(p, anna, partner, 2, 40)
    large = measure(client, address)
    assert 'id="overdracht-kop"' in client.get(address).text
    assert small == large <= MOST_QUERIES


@pytest.mark.parametrize("role", ["financien", "partner", "beheer"])
def test_other_roles_cannot_hand_over_or_mark_read(client, login_as, role):
    coach = make_user("coach")
    p = make_participant(coach_id=coach.id)
    login_as(role)
    assert client.get("/deelnemers/overdragen").status_code == 403
    assert client.post("/deelnemers/overdragen", data={"participants": [str(p.id)]}).status_code == 403
    assert client.post(f"/deelnemers/{p.id}/overdracht-gelezen").status_code == 403
    assert (
        db.session.scalars(select(CoachAssignment).where(CoachAssignment.participant_id == p.id)).all()[0].ends_at
        is None
    )


# --------------------------------------------------------------------------- all or nothing, at the same time


def test_a_failure_halfway_leaves_every_file_with_its_old_coach(team, monkeypatch):
    anna, bram, files = team
    real = coach_history.assign_coach
    calls = []

    def fail_on_the_second(*args, **kwargs):
        calls.append(args[0].id)
        if len(calls) == 2:
            raise RuntimeError("de database viel weg")
        return real(*args, **kwargs)

    monkeypatch.setattr(coach_history, "assign_coach", fail_on_the_second)
    with pytest.raises(RuntimeError):
        handover.hand_over([str(p.id) for p in files], bram, "vertrek", "", None, anna, TODAY)
    db.session.rollback()
    assert [db.session.get(Participant, p.id).coach_id for p in files] == [anna.id] * 3
    assert all(len(coach_history.history(p.id)) == 1 for p in files)
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "handover")) is None


def test_two_handovers_of_the_same_files_at_once_keep_one_open_period_per_file(app, _schema, team):
    from sqlalchemy.exc import OperationalError

    from tests.conftest import race_in_apps

    anna, bram, files = team
    cees = make_user("coach", name="Cees Claassen")
    # Plain values only: the racing threads must not touch this thread's session (expired objects would).
    ids, anna_id = [str(p.id) for p in files], anna.id
    targets = iter([bram.id, cees.id])

    def work():
        to_coach = db.session.get(User, next(targets))
        by = db.session.get(User, anna_id)
        try:
            handover.hand_over(ids, to_coach, "werkverdeling", "", None, by, TODAY)
            db.session.commit()
            return "moved"
        except OperationalError:  # SQLite: the second writer is refused and rolls back whole
            db.session.rollback()
            return "refused"

    results = race_in_apps(_schema, 2, work)
    assert "moved" in results
    db.session.expire_all()
    for p in files:
        rows = coach_history.history(p.id)
        assert [r.ends_at is None for r in rows].count(True) == 1
        assert all(earlier.ends_at == later.starts_at for earlier, later in zip(rows, rows[1:], strict=False))
        assert db.session.get(Participant, p.id).coach_id == rows[-1].coach_id
    assert len(rows) == 1 + results.count("moved")
