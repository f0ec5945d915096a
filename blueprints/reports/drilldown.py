"""Every number leads to its people (issue #17 point 9): the trajectories behind one cell of the report.

A cell is (figure, key). Its condition on Participant is the figure's own definition, the same function
the report's count uses (figures.status_in_period, figures._finished, figures.no_show_rows,
council.cell_condition), so the list and the count cannot drift apart. Two queries per page, whatever
the data: the count and one page of rows (with each trajectory's approved and paid maatwerk as a
correlated SUM).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from blueprints.reports import council
from blueprints.reports.figures import (
    FINISHED_STATUSES,
    POSITIVE_OUTCOMES,
    SPEND_STATUSES,
    UNKNOWN,
    Filters,
    _finished,
    _population,
    no_show_rows,
    status_in_period,
)
from core.money import cents_sum, from_cents
from models import OUTCOME_LABELS, PARTICIPANT_STATUS_LABELS, MaatwerkRequest, Participant, User, db

PER_PAGE = 50


@dataclass(frozen=True)
class Cell:
    figure: str
    key: str
    label: str  # what the cell counts, in the page's words
    condition: Callable  # (Filters) -> SQL condition on Participant


def _status_cell(key: str, label: str) -> Cell:
    return Cell("status", key, f"Status: {label}", lambda f, k=key: and_(_population(f), status_in_period(f) == k))


def _outcome_cell(key: str, label: str) -> Cell:
    def condition(f, k=key):
        outcome = func.coalesce(Participant.outcome, UNKNOWN)
        return and_(_finished(f), outcome == k)

    return Cell("uitstroom", key, f"Uitstroom: {label}", condition)


def _council_cell(row: council.RowDefinition, denominator: str) -> Cell:
    noun = council.DENOMINATORS[denominator]
    return Cell(
        "raad",
        f"{row.key}.{denominator}",
        f"{row.label}, van {noun}",
        lambda f, r=row.key, d=denominator: council.cell_condition(f, r, d),
    )


CELLS: dict[tuple[str, str], Cell] = {}
for _key, _label in PARTICIPANT_STATUS_LABELS.items():
    CELLS["status", str(_key)] = _status_cell(str(_key), _label)
CELLS["status", "alle"] = Cell("status", "alle", "Alle deelnemers van de periode", lambda f: _population(f))
for _key, _label in {**OUTCOME_LABELS, UNKNOWN: "Niet vastgelegd"}.items():
    CELLS["uitstroom", _key] = _outcome_cell(_key, _label)
CELLS["uitstroom", "alle"] = Cell("uitstroom", "alle", "Alle afgesloten trajecten", lambda f: _finished(f))
CELLS["uitstroom", "positief"] = Cell(
    "uitstroom",
    "positief",
    "Positieve uitstroom (betaald werk, opleiding of leer-werktraject)",
    lambda f: and_(_finished(f), Participant.outcome.in_(POSITIVE_OUTCOMES)),
)
CELLS["niet_verschenen", "twee_op_rij"] = Cell(
    "niet_verschenen",
    "twee_op_rij",
    "Twee keer op rij niet verschenen",
    lambda f: and_(_population(f), Participant.id.in_(no_show_rows(f))),
)
for _row in council.COUNCIL_ROWS:
    for _denominator in council.DENOMINATORS:
        if _row.before_start and _denominator == "afgesloten":
            continue
        CELLS["raad", f"{_row.key}.{_denominator}"] = _council_cell(_row, _denominator)


def find_cell(figure: str, key: str) -> Cell | None:
    return CELLS.get((figure, key))


@dataclass
class Person:
    participant_id: int
    name: str
    status: str
    outcome: str
    outcome_date: date | None
    coach: str
    maatwerk: object  # Decimal: approved and paid, every budget year


@dataclass
class PersonPage:
    people: list[Person]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def people_behind(cell: Cell, filters: Filters, page: int = 1) -> PersonPage:
    """The trajectories in `cell`, by name, one page: 2 queries."""
    condition = cell.condition(filters)
    total = int(db.session.scalar(select(func.count(Participant.id)).where(condition)) or 0)
    maatwerk = (
        select(cents_sum(MaatwerkRequest.amount))
        .where(MaatwerkRequest.participant_id == Participant.id, MaatwerkRequest.status.in_(SPEND_STATUSES))
        .correlate(Participant)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Participant.id,
            Participant.first_name,
            Participant.last_name,
            Participant.status,
            Participant.outcome,
            Participant.outcome_date,
            User.name,
            maatwerk,
        )
        .outerjoin(User, User.id == Participant.coach_id)
        .where(condition)
        .order_by(Participant.last_name, Participant.first_name, Participant.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    people = [
        Person(
            pid,
            f"{first} {last}",
            PARTICIPANT_STATUS_LABELS.get(status, status),
            OUTCOME_LABELS.get(outcome, "") if status in FINISHED_STATUSES else "",
            outcome_date if status in FINISHED_STATUSES else None,
            coach or "",
            from_cents(cents),
        )
        for pid, first, last, status, outcome, outcome_date, coach, cents in rows
    ]
    return PersonPage(people, total, page, PER_PAGE)
