"""Test factories for the bulk referral import: CSV and XLSX files, and uploading them as a user would."""

import io
from datetime import date

from openpyxl import Workbook

HEADER = ["Voornaam", "Tussenvoegsel", "Achternaam", "Geboortedatum", "E-mail", "Opleiding"]
START = date(2026, 9, 1)


def person(first="Sanne", infix="de", last="Jong", born="17-05-2001", email="", education="Vmbo") -> list[str]:
    return [first, infix, last, born, email, education]


def csv_bytes(rows, header=HEADER, delimiter=";", encoding="utf-8") -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def letters(n: int) -> str:
    """A number as letters (0 -> 'a', 27 -> 'bb'): names differ by letters, as the same-person rule reads them."""
    text = ""
    while True:
        n, digit = divmod(n, 26)
        text = "abcdefghijklmnopqrstuvwxyz"[digit] + text
        if n == 0:
            return text
        n -= 1


def many_people(count: int, start: int = 0) -> list[list[str]]:
    """`count` distinct eligible people (23 to 27 on 1 September 2026), each name unique."""
    rows = []
    for n in range(start, start + count):
        born = date(1999 + n % 4, 1 + n % 12, 1 + n % 28)
        rows.append(
            [
                f"Jongere {letters(n).capitalize()}",
                "",
                f"Achter{letters(n * 7 + 3)}",
                born.strftime("%d-%m-%Y"),
                "",
                "Vmbo",
            ]
        )
    return rows


def upload(client, data: bytes, filename="lijst.csv", source="rmc", coach_id="", start=START, referral=None, **extra):
    form = {
        "source": source,
        "upload": (io.BytesIO(data), filename),
        "start_date": start.isoformat(),
        "referral_date": (referral or date(2026, 8, 1)).isoformat(),
        "coach_id": str(coach_id),
        **extra,
    }
    return client.post("/aanmeldlijsten/", data=form, content_type="multipart/form-data")


MAPPING = {
    "first_name": "Voornaam",
    "infix": "Tussenvoegsel",
    "last_name": "Achternaam",
    "date_of_birth": "Geboortedatum",
    "email": "E-mail",
    "highest_education": "Opleiding",
}


def map_columns(client, import_id: int, mapping=None):
    data = {name: "" for name in ("phone", "address", "has_startkwalificatie", "referral_date", "start_date")}
    data.update(mapping or MAPPING)
    return client.post(f"/aanmeldlijsten/{import_id}/koppelen", data=data)
