"""Every number leads to its people (issue #17 point 9): the trajectories behind one cell of the report.

A cell is (figure, key). Its condition on Participant is the figure's own definition, the same function
the report's count uses (figures.status_in_period, figures._finished, figures.no_show_rows,
council.cell_condition), so the list and the count cannot drift apart. Two queries per page, whatever
the data: the count and one page of rows (with each trajectory's approved and paid maatwerk as a
correlated SUM).

Most cells count trajectories. Some count things of a trajectory (referrals, commitments, maatwerk
requests, appointments): such a cell has `items`, one row per thing with its participant_id, and the
list shows each trajectory with how many of those things it has; the things add up to the count
clicked (a pilot-wide commitment belongs to no trajectory and is named apart).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, extract, func, not_, null, or_, select

from blueprints.reports import council, lasting, money_outcomes, onward
from blueprints.reports.figures import (
    FINISHED_STATUSES,
    NO_SHOW,
    POSITIVE_OUTCOMES,
    SPEND_STATUSES,
    UNKNOWN,
    Filters,
    _finished,
    _population,
    commitment_rows,
    inflow_condition,
    no_show_rows,
    progress_rows,
    reminder_rows,
    spend_requests,
    status_in_period,
)
from core.localtime import local_now
from core.money import cents_sum, from_cents
from core.paging import PageNumbers
from models import (
    COMMITMENT_STATUS_LABELS,
    LASTING_SITUATION_LABELS,
    MAATWERK_CATEGORY_LABELS,
    ONWARD_DESTINATION_LABELS,
    OUTCOME_LABELS,
    PARTICIPANT_STATUS_LABELS,
    ZRM_DOMAIN_LABELS,
    AssessmentProgress,
    Commitment,
    LastingOutcomeCheck,
    MaatwerkRequest,
    OnwardReferral,
    Participant,
    User,
    db,
)

PER_PAGE = 50
COACH_ONLY_FIGURES = {"verwezen", "na_afloop", "zrm", "ladder", "herinnering", "niet_verschenen"}
# Council rows that rest on referrals or attendance (council.COUNCIL_ROWS).
COACH_ONLY_ROWS = {
    ("raad", k) for k in ("zorg", "participatiecoach", "werkbedrijf_of_werk", "twee_keer_niet_verschenen")
}


@dataclass(frozen=True)
class Cell:
    figure: str
    key: str
    label: str  # what the cell counts, in the page's words
    condition: Callable | None = None  # (Filters) -> SQL condition on Participant
    items: Callable | None = None  # (Filters) -> SELECT of participant_id, one row per thing counted
    noun: tuple[str, str] = ("traject", "trajecten")  # what one row of `items` is: singular, plural

    @property
    def coach_only(self) -> bool:
        """A list that tells case content of named people (referrals, attendance, ZRM, where someone is
        now): only coaches open it; finance and beheer see the number, not the names behind it."""
        return self.figure in COACH_ONLY_FIGURES or (self.figure, self.key.split(".")[0]) in COACH_ONLY_ROWS

    def where(self, filters: Filters):
        """The trajectories in the cell, as a condition on Participant."""
        if self.items is None:
            return self.condition(filters)
        return Participant.id.in_(select(self.items(filters).subquery().c.participant_id))


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


def _item_cell(figure: str, key: str, label: str, noun: tuple[str, str], items: Callable) -> Cell:
    return Cell(figure, key, label, items=items, noun=noun)


# Inflow per month and in all (the coach at the start).
CELLS["instroom", "alle"] = Cell("instroom", "alle", "Nieuwe deelnemers gestart", lambda f: inflow_condition(f))


def inflow_cell(year: int, month: int) -> Cell:
    """A month of the inflow table (keys like 2025-03 are not listed in CELLS: any month can be asked)."""

    def condition(f, y=year, m=month):
        started = and_(extract("year", Participant.start_date) == y, extract("month", Participant.start_date) == m)
        return and_(inflow_condition(f), started)

    return Cell("instroom", f"{year:04d}-{month:02d}", f"Nieuwe deelnemers gestart in {month:02d}-{year}", condition)


# No-shows with and without a reminder: appointments, per trajectory.
for _reminded, _words in ((1, "met herinnering"), (0, "zonder herinnering")):
    for _key, _label, _only_missed in (("afspraken", "Afspraken", False), ("niet_verschenen", "Niet verschenen", True)):

        def _appointments(f, r=_reminded, missed=_only_missed):
            rows = reminder_rows(f).subquery()
            query = select(rows.c.participant_id).where(rows.c.reminded == r)
            return query.where(rows.c.attendance == NO_SHOW) if missed else query

        _cell_key = f"{_key}.{'met' if _reminded else 'zonder'}"
        CELLS["herinnering", _cell_key] = _item_cell(
            "herinnering", _cell_key, f"{_label} {_words}", ("afspraak", "afspraken"), _appointments
        )


# ZRM per domain and the participation ladder: the measured participants (one progress row each).
def _measured(extra) -> Callable:
    def condition(f):
        rows = progress_rows(f, AssessmentProgress.participant_id).where(extra())
        return Participant.id.in_(rows)

    return condition


for _domain, _label in ZRM_DOMAIN_LABELS.items():
    CELLS["zrm", _domain] = Cell(
        "zrm",
        _domain,
        f"Gemeten op ZRM-domein {_label} (eerste en laatste meting)",
        _measured(lambda d=_domain: AssessmentProgress.__table__.c[f"change_{d}"].is_not(None)),
    )
for _key, _label, _test in (
    ("omhoog", "omhoog", lambda: AssessmentProgress.rung_change > 0),
    ("gelijk", "gelijk gebleven", lambda: AssessmentProgress.rung_change == 0),
    ("omlaag", "omlaag", lambda: AssessmentProgress.rung_change < 0),
):
    CELLS["ladder", _key] = Cell("ladder", _key, f"Participatieladder {_label}", _measured(_test))


# Commitments per status (a pilot-wide one has no trajectory).
def _commitments(status: str) -> Callable:
    return lambda f: commitment_rows(f, Commitment.participant_id.label("participant_id")).where(
        Commitment.status == status
    )


for _key, _label in COMMITMENT_STATUS_LABELS.items():
    CELLS["toezeggingen", str(_key)] = _item_cell(
        "toezeggingen", str(_key), f"Toezeggingen: {_label}", ("toezegging", "toezeggingen"), _commitments(str(_key))
    )


# Money per outcome category: the trajectories with maatwerk (approved or paid, every budget year).
def _with_maatwerk(f, k):
    spent = (
        select(cents_sum(MaatwerkRequest.amount))
        .where(MaatwerkRequest.participant_id == Participant.id, MaatwerkRequest.status.in_(SPEND_STATUSES))
        .correlate(Participant)
        .scalar_subquery()
    )
    return and_(_finished(f), func.coalesce(Participant.outcome, UNKNOWN) == k, spent != 0)


for _key, _label in {**OUTCOME_LABELS, UNKNOWN: "Niet vastgelegd"}.items():
    CELLS["met_maatwerk", _key] = Cell(
        "met_maatwerk", _key, f"Uitstroom {_label}, met maatwerk", lambda f, k=_key: _with_maatwerk(f, k)
    )


# Maatwerk per life domain of the goal and per category: requests and the trajectories behind them.
def _domain_requests(domain: str) -> Callable:
    return lambda f: money_outcomes.domain_requests(f, MaatwerkRequest.participant_id.label("participant_id")).where(
        money_outcomes.DOMAIN == domain
    )


for _key, _label in {**ZRM_DOMAIN_LABELS, money_outcomes.NO_GOAL: "Geen doel gekoppeld"}.items():
    CELLS["maatwerk_leefgebied", _key] = _item_cell(
        "maatwerk_leefgebied",
        _key,
        f"Maatwerkaanvragen voor leefgebied {_label}",
        ("aanvraag", "aanvragen"),
        _domain_requests(_key),
    )
    CELLS["maatwerk_leefgebied_deelnemers", _key] = Cell(
        "maatwerk_leefgebied_deelnemers",
        _key,
        f"Deelnemers met maatwerk voor leefgebied {_label}",
        lambda f, d=_key: Participant.id.in_(_domain_requests(d)(f)),
    )
for _key, _label in MAATWERK_CATEGORY_LABELS.items():
    CELLS["maatwerk_categorie", str(_key)] = _item_cell(
        "maatwerk_categorie",
        str(_key),
        f"Maatwerkaanvragen in de categorie {_label}",
        ("aanvraag", "aanvragen"),
        lambda f, c=str(_key): spend_requests(f, MaatwerkRequest.participant_id.label("participant_id")).where(
            MaatwerkRequest.category == c
        ),
    )
CELLS["maatwerk", "deelnemers"] = Cell(
    "maatwerk",
    "deelnemers",
    "Deelnemers die maatwerk kregen",
    lambda f: Participant.id.in_(spend_requests(f, MaatwerkRequest.participant_id)),
)


# Lasting outcomes at 6 and 12 months: the questions due, by answer (today in Hengelo).
def _lasting(months: int, answer) -> Callable:
    def condition(f):
        answered = exists().where(lasting.answered_in_time(f, months), *answer())
        due = lasting.due_condition(f, months, local_now().date())
        return and_(due, answered)

    return condition


def _not_asked(months: int) -> Callable:
    return lambda f: and_(
        lasting.due_condition(f, months, local_now().date()), not_(exists().where(lasting.answered_in_time(f, months)))
    )


for _months in (6, 12):
    for _key, _label in LASTING_SITUATION_LABELS.items():
        CELLS["na_afloop", f"{_months}.{_key}"] = Cell(
            "na_afloop",
            f"{_months}.{_key}",
            f"Na {_months} maanden: {_label}",
            _lasting(_months, lambda k=_key: (LastingOutcomeCheck.situation == k,)),
        )
    CELLS["na_afloop", f"{_months}.{lasting.NOT_ASKED}"] = Cell(
        "na_afloop", f"{_months}.{lasting.NOT_ASKED}", f"Na {_months} maanden: nog niet gevraagd", _not_asked(_months)
    )
    CELLS["na_afloop", f"{_months}.aan_de_beurt"] = Cell(
        "na_afloop",
        f"{_months}.aan_de_beurt",
        f"Na {_months} maanden: vraag aan de beurt",
        lambda f, m=_months: lasting.due_condition(f, m, local_now().date()),
    )
    CELLS["na_afloop", f"{_months}.werkt_of_leert"] = Cell(
        "na_afloop",
        f"{_months}.werkt_of_leert",
        f"Na {_months} maanden: werkt of leert",
        _lasting(_months, lambda: (LastingOutcomeCheck.situation.in_(("werk", "school", "werk_en_school")),)),
    )
    CELLS["na_afloop", f"{_months}.nog_onbekend"] = Cell(
        "na_afloop",
        f"{_months}.nog_onbekend",
        f"Na {_months} maanden: nog onbekend (niet bereikbaar of nog niet gevraagd)",
        lambda f, m=_months: or_(
            _lasting(m, lambda: (LastingOutcomeCheck.situation == lasting.UNKNOWN,))(f), _not_asked(m)(f)
        ),
    )


# Onward referrals per destination (and in all) by result as known at the end of the period.
_RESULTS = {
    "alle": "",
    "aangekomen": ", aangekomen",
    "niet_aangekomen": ", niet aangekomen",
    "onbekend": ", uitkomst nog onbekend",
}


def _referrals(destination: str | None, result: str) -> Callable:
    def items(f):
        query = onward.referral_rows(f, OnwardReferral.participant_id.label("participant_id"))
        if destination is not None:
            query = query.where(OnwardReferral.destination == destination)
        known = onward.result_in_period(f)
        if result in ("aangekomen", "niet_aangekomen"):
            query = query.where(known == result)
        elif result == "onbekend":
            query = query.where(known.not_in(("aangekomen", "niet_aangekomen")))
        return query

    return items


for _destination, _label in {**ONWARD_DESTINATION_LABELS, "totaal": ""}.items():
    for _result, _words in _RESULTS.items():
        _key = f"{_destination}.{_result}"
        _what = f"Verwijzingen naar {_label}" if _label else "Alle verwijzingen"
        CELLS["verwezen", _key] = _item_cell(
            "verwezen",
            _key,
            _what + _words,
            ("verwijzing", "verwijzingen"),
            _referrals(None if _destination == "totaal" else _destination, _result),
        )
CELLS["verwezen", "deelnemers"] = Cell(
    "verwezen",
    "deelnemers",
    "Deelnemers met een verwijzing",
    lambda f: Participant.id.in_(_referrals(None, "alle")(f)),
)


NO_REASON = "Geen reden vastgelegd"  # figures.dropouts' words for an empty reason


def dropout_reason_cell(reason: str) -> Cell:
    """Dropouts with one reason, as figures.dropouts groups them (spaces around it ignored, empty: none)."""

    def condition(f, r=reason):
        text = func.coalesce(func.trim(Participant.dropout_reason), "")
        matches = or_(text == "", text == r) if r == NO_REASON else text == r
        return and_(_finished(f), Participant.status == "uitgevallen", matches)

    return Cell("uitval_reden", reason, f"Uitgevallen met de reden ‘{reason}’", condition)


def find_cell(figure: str, key: str) -> Cell | None:
    if figure == "uitval_reden":
        return dropout_reason_cell(key) if 0 < len(key) <= 500 and key == key.strip() else None
    if figure == "instroom" and key != "alle":
        try:
            year, month = (int(part) for part in key.split("-"))
        except ValueError:
            return None
        return inflow_cell(year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 and len(key) == 7 else None
    return CELLS.get((figure, key))


def may_open(cell: Cell | None, role: str) -> bool:
    """Whether `role` may see the names behind `cell` (the report's roles: coach, financien, beheer)."""
    return cell is not None and (role == "coach" or not cell.coach_only)


@dataclass
class Person:
    participant_id: int
    name: str
    status: str
    outcome: str
    outcome_date: date | None
    coach: str
    maatwerk: object  # Decimal: approved and paid, every budget year
    items: int | None = None  # an item cell: how many of the things counted this trajectory has


@dataclass
class PersonPage(PageNumbers):
    people: list[Person]
    total: int  # trajectories in the list
    page: int
    per_page: int
    counted: int | None = None  # an item cell: the things counted (the number clicked)
    without_trajectory: int = 0  # of those, belonging to no trajectory (a pilot-wide commitment)


def people_behind(cell: Cell, filters: Filters, page: int = 1) -> PersonPage:
    """The trajectories in `cell`, by name, one page: 2 queries."""
    counted = without = None
    if cell.items is None:
        condition = cell.condition(filters)
        total = int(db.session.scalar(select(func.count(Participant.id)).where(condition)) or 0)
        per_person = None
    else:
        things = cell.items(filters).subquery()
        counted, total, without = (
            int(v or 0)
            for v in db.session.execute(
                select(
                    func.count(),
                    func.count(func.distinct(things.c.participant_id)),
                    func.count().filter(things.c.participant_id.is_(None)),
                )
            ).one()
        )
        condition = Participant.id.in_(select(things.c.participant_id))
        per_person = (
            select(func.count())
            .select_from(things)
            .where(things.c.participant_id == Participant.id)
            .correlate(Participant)
            .scalar_subquery()
        )
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
            per_person if per_person is not None else null(),
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
            None if n is None else int(n),
        )
        for pid, first, last, status, outcome, outcome_date, coach, cents, n in rows
    ]
    return PersonPage(people, total, page, PER_PAGE, counted, without or 0)
