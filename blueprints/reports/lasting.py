"""Report figures for lasting outcomes (duurzame uitstroom, issue #17 point 6): where people are 6 and 12
months after the end of their trajectory, and how many are still unknown. One query, no HTTP.

The question for N months is due from the day N months after the end of a trajectory (afgerond or
uitgevallen, by its outcome date; youths/lasting.py holds that rule).
- whole pilot: every question due by today, with the answers recorded so far.
- a pilot year: the questions that fell due in that year (and by today), with the answers given by the end
  of the year: an answer recorded on 1 January in Hengelo (31 December 23:30 UTC) belongs to the next year,
  so the question still counts as 'nog niet gevraagd' for the year before ("stand op 31 december").
- unknown = answered "niet bereikbaar / weet ik niet" + not yet asked.
- coach or "verwezen door" filter: the selected participants (the report's own rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, literal, select, union_all

from blueprints.reports.figures import Filters, Share, _participant_selected
from blueprints.youths import lasting as rules
from core.localtime import local_midnight_utc, local_now
from models import LASTING_SITUATION_LABELS, LastingOutcomeCheck, Participant, db

NOT_ASKED = "nog_niet_gevraagd"
UNKNOWN = rules.UNKNOWN


@dataclass
class SituationRow:
    key: str
    label: str
    count: int
    share: Share  # of the questions due


@dataclass
class LastingColumn:
    months: int
    due: int  # questions due in the period
    counts: dict[str, int] = field(default_factory=dict)  # per situation, answered in time

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def not_asked(self) -> int:
        return self.due - self.answered

    @property
    def unknown(self) -> Share:
        """Still unknown: 'niet bereikbaar / weet ik niet' plus not yet asked, of the questions due."""
        return Share(self.counts.get(UNKNOWN, 0) + self.not_asked, self.due)

    @property
    def in_work_or_school(self) -> Share:
        return Share(sum(self.counts.get(k, 0) for k in ("werk", "school", "werk_en_school")), self.due)

    @property
    def rows(self) -> list[SituationRow]:
        labelled = [*LASTING_SITUATION_LABELS.items(), (NOT_ASKED, "Nog niet gevraagd")]
        counts = {**self.counts, NOT_ASKED: self.not_asked}
        return [SituationRow(k, v, counts.get(k, 0), Share(counts.get(k, 0), self.due)) for k, v in labelled]


@dataclass
class LastingFigures:
    columns: list[LastingColumn]  # 6 and 12 months

    def column(self, months: int) -> LastingColumn:
        return next(c for c in self.columns if c.months == months)


def _due_ends(filters: Filters, months: int, today: date) -> tuple[date | None, date]:
    """(after, up to): the end dates whose question fell due in the period and by today (a year still to
    come gives an empty range: `after` is then on or after `up to`)."""
    if not filters.year:
        return None, rules.latest_end_due(today, months)
    last_day = min(filters.end, today)
    return rules.latest_end_due(date(filters.year - 1, 12, 31), months), rules.latest_end_due(last_day, months)


def answered_in_time(filters: Filters, months: int):
    """SQL: the check row of a participant's `months` question, answered by the end of the period."""
    condition = and_(
        LastingOutcomeCheck.participant_id == Participant.id,
        LastingOutcomeCheck.months == months,
    )
    if filters.year:
        condition = and_(condition, LastingOutcomeCheck.answered_at < local_midnight_utc(date(filters.year + 1, 1, 1)))
    return condition


def due_condition(filters: Filters, months: int, today: date):
    """SQL on Participant: the `months` question fell due in the period (and by today)."""
    after, up_to = _due_ends(filters, months, today)
    conditions = [
        Participant.status.in_(rules.CLOSED_STATUSES),
        Participant.outcome_date.is_not(None),
        Participant.outcome_date <= up_to,
        _participant_selected(filters, at=Participant.outcome_date),  # the coach who closed the file
    ]
    if after is not None:
        conditions.append(Participant.outcome_date > after)
    return and_(*conditions)


def _column_query(filters: Filters, months: int, today: date):
    return (
        select(literal(months).label("months"), LastingOutcomeCheck.situation, func.count(Participant.id))
        .select_from(Participant)
        .outerjoin(LastingOutcomeCheck, answered_in_time(filters, months))
        .where(due_condition(filters, months, today))
        .group_by(LastingOutcomeCheck.situation)
    )


def lasting_outcomes(filters: Filters, today: date | None = None) -> LastingFigures:
    """Both columns in one statement (a UNION ALL of one grouped query per column); `today` is the day
    in Hengelo unless a test names one."""
    today = today or local_now().date()
    columns = {months: LastingColumn(months, 0) for months in rules.MONTHS}
    query = union_all(*(_column_query(filters, months, today) for months in rules.MONTHS))
    for months, situation, count in db.session.execute(query):
        column = columns[int(months)]
        column.due += count
        if situation is not None:
            column.counts[situation] = column.counts.get(situation, 0) + count
    return LastingFigures(list(columns.values()))
