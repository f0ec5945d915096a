"""ZRM and Participatieladder read-outs for the file: latest scores, change since intake, chart geometry.

Works on a list of assessments (oldest first) already loaded with their scores; no queries here.
"""

from dataclasses import dataclass

from core.svg import polylines, spread
from models import LADDER_LABELS, ZRM_DOMAIN_LABELS, Assessment

ROW_HEIGHT = 44
LABEL_WIDTH = 230
PLOT_WIDTH = 420
TOP = 40
SCORE_STEP = 8  # pixels between score levels inside one domain row


@dataclass
class DomainRow:
    domain: str
    label: str
    first: int | None
    latest: int | None
    history: list[int | None]

    @property
    def change(self) -> int | None:
        if self.first is None or self.latest is None:
            return None
        return self.latest - self.first


@dataclass
class ZrmSummary:
    assessments: list[Assessment]
    rows: list[DomainRow]

    @property
    def first(self) -> Assessment | None:
        return self.assessments[0] if self.assessments else None

    @property
    def latest(self) -> Assessment | None:
        return self.assessments[-1] if self.assessments else None


def summarise(assessments: list[Assessment]) -> ZrmSummary:
    maps = [a.score_map() for a in assessments]
    rows = []
    for domain, label in ZRM_DOMAIN_LABELS.items():
        history = [m.get(domain) for m in maps]
        rows.append(
            DomainRow(domain, label, history[0] if history else None, history[-1] if history else None, history)
        )
    return ZrmSummary(assessments, rows)


def ladder_label(rung: int | None) -> str:
    return f"{rung} – {LADDER_LABELS[rung]}" if rung in LADDER_LABELS else "–"


def chart(summary: ZrmSummary) -> dict:
    """Coordinates for an inline SVG: one band per domain, a line through its scores over time."""
    xs = spread(len(summary.assessments), LABEL_WIDTH + 20, PLOT_WIDTH)
    rows = []
    for index, row in enumerate(summary.rows):
        top = TOP + index * ROW_HEIGHT
        at = [
            None if score is None else (x, top + 4 + (5 - score) * SCORE_STEP)
            for x, score in zip(xs, row.history, strict=True)
        ]
        points = [(*xy, score) for xy, score in zip(at, row.history, strict=True) if xy is not None]
        rows.append(
            {
                "label": row.label,
                "top": top,
                "mid": top + 4 + 2 * SCORE_STEP,
                "base": top + ROW_HEIGHT - 4,
                "lines": polylines(at),
                "points": points,
            }
        )
    return {
        "width": LABEL_WIDTH + PLOT_WIDTH + 60,
        "height": TOP + len(summary.rows) * ROW_HEIGHT + 10,
        "plot_left": LABEL_WIDTH + 10,
        "plot_right": LABEL_WIDTH + PLOT_WIDTH + 30,
        "columns": list(zip(xs, (a.assessed_on for a in summary.assessments), strict=True)),
        "rows": rows,
    }
