"""ZRM and Participatieladder read-outs for the file: scores with their words, change since intake, ladder steps.

Works on a list of assessments (oldest first) already loaded with their scores; no queries here.
"""

from dataclasses import dataclass

from models import LADDER_LABELS, ZRM_DOMAIN_LABELS, Assessment

# The ZRM's own words for its five levels; the matrix shows the word next to the colour, never colour alone.
SCORE_WORDS = {
    1: "acute problematiek",
    2: "niet zelfredzaam",
    3: "beperkt zelfredzaam",
    4: "voldoende zelfredzaam",
    5: "volledig zelfredzaam",
}


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


def score_word(score: int | None) -> str:
    return SCORE_WORDS.get(score, "niet gescoord")


@dataclass
class LadderStep:
    rung: int
    label: str
    now: bool  # the latest measurement's rung
    start: bool  # the first measurement's rung
    reachable: bool  # the latest growth potential


def ladder_steps(summary: ZrmSummary) -> list[LadderStep]:
    """The participation ladder as six steps, highest first, marking now, the start and what is reachable."""
    first, latest = summary.first, summary.latest
    return [
        LadderStep(
            rung,
            label,
            now=latest is not None and latest.ladder_rung == rung,
            start=first is not None and first.ladder_rung == rung,
            reachable=latest is not None and latest.growth_rung == rung,
        )
        for rung, label in sorted(LADDER_LABELS.items(), reverse=True)
    ]
