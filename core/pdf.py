"""The app's A4 PDFs (the contract and the inzage): DejaVu Sans when installed, a page-numbered footer.

Without the DejaVu files the core Helvetica font is used with the text normalised to Latin-1 (accents
kept, other characters replaced), so a PDF can always be made.
"""

import unicodedata
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


def latin1(text: str) -> str:
    replacements = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
    text = "".join(replacements.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFC", text)
    return text.encode("latin-1", "replace").decode("latin-1")


class DutchPDF(FPDF):
    """Subclasses say what the footer shows before the page number (`footer_label`)."""

    heading_size = 14  # pt
    heading_space = 2  # mm below a heading

    def __init__(self):
        super().__init__(format="A4")
        self.unicode = REGULAR.exists() and BOLD.exists()
        if self.unicode:
            self.add_font("DejaVu", "", str(REGULAR))
            self.add_font("DejaVu", "B", str(BOLD))
            self.family = "DejaVu"
        else:
            self.family = "Helvetica"
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(20, 18, 20)

    def t(self, text) -> str:
        text = "" if text is None else str(text)
        return text if self.unicode else latin1(text)

    def footer_label(self) -> str:
        raise NotImplementedError

    def footer(self):
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.cell(0, 5, self.t(f"{self.footer_label()} · pagina {self.page_no()}/{{nb}}"), align="C")

    def heading(self, text: str, size: int | None = None):
        self.set_font(self.family, "B", size or self.heading_size)
        self.multi_cell(0, 7, self.t(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(self.heading_space)
