"""Functional administration (beheer): the audit log and user accounts."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/beheer")

from blueprints.admin import users, views  # noqa: E402,F401
