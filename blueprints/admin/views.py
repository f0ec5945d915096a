"""Beheer pages: the audit log and its chain of daily seals."""

from flask import flash, request, url_for

from blueprints.admin import auditchain, bp
from blueprints.admin.auditlog import ACTION_LABELS, AuditFilter, audit_page, object_types
from blueprints.admin.forms import AuditFilterForm
from core.access import allow
from core.forms import EmptyForm, select_choices
from core.htmx import redirect_after_post, render
from models import db


@bp.route("/auditlog")
@allow("beheer")
def audit_log():
    form = AuditFilterForm(request.args)
    form.object_type.choices = select_choices([("", "Alle")] + [(t, t) for t in object_types()])
    filters = AuditFilter()
    valid = form.validate()
    if valid:
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
        status=200 if valid else 422,  # a far date or a bad number: the message is at the field
    )


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
