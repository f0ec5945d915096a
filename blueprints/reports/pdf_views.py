"""The report as a PDF download (issue #17 point 10): the page's filters and figures, set by reports/pdf.py."""

from flask import Response

from blueprints.reports import bp
from blueprints.reports.cache import report_figures
from blueprints.reports.charts import charts_for
from blueprints.reports.pdf import build_report_pdf
from blueprints.reports.views import _export_name, _filter_form, _filter_labels
from core.access import allow


@bp.route("/export.pdf")
@allow("coach", "financien", "beheer")
def export_pdf():
    form = _filter_form()
    if form.errors:
        return Response("Kies geldige filters voor de export.", status=422, mimetype="text/plain")
    figures = report_figures(form.filters())
    data = build_report_pdf(
        figures.report, _filter_labels(form), figures.onward, figures.lasting, charts_for(figures.report)
    )
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{_export_name(form, "pdf")}"'
    response.headers["Cache-Control"] = "no-store"  # as the CSV and XLSX: figures of today, not for a cache
    return response
