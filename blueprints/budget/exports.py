"""CSV and XLSX files of requests and payments, safe against formula injection."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from core.money import format_money_input

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe (OWASP)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_money_input(value)  # 1234,56: Dutch spreadsheets read it as a number
    if isinstance(value, date | datetime):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, int):
        return str(value)
    return safe_text(str(value))


def to_csv(header: list[str], rows) -> str:
    """Semicolon-separated with a BOM, as Dutch Excel expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return "\ufeff" + buffer.getvalue()


def _cell_value(value):
    if isinstance(value, str):
        return safe_text(value)
    return value


def to_xlsx(sheets: list[tuple[str, list[str], object]]) -> bytes:
    """One sheet per (title, header, rows); amounts stay real numbers with a money format."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=_cell_value(value))
                if isinstance(value, Decimal):
                    cell.number_format = "#,##0.00"
                elif isinstance(value, date):
                    cell.number_format = "DD-MM-YYYY"
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
