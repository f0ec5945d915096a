"""Deny by default: every endpoint declares who may use it with one decorator, `allow(...)`.

The declaration is read by `enforce_access`, which runs before every request. An endpoint
without a declaration answers 403 for everyone, and a test walks `app.url_map` to catch it.
"""

from collections.abc import Callable

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from core.htmx import is_htmx_request

PUBLIC = "publiek"  # no sign-in needed (sign-in page, health check, participant signing link)
SIGNED_IN = "ingelogd"  # any signed-in user, whatever the role


def allow(*roles: str) -> Callable:
    """Declare the roles that may use a view: `@allow("coach", "beheer")`, `@allow(PUBLIC)`."""
    if not roles:
        raise ValueError("allow() needs at least one role")

    def decorate(view: Callable) -> Callable:
        view.allowed_roles = frozenset(roles)
        return view

    return decorate


def allowed_roles(endpoint: str) -> frozenset | None:
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "allowed_roles", None)


def enforce_access():
    if request.endpoint is None:  # unknown URL: let routing answer 404/405
        return None
    roles = allowed_roles(request.endpoint)
    if roles is None:
        abort(403)
    if PUBLIC in roles:
        return None
    if not current_user.is_authenticated:
        target = url_for("auth.login", next=request.full_path.rstrip("?"))
        if is_htmx_request():
            response = current_app.response_class(status=204)
            response.headers["HX-Redirect"] = target
            return response
        return redirect(target)
    if SIGNED_IN in roles or current_user.role in roles:
        return None
    abort(403)


def mark_static_public(app) -> None:
    app.view_functions["static"] = allow(PUBLIC)(app.view_functions["static"])
