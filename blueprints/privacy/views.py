"""Privacy pages for beheer: retention overview and the inzage export (JSON and PDF) of one participant."""

from datetime import date

from flask import Response, abort, current_app, request
from sqlalchemy import func, or_, select

from blueprints.privacy import bp
from blueprints.privacy.inzage import collect, to_json, to_pdf
from blueprints.privacy.retention import retention_rows
from core.access import allow
from core.audit import record
from core.htmx import render
from models import Participant, db

SEARCH_LIMIT = 25


def _search(term: str) -> list[Participant]:
    if not term:
        return []
    like = f"%{term.lower()}%"
    full = func.lower(Participant.first_name + " " + Participant.last_name)
    return db.session.scalars(
        select(Participant)
        .where(or_(full.like(like), func.lower(Participant.last_name).like(like)))
        .order_by(Participant.last_name, Participant.id)
        .limit(SEARCH_LIMIT)
    ).all()


@bp.route("/")
@allow("beheer")
def index():
    years = current_app.config["RETENTION_YEARS"]
    today = date.today()
    rows = retention_rows(db.session, years, today)
    term = (request.args.get("zoek", "") or "")[:100].strip()
    return render(
        "privacy/index.html",
        "privacy/partials/search.html",
        rows=rows,
        due_count=sum(1 for r in rows if r.due and r.purged_on is None),
        years=years,
        today=today,
        term=term,
        matches=_search(term),
    )


def _export(participant_id: int, kind: str):
    data = collect(db.session, participant_id)
    if data is None:
        abort(404)
    participant = db.session.get(Participant, participant_id)
    record(db.session, "privacy_export", participant, changes={"format": (None, kind)})
    db.session.commit()
    if kind == "json":
        body, mimetype = to_json(data), "application/json"
    else:
        body, mimetype = to_pdf(data), "application/pdf"
    name = f"inzage-deelnemer-{participant_id}.{kind}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/deelnemers/<int:participant_id>/inzage.json")
@allow("beheer")
def export_json(participant_id):
    return _export(participant_id, "json")


@bp.route("/deelnemers/<int:participant_id>/inzage.pdf")
@allow("beheer")
def export_pdf(participant_id):
    return _export(participant_id, "pdf")
