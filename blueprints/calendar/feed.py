"""A coach's personal iCalendar feed: a secret URL to subscribe to in Outlook. Plain rules, no HTTP.

The token is 32 random bytes; only its SHA-256 is stored, so a database copy cannot read anyone's agenda.
One feed per coach: making a new one revokes the old URL. A revoked or unknown token finds nobody (404).
What a feed holds: the conversations the coach holds (`Conversation.coach_id`), from 90 days back to a year
ahead, cancelled ones as STATUS:CANCELLED. UID and SEQUENCE are those of the participant's invitation
(`mijn/ics.py`), so a moved or cancelled appointment updates the same event. Only a first name and the
initial of the last name go into the calendar: it leaves the municipality's systems (Outlook, a phone).
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import url_for
from icalendar import Calendar, Event, vText
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.mijn import ics
from core.audit import record
from core.localtime import LOCAL_TZ, to_local
from models import CalendarFeed, Conversation, User, db, utcnow

PAST, AHEAD = timedelta(days=90), timedelta(days=366)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def active_feed(user: User) -> CalendarFeed | None:
    return db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
    )


def revoke_feed(user: User, now: datetime | None = None) -> bool:
    """Stop the coach's feed URL; False when there was none."""
    feed = active_feed(user)
    if feed is None:
        return False
    feed.revoked_at = now or utcnow()
    record(db.session, "calendar_feed_revoked", feed, actor=user)
    return True


def new_feed(user: User, now: datetime | None = None) -> str:
    """A new feed URL token for `user` (the old one stops working). Shown once, never stored. Caller commits."""
    now = now or utcnow()
    revoke_feed(user, now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user_id=user.id, token_hash=token_hash(token), created_at=now)
    db.session.add(feed)
    db.session.flush()
    record(db.session, "calendar_feed_created", feed, actor=user)
    return token


def user_for_token(token: str) -> User | None:
    """The coach a working token belongs to, or None (unknown, revoked, or no longer a coach)."""
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.token_hash == token_hash(token), CalendarFeed.revoked_at.is_(None))
        .options(joinedload(CalendarFeed.user))
    )
    if feed is None or feed.user.role != "coach" or not feed.user.active:
        return None
    return feed.user


def feed_conversations(user: User, now: datetime | None = None) -> list[Conversation]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Conversation)
            .where(Conversation.coach_id == user.id, Conversation.held_at.between(now - PAST, now + AHEAD))
            .options(joinedload(Conversation.participant))
            .order_by(Conversation.held_at, Conversation.id)
        )
    )


def short_name(conversation: Conversation) -> str:
    p = conversation.participant
    return f"{p.first_name} {p.last_name[:1]}." if p.last_name else p.first_name


def feed_bytes(user: User, now: datetime | None = None) -> bytes:
    """The coach's feed as an iCalendar file (METHOD PUBLISH, a VTIMEZONE for Europe/Amsterdam)."""
    calendar = Calendar()
    calendar.add("prodid", ics.PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Perspectiefjaar: mijn gesprekken")
    stamp = (now or utcnow()).replace(tzinfo=UTC)
    for conversation in feed_conversations(user, now):
        event = Event()
        event.add("uid", ics.uid(conversation))
        event.add("sequence", conversation.ics_sequence or 0)
        event.add("dtstamp", stamp)
        start = to_local(conversation.held_at).replace(tzinfo=LOCAL_TZ)
        event.add("dtstart", start)
        event.add("dtend", start + ics.DURATION)
        event.add("summary", f"{conversation.kind_label}: {short_name(conversation)}")
        event.add("location", vText(ics.place(conversation)))
        event.add("url", url_for("youths.show", participant_id=conversation.participant_id, _external=True))
        event.add("status", "CANCELLED" if conversation.attendance == "afgemeld" else "CONFIRMED")
        calendar.add_component(event)
    ics.add_timezones(calendar)
    return calendar.to_ical()
