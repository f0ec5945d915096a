"""Report figures for onward referrals ("verwezen naar", issue #17 point 3): per destination how many
referrals, and how many arrived, did not arrive or are still unknown. One query, no HTTP.

- whole pilot: every referral, with its result as recorded now.
- a pilot year: the referrals made in that year (referral date, a calendar day); a result counts when it
  was known by 31 December (its result date), otherwise the referral is still 'onbekend' for that year,
  so the figure of a past year does not change when a late result comes in ("stand op 31 december").
- coach or "verwezen door" filter: the referrals of the selected participants (the report's own rule).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from blueprints.reports.figures import Filters, Share, _participant_selected
from models import ONWARD_DESTINATION_LABELS, OnwardReferral, Participant, db

UNKNOWN = "onbekend"


@dataclass
class DestinationRow:
    key: str
    label: str
    count: int = 0
    arrived: int = 0
    not_arrived: int = 0

    @property
    def unknown(self) -> int:
        return self.count - self.arrived - self.not_arrived

    @property
    def arrived_share(self) -> Share:
        """Arrived of the referrals whose result is known."""
        return Share(self.arrived, self.arrived + self.not_arrived)


@dataclass
class OnwardFigures:
    rows: list[DestinationRow]  # every destination, in the fixed order, also empty ones
    total: DestinationRow
    participants: int  # participants with at least one referral in the period


def result_in_period(filters: Filters):
    """SQL: a referral's result as known at the end of the period (a pilot year: by 31 December)."""
    if not filters.year:
        return OnwardReferral.result
    return case((OnwardReferral.result_on <= filters.end, OnwardReferral.result), else_=UNKNOWN)


def referral_rows(filters: Filters, *columns):
    """SQL: `columns` over the referrals of the period and selection; the table and the lists read it."""
    query = (
        select(*columns)
        .select_from(OnwardReferral)
        .join(Participant, Participant.id == OnwardReferral.participant_id)
        .where(_participant_selected(filters, at=OnwardReferral.referred_on))  # the coach who referred
    )
    if filters.year:
        query = query.where(OnwardReferral.referred_on.between(filters.start, filters.end))
    return query


def onward_referrals(filters: Filters) -> OnwardFigures:
    result = result_in_period(filters)
    # The participants behind all referrals ride along as a scalar subquery: one statement.
    participants = referral_rows(filters, func.count(func.distinct(OnwardReferral.participant_id))).scalar_subquery()
    query = referral_rows(
        filters, OnwardReferral.destination, result.label("result"), func.count(OnwardReferral.id), participants
    ).group_by(OnwardReferral.destination, result)
    rows = {key: DestinationRow(key, label) for key, label in ONWARD_DESTINATION_LABELS.items()}
    grouped = db.session.execute(query).all()
    people = int(grouped[0][3] or 0) if grouped else 0  # no referral: nobody referred
    for destination, outcome, count, _ in grouped:
        row = rows.setdefault(destination, DestinationRow(destination, destination))
        row.count += count
        row.arrived += count if outcome == "aangekomen" else 0
        row.not_arrived += count if outcome == "niet_aangekomen" else 0
    total = DestinationRow("totaal", "Totaal")
    for row in rows.values():
        total.count += row.count
        total.arrived += row.arrived
        total.not_arrived += row.not_arrived
    return OnwardFigures(list(rows.values()), total, people)
