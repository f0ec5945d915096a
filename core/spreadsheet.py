"""The one spreadsheet writer: CSV and XLSX downloads, streamed, safe against formula injection.

A download is a list of `Sheet`s: a title, typed `Column`s and rows (any iterable, read once, so a
query can be streamed). The column's kind decides how a value is written:

- `AUTO` by the value's type: Decimal as an amount (`#,##0.00`), a date as `DD-MM-YYYY`, text as text;
- `INT`, `MONEY` (euro format), `PERCENT` (percent points as already rounded by the caller,
  `core.percent.percent_of`: CSV writes them as they are, XLSX as a number with a percent format),
  `DECIMAL` (one digit), `TEXT`. A missing number is written as the column's `empty` text (for example 'nog geen').

Text that a spreadsheet would read as a formula (= + - @, tab, carriage return) gets a leading
apostrophe (OWASP "CSV injection"). Control characters such as a vertical tab (Word's line break)
are legal in CSV; in XLSX, whose XML cannot hold them, they are written as Excel's `_xHHHH_` escapes,
so they never break a file.

CSV goes out as a generator (semicolons and a BOM, as Dutch Excel expects). XLSX is written here, row
by row, straight into a streamed zip (see "XLSX" below): memory stays flat whatever the size.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from flask import Response, current_app

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST = frozenset(FORMULA_START)
AUTO, TEXT, INT, MONEY, PERCENT, DECIMAL = "auto", "text", "int", "money", "percent", "decimal"
EURO_FORMAT = '"€" #,##0.00;"€" -#,##0.00'
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "DD-MM-YYYY"
NUMBER_FORMATS = {MONEY: EURO_FORMAT, PERCENT: "0%", DECIMAL: "0.0", INT: "0"}
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_BATCH = 500  # rows per streamed chunk: few, large writes


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = AUTO
    empty: str = ""  # written for a missing value


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: Iterable = field(default_factory=list)


def safe_text(value: str) -> str:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


# --------------------------------------------------------------------------- CSV


@lru_cache(maxsize=8192)
def _day_text(ordinal: int) -> str:
    # strftime was a fifth of a year's CSV; an export has a few hundred different days.
    return date.fromordinal(ordinal).strftime("%d-%m-%Y")


def _csv_row(row, columns: list[Column]) -> list[str]:
    """A row's cells as CSV text; one call per row, not per cell (a finance year is 750,000 cells)."""
    cells = []
    append = cells.append
    for value, column in zip(row, columns, strict=True):
        if type(value) is str:  # most cells: checked first, the formula guard inline (safe_text)
            append("'" + value if value[:1] in FORMULA_FIRST else value)
        elif value is None:
            append(column.empty)
        elif column.kind == PERCENT:  # already rounded: rounding again here once disagreed with the page
            append(str(value).replace(".", ","))
        elif isinstance(value, Decimal):
            append(str(value).replace(".", ","))  # 1234,56: Dutch spreadsheets read it as a number
        elif isinstance(value, date):  # a datetime is a date too; people read the day
            append(_day_text(value.toordinal()))
        elif isinstance(value, int):
            append(str(value))
        else:
            append(safe_text(str(value)))
    return cells


def csv_chunks(sheets: list[Sheet], titles: bool = False) -> Iterator[str]:
    """The sheets below each other (with their title first when `titles`), in chunks of rows.

    CSV has no number formats: a percentage column's header says '(%)' and holds 0-100.
    """
    yield "\ufeff"  # first, on its own: it needs no database (see csv_download)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for index, sheet in enumerate(sheets):
        if titles:
            if index:
                writer.writerow([])
            writer.writerow([safe_text(sheet.title)])
        writer.writerow([c.header + (" (%)" if c.kind == PERCENT else "") for c in sheet.columns])
        for number, row in enumerate(sheet.rows, start=1):
            writer.writerow(_csv_row(row, sheet.columns))
            if number % CSV_BATCH == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def to_csv(sheets: list[Sheet], titles: bool = False) -> str:
    return "".join(csv_chunks(sheets, titles))


# --------------------------------------------------------------------------- XLSX
#
# Written here, not by a library: xlsxwriter spent about 35 us a cell on checks and bookkeeping for
# features an export never uses (the finance year at 100x, 870,000 cells: 19 s of CPU). A worksheet is
# plain XML, so each row becomes one string (text inline, numbers with a style), and the parts go through
# zipfile into the response as they are made: memory stays flat and the first bytes leave at once.

# XML cannot hold these control characters (nor a bare carriage return, which a parser reads as a
# newline); Excel's own escape is _xHHHH_, and a literal "_xHHHH_" in the text is escaped as _x005F_.
XLSX_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
# One search finds every text that needs any escaping at all; most texts need none.
XLSX_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
EXCEL_EPOCH = date(1899, 12, 30).toordinal()
XLSX_STYLES = [AMOUNT_FORMAT, DATE_FORMAT, *NUMBER_FORMATS.values()]  # style i+1 has format i
XLSX_ROWS_PER_CHUNK = 500
XLSX_COMPRESSLEVEL = 1  # deflate level 1: a third of level 6's time for a file about 20% larger
XLSX_TEXTS_KEPT = 16_384  # prepared text cells kept (per process), most used first


def _xlsx_char(match: re.Match) -> str:
    return f"_x{ord(match.group()):04X}_"


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _xlsx_text(value: str) -> str:
    if XLSX_NEEDS_ESCAPE.search(value) is None:
        return value
    return XLSX_CONTROL.sub(_xlsx_char, value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}"{_inline_tail(text)}'


def _inline_tail(text: str) -> str:
    # xml:space="preserve" only where it matters: text that starts or ends with white space.
    space = ' xml:space="preserve"' if text[0] <= " " or text[-1] <= " " else ""
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


@lru_cache(maxsize=XLSX_TEXTS_KEPT)
def _text_cell_tail(value: str) -> str:
    """A text cell after its reference, formula guard and escapes applied: an export repeats most of its
    texts (categories, statuses, names, suppliers) thousands of times."""
    return _inline_tail(_xlsx_text(safe_text(value)))


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(count):
        name, n = "", index + 1
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _style_of(pattern: str) -> int:
    return XLSX_STYLES.index(pattern) + 1


def _row_xml(number: int, row, plans) -> str:
    """One <row>: text inline (formula guard first), numbers and dates as numbers with a style."""
    n = str(number)
    cells = []
    append = cells.append
    for value, (letter, kind, style, empty) in zip(row, plans, strict=True):
        # The exact type first (a finance year is 870,000 cells: `isinstance` over a union was a tenth of it);
        # anything else (bool, float, a subclass) takes the general way below.
        kind_of = type(value)
        if kind_of is str:
            if value:  # an empty text is an empty cell
                append(f'<c r="{letter}{n}"{_text_cell_tail(value)}')
        elif value is None:
            if empty:
                append(_inline(letter + n, empty))
        elif kind_of is Decimal and kind != PERCENT:
            append(f'<c r="{letter}{n}" s="{style or AMOUNT_STYLE}"><v>{value}</v></c>')
        elif kind_of is date:
            append(f'<c r="{letter}{n}" s="{DATE_STYLE}"><v>{value.toordinal() - EXCEL_EPOCH}</v></c>')
        elif kind_of is int and kind != PERCENT:
            append(
                f'<c r="{letter}{n}" s="{style}"><v>{value}</v></c>'
                if style
                else f'<c r="{letter}{n}"><v>{value}</v></c>'
            )
        else:
            append(_other_cell(letter + n, value, kind, style))
    return f'<row r="{n}">{"".join(cells)}</row>'


def _other_cell(ref: str, value, kind: str, style: int) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}"{_text_cell_tail(value)}' if value else ""
    if isinstance(value, bool):
        return _inline(ref, "ja" if value else "nee")
    if isinstance(value, int | float | Decimal):
        if kind == PERCENT and not isinstance(value, float):
            value = Decimal(value) / 100  # 21 percent points -> 0.21, shown as 21%
        number_style = style or (AMOUNT_STYLE if isinstance(value, Decimal) else 0)
        if number_style:
            return f'<c r="{ref}" s="{number_style}"><v>{value}</v></c>'
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, date):
        serial = value.toordinal() - EXCEL_EPOCH
        if isinstance(value, datetime):
            serial += (value.hour * 3600 + value.minute * 60 + value.second) / 86400
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{serial}</v></c>'
    return _inline(ref, _xlsx_text(safe_text(str(value))))


AMOUNT_STYLE = _style_of(AMOUNT_FORMAT)
DATE_STYLE = _style_of(DATE_FORMAT)

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"


def _sheet_names(sheets: list[Sheet]) -> list[str]:
    return [(SHEET_NAME_FORBIDDEN.sub(" ", sheet.title)[:31] or f"Blad{i}") for i, sheet in enumerate(sheets, 1)]


def _package_parts(names: list[str]) -> list[tuple[str, str]]:
    count = len(names)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, count + 1)
    )
    content_types = (
        f'{_XML}<Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        f'{_XML}<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    sheets_xml = "".join(
        f'<sheet name="{_xml_text(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1)
    )
    workbook = f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{sheets_xml}</sheets></workbook>'
    workbook_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    workbook_rels = (
        f'{_XML}<Relationships xmlns="{_PKG}/relationships">{workbook_rels}'
        f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    )
    formats = "".join(f'<numFmt numFmtId="{164 + i}" formatCode="{_xml_text(p)}"/>' for i, p in enumerate(XLSX_STYLES))
    xfs = "".join(
        f'<xf numFmtId="{164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        for i in range(len(XLSX_STYLES))
    )
    styles = (
        f'{_XML}<styleSheet xmlns="{_MAIN}"><numFmts count="{len(XLSX_STYLES)}">{formats}</numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(XLSX_STYLES) + 1}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        f"{xfs}</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )
    return [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", root_rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        ("xl/styles.xml", styles),
    ]


class _Pipe:
    """A write-only file for zipfile: it keeps what was written until `take()` hands it on."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def xlsx_chunks(sheets: list[Sheet]) -> Iterator[bytes]:
    """The workbook as it is made: first the fixed parts (no database needed), then every sheet's rows,
    read once, in chunks of `XLSX_ROWS_PER_CHUNK` rows."""
    names = _sheet_names(sheets)
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED, compresslevel=XLSX_COMPRESSLEVEL) as archive:
        for name, xml in _package_parts(names):
            archive.writestr(name, xml)
        yield pipe.take()
        for index, sheet in enumerate(sheets, 1):
            letters = _column_letters(len(sheet.columns))
            plans = [
                (
                    letter,
                    column.kind,
                    _style_of(NUMBER_FORMATS[column.kind]) if column.kind in NUMBER_FORMATS else 0,
                    _xlsx_text(column.empty),
                )
                for letter, column in zip(letters, sheet.columns, strict=True)
            ]
            header = [column.header for column in sheet.columns]
            with archive.open(f"xl/worksheets/sheet{index}.xml", "w") as part:
                part.write(f'{_XML}<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
                part.write(_row_xml(1, header, [(p[0], TEXT, 0, "") for p in plans]).encode())
                batch = []
                for number, row in enumerate(sheet.rows, start=2):
                    batch.append(_row_xml(number, row, plans))
                    if len(batch) == XLSX_ROWS_PER_CHUNK:
                        part.write("".join(batch).encode())
                        batch = []
                        yield pipe.take()
                part.write(("".join(batch) + "</sheetData></worksheet>").encode())
            yield pipe.take()
    yield pipe.take()


def write_xlsx(sheets: list[Sheet], target) -> None:
    """One worksheet per sheet into `target` (a path or a binary file); numbers stay numbers."""
    if isinstance(target, str | Path):
        with open(target, "wb") as file:
            write_xlsx(sheets, file)
        return
    for chunk in xlsx_chunks(sheets):
        target.write(chunk)


def to_xlsx(sheets: list[Sheet]) -> bytes:
    return b"".join(xlsx_chunks(sheets))


# --------------------------------------------------------------------------- downloads


def _download(body, mimetype: str, filename: str, length: int | None = None) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    if length is not None:
        response.content_length = length
    return response


def csv_download(sheets: list[Sheet], filename: str, titles: bool = False) -> Response:
    """Streamed: the rows are read from the database while the browser receives the file.

    The body is read after the request has ended, so the generator opens its own app context (and
    database session) for the rows. Servers, and Werkzeug's test client, read the first chunk while
    the request's context is still open: that chunk is the BOM, which needs no context, so ours is
    pushed and popped with nothing in between.
    """
    app = current_app._get_current_object()

    def chunks():
        pieces = csv_chunks(sheets, titles)
        yield next(pieces)
        with app.app_context():
            yield from pieces

    return _download(chunks(), "text/csv", filename)


def xlsx_download(sheets: list[Sheet], filename: str) -> Response:
    """Streamed as it is written (memory flat, the first bytes leave at once), like `csv_download`: the
    first chunk (the workbook's fixed parts) needs no database, the rows are read in their own context."""
    app = current_app._get_current_object()

    def chunks():
        pieces = xlsx_chunks(sheets)
        yield next(pieces)
        with app.app_context():
            yield from pieces

    return _download(chunks(), XLSX_MIMETYPE, filename)
