"""The one spreadsheet writer: CSV and XLSX downloads, streamed, safe against formula injection.

A download is a list of `Sheet`s: a title, typed `Column`s and rows (any iterable, read once, so a
query can be streamed). The column's kind decides how a value is written:

- `AUTO` by the value's type: Decimal as an amount (`#,##0.00`), a date as `DD-MM-YYYY`, text as text;
- `INT`, `MONEY` (euro format), `PERCENT` (percent points as already rounded by the caller,
  `core.percent.percent_of`: CSV writes them as they are, XLSX as a number with a percent format),
  `DECIMAL` (one digit), `TEXT`. A missing number is written as the column's `empty` text (for example 'nog geen').

Text that a spreadsheet would read as a formula (= + - @, tab, carriage return) gets a leading
apostrophe (OWASP "CSV injection"). Control characters such as a vertical tab (Word's line break)
are legal in CSV; in XLSX, whose XML cannot hold them, xlsxwriter writes them as Excel's `_xHHHH_`
escapes, so they never break a file.

CSV goes out as a generator (semicolons and a BOM, as Dutch Excel expects). XLSX is written by
xlsxwriter in constant-memory mode to a temporary file (memory stays flat whatever the size) and then
streamed in chunks.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from flask import Response, current_app

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
AUTO, TEXT, INT, MONEY, PERCENT, DECIMAL = "auto", "text", "int", "money", "percent", "decimal"
EURO_FORMAT = '"€" #,##0.00;"€" -#,##0.00'
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "DD-MM-YYYY"
NUMBER_FORMATS = {MONEY: EURO_FORMAT, PERCENT: "0%", DECIMAL: "0.0", INT: "0"}
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024
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


def _csv_value(value, column: Column) -> str:
    if value is None:
        return column.empty
    if column.kind == PERCENT:  # already rounded: rounding again here once disagreed with the page
        return str(value).replace(".", ",")
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")  # 1234,56: Dutch spreadsheets read it as a number
    if isinstance(value, date):  # a datetime is a date too; people read the day
        return value.strftime("%d-%m-%Y")
    if isinstance(value, int):
        return str(value)
    return safe_text(str(value))


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
            writer.writerow([_csv_value(v, c) for v, c in zip(row, sheet.columns, strict=True)])
            if number % CSV_BATCH == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def to_csv(sheets: list[Sheet], titles: bool = False) -> str:
    return "".join(csv_chunks(sheets, titles))


# --------------------------------------------------------------------------- XLSX


def write_xlsx(sheets: list[Sheet], target) -> None:
    """One worksheet per sheet into `target` (a path or a binary file); numbers stay numbers."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False})
    formats: dict[str, object] = {}

    def number_format(pattern: str):
        if pattern not in formats:
            formats[pattern] = workbook.add_format({"num_format": pattern})
        return formats[pattern]

    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet.title[:31])
        for col, column in enumerate(sheet.columns):
            worksheet.write_string(0, col, safe_text(column.header))
        # Per column: the number format (None: decided by the value's type).
        plans = [number_format(NUMBER_FORMATS[c.kind]) if c.kind in NUMBER_FORMATS else None for c in sheet.columns]
        kinds = [c.kind for c in sheet.columns]
        amount, day = number_format(AMOUNT_FORMAT), number_format(DATE_FORMAT)
        write_string, write_number, write_datetime = (
            worksheet.write_string,
            worksheet.write_number,
            worksheet.write_datetime,
        )
        for row_number, row in enumerate(sheet.rows, start=1):
            for col, value in enumerate(row):
                fmt = plans[col]
                if value is None:
                    empty = sheet.columns[col].empty
                    if empty:
                        write_string(row_number, col, empty)
                elif isinstance(value, str):
                    if value:  # an empty text is an empty cell
                        write_string(row_number, col, safe_text(value))
                elif isinstance(value, bool):
                    write_string(row_number, col, "ja" if value else "nee")
                elif kinds[col] == PERCENT and isinstance(value, int | Decimal):
                    write_number(row_number, col, float(Decimal(value) / 100), fmt)  # 21 -> 0.21 shown as 21%
                elif isinstance(value, int | float | Decimal):
                    auto_amount = fmt is None and isinstance(value, Decimal)
                    write_number(row_number, col, float(value), amount if auto_amount else fmt)
                elif isinstance(value, date):
                    if not isinstance(value, datetime):
                        value = datetime(value.year, value.month, value.day)
                    write_datetime(row_number, col, value, day)
                else:
                    write_string(row_number, col, safe_text(str(value)))
    workbook.close()


def to_xlsx(sheets: list[Sheet]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer)
    return buffer.getvalue()


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
    """Written to a temporary file (constant memory), then streamed in chunks and removed."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the generator below)
    try:
        write_xlsx(sheets, spool)
        length = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise

    def chunks():
        with spool:
            while block := spool.read(CHUNK):
                yield block

    return _download(chunks(), XLSX_MIMETYPE, filename, length)
