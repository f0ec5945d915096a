"""The report as tables for CSV and XLSX: the same numbers as the page, safe against formula injection.

Counts are integers, amounts Decimal (a euro number format in XLSX), shares a fraction shown as a
percentage. A share or amount without a denominator is the text 'nog geen', never a division by zero.
Text that a spreadsheet would read as a formula (= + - @, tab, carriage return) gets a leading apostrophe.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from blueprints.reports.figures import Report, Share

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EURO_FORMAT = '"€" #,##0.00;"€" -#,##0.00'
NOT_YET = "nog geen"

TEXT, INT, MONEY, PERCENT, DECIMAL = "text", "int", "money", "percent", "decimal"


@dataclass
class Table:
    title: str
    columns: list[tuple[str, str]]  # (header, kind)
    rows: list[list]


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _share_row(label: str, share: Share, whole_label: str) -> list:
    return [label, share.part, share.whole, whole_label, share.fraction]


SHARE_COLUMNS = [("Omschrijving", TEXT), ("Aantal", INT), ("Noemer", INT), ("Noemer is", TEXT), ("Aandeel", PERCENT)]


def report_tables(report: Report, filter_labels: dict[str, str]) -> list[Table]:
    population = f"deelnemers in {report.period_label}"
    finished = "afgesloten trajecten (afgerond of uitgevallen)"
    m = report.money
    tables = [
        Table("Selectie", [("Filter", TEXT), ("Waarde", TEXT)], [[k, v] for k, v in filter_labels.items()]),
        Table(
            "Instroom per maand",
            [("Jaar", INT), ("Maand", INT), ("Maandnaam", TEXT), ("Nieuwe deelnemers", INT)],
            [[x.year, x.month, x.label, x.count] for x in report.inflow],
        ),
        Table(
            "Deelnemers per status",
            SHARE_COLUMNS,
            [_share_row(r.label, r.share, population) for r in report.statuses.rows],
        ),
        Table(
            "Uitstroom",
            SHARE_COLUMNS,
            [_share_row(r.label, r.share, finished) for r in report.outcomes.rows]
            + [_share_row("Positieve uitstroom (betaald werk, opleiding, BBL)", report.outcomes.positive, finished)],
        ),
        Table(
            "Uitval en redenen",
            SHARE_COLUMNS,
            [_share_row("Uitgevallen", report.dropouts.share, finished)]
            + [[f"Reden: {r.reason}", r.count, None, None, None] for r in report.dropouts.reasons],
        ),
        Table(
            "Niet verschenen",
            SHARE_COLUMNS,
            [_share_row("Twee keer of vaker niet verschenen", report.no_shows, population)],
        ),
        Table(
            "ZRM verandering",
            [("Domein", TEXT), ("Deelnemers met intake en latere meting", INT), ("Gemiddelde verandering", DECIMAL)],
            [[d.label, d.participants, d.average] for d in report.progress.domains],
        ),
        Table(
            "Participatieladder",
            SHARE_COLUMNS,
            [
                _share_row(label, share, "deelnemers met twee of meer metingen")
                for label, share in (
                    ("Omhoog", report.progress.ladder.up),
                    ("Gelijk gebleven", report.progress.ladder.same),
                    ("Omlaag", report.progress.ladder.down),
                )
            ],
        ),
        Table(
            "Toezeggingen partners",
            SHARE_COLUMNS,
            [_share_row(r.label, r.share, "toezeggingen") for r in report.commitments.rows]
            + [
                _share_row(
                    "Nagekomen van de toezeggingen met een uitkomst",
                    report.commitments.fulfilled,
                    "nagekomen of niet nagekomen",
                )
            ],
        ),
        Table(
            "Geld per pot",
            [("Pot", TEXT), ("Budget", MONEY), ("Verplicht", MONEY), ("Gerealiseerd", MONEY), ("Totaal", MONEY)],
            [[p.label, p.budget, p.committed, p.realised, p.spent] for p in m.pots],
        ),
        Table(
            "Maatwerk per categorie",
            [
                ("Categorie", TEXT),
                ("Aanvragen", INT),
                ("Verplicht", MONEY),
                ("Gerealiseerd", MONEY),
                ("Totaal", MONEY),
            ],
            [[c.label, c.requests, c.committed, c.realised, c.spent] for c in m.categories],
        ),
        Table(
            "Kosten",
            [("Omschrijving", TEXT), ("Bedrag", MONEY), ("Gedeeld door", INT), ("Noemer is", TEXT)],
            [
                ["Maatwerk (goedgekeurd en betaald)", m.maatwerk_total, None, None],
                ["Life-coach (gerealiseerd, deel van deze selectie)", m.lifecoach_share, None, None],
                ["Totale kosten", m.total_cost, None, None],
                ["Gemiddeld maatwerk per deelnemer", m.average_maatwerk, m.participants, population],
                ["Totale kosten per deelnemer", m.cost_per_participant, m.participants, population],
                [
                    "Kosten per positieve uitstroom",
                    m.cost_per_positive_outcome,
                    m.positive_outcomes,
                    "positieve uitstroom (betaald werk, opleiding, BBL)",
                ],
            ],
        ),
    ]
    return tables


# --------------------------------------------------------------------------- CSV


def _csv_value(value, kind: str) -> str:
    if value is None:
        return NOT_YET if kind in (PERCENT, MONEY, DECIMAL) else ""
    if kind == PERCENT:
        return str((value * 100).quantize(Decimal("1"))).replace(".", ",")
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")  # 1234,56: Dutch spreadsheets read it as a number
    if isinstance(value, int):
        return str(value)
    return safe_text(str(value))


def to_csv(tables: list[Table]) -> str:
    """All tables below each other, semicolon-separated with a BOM, as Dutch Excel expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([safe_text(table.title)])
        writer.writerow([h + (" (%)" if k == PERCENT else "") for h, k in table.columns])
        for row in table.rows:
            writer.writerow([_csv_value(v, k) for v, (_, k) in zip(row, table.columns, strict=True)])
    return "\ufeff" + buffer.getvalue()


# --------------------------------------------------------------------------- XLSX

_FORMATS = {MONEY: EURO_FORMAT, PERCENT: "0%", DECIMAL: "0.0", INT: "0"}


def to_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table; numbers stay numbers (counts, euro amounts, percentages)."""
    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append([h for h, _ in table.columns])
        for row in table.rows:
            cells = []
            for value, (_, kind) in zip(row, table.columns, strict=True):
                if value is None:
                    value = NOT_YET if kind in (PERCENT, MONEY, DECIMAL) else None
                elif isinstance(value, str):
                    value = safe_text(value)
                cell = WriteOnlyCell(sheet, value=value)
                if kind in _FORMATS and not isinstance(value, str):
                    cell.number_format = _FORMATS[kind]
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
