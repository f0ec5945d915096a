"""The shared PDF base (core/pdf.py): DejaVu when installed, a Latin-1 fallback otherwise, numbered footers."""

from pathlib import Path

import core.pdf
from core.pdf import DutchPDF, latin1


class NotePDF(DutchPDF):
    def footer_label(self) -> str:
        return "Notitie – Hengelo"


def _pdf_bytes() -> bytes:
    pdf = NotePDF()
    pdf.set_compression(False)
    pdf.add_page()
    pdf.heading("Afspraken met Zoë")
    return bytes(pdf.output())


def test_without_dejavu_the_core_font_gets_latin1_text(monkeypatch):
    monkeypatch.setattr(core.pdf, "REGULAR", Path("/nonexistent/DejaVuSans.ttf"))
    pdf = NotePDF()
    assert (pdf.unicode, pdf.family) == (False, "Helvetica")
    assert pdf.t("Zoë – “ok” ✓") == 'Zoë - "ok" ?'
    assert pdf.t(None) == ""
    data = _pdf_bytes()
    assert b"/BaseFont /Helvetica" in data
    assert b"(Afspraken met Zo\xeb)" in data  # Latin-1, accent kept
    assert b"Notitie - Hengelo \xb7 pagina 1/" in data


def test_latin1_keeps_accents_and_replaces_the_rest():
    assert latin1("café — ‘x’ €") == "café - 'x' ?"
