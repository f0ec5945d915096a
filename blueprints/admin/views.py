"""Beheer pages: the audit log."""

from flask import request

from blueprints.admin import bp
from blueprints.admin.auditlog import ACTION_LABELS, AuditFilter, audit_page, object_types
from blueprints.admin.forms import AuditFilterForm
from core.access import allow
from core.htmx import render


@bp.route("/auditlog")
@allow("beheer")
def audit_log():
    form = AuditFilterForm(request.args)
    form.object_type.choices = [("", "Alle")] + [(t, t) for t in object_types()]
    filters = AuditFilter()
    if form.validate():
        filters = AuditFilter(
            actor=(form.actor.data or "").strip(),
            object_type=form.object_type.data or "",
            object_id=form.object_id.data,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    page = request.args.get("pagina", 1, type=int)
    entries = audit_page(filters, max(page, 1))
    args = {k: v for k, v in request.args.items() if k != "pagina" and v}
    return render(
        "admin/audit_log.html",
        "admin/partials/audit_table.html",
        form=form,
        entries=entries,
        labels=ACTION_LABELS,
        args=args,
    )
