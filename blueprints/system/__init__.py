"""Operational endpoints: the health check for monitoring."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from core.access import PUBLIC, allow
from models import db

bp = Blueprint("system", __name__)


@bp.route("/healthz")
@allow(PUBLIC)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # report, never raise: monitoring must get an answer
        db.session.rollback()
        database = "fout"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "fout", database=database), status
