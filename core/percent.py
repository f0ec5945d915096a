"""The one rounding of a percentage, for the page, CSV, XLSX and PDF alike: half up (12.5% is 13%).

Every share the product shows goes through `percent_of`, so a number never reads 21% on the page and
22% in a download (issue #17 point 11). Decimal arithmetic: 17 of 136 is exactly 12.5, never 12.4999.
"""

from decimal import ROUND_HALF_UP, Decimal


def percent_of(part, whole, places: int = 0) -> Decimal | None:
    """`part` of `whole` in percent, rounded half up to `places` decimals; None when the whole is 0."""
    if not whole:
        return None
    exact = Decimal(100) * Decimal(part) / Decimal(whole)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
