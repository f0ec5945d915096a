"""Documents: upload and download of files per participant, per maatwerk request and per contract."""

from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/documenten")

from blueprints.documents import context, views  # noqa: E402,F401
