"""'Niet vrijblijvend': the no-show rule and what makes a case file need the coach's attention.

Two 'niet verschenen' in a row mark a participant 'opvolging nodig' until a later conversation is
attended, or the coach clears the flag with a reason (`clear_followup`; closing the file does it too).
An 'afgemeld' (cancelled with a reason) neither counts nor breaks the row; planned conversations do not
count yet. Plain rules, no HTTP.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select

from core.audit import record
from models import Conversation, Participant, db, utcnow

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
    query = select(Conversation.attendance).where(Conversation.participant_id == participant.id)
    if participant.followup_cleared_at is not None:  # the coach cleared the flag: count afresh from then
        query = query.where(Conversation.held_at > participant.followup_cleared_at)
    attendances = db.session.scalars(query.order_by(Conversation.held_at, Conversation.id))
    flag = needs_followup(attendances)
    if flag != participant.needs_followup:
        participant.needs_followup = flag
        record(db.session, "opvolging_nodig" if flag else "opvolging_klaar", participant)
    return flag


class FollowupError(ValueError):
    """A refused clear, with a Dutch message."""


REASON_MAX = 1000


def clear_followup(participant: Participant, reason: str, now: datetime | None = None) -> None:
    """The coach clears 'opvolging nodig' by hand with a reason (audited), or closing the file clears it.

    From `now` on the no-show row starts afresh: the no-shows before it no longer set the flag again.
    Raises FollowupError. The caller commits.
    """
    reason = (reason or "").strip()
    if not participant.needs_followup:
        raise FollowupError("Dit dossier staat niet op 'opvolging nodig'.")
    if not reason:
        raise FollowupError("Vul in waarom de opvolging klaar is.")
    if len(reason) > REASON_MAX:
        raise FollowupError(f"De reden is te lang (hoogstens {REASON_MAX} tekens).")
    participant.needs_followup = False
    participant.followup_cleared_at = now or utcnow()
    record(db.session, "opvolging_gewist", participant, changes={"reden": (None, reason)})


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
