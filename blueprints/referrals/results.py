"""The result file of an import: one row per input row with its verdict or result, as XLSX.

Every text cell goes through the exports' formula guard, so a cell like `=HYPERLINK(...)` from the
uploaded list is shown as text and never run by a spreadsheet.
"""

from blueprints.budget.exports import to_xlsx
from blueprints.referrals.rules import VERDICT_LABELS
from models import ReferralImport, ReferralImportStatus


def result_rows(job: ReferralImport, rows):
    dry_run = job.status == ReferralImportStatus.DRY_RUN
    for row in rows:
        kind = row.planned if dry_run else (row.result or row.planned)
        status = VERDICT_LABELS.get(kind, "Nog niet verwerkt") if (dry_run or row.result) else "Nog niet verwerkt"
        yield [row.row_number, *row.cells, status, row.message or "", row.participant_id]


def result_workbook(job: ReferralImport, rows) -> bytes:
    title = "Proefimport" if job.status == ReferralImportStatus.DRY_RUN else "Resultaat"
    header = ["Regel", *job.headers, "Resultaat", "Toelichting", "Deelnemer (nummer)"]
    return to_xlsx([(title, header, result_rows(job, rows))])
