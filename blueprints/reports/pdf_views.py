"""The report as a PDF download (issue #17 point 10): the page's filters and figures, set by reports/pdf.py."""

from flask import Response

from blueprints.reports import bp, lasting, onward
from blueprints.reports.charts import charts_for
from blueprints.reports.figures import build_report
from blueprints.reports.pdf import build_report_pdf
from blueprints.reports.views import _export_name, _filter_form, _filter_labels
from core.access import allow


@bp.route("/export.pdf")
@allow("coach", "financien", "beheer")
def export_pdf():
    form = _filter_form()
    if form.errors:
        return Response("Kies geldige filters voor de export.", status=422, mimetype="text/plain")
    report = build_report(form.filters())
    data = build_report_pdf(
        report,
        _filter_labels(form),
        onward.onward_referrals(report.filters),
        lasting.lasting_outcomes(report.filters),
        charts_for(report),
    )
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{_export_name(form, "pdf")}"'
    response.headers["Cache-Control"] = "no-store"  # as the CSV and XLSX: figures of today, not for a cache
    return response
