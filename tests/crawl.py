"""Crawl the app as a signed-in user: the pages they reach and the POST forms on them.

Used by the hostile-input tests and the browser accessibility check, so a new page or form is
covered without anyone adding it to a list.
"""

import re
from collections import Counter, deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

MAX_PAGES = 150
PAGES_PER_SHAPE = 3  # three case files tell as much as thirty; spend the budget on other pages
SKIP_ACTIONS = ("/uitloggen",)


class FormCollector(HTMLParser):
    """Collect forms (action, field names, option values, kind of field) and local links from a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.searches: list[dict] = []  # GET forms (search and filters)
        self.links: set[str] = set()
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.add(a["href"].split("#")[0])
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = {"action": a.get("action") or "", "fields": {}, "kinds": {}, "method": method}
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            name = a["name"]
            if name == "csrf_token" or a.get("type") in ("submit", "button"):
                return
            self._form["kinds"][name] = (a.get("type") or "text") if tag == "input" else tag
            options = self._form["fields"].setdefault(name, [])
            if a.get("value") and a.get("type") in ("radio", "checkbox", "hidden"):
                options.append(a["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._form is not None and self._select and a.get("value"):
            self._form["fields"][self._select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            form = self._form
            (self.forms if form.pop("method") == "post" else self.searches).append(form)
            self._form = None
        elif tag == "select":
            self._select = None


@dataclass
class CrawlResult:
    pages: list[str]  # every page visited, in order
    # unique POST forms: {"action": url, "fields": {name: [options]}, "kinds": {name: "textarea" | "select" | type}}
    forms: list[dict]
    searches: list[dict]  # unique GET forms, the same shape

    def one_page_per_shape(self) -> list[str]:
        """One URL per route shape (ids and query values ignored), to check each template once."""
        shapes = {}
        for url in self.pages:
            shapes.setdefault(shape_of(url), url)
        return list(shapes.values())


def shape_of(url: str) -> str:
    """The route with its ids as N; a case-file section (`?tab=...`) is a page of its own, with its own template."""
    parts = urlsplit(url)
    shape = re.sub(r"\d+", "N", parts.path)
    tab = parse_qs(parts.query).get("tab")
    return f"{shape}?tab={tab[0]}" if tab else shape


def crawl(client, start="/") -> CrawlResult:
    """Breadth-first GET of the pages a signed-in user can reach, collecting the POST forms."""
    seen, forms, searches, queue, per_shape = [], {}, {}, deque([start]), Counter()
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if per_shape[shape_of(url)] >= PAGES_PER_SHAPE:
            continue
        if url in seen or "uitloggen" in url or "export" in url or url.endswith(".pdf") or url.startswith("/static"):
            continue
        seen.append(url)
        per_shape[shape_of(url)] += 1
        response = client.get(url, follow_redirects=True)
        assert response.status_code < 500, f"{url} gaf {response.status_code}"
        if "text/html" not in response.content_type:
            continue
        parser = FormCollector()
        parser.feed(response.text)
        for form in parser.forms:
            action = urljoin(url, form["action"] or url)
            if urlsplit(action).path.endswith(SKIP_ACTIONS):
                continue
            key = (urlsplit(action).path, tuple(sorted(form["fields"])))
            forms.setdefault(key, {**form, "action": action})
        for form in parser.searches:
            action = urljoin(url, form["action"] or url)
            searches.setdefault((urlsplit(action).path, tuple(sorted(form["fields"]))), {**form, "action": action})
        queue.extend(sorted(link.replace("&amp;", "&") for link in parser.links - set(seen)))
    return CrawlResult(pages=seen, forms=list(forms.values()), searches=list(searches.values()))
