"""Helpers for the browser journeys: check each visited page and each htmx swap with axe.

A journey calls `arrive(page, where)` after every full page load and `swap(...)` around every
action that should go through htmx: it waits for the htmx response and for the swap to settle,
asserts that the request really carried HX-Request and runs axe on the changed page.
"""

from tests.e2e.conftest import assert_accessible


def arrive(page, where: str) -> None:
    """A full page has loaded: htmx is there, and the page passes axe."""
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.htmx && window.htmx.version") == "2.0.11", where
    assert_accessible(page, where)


def settled(page) -> None:
    """Wait until htmx has finished swapping and settling (its classes are gone)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def swap(page, problems, action, url_part: str, where: str, status: int | None = 200):
    """Run `action` (a click, a select, ...) and wait for the htmx response to `url_part` and its swap.

    Asserts that an htmx request was made and that the page is still accessible afterwards.
    Returns the response.
    """
    before = len(problems.htmx_requests)
    with page.expect_response(lambda r: url_part in r.url and r.request.headers.get("hx-request") == "true") as info:
        action()
    response = info.value
    if status is not None:
        assert response.status == status, f"{where}: status {response.status}"
    page.wait_for_load_state("networkidle")
    settled(page)
    assert len(problems.htmx_requests) > before, f"{where}: geen htmx-verzoek"
    assert_accessible(page, f"{where} (na htmx-swap)")
    return response


def keep_marker(page) -> None:
    """Mark the current document: if the page navigates, the marker is gone."""
    page.evaluate("() => { window.__marker = 1; }")


def marker_kept(page) -> bool:
    return page.evaluate("() => window.__marker === 1")


def guarded_page(browser, live_server: str, problems, **context_args):
    """A page in a fresh browser context (another user, a phone) with the same guards as `page`.

    htmx comes from the npm copy, every other outside request is blocked and counted, JS errors
    are collected in `problems`. The caller closes the context (or `close_all`).
    """
    from tests.e2e.conftest import guard

    context = browser.new_context(**context_args)
    return guard(context.new_page(), live_server, problems)
