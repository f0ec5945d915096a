"""Mijn Perspectiefjaar: passwordless sign-in (codes, QR, session) and the participant's own pages."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from blueprints.mijn import home, signin
from blueprints.mijn.inzage_b1 import sections
from blueprints.privacy.inzage import collect
from models import (
    Action,
    AuditLog,
    Conversation,
    OutboxMessage,
    Participant,
    PortalCode,
    PortalMessage,
    db,
    utcnow,
)
from tests.conftest import make_participant, make_user, race_in_apps
from tests.factories_youths import make_action, make_assessment, make_conversation, make_goal

DOB = date(2001, 5, 17)
SECRET_SUMMARY = "GEHEIM-VERSLAG-VAN-DE-COACH"
SECRET_NOTE = "GEHEIME-METINGSNOTITIE"


@pytest.fixture
def world(app):
    coach = make_user("coach", name="Fatima Coach", email="fatima@hengelo.test", phone="074 245 00 00")
    coach.reachable = "ma t/m do 9-17 uur"
    sanne = make_participant(email="sanne@example.test", phone="06 1234 5678", coach_id=coach.id, date_of_birth=DOB)
    other = make_participant(first_name="Daan", email="daan@example.test", coach_id=coach.id)
    later = utcnow() + timedelta(days=2)
    appointment = make_conversation(
        sanne,
        later,
        attendance="gepland",
        coach_id=coach.id,
        location="Stadhuis Hengelo, balie 3",
        address="Hazenweg 1, Hengelo",
        bring="je identiteitsbewijs",
        summary=SECRET_SUMMARY,
    )
    others_appointment = make_conversation(other, later, attendance="gepland", coach_id=coach.id)
    goal = make_goal(sanne, description="Een BBL-plek vinden")
    action = make_action(goal, description="Cv maken")
    coach_action = make_action(goal, description="Werkgever bellen", who="coach")
    others_action = make_action(make_goal(other), description="Iets van Daan")
    assessment = make_assessment(sanne, date(2026, 9, 2))
    assessment.note = SECRET_NOTE
    db.session.commit()
    return {
        "coach": coach,
        "sanne": sanne,
        "other": other,
        "appointment": appointment,
        "others_appointment": others_appointment,
        "action": action,
        "coach_action": coach_action,
        "others_action": others_action,
    }


def sign_in(client, participant, seen_ago=timedelta(0)):
    now = datetime.now(UTC).timestamp()
    with client.session_transaction() as session:
        session.clear()
        session[signin.SESSION_KEY] = {
            "pid": participant.id,
            "v": participant.portal_session_version,
            "at": now - seen_ago.total_seconds(),
            "seen": now - seen_ago.total_seconds(),
        }
        session.permanent = True


def known_code(monkeypatch, code="246810"):
    monkeypatch.setattr(signin, "new_code", lambda: code)
    return code


# --------------------------------------------------------------------------- asking a code


def test_known_and_unknown_address_get_the_same_answer(client, world, monkeypatch):
    known_code(monkeypatch)
    known = client.post("/mijn/inloggen", data={"address": "sanne@example.test"})
    unknown_client = client.application.test_client()
    unknown = unknown_client.post("/mijn/inloggen", data={"address": "niemand@example.test"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"] == "/mijn/inloggen/code"
    page_known = client.get("/mijn/inloggen/code").text.replace("sanne@example.test", "ADRES")
    page_unknown = unknown_client.get("/mijn/inloggen/code").text.replace("niemand@example.test", "ADRES")
    strip = re.compile(r'(name="csrf_token" value="|"X-CSRFToken": ")[^"]*"')
    assert strip.sub("", page_known) == strip.sub("", page_unknown)
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert [m.to_address for m in messages] == ["sanne@example.test"]
    assert "246810" not in messages[0].body and "246810" not in (messages[0].html or "")
    codes = db.session.scalars(select(PortalCode)).all()
    assert len(codes) == 1 and codes[0].secret_hash != "246810" and len(codes[0].secret_hash) == 64


def test_code_by_sms_for_a_phone_number_in_the_file(client, world, monkeypatch):
    known_code(monkeypatch)
    client.post("/mijn/inloggen", data={"address": "+31 6 12345678"})
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.channel == "sms" and message.to_address == "06 1234 5678" and message.kind == "inlogcode"


def test_the_code_arrives_by_email_and_signs_in(app, client, world, smtp_server):
    host, port, inbox = smtp_server
    app.config.update(SMTP_HOST=host, SMTP_PORT=port)
    client.post("/mijn/inloggen", data={"address": "Sanne@Example.test"})
    [mail] = inbox.to("sanne@example.test")
    assert mail["Subject"] == "Je code voor Mijn Perspectiefjaar"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    code = re.search(r"\b(\d{6})\b", text).group(1)
    assert code in html and "http://localhost/mijn/inloggen/code" in text
    response = client.post("/mijn/inloggen/code", data={"code": code, "date_of_birth": DOB.isoformat()})
    assert response.status_code == 303 and response.headers["Location"] == "/mijn/"
    page = client.get("/mijn/")
    assert page.status_code == 200 and "Hoi Sanne" in page.text


@pytest.mark.parametrize("bad", ["", "   ", "a\x00b@example.test", "x" * 300])
def test_bad_address_input_is_refused_at_the_field(client, world, bad):
    response = client.post("/mijn/inloggen", data={"address": bad})
    assert response.status_code == 422 and "error-message" in response.text
    assert db.session.scalars(select(OutboxMessage)).all() == []


# --------------------------------------------------------------------------- checking a code


def test_wrong_birth_date_counts_as_a_try_and_the_limit_holds(app, world, monkeypatch):
    code = known_code(monkeypatch)
    signin.request_code("sanne@example.test", "http://x/")
    db.session.commit()
    for _ in range(signin.MAX_TRIES - 1):
        assert signin.check_code("sanne@example.test", code, date(2000, 1, 1)).problem == signin.WRONG
    assert signin.check_code("sanne@example.test", "000000", DOB).problem == signin.TOO_MANY
    # Now even the right code with the right date is refused.
    assert signin.check_code("sanne@example.test", code, DOB).problem == signin.TOO_MANY


def test_code_expires_after_ten_minutes(app, world, monkeypatch):
    code = known_code(monkeypatch)
    start = utcnow()
    signin.request_code("sanne@example.test", "http://x/", now=start)
    db.session.commit()
    late = signin.check_code("sanne@example.test", code, DOB, now=start + timedelta(minutes=10, seconds=1))
    assert late.participant is None and late.problem == signin.EXPIRED
    ok = signin.check_code("sanne@example.test", code, DOB, now=start + timedelta(minutes=9))
    assert ok.participant is not None


def test_code_is_single_use_with_a_clear_message(client, world, monkeypatch):
    code = known_code(monkeypatch)
    client.post("/mijn/inloggen", data={"address": "sanne@example.test"})
    data = {"code": code, "date_of_birth": DOB.isoformat()}
    assert client.post("/mijn/inloggen/code", data=data).status_code == 303
    other = client.application.test_client()
    with other.session_transaction() as session:
        session["portal_address"] = "sanne@example.test"
    again = other.post("/mijn/inloggen/code", data=data)
    assert again.status_code == 422 and "verlopen of al gebruikt" in again.text


def test_a_new_code_replaces_the_old_one(app, world, monkeypatch):
    known_code(monkeypatch, "111111")
    signin.request_code("sanne@example.test", "http://x/")
    known_code(monkeypatch, "222222")
    signin.request_code("sanne@example.test", "http://x/")
    db.session.commit()
    assert signin.check_code("sanne@example.test", "111111", DOB).participant is None
    assert signin.check_code("sanne@example.test", "222222", DOB).participant is not None


@pytest.mark.parametrize("bad", ["12345", "abcdef", "١٢٣٤٥٦", "12 34 5\x00"])
def test_malformed_code_is_refused_without_a_try(client, world, bad):
    client.post("/mijn/inloggen", data={"address": "sanne@example.test"})
    response = client.post("/mijn/inloggen/code", data={"code": bad, "date_of_birth": DOB.isoformat()})
    assert response.status_code == 422 and "6 cijfers" in response.text
    assert db.session.scalars(select(PortalCode.tries)).all() == [0]


def test_far_birth_date_is_refused_at_the_field(client, world):
    client.post("/mijn/inloggen", data={"address": "sanne@example.test"})
    response = client.post("/mijn/inloggen/code", data={"code": "123456", "date_of_birth": "9999-12-31"})
    assert response.status_code == 422 and "kan niet kloppen" in response.text


def test_concurrent_right_codes_sign_in_once(app, world, monkeypatch, _schema):
    code = known_code(monkeypatch)
    signin.request_code("sanne@example.test", "http://x/")
    db.session.commit()
    results = race_in_apps(
        _schema,
        6,
        lambda: signin.check_code("sanne@example.test", code, DOB).participant is not None,
        SECRET_KEY="test-secret-key",
    )
    assert sorted(results) == [False] * 5 + [True]


def test_concurrent_wrong_tries_never_exceed_the_limit(app, world, monkeypatch, _schema):
    code = known_code(monkeypatch)
    signin.request_code("sanne@example.test", "http://x/")
    db.session.commit()
    race_in_apps(
        _schema, 8, lambda: signin.check_code("sanne@example.test", "999999", DOB).problem, SECRET_KEY="test-secret-key"
    )
    row = db.session.scalars(select(PortalCode)).one()
    db.session.refresh(row)
    assert row.tries == signin.MAX_TRIES
    assert signin.check_code("sanne@example.test", code, DOB).problem == signin.TOO_MANY


# --------------------------------------------------------------------------- QR and session


def test_coach_qr_signs_in_once_on_the_phone(app, client, login_as, world, monkeypatch):
    monkeypatch.setattr(signin.secrets, "token_urlsafe", lambda n: "vaste-qr-token-voor-de-test")
    login_as(user=world["coach"])
    page = client.post(f"/mijn/coach/deelnemers/{world['sanne'].id}/qr")
    assert page.status_code == 200 and "<svg" in page.text
    assert "vaste-qr-token-voor-de-test" not in str(db.session.scalars(select(PortalCode.secret_hash)).all())
    url = "/mijn/qr/vaste-qr-token-voor-de-test"
    phone = app.test_client()
    assert phone.get(url).status_code == 200  # a confirm page: a link preview does not use it up
    assert phone.post(url).status_code == 303
    assert "Hoi Sanne" in phone.get("/mijn/").text
    assert app.test_client().post(url).status_code == 410


def test_coach_of_another_participant_gets_404_for_a_qr(client, login_as, world):
    login_as("coach")
    assert client.post(f"/mijn/coach/deelnemers/{world['sanne'].id}/qr").status_code == 404


def test_idle_session_ends_after_thirty_minutes(client, world):
    sign_in(client, world["sanne"], seen_ago=timedelta(minutes=31))
    response = client.get("/mijn/")
    assert response.status_code == 302 and response.headers["Location"] == "/mijn/inloggen?verlopen=1"
    sign_in(client, world["sanne"], seen_ago=timedelta(minutes=29))
    assert client.get("/mijn/").status_code == 200


def test_sign_out_kills_a_captured_cookie(app, client, world):
    sign_in(client, world["sanne"])
    assert client.get("/mijn/").status_code == 200
    with client.session_transaction() as session:
        captured = dict(session)
    client.post("/mijn/uitloggen")
    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(captured)
    assert thief.get("/mijn/").status_code == 302


def test_participant_is_not_a_staff_user(client, world):
    sign_in(client, world["sanne"])
    for url in ("/deelnemers/", f"/deelnemers/{world['sanne'].id}", "/start/coach"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen"), url


# --------------------------------------------------------------------------- home and privacy


def test_home_shows_coach_appointment_goals_without_confidential_content(client, world):
    sign_in(client, world["sanne"])
    page = client.get("/mijn/").text
    for expected in (
        "Fatima Coach",
        "074 245 00 00",
        "ma t/m do 9-17 uur",
        "Stadhuis Hengelo, balie 3",
        "Hazenweg 1, Hengelo",
        "openstreetmap.org/search?query=Hazenweg+1%2C+Hengelo",
        "je identiteitsbewijs",
        "Een BBL-plek vinden",
        "Cv maken",
        "Zet in mijn agenda",
        "Ik kan niet",
    ):
        assert expected in page, expected
    for secret in (SECRET_SUMMARY, SECRET_NOTE, "Iets van Daan", "Daan", "Werk &amp; opleiding"):
        assert secret not in page, secret


def test_every_participant_view_is_in_the_access_log_and_the_inzage(client, world):
    sign_in(client, world["sanne"])
    client.get("/mijn/")
    client.get(f"/mijn/afspraken/{world['appointment'].id}/agenda.ics")
    entries = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "view", AuditLog.object_id == world["sanne"].id)
    ).all()
    assert len(entries) == 2 and all(e.actor_label.startswith("deelnemer zelf") for e in entries)
    text = "\n".join(line for _, lines in sections(collect(db.session, world["sanne"].id)) for line in lines)
    assert text.count("jijzelf, in Mijn Perspectiefjaar") == 2
    assert SECRET_SUMMARY not in text and SECRET_NOTE not in text


def test_inzage_pdf_downloads(client, world):
    sign_in(client, world["sanne"])
    response = client.get("/mijn/mijn-gegevens.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_another_participants_objects_are_404(client, world):
    sign_in(client, world["sanne"])
    other_appointment, other_action = world["others_appointment"], world["others_action"]
    assert client.get(f"/mijn/afspraken/{other_appointment.id}/agenda.ics").status_code == 404
    assert client.get(f"/mijn/afspraken/{other_appointment.id}/afzeggen").status_code == 404
    assert client.post(f"/mijn/afspraken/{other_appointment.id}/afzeggen", data={"reason": "x"}).status_code == 404
    assert client.post(f"/mijn/acties/{other_action.id}", data={"done": "y"}).status_code == 404
    assert client.post(f"/mijn/acties/{world['coach_action'].id}", data={"done": "y"}).status_code == 404
    assert client.get("/mijn/contract/987654.pdf").status_code == 404
    assert db.session.get(Conversation, other_appointment.id).attendance == "gepland"
    assert db.session.get(Action, other_action.id).done is False


def test_cancel_with_reason_becomes_afgemeld_and_the_coach_sees_it(client, login_as, world, app):
    sign_in(client, world["sanne"])
    appointment = world["appointment"]
    response = client.post(f"/mijn/afspraken/{appointment.id}/afzeggen", data={"reason": "Ik ben ziek"})
    assert response.status_code == 303
    conversation = db.session.get(Conversation, appointment.id)
    assert (conversation.attendance, conversation.cancel_reason, conversation.cancelled_by) == (
        "afgemeld",
        "Ik ben ziek",
        "deelnemer",
    )
    coach = app.test_client()
    with coach.session_transaction() as session:
        session["_user_id"] = world["coach"].get_id()
        session["_fresh"] = True
        session["auth_at"] = datetime.now(UTC).timestamp()
    start = coach.get("/start/coach").text
    assert "Afgezegd door de deelnemer" in start and "Ik ben ziek" in start
    again = client.get(f"/mijn/afspraken/{appointment.id}/afzeggen").text
    assert "al afgezegd" in again and "Afspraak afzeggen</button>" not in again  # no form that can only fail


@pytest.mark.parametrize("bad", ["", "   ", "ziek\x00", "x" * 501])
def test_cancel_with_bad_reason_is_refused(client, world, bad):
    sign_in(client, world["sanne"])
    response = client.post(f"/mijn/afspraken/{world['appointment'].id}/afzeggen", data={"reason": bad})
    assert response.status_code == 422 and "error-message" in response.text
    assert db.session.get(Conversation, world["appointment"].id).attendance == "gepland"


def test_a_past_appointment_cannot_be_cancelled(app, world):
    appointment = world["appointment"]
    appointment.held_at = utcnow() - timedelta(hours=2)
    with pytest.raises(home.RuleError):
        home.cancel_appointment(world["sanne"], appointment, "te laat")


def test_tick_an_action_and_the_coach_sees_it(client, world, login_as, app):
    sign_in(client, world["sanne"])
    assert client.post(f"/mijn/acties/{world['action'].id}", data={"done": "y"}).status_code == 303
    action = db.session.get(Action, world["action"].id)
    assert action.done and action.done_by == "deelnemer" and action.done_on == date.today()
    news = home.coach_news(world["coach"].id)
    assert [a.description for a in news.ticked] == ["Cv maken"]
    client.post(f"/mijn/acties/{world['action'].id}", data={})
    assert db.session.get(Action, world["action"].id).done is False


def test_message_to_the_coach_shows_on_the_start_page_and_in_the_file(client, world, app):
    sign_in(client, world["sanne"])
    assert client.post("/mijn/bericht", data={"body": "Mag de afspraak later?"}).status_code == 303
    [message] = db.session.scalars(select(PortalMessage)).all()
    assert message.participant_id == world["sanne"].id
    coach = app.test_client()
    with coach.session_transaction() as session:
        session["_user_id"] = world["coach"].get_id()
        session["_fresh"] = True
        session["auth_at"] = datetime.now(UTC).timestamp()
    assert "Mag de afspraak later?" in coach.get("/start/coach").text
    assert "Mag de afspraak later?" in coach.get(f"/deelnemers/{world['sanne'].id}?tab=gesprekken").text
    assert coach.post(f"/mijn/coach/berichten/{message.id}/gelezen").status_code == 303
    assert db.session.get(PortalMessage, message.id).read_at is not None
    assert "Mag de afspraak later?" not in coach.get("/start/coach").text


def test_reminder_channel_choice(client, world):
    sign_in(client, world["sanne"])
    assert client.post("/mijn/herinneringen", data={"channel": "geen"}).status_code == 303
    assert db.session.get(Participant, world["sanne"].id).reminder_channel == "geen"
    assert client.post("/mijn/herinneringen", data={"channel": "fax"}).status_code == 422


# --------------------------------------------------------------------------- demo


def test_demo_participants_can_sign_in_with_the_code_from_the_outbox(app, client):
    from demo import load_demo

    app.config["OUTBOX_KEEPS_SECRETS"] = True  # as in development (make run)
    load_demo("perspectiefjaar-demo")
    running = db.session.scalars(select(Participant).where(Participant.status.in_(signin.OPEN_STATUSES))).all()
    assert running
    for participant in running:
        assert participant.email
        upcoming = home.upcoming(participant.id)
        assert upcoming and all(c.location and c.bring for c in upcoming), participant.full_name
    sanne = running[0]
    client.post("/mijn/inloggen", data={"address": sanne.email})
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "inlogcode")).one()
    code = re.search(r"is: (\d{6})", message.body).group(1)
    response = client.post("/mijn/inloggen/code", data={"code": code, "date_of_birth": sanne.date_of_birth.isoformat()})
    assert response.status_code == 303
    assert f"Hoi {sanne.first_name}" in client.get("/mijn/").text


def test_access_logs_mask_the_qr_sign_in_token():
    import logging

    from core.security import SigningTokenFilter

    record = logging.LogRecord("werkzeug", logging.INFO, "", 0, '"GET /mijn/qr/%s HTTP/1.1" 200', ("x",), None)
    record.args = ("GET /mijn/qr/vaste-qr-token-voor-de-test HTTP/1.1",)
    record.msg = "%s"
    SigningTokenFilter().filter(record)
    assert "vaste-qr-token" not in record.getMessage() and "/mijn/qr/***" in record.getMessage()


def test_the_qr_button_shows_only_where_it_works(client, login_as, world):
    """Another coach may open the case file but not sign the participant in, so no button that 404s."""
    login_as("coach")  # not Sanne's coach
    assert "QR-code tonen" not in client.get(f"/deelnemers/{world['sanne'].id}?tab=gesprekken").text
    login_as(user=world["coach"])
    assert "QR-code tonen" in client.get(f"/deelnemers/{world['sanne'].id}?tab=gesprekken").text


def test_coach_contact_number_must_be_a_phone_number(client, login_as, world):
    login_as(user=world["coach"])
    refused = client.post("/mijn/coach/bereikbaarheid", data={"phone": "31-02-2026", "reachable": "ma-do"})
    assert refused.status_code == 422 and "geldig telefoonnummer" in refused.text
    assert db.session.get(type(world["coach"]), world["coach"].id).phone == "074 245 00 00"  # nothing saved
    accepted = client.post("/mijn/coach/bereikbaarheid", data={"phone": "074 245 12 34", "reachable": "ma-do"})
    assert accepted.status_code == 303
