"""Reading an uploaded referral list: CSV (`;` or `,`, UTF-8 or Windows-1252) or XLSX, judged by content.

`read_table(data, filename)` returns the header and the rows as text cells, or raises FileProblem with
a Dutch message for the whole file. Nothing here touches the database.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 60
MAX_CELL = 1000

# File kinds that are certainly not a referral list, recognised by their first bytes.
BINARY_MAGIC = {
    b"%PDF": "een PDF-bestand",
    b"\x89PNG": "een afbeelding",
    b"\xff\xd8\xff": "een afbeelding",
    b"GIF8": "een afbeelding",
    b"\xd0\xcf\x11\xe0": "een oud Excel- of Word-bestand (.xls of .doc)",
}


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message is Dutch and says what to do."""


@dataclass
class Table:
    kind: str  # "csv" or "xlsx"
    headers: list[str]
    rows: list[list[str]]  # every row as long as the header, cells as text
    encoding: str | None = None
    delimiter: str | None = None


def read_table(data: bytes, filename: str = "") -> Table:
    if len(data) > MAX_BYTES:
        raise FileProblem("Het bestand is groter dan 20 MB. Splits de lijst in kleinere bestanden.")
    if not data.strip():
        raise FileProblem("Het bestand is leeg.")
    for magic, what in BINARY_MAGIC.items():
        if data.startswith(magic):
            raise FileProblem(f"Dit is {what}, geen lijst. Kies een CSV- of Excel-bestand (.xlsx).")
    if data.startswith(b"PK\x03\x04"):
        kind, headers, rows, encoding, delimiter = "xlsx", *_read_xlsx(data), None, None
    else:
        text, encoding = decode(data)
        headers, rows, delimiter = _read_csv(text)
        kind = "csv"
    return Table(kind, *_shape(headers, rows), encoding=encoding, delimiter=delimiter)


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) when it decodes, else Windows-1252; binary content is refused."""
    try:
        text, encoding = data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            raise FileProblem("Dit bestand is geen tekst. Kies een CSV- of Excel-bestand (.xlsx).") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    # A single NUL in a row is that row's problem; a file full of control bytes is not a list at all.
    if controls > max(8, len(text) // 100):
        raise FileProblem("Dit bestand is geen tekst. Kies een CSV- of Excel-bestand (.xlsx).")
    return text, encoding


def _read_csv(text: str) -> tuple[list[str], list[list[str]], str]:
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample.splitlines() else ""
        delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error:
        raise FileProblem(
            "Het CSV-bestand is niet goed opgebouwd (bijvoorbeeld een aanhalingsteken te veel)."
        ) from None
    if not records:
        raise FileProblem("Het bestand is leeg.")
    return records[0], records[1:], delimiter


def _read_xlsx(data: bytes) -> tuple[list[str], list[list[str]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise FileProblem("Dit ZIP-bestand is geen Excel-bestand. Kies een CSV- of Excel-bestand (.xlsx).")
        # read_only streams the sheet; data_only=False keeps a formula as its text, so it is never run.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except FileProblem:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise FileProblem("Het Excel-bestand kan niet worden gelezen. Sla het opnieuw op als .xlsx of CSV.") from None
    try:
        sheet = workbook.worksheets[0]
        records = []
        for values in sheet.iter_rows(values_only=True):
            row = [_xlsx_text(v) for v in values[: MAX_COLUMNS + 1]]
            if any(cell.strip() for cell in row):
                records.append(row)
            if len(records) > MAX_ROWS + 1:
                break
    finally:
        workbook.close()
    if not records:
        raise FileProblem("Het bestand is leeg.")
    return records[0], records[1:]


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shape(headers: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Trim the header, name empty headers, make them unique; pad or cut every row to the header's width."""
    while headers and not str(headers[-1]).strip():
        headers = headers[:-1]
    if not headers:
        raise FileProblem("De eerste regel van het bestand moet de kolomnamen bevatten.")
    if len(headers) > MAX_COLUMNS:
        raise FileProblem(f"Het bestand heeft meer dan {MAX_COLUMNS} kolommen. Laat alleen de nodige kolommen staan.")
    names, seen = [], set()
    for index, header in enumerate(headers, start=1):
        name = " ".join(str(header).replace("\x00", " ").split())[:100] or f"Kolom {index}"
        base, n = name, 2
        while name.casefold() in seen:
            name, n = f"{base} ({n})", n + 1
        seen.add(name.casefold())
        names.append(name)
    if not rows:
        raise FileProblem("Het bestand heeft alleen kolomnamen en geen regels met personen.")
    if len(rows) > MAX_ROWS:
        raise FileProblem(f"Het bestand heeft meer dan {MAX_ROWS:,} regels. Splits de lijst.".replace(",", "."))
    width = len(names)
    shaped = [[str(cell)[:MAX_CELL] for cell in (row + [""] * width)[:width]] for row in rows]
    return names, shaped
