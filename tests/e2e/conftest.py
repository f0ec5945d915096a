"""Browser tests: the system Chromium via Playwright, htmx served from the identical npm file.

Every request that leaves 127.0.0.1 is blocked (and fails the test) except the htmx CDN URL,
which is answered with node_modules/htmx.org/dist/htmx.min.js. JavaScript errors fail the test.
The tests skip, with the reason printed, only when Chromium or the npm test assets are missing.
"""

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from config import HTMX_URL

ROOT = Path(__file__).resolve().parents[2]
HTMX_FILE = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
AXE_FILE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else None


def _missing_tool() -> str | None:
    if chromium_path() is None:
        return "geen Chromium gevonden (installeer het Debian-pakket chromium of zet CHROMIUM_PATH)"
    if not HTMX_FILE.exists() or not AXE_FILE.exists():
        return "npm-testbestanden ontbreken (htmx.org, axe-core): voer 'npm ci' uit"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing_tool()
    if reason is None:
        return
    marker = pytest.mark.skip(reason=f"browsertest overgeslagen: {reason}")
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(marker)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, tmp_path_factory):
    home = tmp_path_factory.mktemp("chromium-home")
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": [
            "--disable-gpu",
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
        "env": {**os.environ, "XDG_CONFIG_HOME": str(home), "XDG_CACHE_HOME": str(home)},
    }


@pytest.fixture
def live_server(app):
    """The test app served on a random 127.0.0.1 port for the duration of one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


class BrowserProblems:
    """What went wrong in the page: JavaScript errors and attempts to reach outside hosts."""

    def __init__(self):
        self.js_errors: list[str] = []
        self.outside_requests: list[str] = []
        self.htmx_requests: list[str] = []

    def assert_clean(self):
        assert self.js_errors == [], f"JavaScript-fouten: {self.js_errors}"
        assert self.outside_requests == [], f"verzoeken naar buiten: {self.outside_requests}"


@pytest.fixture
def browser_problems():
    return BrowserProblems()


def _console_error(message, problems: BrowserProblems) -> None:
    # A 4xx answer (422 for a refused form) is logged as "Failed to load resource": that is the
    # app working as designed, not a script error. Everything else logged as an error counts.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.js_errors.append(message.text)


def guard(page, live_server: str, problems: BrowserProblems):
    """Let `page` reach only the live server (htmx from the npm copy) and collect what goes wrong."""

    def route(route_request):
        url = route_request.request.url
        if url == HTMX_URL:
            return route_request.fulfill(path=str(HTMX_FILE), content_type="application/javascript")
        if url.startswith(live_server) or url.startswith("data:"):
            if route_request.request.headers.get("hx-request") == "true":
                problems.htmx_requests.append(url)
            return route_request.continue_()
        problems.outside_requests.append(url)
        return route_request.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: problems.js_errors.append(str(error)))
    page.on("console", lambda message: _console_error(message, problems))
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def page(page, live_server, browser_problems):
    """A page that reaches only the live server; htmx comes from the npm copy of the CDN file."""
    yield guard(page, live_server, browser_problems)
    browser_problems.assert_clean()


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page (WCAG 2.1 A and AA) and return a compact list of violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Through DevTools, not a <script> tag: the app's CSP rightly blocks inline scripts.
        page.evaluate(AXE_FILE.read_text())
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(page, where: str = "") -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-overtredingen {where}: {json.dumps(violations, indent=1)}"


def sign_in(page, base_url: str, email: str, password: str, totp_secret: str | None = None) -> None:
    """Sign in through the real form (and the second step when the account has one)."""
    page.goto(f"{base_url}/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("networkidle")
    if totp_secret and page.locator("input[name=code]").count():
        from blueprints.auth.totp import code_at

        page.locator("input[name=code]").fill(code_at(totp_secret))
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")


def session_cookie_for(app, user) -> str:
    """A signed session cookie for `user`, as the sign-in would set it (for tests that skip the form)."""
    from datetime import UTC, datetime

    data = {"_user_id": user.get_id(), "_fresh": True, "auth_at": datetime.now(UTC).timestamp(), "_permanent": True}
    return app.session_interface.get_signing_serializer(app).dumps(data)


def browser_login_as(page, app, base_url: str, user) -> None:
    page.context.add_cookies(
        [{"name": app.config["SESSION_COOKIE_NAME"], "value": session_cookie_for(app, user), "url": base_url}]
    )


PHONE = {"width": 375, "height": 800}

# What keeps a page from fitting a phone: the page scrolls sideways, a table scrolls in a box a keyboard or
# screen-reader user cannot find (role=region, a name, tabindex=0), or a table overflows without a box at all.
_PHONE_PROBLEMS = """() => {
  const problems = [];
  const width = window.innerWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const scroller = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(node).overflowX)) return node;
    }
    return null;
  };
  if (document.documentElement.scrollWidth > width) {
    const wide = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !scroller(el) && el.getClientRects().length)
      .map(describe);
    problems.push(`de pagina is ${document.documentElement.scrollWidth} px breed: ${wide.slice(-5).join(', ')}`);
  }
  for (const table of document.querySelectorAll('table')) {
    if (!table.getClientRects().length) continue;
    const box = scroller(table);
    if (!box) {
      const room = table.parentElement.getBoundingClientRect();
      if (table.getBoundingClientRect().width > room.width + 1) problems.push(`tabel ${describe(table)} past niet`);
      continue;
    }
    const named = box.getAttribute('aria-label') || box.getAttribute('aria-labelledby');
    if (box.getAttribute('role') !== 'region' || !named || box.getAttribute('tabindex') !== '0') {
      problems.push(`tabel in ${describe(box)} scrolt zonder role="region", naam en tabindex="0"`);
    }
  }
  return problems;
}"""


def phone_problems(page) -> list[str]:
    """What keeps the current page from working on a 375 px phone (see _PHONE_PROBLEMS); [] when it fits."""
    return page.evaluate(_PHONE_PROBLEMS)


def assert_fits_phone(page, where: str = "") -> None:
    problems = phone_problems(page)
    assert problems == [], f"past niet op een telefoon {where}: {problems}"
