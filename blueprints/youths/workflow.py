"""The status workflow of a case file and the length of the perspectiefjaar. Plain rules, no HTTP.

aangemeld -> intake -> actief -> afgerond (needs an outcome) or uitgevallen (needs a reason).
Before the start (aangemeld, intake) a registration can end as 'niet gestart' with one of a fixed list of
reasons: its own end, never a dropout and no outcome of a trajectory.
Every move is a dated, attributed StatusChange. The contracts feature calls `activate_after_contract`.
"""

import calendar
from datetime import date, timedelta

from sqlalchemy import select

from blueprints.youths import coach_history, eligibility
from core.audit import record
from models import (
    NOT_STARTED_REASON_LABELS,
    OUTCOME_LABELS,
    Participant,
    ParticipantStatus,
    Person,
    Role,
    StatusChange,
    User,
    db,
)

S = ParticipantStatus

ALLOWED_MOVES: dict[str, set[str]] = {
    S.AANGEMELD: {S.INTAKE, S.NIET_GESTART},
    S.INTAKE: {S.ACTIEF, S.NIET_GESTART},
    S.ACTIEF: {S.AFGEROND, S.UITGEVALLEN},
    S.AFGEROND: set(),
    S.UITGEVALLEN: set(),
    S.NIET_GESTART: set(),
}
# A fully signed inspanningscontract starts the year, also straight from 'aangemeld'.
CONTRACT_ACTIVATION_FROM = {S.AANGEMELD, S.INTAKE}

MOVE_LABELS = {
    S.INTAKE: "Naar intake",
    S.ACTIEF: "Activeren (perspectiefjaar start)",
    S.AFGEROND: "Afsluiten met uitstroom",
    S.UITGEVALLEN: "Uitval vastleggen",
    S.NIET_GESTART: "Niet gestart vastleggen",
}

CLOSED = {S.AFGEROND, S.UITGEVALLEN}  # ended with an outcome of the trajectory
ENDED = CLOSED | {S.NIET_GESTART}  # no further move: the file is closed
# A coach corrects an outcome within this many days after the file was closed; later only beheer can,
# so a figure the council already saw does not silently change (issue #17).
CORRECTION_DAYS = 90

# Outcomes a completed year can have; 'uitgevallen' is recorded through the dropout move instead.
COMPLETION_OUTCOMES = {k: v for k, v in OUTCOME_LABELS.items() if k != "uitgevallen"}


class WorkflowError(ValueError):
    """A refused move, with a Dutch message and the form field it belongs to."""

    def __init__(self, message: str, field: str = "to_status"):
        super().__init__(message)
        self.field = field


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def planned_end(start_date: date) -> date:
    """The perspectiefjaar ends 12 months after the start."""
    return add_months(start_date, 12)


def days_left(participant: Participant, today: date) -> int:
    return (participant.end_date - today).days


def allowed_moves(status: str) -> list[str]:
    order = list(S)
    return sorted(ALLOWED_MOVES.get(status, set()), key=order.index)


def change_status(
    participant: Participant,
    to_status: str,
    actor: User | None,
    on: date,
    *,
    outcome: str | None = None,
    note: str | None = None,
    reason: str | None = None,
    not_started_reason: str | None = None,
    today: date | None = None,
) -> StatusChange:
    """Move `participant` to `to_status` or raise WorkflowError. Adds the StatusChange to the session."""
    today = today or date.today()
    check_move(
        participant, to_status, on, outcome=outcome, reason=reason, not_started_reason=not_started_reason, today=today
    )
    note = (note or "").strip() or None
    reason = (reason or "").strip() or None
    if to_status == S.AFGEROND:
        participant.outcome, participant.outcome_date, participant.outcome_note = outcome, on, note
    if to_status == S.UITGEVALLEN:
        participant.dropout_reason = reason
        participant.outcome, participant.outcome_date, participant.outcome_note = "uitgevallen", on, note
    if to_status == S.NIET_GESTART:
        # No outcome: the report counts it on its own line. The date ends the file, so it leaves the
        # population of later years like any closed file (reports/figures.py reads outcome_date).
        participant.not_started_reason, participant.outcome_date = not_started_reason, on
        label = NOT_STARTED_REASON_LABELS[not_started_reason]
        return _move(participant, to_status, actor, on, note=f"{label}. {note}" if note else label)
    return _move(participant, to_status, actor, on, note=reason or note)


def check_move(
    participant: Participant,
    to_status: str,
    on: date,
    *,
    outcome: str | None = None,
    reason: str | None = None,
    not_started_reason: str | None = None,
    today: date | None = None,
) -> None:
    """Raise WorkflowError when this move would be refused; changes nothing (closing checks before it acts)."""
    today = today or date.today()
    if to_status not in ALLOWED_MOVES.get(participant.status, set()):
        raise WorkflowError(_refusal(participant.status, to_status))
    if on > today:
        raise WorkflowError("De datum kan niet in de toekomst liggen.", "on")
    if to_status in CLOSED:
        check_outcome_date(participant, on, today)
    if to_status == S.AFGEROND and outcome not in COMPLETION_OUTCOMES:
        raise WorkflowError("Kies de uitstroom: waar gaat de deelnemer naartoe?", "outcome")
    if to_status == S.UITGEVALLEN and not (reason or "").strip():
        raise WorkflowError("Vul de reden van uitval in.", "reason")
    if to_status == S.NIET_GESTART and not_started_reason not in NOT_STARTED_REASON_LABELS:
        raise WorkflowError("Kies waarom het perspectiefjaar niet start.", "not_started_reason")


def activate_after_contract(participant: Participant, actor: User | None, on: date | None = None) -> StatusChange:
    """Called by the contracts feature when the inspanningscontract is fully signed.

    Moves an 'aangemeld' or 'intake' participant to 'actief'; anything else raises WorkflowError.
    The caller commits.
    """
    if participant.status not in CONTRACT_ACTIVATION_FROM:
        raise WorkflowError(_refusal(participant.status, S.ACTIEF))
    return _move(participant, S.ACTIEF, actor, on or date.today(), note="Inspanningscontract volledig ondertekend")


def register(participant: Participant, actor: User | None, on: date) -> StatusChange:
    """The first entry of a new file: registered ('aangemeld')."""
    participant.status = S.AANGEMELD.value
    if participant.id is None:
        db.session.add(participant)
        db.session.flush()
    change = StatusChange(participant_id=participant.id, to_status=S.AANGEMELD.value, changed_on=on, changed_by=actor)
    db.session.add(change)
    return change


def admit(
    details: dict, actor: User, on: date, exception_reason: str | None = None, person: Person | None = None
) -> Participant:
    """A new file from the intake: the participant (`details` are its columns), registered, with the
    planned end a year after the start. Outside the eligibility rules the coach's reason is kept as
    an exception and logged with the rules it sets aside. `person`: a re-entry, this trajectory belongs
    to that person (checked by the caller with persons.check_link); otherwise it gets a person of its
    own. The caller commits.
    """
    participant = Participant(**details, end_date=planned_end(details["start_date"]), person=person)
    register(participant, actor, on)
    # The first period of the coach history (the coach from `details`) starts as the file is made.
    coach_history.start_history(participant, actor)
    result = eligibility.check(participant.date_of_birth, participant.has_startkwalificatie, participant.start_date)
    if not result.eligible:
        participant.eligibility_exception = (exception_reason or "").strip()
        record(
            db.session,
            "eligibility_exception",
            participant,
            changes={"reden": (None, participant.eligibility_exception), "regels": (None, " ".join(result.reasons))},
        )
    return participant


def extend(participant: Participant, new_end: date, reason: str, actor: User | None) -> None:
    """Extend the year to `new_end`; needs a reason and a later date. Raises WorkflowError."""
    reason = (reason or "").strip()
    if participant.status in ENDED:
        raise WorkflowError("Een afgesloten dossier kan niet worden verlengd.", "new_end")
    if new_end <= participant.end_date:
        raise WorkflowError("De nieuwe einddatum moet na de huidige einddatum liggen.", "new_end")
    if new_end > add_months(participant.start_date, 24):
        raise WorkflowError("Verlengen kan tot uiterlijk 24 maanden na de start.", "new_end")
    if not reason:
        raise WorkflowError("Vul de reden van de verlenging in.", "reason")
    old_end = participant.end_date
    participant.end_date = new_end
    participant.extension_reason = reason
    record(db.session, "extend", participant, changes={"end_date": (old_end, new_end), "reden": (None, reason)})


def check_outcome_date(participant: Participant, on: date, today: date) -> None:
    """An outcome happens inside the trajectory: not before its start, not after today."""
    if on < participant.start_date:
        start = participant.start_date.strftime("%d-%m-%Y")
        raise WorkflowError(f"De datum kan niet voor de start van het perspectiefjaar ({start}) liggen.", "on")
    if on > today:
        raise WorkflowError("De datum kan niet in de toekomst liggen.", "on")


def closed_on(participant: Participant) -> date | None:
    """The day the file was closed in the system (recorded, not the outcome date the coach typed)."""
    change = db.session.scalar(
        select(StatusChange)
        .where(StatusChange.participant_id == participant.id, StatusChange.to_status.in_([str(s) for s in CLOSED]))
        .order_by(StatusChange.created_at.desc(), StatusChange.id.desc())
        .limit(1)
    )
    if change is None:
        return participant.outcome_date
    return change.created_at.date() if change.created_at else change.changed_on


def correction_refusal(participant: Participant, user: User, today: date) -> str | None:
    """Why `user` may not correct this outcome now (Dutch), or None when they may."""
    if participant.status not in CLOSED or not participant.outcome:
        return "Dit dossier heeft nog geen uitstroom om te corrigeren."
    if user.role == Role.BEHEER:
        return None
    if user.role != Role.COACH:
        return "Alleen de life-coach of beheer kan een uitstroom corrigeren."
    closed = closed_on(participant)
    if closed is not None and today > closed + timedelta(days=CORRECTION_DAYS):
        return f"Het dossier is langer dan {CORRECTION_DAYS} dagen geleden afgesloten. Vraag beheer om de correctie."
    return None


def correction_outcomes(participant: Participant) -> dict[str, str]:
    """The categories a correction may choose: a completed year keeps a completion outcome, a dropout stays
    a dropout (changing that is a different story: the status history would no longer be true)."""
    if participant.status == S.UITGEVALLEN:
        return {"uitgevallen": OUTCOME_LABELS["uitgevallen"]}
    return COMPLETION_OUTCOMES


def correct_outcome(
    participant: Participant,
    actor: User,
    *,
    outcome: str,
    on: date,
    note: str | None,
    reason: str,
    today: date | None = None,
) -> dict:
    """Correct a closed file's outcome (category, date, note) with a reason, or raise WorkflowError.

    The flush listener records the columns' before and after; this adds one 'correct_outcome' entry with
    the reason next to them, so the audit log tells why. Returns the changes. The caller commits.
    """
    today = today or date.today()
    refusal = correction_refusal(participant, actor, today)
    if refusal:
        raise WorkflowError(refusal, "reason")
    if outcome not in correction_outcomes(participant):
        raise WorkflowError("Kies de uitstroom uit de lijst.", "outcome")
    check_outcome_date(participant, on, today)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Vul de reden van de correctie in.", "reason")
    note = (note or "").strip() or None
    before = {
        "outcome": participant.outcome,
        "outcome_date": participant.outcome_date,
        "outcome_note": participant.outcome_note,
    }
    after = {"outcome": outcome, "outcome_date": on, "outcome_note": note}
    changes = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    if not changes:
        raise WorkflowError("Er is niets veranderd: pas de uitstroom, de datum of de toelichting aan.", "outcome")
    participant.outcome, participant.outcome_date, participant.outcome_note = outcome, on, note
    record(db.session, "correct_outcome", participant, changes={**changes, "reden": (None, reason)})
    return changes


def _move(participant: Participant, to_status: str, actor: User | None, on: date, note: str | None) -> StatusChange:
    change = StatusChange(
        participant_id=participant.id,
        from_status=participant.status,
        to_status=str(to_status),
        changed_on=on,
        changed_by=actor,
        note=note,
    )
    participant.status = str(to_status)
    db.session.add(change)
    return change


def _refusal(current: str, to_status: str) -> str:
    labels = {s.value: s.value for s in S}
    if current in ENDED:
        return f"Dit dossier is al {labels[current]}; de status kan niet meer veranderen."
    possible = ", ".join(allowed_moves(current)) or "geen"
    return f"Van '{labels.get(current, current)}' naar '{to_status}' kan niet. Mogelijk: {possible}."
