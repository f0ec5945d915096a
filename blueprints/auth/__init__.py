"""Sign-in (password, or single sign-on for staff), sign-out and the password rules."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from blueprints.auth import oidc, oidc_views, views  # noqa: E402,F401

# Single sign-on is set up per app from its settings (tests make many apps with different ones).
bp.record_once(lambda state: oidc.init_app(state.app))
