"""The rules of commitments (toezeggingen): statuses, changing a status with a note, overdue, progress.

Plain Python without HTTP: views and queries call these, tests call them directly.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.money import format_money
from models import (
    COMMITMENT_KIND_LABELS,
    COMMITMENT_STATUS_LABELS,
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    CommitmentUpdate,
    User,
)

STATUSES = [s.value for s in CommitmentStatus]
KINDS = [k.value for k in CommitmentKind]
# Open: the partner still has to do something. Done: the outcome is known, so never overdue.
OPEN_STATUSES = (CommitmentStatus.TOEGEZEGD.value, CommitmentStatus.IN_UITVOERING.value)
DONE_STATUSES = (
    CommitmentStatus.NAGEKOMEN.value,
    CommitmentStatus.NIET_NAGEKOMEN.value,
    CommitmentStatus.VERVALLEN.value,
)
NOTE_MAX = 2000
QUANTITY_MAX = 10_000

# The unit of a quantity per kind, for "6 van 10 plaatsen ingevuld".
UNITS = {
    CommitmentKind.OPLEIDINGSPLAATS: "plaatsen",
    CommitmentKind.BBL_PLAATS: "plaatsen",
    CommitmentKind.LEERWERKPLEK: "plekken",
    CommitmentKind.BAAN: "banen",
    CommitmentKind.LOOPBAANADVIES: "trajecten",
    CommitmentKind.OVERIG: "",
    CommitmentKind.COFINANCIERING: "",
}

STATUS_BADGES = {
    CommitmentStatus.TOEGEZEGD: "info",
    CommitmentStatus.IN_UITVOERING: "info",
    CommitmentStatus.NAGEKOMEN: "success",
    CommitmentStatus.NIET_NAGEKOMEN: "danger",
    CommitmentStatus.VERVALLEN: "neutral",
}


class CommitmentError(ValueError):
    """A rule was broken; the message is Dutch and can be shown next to the field."""

    def __init__(self, message: str, field: str = "note"):
        super().__init__(message)
        self.field = field


def status_label(status: str) -> str:
    return COMMITMENT_STATUS_LABELS.get(status, status)


def kind_label(kind: str) -> str:
    return COMMITMENT_KIND_LABELS.get(kind, kind)


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def is_overdue(commitment: Commitment, today: date) -> bool:
    """Past its due date and still open. Due today is not overdue yet; done is never overdue."""
    return commitment.due_date is not None and commitment.due_date < today and is_open(commitment.status)


def change_status(
    commitment: Commitment,
    new_status: str,
    note: str,
    actor: User | None,
    *,
    on_date: date,
    realised_quantity: int | None = None,
    realised_amount: Decimal | None = None,
) -> CommitmentUpdate:
    """Set a new status (it may stay the same, for a progress note) and add the dated note to the history.

    The caller adds the returned update to the session and commits. Raises CommitmentError with a Dutch message.
    """
    note = (note or "").strip()
    if new_status not in STATUSES:
        raise CommitmentError("Kies een van de statussen uit de lijst.", "status")
    if not note:
        raise CommitmentError("Schrijf kort op wat er is gebeurd. Een notitie is verplicht bij elke wijziging.")
    if len(note) > NOTE_MAX:
        raise CommitmentError(f"Een notitie mag hoogstens {NOTE_MAX} tekens lang zijn.")
    if on_date is None:
        raise CommitmentError("Vul de datum in.", "on_date")
    if realised_quantity is not None:
        if not commitment.is_pilot_wide or commitment.quantity is None:
            raise CommitmentError("Een aantal ingevuld hoort alleen bij een toezegging voor de hele pilot.", "realised")
        if not 0 <= realised_quantity <= QUANTITY_MAX:
            raise CommitmentError(f"Vul een aantal tussen 0 en {QUANTITY_MAX} in.", "realised")
        commitment.realised_quantity = realised_quantity
    if realised_amount is not None:
        if not commitment.is_pilot_wide or commitment.amount is None:
            raise CommitmentError("Een bedrag hoort alleen bij een toezegging met een bedrag.", "realised_amount")
        commitment.realised_amount = realised_amount
    update = CommitmentUpdate(
        commitment=commitment,
        on_date=on_date,
        old_status=commitment.status,
        new_status=new_status,
        note=note,
        realised_quantity=commitment.realised_quantity if realised_quantity is not None else None,
        realised_amount=commitment.realised_amount if realised_amount is not None else None,
        actor=actor,
    )
    commitment.status = new_status
    return update


def start_history(
    commitment: Commitment, actor: User | None, on_date: date, note: str | None = None
) -> CommitmentUpdate:
    """The first line of a new commitment's history."""
    return CommitmentUpdate(
        commitment=commitment,
        on_date=on_date,
        old_status=None,
        new_status=commitment.status or CommitmentStatus.TOEGEZEGD.value,
        note=(note or "").strip() or "Toezegging vastgelegd.",
        actor=actor,
    )


@dataclass(frozen=True)
class Progress:
    """How far a pilot-wide commitment is: realised of target, as numbers, percentage and a sentence."""

    realised: int | Decimal
    target: int | Decimal
    percent: int  # 0-100, capped
    text: str


def progress(commitment: Commitment) -> Progress | None:
    """Progress of a pilot-wide commitment with a quantity or amount; None when there is nothing to measure."""
    if commitment.quantity:
        realised = commitment.realised_quantity or 0
        unit = UNITS.get(commitment.kind, "")
        unit = f" {unit}" if unit else ""
        percent = min(100, int(100 * realised / commitment.quantity))
        return Progress(realised, commitment.quantity, percent, f"{realised} van {commitment.quantity}{unit} ingevuld")
    if commitment.amount:
        realised = commitment.realised_amount or Decimal("0.00")
        percent = min(100, int(100 * realised / commitment.amount))
        text = f"{format_money(realised)} van {format_money(commitment.amount)} ontvangen"
        return Progress(realised, commitment.amount, percent, text)
    return None


def fulfilled_percent(counts: dict[str, int]) -> int | None:
    """Share of the closed commitments (nagekomen + niet nagekomen) that were kept.

    Vervallen (cancelled by agreement) and open commitments do not count; None when nothing is closed yet.
    """
    kept = counts.get(CommitmentStatus.NAGEKOMEN.value, 0)
    closed = kept + counts.get(CommitmentStatus.NIET_NAGEKOMEN.value, 0)
    if not closed:
        return None
    return round(100 * kept / closed)
