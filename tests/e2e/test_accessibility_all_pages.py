"""Every page of every role has zero axe-core WCAG 2.1 A/AA violations in Chromium.

The pages are found by crawling the demo as each role (tests/crawl.py); one page per route shape
is checked in the browser, with the app's real CSP and htmx loaded.
"""

import pytest
from sqlalchemy import select

from demo import load_demo
from models import User, db
from tests.crawl import crawl
from tests.e2e.conftest import assert_accessible, browser_login_as

ROLES = {
    "coach": "coach@hengelo.test",
    "financien": "financien@hengelo.test",
    "partner": "roc@roc-twente.test",
    "beheer": "beheer@hengelo.test",
}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_of_a_role_is_accessible(app, client, login_as, page, live_server, role):
    load_demo("perspectiefjaar-demo")
    user = db.session.scalar(select(User).where(User.email == ROLES[role]))
    login_as(user=user)
    urls = crawl(client).one_page_per_shape()
    assert len(urls) >= 2

    browser_login_as(page, app, live_server, user)
    failures = []
    for url in urls:
        response = page.goto(live_server + url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        assert page.evaluate("() => window.htmx && window.htmx.version") == "2.0.11", url
        try:
            assert_accessible(page, url)
        except AssertionError as error:
            failures.append(str(error))
    assert failures == []
