"""Beheer pages: the audit log and its chain of daily seals."""

from flask import flash, request, url_for

from blueprints.admin import auditchain, bp
from blueprints.admin.auditlog import AuditFilter, actions, audit_page, export_rows, object_types
from blueprints.admin.forms import AuditFilterForm
from core.access import allow
from core.errors import error_page
from core.forms import EmptyForm, select_choices
from core.htmx import redirect_after_post, render
from core.input import checks_own_numbers
from core.spreadsheet import Column, Sheet, csv_download
from models import db


def _audit_filters() -> tuple[AuditFilterForm, AuditFilter, bool]:
    """The filter form from the URL; an unknown choice, a far date or a bad number is invalid (422)."""
    form = AuditFilterForm(request.args)
    form.object_type.choices = select_choices([("", "Alle")] + object_types())
    form.action.choices = select_choices([("", "Alle")] + actions())
    if not form.validate():
        return form, AuditFilter(), False
    filters = AuditFilter(
        actor=(form.actor.data or "").strip(),
        object_type=form.object_type.data or "",
        action=form.action.data or "",
        object_id=form.object_id.data,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        group=(form.groep.data or "").strip(),
    )
    return form, filters, True


@bp.route("/auditlog")
@checks_own_numbers("object_id")
@allow("beheer")
def audit_log():
    form, filters, valid = _audit_filters()
    page = request.args.get("pagina", 1, type=int)
    # A filter with an error shows no rows: the whole log under the message would look like its result.
    entries = audit_page(filters, max(page, 1)) if valid else None
    args = {k: v for k, v in request.args.items() if k != "pagina" and v}
    return render(
        "admin/audit_log.html",
        "admin/partials/audit_table.html",
        form=form,
        filters=filters,
        entries=entries,
        args=args,
        status=200 if valid else 422,  # a far date or a bad number: the message is at the field
    )


AUDIT_COLUMNS = [
    Column("Tijd"),
    Column("Wie"),
    Column("Actie"),
    Column("Gegeven"),
    Column("Wijzigingen"),
    Column("IP-adres"),
    Column("Resultaat"),
]


@bp.route("/auditlog/export.csv")
@checks_own_numbers("object_id")
@allow("beheer")
def audit_export():
    """The filtered log as CSV with the page's words, streamed (a year of log never sits in memory)."""
    form, filters, valid = _audit_filters()
    if not valid:
        messages = [m for errors in form.errors.values() for m in errors]
        return error_page(422, message=" ".join(messages))
    return csv_download([Sheet("Auditlog", AUDIT_COLUMNS, export_rows(filters))], "auditlog.csv")


@bp.route("/auditlog/keten")
@allow("beheer")
def audit_chain():
    """Recompute the sealed days and show whether the chain is intact (read-only)."""
    return render("admin/audit_chain.html", "admin/partials/audit_chain_result.html", report=auditchain.verify())


@bp.route("/auditlog/keten/verzegelen", methods=["POST"])
@allow("beheer")
def audit_seal():
    form = EmptyForm()
    if form.validate_on_submit():
        sealed = auditchain.seal_finished_days()
        db.session.commit()
        if sealed:
            flash(f"{len(sealed)} {'dag' if len(sealed) == 1 else 'dagen'} verzegeld.", "info")
        else:
            flash("Er was geen afgelopen dag om te verzegelen.", "info")
    return redirect_after_post(url_for("admin.audit_chain"))
