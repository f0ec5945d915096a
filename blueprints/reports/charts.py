"""Coordinates for the report's inline SVG bar charts; the template only draws what this computes.

No queries and no HTML here: a chart is a list of labelled values turned into rectangles. Values may
be negative (ZRM change), then the bars grow left and right from a zero line.
"""

from dataclasses import dataclass
from decimal import Decimal

from core.money import format_money
from core.svg import length, slots

WIDTH = 720
LABEL_WIDTH = 270
VALUE_WIDTH = 110
BAR_HEIGHT = 24
ROW_GAP = 10
TOP = 10
COLUMN_PLOT_HEIGHT = 160
COLUMN_LABEL_HEIGHT = 40


@dataclass
class Bar:
    label: str
    text: str  # the value as people read it, also drawn next to the bar
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    label_x: float = 0
    label_y: float = 0
    negative: bool = False


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    zero_x: float | None = None  # a vertical zero line for charts with negative values
    baseline_y: float | None = None  # the x axis of a column chart


def _number(value) -> float:
    return float(value) if isinstance(value, Decimal) else float(value or 0)


def horizontal(rows: list[tuple[str, object, str]]) -> Chart:
    """One bar per (label, value, text). Zero values get no bar but keep their row and text."""
    values = [_number(v) for _, v, _ in rows]
    has_negative = any(v < 0 for v in values)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    scale_max = max((abs(v) for v in values), default=0) or 1
    zero = LABEL_WIDTH + (plot / 2 if has_negative else 0)
    half = plot / 2 if has_negative else plot
    bars = []
    for index, ((label, _, text), value) in enumerate(zip(rows, values, strict=True)):
        y = TOP + index * (BAR_HEIGHT + ROW_GAP)
        bar = length(abs(value), scale_max, half)
        x = zero - bar if value < 0 else zero
        # Negative bars grow left; their number stands just right of the zero line.
        text_x = zero + bar + 6 if value >= 0 else zero + 6
        bars.append(
            Bar(
                label=label,
                text=text,
                x=round(x, 1),
                y=y,
                width=bar,
                height=BAR_HEIGHT,
                text_x=round(text_x, 1),
                text_y=y + BAR_HEIGHT / 2 + 5,
                label_x=LABEL_WIDTH - 8,
                label_y=y + BAR_HEIGHT / 2 + 5,
                negative=value < 0,
            )
        )
    height = TOP * 2 + len(rows) * (BAR_HEIGHT + ROW_GAP)
    return Chart(WIDTH, height, bars, zero_x=zero if has_negative else None)


def columns(rows: list[tuple[str, object, str]]) -> Chart:
    """One column per (label, value, text), for counts per month."""
    values = [_number(v) for _, v, _ in rows]
    scale_max = max(values, default=0) or 1
    baseline = TOP + 20 + COLUMN_PLOT_HEIGHT
    bars = []
    places = slots(len(rows), 10, WIDTH - 20, min_width=2)
    for (label, _, text), value, place in zip(rows, values, places, strict=True):
        height = length(max(value, 0), scale_max, COLUMN_PLOT_HEIGHT)
        bars.append(
            Bar(
                label=label,
                text=text,
                x=place.x,
                y=round(baseline - height, 1),
                width=place.width,
                height=height,
                text_x=place.centre,
                text_y=round(baseline - height - 5, 1),
                label_x=place.centre,
                label_y=baseline + 16,
            )
        )
    return Chart(WIDTH, baseline + COLUMN_LABEL_HEIGHT, bars, baseline_y=baseline)


def month_label(month, many: bool) -> str:
    """'mrt' for one year; over several years only every third month, with the year: "jan '26"."""
    name = month.label.split()[0]
    if not many:
        return name
    return f"{name} '{str(month.year)[2:]}" if month.month in (1, 4, 7, 10) else ""


def charts_for(report) -> dict[str, Chart]:
    """The charts of one report, from figures already computed (no queries)."""
    many = len(report.inflow) > 12
    zrm_rows = [
        (d.label, d.average or 0, "nog geen" if d.average is None else _signed(d.average))
        for d in report.progress.domains
    ]
    ladder = report.progress.ladder
    return {
        "inflow": columns([(month_label(m, many), m.count, str(m.count)) for m in report.inflow]),
        "statuses": horizontal([(r.label, r.count, str(r.count)) for r in report.statuses.rows]),
        "outcomes": horizontal([(r.label, r.count, f"{r.count} ({_percent(r.share)})") for r in report.outcomes.rows]),
        "zrm": horizontal(zrm_rows),
        "ladder": horizontal(
            [
                ("Omhoog", ladder.up.part, str(ladder.up.part)),
                ("Gelijk gebleven", ladder.same.part, str(ladder.same.part)),
                ("Omlaag", ladder.down.part, str(ladder.down.part)),
            ]
        ),
        "categories": horizontal([(c.label, c.spent, format_money(c.spent)) for c in report.money.categories]),
    }


def _percent(share) -> str:
    return "nog geen" if share.percent is None else f"{share.percent}%"


def _signed(value: Decimal) -> str:
    return f"{value:+}".replace(".", ",")
