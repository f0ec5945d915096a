"""iCalendar (RFC 5545) for an appointment: one stable UID per conversation, REQUEST or CANCEL.

The UID never changes for a conversation, and SEQUENCE (`Conversation.ics_sequence`) goes up when
the time or place moves, so a calendar updates or removes the same event instead of adding one.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from core.localtime import LOCAL_TZ, to_local
from models import Conversation, utcnow

DURATION = timedelta(hours=1)
PRODID = "-//Gemeente Hengelo//Perspectiefjaar 23+//NL"
UID_DOMAIN = "perspectiefjaar.hengelo.nl"


def uid(conversation: Conversation) -> str:
    return f"gesprek-{conversation.id}@{UID_DOMAIN}"


def place(conversation: Conversation) -> str:
    given = ", ".join(p for p in (conversation.location, conversation.address) if p)
    if given:
        return given
    # A conversation that already took place is no longer "to be agreed".
    return "Geen plaats vastgelegd" if conversation.held_at < utcnow() else "Wordt nog afgesproken"


def _description(conversation: Conversation, cancel_url: str | None) -> str:
    lines = [f"Afspraak met {conversation.coach.name if conversation.coach else 'je life-coach'}."]
    if conversation.bring:
        lines.append(f"Neem mee: {conversation.bring}")
    if cancel_url:
        lines.append(f"Kun je niet? Zeg af via {cancel_url}")
    return "\n".join(lines)


def calendar_bytes(
    conversation: Conversation,
    method: str = "REQUEST",
    cancel_url: str | None = None,
    organizer_email: str | None = None,
    attendee_email: str | None = None,
) -> bytes:
    """The .ics file for this appointment: METHOD REQUEST (planned, moved) or CANCEL (cancelled)."""
    if method not in ("REQUEST", "CANCEL", "PUBLISH"):
        raise ValueError(method)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid(conversation))
    event.add("sequence", conversation.ics_sequence or 0)
    event.add("dtstamp", utcnow().replace(tzinfo=UTC))
    start = to_local(conversation.held_at).replace(tzinfo=LOCAL_TZ)
    event.add("dtstart", start)
    event.add("dtend", start + DURATION)
    event.add("summary", f"{conversation.kind_label} Perspectiefjaar")
    event.add("location", vText(place(conversation)))
    event.add("description", _description(conversation, cancel_url))
    cancelled = method == "CANCEL" or conversation.attendance == "afgemeld"
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if organizer_email:
        organizer = vCalAddress(f"mailto:{organizer_email}")
        organizer.params["cn"] = vText(conversation.coach.name if conversation.coach else "Perspectiefjaar")
        event.add("organizer", organizer)
    if attendee_email:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee)
    calendar.add_component(event)
    add_timezones(calendar)
    return calendar.to_ical()


def add_timezones(calendar: Calendar) -> None:
    """A VTIMEZONE for Europe/Amsterdam, so every calendar app agrees on the hour; without the English
    COMMENT icalendar writes into it (calendar apps may show it)."""
    calendar.add_missing_timezones()
    for timezone in calendar.walk("VTIMEZONE"):
        timezone.pop("COMMENT", None)
