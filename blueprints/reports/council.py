"""The council's results table (issue #17 point 7): every result with two denominators, everyone who was
registered (also 'niet gestart') and the closed trajectories, in categories that can express a table like
Nijmegen's ("Doe je mee": care arranged, to a participation coach, to the WerkBedrijf or work, two
no-shows in a row, declined). Plain SQL, one query, no HTTP.

Each row is a condition on a participant (`COUNCIL_ROWS`), written once: the count here and the list
behind it (reports/drilldown.py) use the same condition. A trajectory can be in more than one row
(a trajectory to work that once missed two appointments in a row is in both), so the rows do not add up
to 100%; the page says so.

- registered (alle aanmeldingen): the participants of the period, as everywhere in the report (in a year:
  registered for a start on or before 31 December and not ended before 1 January), 'niet gestart' too.
- closed (afgesloten trajecten): afgerond or uitgevallen, in a year by outcome date.
- declined: 'niet gestart' with the reason 'wil niet'.
- two no-shows in a row: the follow-up rule (youths/followup.py) over the conversations, or 'niet
  gestart' with the reason 'twee keer niet verschenen op de intake'.
- care arranged: the outcome 'zorg (doorverwezen)' or an onward referral ('verwezen naar', models.
  OnwardReferral) to care via the klantmanager or to GGZ; to a participation coach: a referral to the
  participatiecoach / sociale activering; to the WerkBedrijf or work: a referral to the WerkBedrijf or
  the outcome 'betaald werk'. A referral counts when it was made (in a year: made by 31 December),
  whatever its result, as "verwezen naar" is the coach's act (reports/onward.py shows the arrivals).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, or_, select

from blueprints.reports.figures import (
    POSITIVE_OUTCOMES,
    Filters,
    Share,
    _finished,
    _population,
    no_show_condition,
    no_show_rows,
)
from blueprints.youths.persons import PersonCount, person_count_columns
from models import OnwardReferral, Participant, ParticipantStatus, db

NOT_STARTED = ParticipantStatus.NIET_GESTART.value


@dataclass(frozen=True)
class RowDefinition:
    key: str
    label: str
    condition: Callable  # (Filters) -> SQL condition on Participant
    before_start: bool = False  # only a registration that never started can be in this row


def _referred_to(filters: Filters, *destinations: str):
    """The participant has an onward referral to one of `destinations`, made by the end of the period."""
    conditions = [OnwardReferral.participant_id == Participant.id, OnwardReferral.destination.in_(destinations)]
    if filters.year:
        conditions.append(OnwardReferral.referred_on <= filters.end)
    return exists().where(*conditions)


def _not_started(reason: str):
    return and_(Participant.status == NOT_STARTED, Participant.not_started_reason == reason)


COUNCIL_ROWS: list[RowDefinition] = [
    RowDefinition(
        "zorg",
        "Zorg geregeld (verwezen naar zorg of GGZ, of uitstroom naar zorg)",
        lambda filters: or_(Participant.outcome == "zorg", _referred_to(filters, "zorg_klantmanager", "ggz")),
    ),
    RowDefinition(
        "participatiecoach",
        "Naar een participatiecoach / sociale activering",
        lambda filters: _referred_to(filters, "participatiecoach"),
    ),
    RowDefinition(
        "werkbedrijf_of_werk",
        "Naar het WerkBedrijf of werk",
        lambda filters: or_(Participant.outcome == "betaald_werk", _referred_to(filters, "werkbedrijf")),
    ),
    RowDefinition(
        "werk",
        "Naar werk (betaald werk)",
        lambda filters: Participant.outcome == "betaald_werk",
    ),
    RowDefinition(
        "school",
        "Naar school of leer-werktraject",
        lambda filters: Participant.outcome.in_(["opleiding", "leerwerktraject"]),
    ),
    RowDefinition(
        "positief",
        "Positieve uitstroom (werk, opleiding of leer-werktraject)",
        lambda filters: Participant.outcome.in_(POSITIVE_OUTCOMES),
    ),
    RowDefinition(
        "twee_keer_niet_verschenen",
        "Twee keer op rij niet verschenen",
        lambda filters: or_(_not_started("twee_keer_niet_verschenen"), Participant.id.in_(no_show_rows(filters))),
    ),
    RowDefinition("wil_niet", "Wilde niet (niet gestart)", lambda filters: _not_started("wil_niet"), True),
    RowDefinition(
        "niet_gestart",
        "Niet gestart (elke reden)",
        lambda filters: Participant.status == NOT_STARTED,
        True,
    ),
    RowDefinition(
        "uitgevallen",
        "Uitgevallen na de start",
        lambda filters: Participant.status == ParticipantStatus.UITGEVALLEN.value,
    ),
]

ROWS_BY_KEY = {row.key: row for row in COUNCIL_ROWS}
DENOMINATORS = {"aanmeldingen": "alle aanmeldingen", "afgesloten": "afgesloten trajecten"}


def cell_condition(filters: Filters, row_key: str, denominator: str):
    """The condition of one cell: the row's condition within the denominator's participants."""
    within = _population(filters) if denominator == "aanmeldingen" else _finished(filters)
    return and_(ROWS_BY_KEY[row_key].condition(filters), within)


@dataclass
class CouncilRow:
    key: str
    label: str
    registered: Share
    closed: Share | None  # None: a row of registrations that never started has no closed trajectories


@dataclass
class CouncilTable:
    rows: list[CouncilRow]
    registered: int
    closed: int
    # Carried along by the same pass over participants for the rest of the report:
    persons: PersonCount = field(default_factory=lambda: PersonCount(0, 0))  # of the registered
    no_shows: int = 0  # figures.no_show_condition: two no-shows in a row, of the registered


def council_table(filters: Filters) -> CouncilTable:
    """Every row's count among all registrations and among the closed trajectories, and (for the report)
    the persons behind the registrations and the two-no-shows count: one query."""
    registered, closed = _population(filters), _finished(filters)

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    columns = [count(registered), count(closed), *person_count_columns(registered), count(no_show_condition(filters))]
    for row in COUNCIL_ROWS:
        condition = row.condition(filters)
        columns += [count(and_(condition, registered)), count(and_(condition, closed))]
    values = [int(v or 0) for v in db.session.execute(select(*columns).select_from(Participant)).one()]
    total_registered, total_closed, persons, trajectories, no_shows, *counts = values
    rows = [
        CouncilRow(
            row.key,
            row.label,
            Share(counts[2 * i], total_registered),
            None if row.before_start else Share(counts[2 * i + 1], total_closed),
        )
        for i, row in enumerate(COUNCIL_ROWS)
    ]
    return CouncilTable(rows, total_registered, total_closed, PersonCount(persons, trajectories), no_shows)
