"""'Niet vrijblijvend': the no-show rule and what makes a case file need the coach's attention.

Two 'niet verschenen' in a row mark a participant 'opvolging nodig' until a later conversation is
attended. An 'afgemeld' (cancelled with a reason) neither counts nor breaks the row; planned
conversations do not count yet. Plain rules, no HTTP.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select

from core.audit import record
from models import Conversation, Participant, db

NO_SHOWS_IN_A_ROW = 2
NO_CONTACT_DAYS = 28  # "no contact for more than 4 weeks"
ENDING_WITHIN_DAYS = 30
ACTIVE_STATUSES = ("intake", "actief")


def no_show_streak(attendances: Iterable[str]) -> int:
    """Number of 'niet verschenen' since the last attended conversation (oldest first in)."""
    streak = 0
    for attendance in attendances:
        if attendance == "verschenen":
            streak = 0
        elif attendance == "niet_verschenen":
            streak += 1
    return streak


def needs_followup(attendances: Iterable[str]) -> bool:
    return no_show_streak(attendances) >= NO_SHOWS_IN_A_ROW


def refresh_followup(participant: Participant) -> bool:
    """Recompute the stored flag from the conversations; audit when it changes. Returns the new flag."""
    db.session.flush()
    attendances = db.session.scalars(
        select(Conversation.attendance)
        .where(Conversation.participant_id == participant.id)
        .order_by(Conversation.held_at, Conversation.id)
    )
    flag = needs_followup(attendances)
    if flag != participant.needs_followup:
        participant.needs_followup = flag
        record(db.session, "opvolging_nodig" if flag else "opvolging_klaar", participant)
    return flag


def no_recent_contact(last_contact: datetime | None, since: datetime, now: datetime) -> bool:
    """True when the last attended conversation (or, without one, the registration) is over 4 weeks ago."""
    reference = last_contact or since
    return reference < now - timedelta(days=NO_CONTACT_DAYS)


def attention_reasons(
    participant: Participant, last_contact: datetime | None, overdue_actions: int, now: datetime
) -> list[str]:
    """Dutch reasons why this file needs attention now (empty: all fine)."""
    if participant.status not in ACTIVE_STATUSES:
        return []
    reasons = []
    if participant.needs_followup:
        reasons.append("Opvolging nodig: twee keer niet verschenen")
    if no_recent_contact(last_contact, participant.created_at, now):
        reasons.append("Langer dan 4 weken geen contact")
    if overdue_actions:
        reasons.append(f"{overdue_actions} {'actie' if overdue_actions == 1 else 'acties'} over de streefdatum")
    return reasons
