"""The report's figures, built once per version of the data and then served from memory.

A report at 100 times the pilot reads every maatwerk line of three years; its figures change only when
data does. The key (core/versioned_cache.py) is the data version, the day in Hengelo (figures such as
"due" depend on it) and the filters, so a cached report is never older than the data the request would
read. The page, the exports and the PDF share it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from blueprints.reports import lasting, onward
from blueprints.reports.figures import Filters, Report, build_report
from core.localtime import local_now
from core.versioned_cache import cached, sub_key, version_key

STORE = "pj_report_cache"


@dataclass(frozen=True)
class ReportFigures:
    report: Report
    onward: object  # reports/onward.OnwardFigures: verwezen naar
    lasting: object  # reports/lasting.LastingFigures: na afloop, 6 and 12 months


def _build(filters: Filters) -> ReportFigures:
    return ReportFigures(build_report(filters), onward.onward_referrals(filters), lasting.lasting_outcomes(filters))


def _key(filters: Filters) -> tuple | None:
    return version_key(local_now().date(), tuple(sorted(filters.as_args().items())))


def report_figures(filters: Filters) -> ReportFigures:
    """The figures for these filters: from memory when nothing changed since they were built."""
    return cached(STORE, _key(filters), lambda: _build(filters))


def report_body(filters: Filters, role: str, render: Callable[[ReportFigures], str]) -> str:
    """The report's HTML body (no form, no token, nothing of the session in it): its links depend only on
    the role (who may open which list), so it is kept per role; `render` makes it from the figures."""
    figures_key = _key(filters)  # one read of the version for both entries
    body_key = sub_key(figures_key, "body", role)
    return cached(STORE, body_key, lambda: render(cached(STORE, figures_key, lambda: _build(filters))))
