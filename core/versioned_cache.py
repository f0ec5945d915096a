"""Figures kept in memory per version of the data they read, so they are never older than that data.

The key starts with the version a request reads (core/data_version.py: bumped in the same transaction as
every change, per scope for the parts that have one). A cached value was built from data at least as new
as the version in its key, so a request that reads the same version may use it. The store is per app (per
process) and small: each app server builds a value once per change. Values are shared between requests
and threads: callers treat them as read-only (frozen dataclasses, tuples, numbers, strings).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app, render_template
from markupsafe import Markup

from core import data_version
from models import db


class _Store:
    def __init__(self, size: int):
        self.size = size
        self.lock = threading.Lock()
        self.entries: OrderedDict = OrderedDict()

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def version_key(*parts, scope: str | tuple[str, ...] | None = None) -> tuple | None:
    """(the data version this request sees, *parts); None without a version row (then nothing is cached).
    A value that reads two scopes (money and names) is keyed by both: `scope=("budget", "people")`."""
    version = data_version.current(db.session, scope)
    return None if version is None else (version, *parts)


def sub_key(key: tuple | None, *parts) -> tuple | None:
    """`key` with more parts: several values of one page under one read of the version."""
    return None if key is None else (*key, *parts)


def cached(store: str, key: tuple | None, build: Callable, size: int = 48):
    """The value for `key` from this app's store `store`, built (and kept) when it is not there."""
    if key is None:  # no version row (an emptied database): nothing to key on, so build every time
        return build()
    entries = current_app.extensions.setdefault(store, _Store(size))
    value = entries.get(key)
    if value is None:
        value = build()
        entries.put(key, value)
    return value


def rendered(store: str, key: tuple | None, template: str, context: Callable[[], dict]) -> Markup:
    """`template` rendered with `context()` (read only when it is not in memory) and kept under `key`: a page
    region without a form, a token or anything of the session in it, which the page shows as `body`
    (templates/cached_region.html)."""
    # Markup of a template Jinja rendered with autoescape: kept as HTML, never escaped twice.
    return cached(store, key, lambda: Markup(render_template(template, **context())))  # noqa: S704
