"""QR codes made by the app itself (segno): inline SVG for pages, PNG for PDFs. No external service."""

from io import BytesIO

import segno
from markupsafe import Markup


def qr_svg(data: str, title: str, css_class: str = "qr-code") -> Markup:
    """An inline SVG (no inline style, so the CSP holds) with a text alternative."""
    svg = segno.make(data, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=title, svgclass=css_class, omitsize=True
    )
    # segno builds the SVG from our own URL (escaped by segno); no user markup inside: safe to embed.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704


def qr_png(data: str, scale: int = 6) -> BytesIO:
    buffer = BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=scale, border=2)
    buffer.seek(0)
    return buffer
