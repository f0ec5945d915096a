"""Undo a mistake: the coach removes an item with a reason, beheer lists removed items and restores them."""

from flask import Blueprint

bp = Blueprint("removal", __name__)

from blueprints.removal import views  # noqa: E402,F401
