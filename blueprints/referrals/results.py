"""The result file of an import: one row per input row with its verdict or result, as XLSX.

Written by the one spreadsheet writer (core/spreadsheet.py), whose formula guard makes a cell like
`=HYPERLINK(...)` from the uploaded list plain text that a spreadsheet never runs.
"""

from blueprints.referrals.rules import VERDICT_LABELS
from core.spreadsheet import INT, TEXT, Column, Sheet, xlsx_download
from models import ReferralImport, ReferralImportStatus


def result_rows(job: ReferralImport, rows):
    dry_run = job.status == ReferralImportStatus.DRY_RUN
    for row in rows:
        kind = row.planned if dry_run else row.result
        status = VERDICT_LABELS.get(kind, "Nog niet verwerkt")
        yield [row.row_number, *row.cells, status, (row.message or "") if kind else "", row.participant_id]


def result_sheet(job: ReferralImport, rows) -> Sheet:
    title = "Proefimport" if job.status == ReferralImportStatus.DRY_RUN else "Resultaat"
    columns = [
        Column("Regel", INT),
        *(Column(h, TEXT) for h in job.headers),  # cells stay text: '0612345678' keeps its zero
        Column("Resultaat", TEXT),
        Column("Toelichting", TEXT),
        Column("Deelnemer (nummer)", INT),
    ]
    return Sheet(title, columns, result_rows(job, rows))


def result_download(job: ReferralImport, rows, filename: str):
    # The download streams after the request has ended, in a fresh database session: the rows are read
    # here, from this request's objects (at most a few thousand).
    sheet = result_sheet(job, rows)
    sheet.rows = list(sheet.rows)
    return xlsx_download([sheet], filename)
