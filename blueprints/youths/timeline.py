"""The file's timeline: conversations, assessments, status changes and goals, newest first, in pages."""

from dataclasses import dataclass
from datetime import date, datetime, time

from blueprints.youths import onward
from blueprints.youths.queries import CaseFile

PER_PAGE = 8


@dataclass
class TimelineItem:
    at: datetime  # sort key (UTC or a date at midnight)
    day: date
    kind: str  # gesprek / meting / status / doel
    title: str
    detail: str = ""
    anchor: str = ""


def items(case: CaseFile) -> list[TimelineItem]:
    result = []
    for c in case.conversations:
        title = f"{c.kind_label}: {c.attendance_label.lower()}"
        result.append(
            TimelineItem(c.held_at, c.held_at.date(), "gesprek", title, c.next_action or "", f"gesprek-{c.id}")
        )
    for a in case.assessments:
        result.append(
            TimelineItem(
                datetime.combine(a.assessed_on, time(12)),
                a.assessed_on,
                "meting",
                f"ZRM en ladder ({a.kind_label.lower()})",
                f"Trede {a.ladder_rung}, groeipotentieel {a.growth_rung}",
                "zrm",
            )
        )
    for s in case.status_changes:
        title = f"Status: {s.to_label.lower()}" if s.from_status else "Aangemeld"
        who = f"door {s.changed_by.name}" if s.changed_by else ""
        result.append(
            TimelineItem(datetime.combine(s.changed_on, time(12)), s.changed_on, "status", title, who, "status")
        )
    for g in case.goals:
        result.append(
            TimelineItem(
                g.created_at,
                g.created_at.date(),
                "doel",
                f"Doel gesteld: {g.domain_label}",
                g.description,
                f"doel-{g.id}",
            )
        )
    result += [TimelineItem(**vars(entry)) for entry in onward.timeline_entries(case.participant)]
    result.sort(key=lambda item: item.at, reverse=True)
    return result


def page(case: CaseFile, number: int, per_page: int = PER_PAGE) -> tuple[list[TimelineItem], bool]:
    """Items of page `number` (1-based) and whether there is more."""
    everything = items(case)
    start = (max(number, 1) - 1) * per_page
    return everything[start : start + per_page], len(everything) > start + per_page
