"""Operational endpoints: the health check for monitoring, one line per dependency."""

import redis
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from core.access import PUBLIC, allow
from models import db

bp = Blueprint("system", __name__)


def database_status() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception:  # report, never raise: monitoring must get an answer
        db.session.rollback()
        return "fout"


def redis_status(app) -> str:
    """ok, onbereikbaar, or niet ingesteld (no REDIS_URL: every process counts for itself)."""
    url = app.config.get("REDIS_URL")
    if not url:
        return "niet ingesteld"
    client = app.extensions.get("health_redis")
    if client is None:
        # Short timeouts: a Redis that does not answer must not make the health check hang.
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        app.extensions["health_redis"] = client
    try:
        client.ping()
        return "ok"
    except redis.RedisError:
        return "onbereikbaar"


def overall(database: str, redis_state: str) -> tuple[str, int]:
    """fout (503) without the database; degraded (200) when only Redis is gone: the app still serves."""
    if database != "ok":
        return "fout", 503
    if redis_state == "onbereikbaar":
        return "degraded", 200
    return "ok", 200


@bp.route("/healthz")
@allow(PUBLIC)
def healthz():
    database = database_status()
    redis_state = redis_status(current_app)
    status, code = overall(database, redis_state)
    return jsonify(status=status, database=database, redis=redis_state), code
