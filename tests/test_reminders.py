"""Appointment reminders (`flask reminders send`) and calendar invitations, against a real SMTP server."""

from datetime import UTC, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from blueprints.mijn import reminders
from core.localtime import to_local
from models import Conversation, OutboxMessage, db, utcnow
from tests.conftest import make_participant, make_user, race_in_apps
from tests.factories_youths import make_conversation


@pytest.fixture
def world(app):
    coach = make_user("coach", name="Fatima Coach", phone="074 245 98 10")
    sanne = make_participant(email="sanne@example.test", phone="06 12345678", coach_id=coach.id)
    soon = make_conversation(
        sanne,
        utcnow() + timedelta(hours=20),
        attendance="gepland",
        coach_id=coach.id,
        location="Stadhuis Hengelo, balie 3",
        address="Hazenweg 120, Hengelo",
        bring="je identiteitsbewijs",
    )
    return {"coach": coach, "sanne": sanne, "soon": soon}


def use_smtp(app, smtp_server):
    host, port, inbox = smtp_server
    app.config.update(SMTP_HOST=host, SMTP_PORT=port, MAIL_FROM="perspectiefjaar@hengelo.test")
    return inbox


def reminder_rows():
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == reminders.REMINDER)).all()


def test_reminder_mail_has_everything_and_a_calendar_invitation(app, world, smtp_server):
    inbox = use_smtp(app, smtp_server)
    result = reminders.send_due()
    assert result.reminders == 1
    [mail] = inbox.to("sanne@example.test")
    assert mail["From"] == "perspectiefjaar@hengelo.test" and mail["Subject"].startswith("Herinnering: je afspraak")
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    local = to_local(world["soon"].held_at)
    for part in (text, html):
        assert local.strftime("%H:%M") in part and str(local.day) in part
        assert "Stadhuis Hengelo, balie 3" in part and "je identiteitsbewijs" in part and "Fatima Coach" in part
        assert f"/mijn/afspraken/{world['soon'].id}/afzeggen" in part
    assert "074 245 98 10" in text
    assert 'href="https://www.openstreetmap.org/search?query=Hazenweg+120%2C+Hengelo"' in html
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and attachment.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == reminders.ics.uid(world["soon"])
    assert "Hazenweg 120" in str(event["LOCATION"])
    start = event.decoded("DTSTART").astimezone(UTC).replace(tzinfo=None)
    assert abs(start - world["soon"].held_at) < timedelta(seconds=1)
    [row] = reminder_rows()
    assert row.status == "sent" and row.conversation_id == world["soon"].id


def test_the_job_run_twice_sends_one_reminder(app, world):
    assert reminders.send_due().reminders == 1
    assert reminders.send_due().reminders == 0
    assert len(reminder_rows()) == 1


def test_two_servers_running_the_job_at_once_send_one_reminder_each(app, world, _schema):
    sanne = world["sanne"]
    for hours in (2, 5, 9, 14):
        make_conversation(sanne, utcnow() + timedelta(hours=hours), attendance="gepland")
    results = race_in_apps(_schema, 3, lambda: reminders.send_due().reminders)
    assert sum(results) == 5
    rows = reminder_rows()
    assert len(rows) == 5 and len({r.conversation_id for r in rows}) == 5


def test_never_for_cancelled_past_or_far_appointments(app, world):
    sanne = world["sanne"]
    world["soon"].attendance = "afgemeld"
    world["soon"].cancel_reason = "ziek"
    make_conversation(sanne, utcnow() - timedelta(hours=1), attendance="gepland")  # already past
    make_conversation(sanne, utcnow() + timedelta(hours=30), attendance="gepland")  # not yet due
    db.session.commit()
    assert reminders.send_due().reminders == 0
    assert reminder_rows() == []


def test_lead_time_is_configurable(app, world):
    app.config["REMINDER_HOURS"] = 12
    assert reminders.send_due().reminders == 0
    app.config["REMINDER_HOURS"] = 48
    assert reminders.send_due().reminders == 1


def test_channel_choice_and_opt_out(app, world):
    world["sanne"].reminder_channel = "geen"
    db.session.commit()
    result = reminders.send_due()
    assert (result.reminders, result.skipped) == (0, 1)
    assert reminder_rows() == []
    make_conversation(world["sanne"], utcnow() + timedelta(hours=3), attendance="gepland")
    world["sanne"].reminder_channel = "beide"
    db.session.commit()
    assert reminders.send_due().reminders == 2
    assert sorted(r.channel for r in reminder_rows()) == ["email", "sms"]
    sms = next(r for r in reminder_rows() if r.channel == "sms")
    assert "Neem mee" in sms.body and sms.status == "queued"  # no SMS provider here: it waits in the outbox


def test_coach_sees_a_bounced_reminder_on_the_appointment(app, client, login_as, world, smtp_server):
    inbox = use_smtp(app, smtp_server)
    inbox.refuse.add("sanne@example.test")
    reminders.send_due()
    assert reminder_rows()[0].status == "bounced"
    login_as(user=world["coach"])
    page = client.get(f"/deelnemers/{world['sanne'].id}?tab=gesprekken").text
    assert "Herinnering niet aangekomen (e-mail)" in page


def _calendars(inbox, address):
    out = []
    for mail in inbox.to(address):
        for attachment in mail.iter_attachments():
            out.append(Calendar.from_ical(attachment.get_content()))
    return out


def test_plan_move_cancel_sends_request_then_cancel_with_the_same_uid(app, client, login_as, world, smtp_server):
    inbox = use_smtp(app, smtp_server)
    login_as(user=world["coach"])
    sanne = world["sanne"]
    when = to_local(utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
    data = {
        "held_at": when.strftime("%Y-%m-%dT%H:%M"),
        "kind": "voortgangsgesprek",
        "attendance": "gepland",
        "location": "Wijkcentrum De Veldkamp",
        "address": "Gieterij 200, Hengelo",
        "bring": "je cv",
    }
    assert client.post(f"/deelnemers/{sanne.id}/gesprekken/nieuw", data=data).status_code == 303
    conversation = db.session.scalars(select(Conversation).where(Conversation.location.is_not(None))).all()[-1]
    moved = data | {"held_at": (when + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")}
    assert client.post(f"/deelnemers/gesprekken/{conversation.id}/bewerken", data=moved).status_code == 303
    cancelled = moved | {"attendance": "afgemeld", "cancel_reason": "Coach is ziek"}
    response = client.post(f"/deelnemers/gesprekken/{conversation.id}/bewerken", data=cancelled)
    # A future appointment cannot be marked afgemeld by the form's rule; then the participant cancels it.
    if response.status_code == 422:
        from tests.test_mijn import sign_in

        participant_client = app.test_client()
        sign_in(participant_client, sanne)
        assert (
            participant_client.post(
                f"/mijn/afspraken/{conversation.id}/afzeggen", data={"reason": "Ik heb een sollicitatie"}
            ).status_code
            == 303
        )
    calendars = _calendars(inbox, "sanne@example.test")
    assert [str(c["METHOD"]) for c in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    events = [c.walk("VEVENT")[0] for c in calendars]
    assert len({str(e["UID"]) for e in events}) == 1
    assert [int(e["SEQUENCE"]) for e in events] == [0, 1, 2]
    assert str(events[-1]["STATUS"]) == "CANCELLED"
    assert "Gieterij 200" in str(events[0]["LOCATION"])


def test_a_moved_appointment_gets_a_new_reminder(app, world):
    assert reminders.send_due().reminders == 1
    conversation = db.session.get(Conversation, world["soon"].id)
    before = reminders.snapshot(conversation)
    conversation.held_at = conversation.held_at + timedelta(hours=2)
    reminders.appointment_changed(conversation, before)
    db.session.commit()
    assert reminders.send_due().reminders == 1
    assert len(reminder_rows()) == 2


def test_cli_command(app, world):
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0 and "1 herinnering(en) klaargezet" in result.output
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert "0 herinnering(en) klaargezet" in result.output


def test_report_shows_no_show_rate_with_and_without_reminder(app, client, login_as, world):
    from blueprints.reports.figures import Filters, build_report

    sanne = world["sanne"]
    past = utcnow() - timedelta(days=10)
    reminded = [
        make_conversation(sanne, past, attendance="verschenen"),
        make_conversation(sanne, past, attendance="niet_verschenen"),
        make_conversation(sanne, past, attendance="verschenen"),
        make_conversation(sanne, past, attendance="verschenen"),
    ]
    for conversation in reminded:
        db.session.add(
            OutboxMessage(
                to_address="sanne@example.test", subject="Herinnering", body="...", kind="herinnering",
                conversation_id=conversation.id, status="sent",
            )
        )  # fmt: skip
    bounced = make_conversation(sanne, past, attendance="niet_verschenen")  # a bounced reminder is no reminder
    db.session.add(
        OutboxMessage(
            to_address="x", subject="H", body="...", kind="herinnering", conversation_id=bounced.id, status="bounced"
        )
    )
    make_conversation(sanne, past, attendance="niet_verschenen")
    make_conversation(sanne, past, attendance="afgemeld", cancel_reason="ziek")  # cancelled: not counted
    db.session.commit()
    effect = build_report(Filters()).reminder_effect
    assert (effect.with_reminder.part, effect.with_reminder.whole) == (1, 4)
    assert (effect.without_reminder.part, effect.without_reminder.whole) == (2, 2)
    login_as(user=world["coach"])
    page = client.get("/rapportage/").text
    assert "Helpen herinneringen?" in page and "25%" in page and "100%" in page
