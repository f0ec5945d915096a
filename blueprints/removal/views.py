"""Remove with a reason (coach; finance for a document it uploaded) and restore (beheer, after confirming).

An item of a kind or id that does not exist, or that the user may not remove, is a 404. Removing an item
that is already removed (a second tab) is a 404 as well; restoring one that is back is a 404 too.
"""

from flask import abort, flash, url_for
from flask_login import current_user

from blueprints.removal import bp, rules
from blueprints.removal.forms import RemoveForm
from core.access import allow
from core.forms import EmptyForm, form_status
from core.htmx import redirect_after_post, render
from models import Document, Goal, db

BEHEER = "beheer"


def may_remove_item(user, obj, **_) -> bool:
    return rules.may_remove(user, obj)


def _back(kind: str, obj) -> str:
    """The page the item was on."""
    if isinstance(obj, Document):
        if obj.maatwerk_request_id:
            return url_for("budget.request_detail", request_id=obj.maatwerk_request_id)
        if obj.contract_id:
            return url_for("contracts.show", contract_id=obj.contract_id)
    tab = {"gesprek": "gesprekken", "doel": "plan", "actie": "plan", "document": "documenten"}[kind]
    return url_for("youths.show", participant_id=rules.participant_id_of(db.session, obj), tab=tab)


@bp.route("/verwijderen/<kind>/<int:object_id>", methods=["GET", "POST"])
@allow("coach", "financien", only=may_remove_item)
def remove(kind: str, object_id: int):
    obj = rules.load(db.session, kind, object_id, removed=False)
    if obj is None or not rules.may_remove(current_user, obj):
        abort(404)
    form = RemoveForm()
    back = _back(kind, obj)
    if form.validate_on_submit():
        rules.remove(db.session, obj, current_user, form.reason.data.strip())
        db.session.commit()
        flash(f"{rules.KIND_LABELS[kind]} is verwijderd. Beheer kan het terugzetten als dat nodig is.", "success")
        return redirect_after_post(back)
    actions = sum(1 for a in obj.actions if not a.is_removed) if isinstance(obj, Goal) else 0
    return render(
        "removal/remove.html",
        form=form,
        kind=kind,
        obj=obj,
        label=rules.KIND_LABELS[kind],
        actions=actions,
        back=back,
        status=form_status(form),
    )


@bp.route("/beheer/verwijderd")
@allow(BEHEER)
def index():
    return render("removal/index.html", items=rules.removed_items(db.session), labels=rules.KIND_LABELS)


@bp.route("/beheer/verwijderd/<kind>/<int:object_id>", methods=["GET", "POST"])
@allow(BEHEER)
def restore(kind: str, object_id: int):
    obj = rules.load(db.session, kind, object_id, removed=True)
    if obj is None:
        abort(404)
    form = EmptyForm()
    item = next((i for i in rules.removed_items(db.session) if i.kind == kind and i.obj.id == obj.id), None)
    problem = None
    if form.validate_on_submit():
        try:
            rules.restore(db.session, obj, current_user)
        except rules.NotRestorable as error:
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            flash(f"{rules.KIND_LABELS[kind]} is teruggezet.", "success")
            return redirect_after_post(url_for("removal.index"))
    # The goal was loaded with removed rows included, so its actions are all there (their own flags say which).
    actions = sum(1 for a in obj.actions if a.removed_at == obj.removed_at) if isinstance(obj, Goal) else 0
    return render(
        "removal/restore.html",
        form=form,
        kind=kind,
        obj=obj,
        item=item,
        label=rules.KIND_LABELS[kind],
        actions=actions,
        problem=problem,
        status=422 if problem else 200,
    )
