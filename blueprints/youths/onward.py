"""Onward referrals ("verwezen naar", issue #17): where the coach sends a participant on, and whether they arrived.

Plain rules, no HTTP. A trajectory can have several referrals; they are separate from the outcome
(`Participant.outcome`) and from who referred the participant in (`Participant.referral_source`,
"verwezen door"). Partners never see them: the reason is case content, and an arrival is the coach's
fact to record. Every change is audited by the flush listener (core/audit.py).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.youths import lasting
from core.localtime import local_now
from models import (
    ONWARD_DESTINATION_LABELS,
    ONWARD_RESULT_LABELS,
    OnwardReferral,
    Organisation,
    Participant,
    User,
    db,
)

PARTNER = "partner"
OTHER = "anders"
UNKNOWN = "onbekend"


def today() -> date:
    """Today in Hengelo: every date rule of this feature uses the Dutch calendar day."""
    return local_now().date()


def file_context(participant: Participant) -> dict:
    """What the case file's part "Verwezen naar en na afloop" shows (partials/onward_referrals.html): two queries."""
    return {
        "onward_referrals": referrals_of(participant.id),
        "lasting_checks": lasting.checks_of(participant, today()),
    }


class OnwardError(ValueError):
    """A refused referral, with a Dutch message and the form field it belongs to."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ReferralInput:
    destination: str  # an ONWARD_DESTINATION_LABELS key
    organisation_id: int | None
    destination_other: str | None
    referred_on: date
    reason: str
    result: str = UNKNOWN
    result_on: date | None = None


def _day(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def check_referred_on(participant: Participant, on: date, today: date) -> None:
    if on < participant.start_date:
        raise OnwardError(
            f"De datum kan niet voor de start van het perspectiefjaar ({_day(participant.start_date)}) liggen.",
            "referred_on",
        )
    if on > today:
        raise OnwardError("De datum kan niet in de toekomst liggen.", "referred_on")


def check_result(result: str, result_on: date | None, referred_on: date, today: date) -> None:
    if result not in ONWARD_RESULT_LABELS:
        raise OnwardError("Kies de uitkomst uit de lijst.", "result")
    if result == UNKNOWN:
        return
    if result_on is None:
        raise OnwardError("Vul de datum in waarop u dit hoorde.", "result_on")
    if result_on < referred_on:
        raise OnwardError(f"De datum kan niet voor de verwijzing ({_day(referred_on)}) liggen.", "result_on")
    if result_on > today:
        raise OnwardError("De datum kan niet in de toekomst liggen.", "result_on")


def _partner(organisation_id: int | None) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or not organisation.active or organisation.kind == "gemeente":
        raise OnwardError("Kies de partnerorganisatie uit de lijst.", "destination")
    return organisation


def save(
    participant: Participant,
    data: ReferralInput,
    actor: User | None,
    today: date,
    referral: OnwardReferral | None = None,
) -> OnwardReferral:
    """Add (referral None) or change a referral after checking every rule; raises OnwardError. The caller commits."""
    if data.destination not in ONWARD_DESTINATION_LABELS:
        raise OnwardError("Kies waar de deelnemer naartoe is verwezen.", "destination")
    organisation = _partner(data.organisation_id) if data.destination == PARTNER else None
    other = (data.destination_other or "").strip() or None
    if data.destination == OTHER and not other:
        raise OnwardError("Schrijf op waar de deelnemer naartoe is verwezen.", "destination_other")
    reason = (data.reason or "").strip()
    if not reason:
        raise OnwardError("Vul de reden van de verwijzing in.", "reason")
    check_referred_on(participant, data.referred_on, today)
    check_result(data.result, data.result_on, data.referred_on, today)
    values = {
        "destination": data.destination,
        "organisation_id": organisation.id if organisation else None,
        "destination_other": other if data.destination == OTHER else None,
        "referred_on": data.referred_on,
        "reason": reason,
        "result": data.result,
        "result_on": None if data.result == UNKNOWN else data.result_on,
    }
    if referral is None:  # complete before it enters the session: an autoflush must never insert half a row
        referral = OnwardReferral(participant_id=participant.id, created_by_id=actor.id if actor else None, **values)
        db.session.add(referral)
    else:
        for name, value in values.items():
            setattr(referral, name, value)
    referral.organisation = organisation
    return referral


def set_result(referral: OnwardReferral, result: str, result_on: date | None, today: date) -> None:
    """Record whether the participant arrived (later, when the coach hears it); raises OnwardError."""
    check_result(result, result_on, referral.referred_on, today)
    referral.result = result
    referral.result_on = None if result == UNKNOWN else result_on


def referrals_of(participant_id: int) -> list[OnwardReferral]:
    """The participant's referrals, newest first: one query."""
    return list(
        db.session.scalars(
            select(OnwardReferral)
            .where(OnwardReferral.participant_id == participant_id)
            .options(joinedload(OnwardReferral.organisation), joinedload(OnwardReferral.created_by))
            .order_by(OnwardReferral.referred_on.desc(), OnwardReferral.id.desc())
        )
    )


def get_referral(referral_id: int) -> OnwardReferral | None:
    return db.session.get(OnwardReferral, referral_id, options=[joinedload(OnwardReferral.organisation)])


@dataclass
class TimelineEntry:
    """The same fields as youths.timeline.TimelineItem (kept apart: the timeline imports this module)."""

    at: datetime
    day: date
    kind: str
    title: str
    detail: str = ""
    anchor: str = ""


def timeline_entries(participant: Participant) -> list[TimelineEntry]:
    """Referrals on their date, a result on the day the coach heard it, and the answers 6 and 12 months
    after the end on the day asked: two queries."""
    entries = []
    for r in referrals_of(participant.id):
        anchor = f"verwijzing-{r.id}"
        noon = datetime.combine(r.referred_on, time(12))
        entries.append(
            TimelineEntry(noon, r.referred_on, "verwijzing", f"Verwezen naar {r.destination_label}", r.reason, anchor)
        )
        if r.result != UNKNOWN and r.result_on:
            title = f"{r.result_label}: {r.destination_label}"
            at = datetime.combine(r.result_on, time(12))
            entries.append(TimelineEntry(at, r.result_on, "verwijzing", title, "", anchor))
    for check in lasting.answered_checks(participant.id):
        title = f"{check.months} maanden na het einde: {check.situation_label.lower()}"
        entries.append(
            TimelineEntry(check.answered_at, lasting.asked_on(check), "nameting", title, check.note or "", "na-afloop")
        )
    return entries
