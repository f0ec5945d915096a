"""Deny by default: every endpoint declares who may use it with one decorator, `allow(...)`.

The declaration is read by `enforce_access`, which runs before every request. An endpoint
without a declaration answers 403 for everyone, and a test walks `app.url_map` to catch it.
Templates ask the same declaration through `may("endpoint")`, so a template never names roles.
"""

from collections.abc import Callable

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from core.htmx import is_htmx_request

PUBLIC = "publiek"  # no sign-in needed (sign-in page, health check, participant signing link)
SIGNED_IN = "ingelogd"  # any signed-in user, whatever the role
# The young adult signed in to Mijn Perspectiefjaar (blueprints/mijn): not a `User`, no Flask-Login.
# `g.participant` is set before this check by the portal's own session loader.
PARTICIPANT = "deelnemer"


def allow(*roles: str, only: Callable[..., bool] | None = None) -> Callable:
    """Declare the roles that may use a view: `@allow("coach", "beheer")`, `@allow(PUBLIC)`.

    `only(user, **objects)` is the view's rule for one object (a coach sees only their own
    requests); the view applies it when it loads the object (404 when it fails), and
    `may(endpoint, **objects)` asks the same function, so a link shows exactly when it works.
    """
    if not roles:
        raise ValueError("allow() needs at least one role")

    def decorate(view: Callable) -> Callable:
        view.allowed_roles = frozenset(roles)
        view.allowed_only = only
        return view

    return decorate


def allowed_roles(endpoint: str) -> frozenset | None:
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "allowed_roles", None)


def _role_allows(roles: frozenset) -> bool:
    if PUBLIC in roles:
        return True
    if PARTICIPANT in roles and g.get("participant") is not None:
        return True
    if not current_user.is_authenticated:
        return False
    return SIGNED_IN in roles or current_user.role in roles


def may(endpoint: str, **objects) -> bool:
    """May the current user use `endpoint` (for these objects)? The Jinja global for templates.

    Same answer as the request would get: the roles of its `@allow`, then its `only` rule when
    the template names the objects, e.g. `may("budget.request_detail", maatwerk=r)`.
    """
    view = current_app.view_functions.get(endpoint)
    roles = getattr(view, "allowed_roles", None)
    if roles is None or not _role_allows(roles):
        return False
    only = getattr(view, "allowed_only", None)
    if only is not None and objects:
        return bool(only(current_user, **objects))
    return True


def enforce_access():
    if request.endpoint is None:  # unknown URL: let routing answer 404/405
        return None
    roles = allowed_roles(request.endpoint)
    if roles is None:
        abort(403)
    if _role_allows(roles):
        return None
    if PARTICIPANT in roles and roles == {PARTICIPANT}:
        # A participant page without a participant session: to the participant's sign-in, never staff's.
        target = url_for("mijn.login", verlopen=1 if g.get("portal_expired") else None)
        if is_htmx_request():
            response = current_app.response_class(status=204)
            response.headers["HX-Redirect"] = target
            return response
        return redirect(target)
    if not current_user.is_authenticated:
        target = url_for("auth.login", next=request.full_path.rstrip("?"))
        if is_htmx_request():
            response = current_app.response_class(status=204)
            response.headers["HX-Redirect"] = target
            return response
        return redirect(target)
    abort(403)


def register(app) -> None:
    """Mark static files public and give templates `may()`."""
    app.view_functions["static"] = allow(PUBLIC)(app.view_functions["static"])
    app.jinja_env.globals["may"] = may
