"""The public verify page: anyone holding a contract PDF checks it, without an account."""

from flask import Blueprint

bp = Blueprint("verify", __name__, url_prefix="/controle")

from blueprints.verify import views  # noqa: E402,F401
