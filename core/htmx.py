"""One helper decides page or fragment, so a page and its htmx partial never diverge."""

from flask import make_response, redirect, render_template, request


def is_htmx_request() -> bool:
    return request.headers.get("HX-Request") == "true"


def is_partial_request() -> bool:
    """An htmx request that wants a fragment: not boosted, not a history restore."""
    headers = request.headers
    return (
        is_htmx_request()
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render(template: str, partial: str | None = None, status: int = 200, **context):
    """Render the page, or only `partial` (which the page includes) for an htmx request."""
    name = partial if partial and is_partial_request() else template
    response = make_response(render_template(name, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect_after_post(location: str):
    """303 for a plain form post; for htmx a client-side redirect, so the whole page changes."""
    if is_htmx_request():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)
