"""Report pages: the pilot report (page or htmx fragment) and its CSV/XLSX export, same filters."""

from flask import Response, abort, render_template, request
from flask_login import current_user
from markupsafe import Markup

from blueprints.reports import bp
from blueprints.reports.cache import report_body, report_figures
from blueprints.reports.charts import charts_for
from blueprints.reports.drilldown import find_cell, may_open, people_behind
from blueprints.reports.exports import report_tables
from blueprints.reports.figures import filter_options
from blueprints.reports.forms import ReportFilterForm
from core.access import allow
from core.htmx import render
from core.localtime import local_now
from core.spreadsheet import csv_download, xlsx_download


@bp.app_template_global()
def report_cell_link(figure: str, key: str) -> str | None:
    """The words of the list behind a count if the signed-in user may open it (None: show the plain
    number). One call per count: the report has a few hundred."""
    cell = find_cell(figure, key)
    return cell.label if may_open(cell, current_user.role) else None


@bp.app_template_global()
def args_for_year(args: dict, year: int | None) -> dict:
    """The page's filters with another period (a column of the pilot years side by side)."""
    other = {k: v for k, v in args.items() if k != "jaar"}
    return other | ({"jaar": year} if year else {})


def _filter_form() -> ReportFilterForm:
    form = ReportFilterForm(request.args).set_options(filter_options())
    form.check()
    return form


def _filter_labels(form: ReportFilterForm) -> dict[str, str]:
    return {
        "Periode": f"Pilotjaar {form.jaar.data}" if form.jaar.data else "Hele pilot",
        "Life-coach": form.label_of("coach") or "Alle coaches",
        "Verwezen door": form.label_of("verwijzer") or "Alle verwijzers",
        "Gemaakt op": local_now().strftime("%d-%m-%Y"),  # the day in Hengelo, not the server's
    }


@bp.route("/")
@allow("coach", "financien", "beheer")
def index():
    form = _filter_form()
    if form.errors:
        return render("reports/index.html", "reports/partials/report.html", status=422, form=form, report=None)
    filters = form.filters()
    labels = _filter_labels(form)
    body = report_body(filters, current_user.role, lambda figures: _report_html(figures, labels))
    return render("reports/index.html", "cached_region.html", form=form, body=body)


def _report_html(figures, labels: dict) -> Markup:
    # Markup of a template Jinja rendered with autoescape: kept as HTML, never escaped twice.
    return Markup(  # noqa: S704
        render_template(
            "reports/partials/report.html",
            report=figures.report,
            charts=charts_for(figures.report),
            labels=labels,
            args=figures.report.filters.as_args(),
            onward=figures.onward,  # verwezen naar (reports/onward.py)
            lasting=figures.lasting,  # na afloop, 6 and 12 months (reports/lasting.py)
        )
    )


def _export_name(form: ReportFilterForm, extension: str) -> str:
    parts = ["rapportage", form.jaar.data or "hele-pilot"]
    if form.coach.data:
        parts.append(f"coach-{form.coach.data}")
    if form.verwijzer.data:
        parts.append(form.verwijzer.data)
    return "-".join(parts) + "." + extension


def _export(extension: str, download):
    form = _filter_form()
    if form.errors:
        return Response("Kies geldige filters voor de export.", status=422, mimetype="text/plain")
    figures = report_figures(form.filters())
    tables = report_tables(figures.report, _filter_labels(form), figures.onward, figures.lasting)
    return download(tables, _export_name(form, extension))


@bp.route("/export.csv")
@allow("coach", "financien", "beheer")
def export_csv():
    return _export("csv", lambda tables, name: csv_download(tables, name, titles=True))


@bp.route("/export.xlsx")
@allow("coach", "financien", "beheer")
def export_xlsx():
    return _export("xlsx", xlsx_download)


@bp.route("/lijst")
@allow("coach", "financien", "beheer")
def people():
    """The trajectories behind one count of the report (same filters; which figure and cell in
    `cijfer` and `cel`). Finance sees names and money only; partners have no report."""
    cell = find_cell(request.args.get("cijfer", ""), request.args.get("cel", ""))
    if cell is None:
        abort(404)
    if not may_open(cell, current_user.role):
        abort(403)  # case content of named people: coaches only
    form = _filter_form()
    if form.errors:
        return render("reports/people.html", status=422, form=form, cell=cell, page=None)
    filters = form.filters()
    page = people_behind(cell, filters, max(request.args.get("pagina", 1, type=int), 1))
    args = filters.as_args() | {"cijfer": cell.figure, "cel": cell.key}
    return render(
        "reports/people.html",
        form=form,
        cell=cell,
        page=page,
        labels=_filter_labels(form),
        args=args,
        report_args=filters.as_args(),
        money_only=current_user.role == "financien",
    )
