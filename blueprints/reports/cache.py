"""The report's figures, built once per version of the data and then served from memory.

A report at 100 times the pilot reads every maatwerk line of three years; its figures change only when
data does. The key is the data version (core/data_version.py: bumped in the same transaction as every
change), the day in Hengelo (figures such as "due" depend on it) and the filters, so a cached report is
never older than the data the request would read. The cache is per process and small (a few dozen
reports); each app server builds a report once per change. The page, the exports and the PDF share it.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from blueprints.reports import lasting, onward
from blueprints.reports.figures import Filters, Report, build_report
from core import data_version
from core.localtime import local_now
from models import db

SIZE = 48


@dataclass(frozen=True)
class ReportFigures:
    report: Report
    onward: object  # reports/onward.OnwardFigures: verwezen naar
    lasting: object  # reports/lasting.LastingFigures: na afloop, 6 and 12 months


class _Store:
    def __init__(self):
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
            while len(self.entries) > SIZE:
                self.entries.popitem(last=False)


def _store() -> _Store:
    return current_app.extensions.setdefault("pj_report_cache", _Store())


def _build(filters: Filters) -> ReportFigures:
    return ReportFigures(build_report(filters), onward.onward_referrals(filters), lasting.lasting_outcomes(filters))


def _cached(key: tuple | None, build: Callable):
    if key is None:  # no version row (an emptied database): nothing to key on, so build every time
        return build()
    value = _store().get(key)
    if value is None:
        value = build()
        _store().put(key, value)
    return value


def _key(filters: Filters) -> tuple | None:
    version = data_version.current(db.session)
    if version is None:
        return None
    return (version, local_now().date(), tuple(sorted(filters.as_args().items())))


def report_figures(filters: Filters) -> ReportFigures:
    """The figures for these filters: from memory when nothing changed since they were built."""
    return _cached(_key(filters), lambda: _build(filters))


def report_body(filters: Filters, role: str, render: Callable[[ReportFigures], str]) -> str:
    """The report's HTML body (no form, no token, nothing of the session in it): its links depend only on
    the role (who may open which list), so it is kept per role; `render` makes it from the figures."""
    figures_key = _key(filters)  # one read of the version for both entries
    body_key = None if figures_key is None else (*figures_key, "body", role)
    return _cached(body_key, lambda: render(_cached(figures_key, lambda: _build(filters))))
