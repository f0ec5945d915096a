"""Geometry for the inline SVG charts (budget burn, report bars, ZRM lines): numbers in, pixels out.

No HTML here; templates draw what these compute. Pixels are rounded to 0.1, enough for a sharp line
and short attributes. A scale whose largest value is 0 (an empty chart) is treated as 1, so nothing
divides by zero and every bar is simply 0 long.
"""

from dataclasses import dataclass
from decimal import Decimal


def fraction(value, maximum) -> float:
    """`value` as a share of `maximum` (exact when both are Decimal)."""
    if not maximum or maximum <= 0:
        maximum = 1
    if isinstance(value, Decimal) and isinstance(maximum, Decimal):
        return float(value / maximum)
    return float(value or 0) / float(maximum)


def length(value, maximum, pixels: float) -> float:
    """The length of a bar for `value` when `maximum` fills `pixels`."""
    return round(fraction(value, maximum) * pixels, 1)


@dataclass(frozen=True)
class Slot:
    x: float  # left edge of the bar
    width: float
    centre: float  # where its label goes


def slots(count: int, start: float, span: float, fill: float = 0.7, min_width: float = 0) -> list[Slot]:
    """`count` bars side by side over `span` pixels from `start`, each `fill` of its slot, centred."""
    step = span / (count or 1)
    width = max(round(step * fill, 1), min_width)
    result = []
    for index in range(count):
        x = round(start + index * step + (step - width) / 2, 1)
        result.append(Slot(x, width, round(x + width / 2, 1)))
    return result


def spread(count: int, start: float, span: float) -> list[float]:
    """`count` points from `start` to `start + span`, evenly; one point stands in the middle."""
    if count == 1:
        return [round(start + span / 2, 1)]
    step = span / max(count - 1, 1)
    return [round(start + index * step, 1) for index in range(count)]


def polylines(points: list[tuple[float, float] | None]) -> list[str]:
    """SVG `points` attributes through the given points, broken where a point is missing (None).

    A piece of a single point is no line (the template draws the point itself).
    """
    pieces, current = [], []
    for point in points:
        if point is None:
            if current:
                pieces.append(current)
            current = []
            continue
        current.append(f"{point[0]},{point[1]}")
    if current:
        pieces.append(current)
    return [" ".join(piece) for piece in pieces if len(piece) > 1]
