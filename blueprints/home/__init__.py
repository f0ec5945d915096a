"""Start pages: `/` sends every user to the start page made for their role."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from blueprints.home import views  # noqa: E402,F401
