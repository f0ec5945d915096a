"""The participant list from memory while no participant or account changed.

A coach opens the list many times a day; at 100 times the pilot its rows and the choice list of 125
coaches were half of the page's time (issue #21). Both are kept per version of the **people** scope
(core/data_version.py: bumped in the same transaction as any change of a participant or an account), so
a conversation or a payment does not throw them away and no change is ever missed. The rows' HTML holds no
form, token or session: it is kept per role, day (the days left), filter, page and the page's own links.
"""

from collections.abc import Callable

from markupsafe import Markup

from blueprints.youths import queries
from core.versioned_cache import cached, rendered, sub_key, version_key

STORE = "pj_participant_list"


def people_key(*parts) -> tuple | None:
    """The key of this request's list values (one read of the version); None: build every time."""
    return version_key(*parts, scope="people")


def coach_choices(key: tuple | None) -> tuple:
    """(id, name) of the active coaches, by name."""
    return cached(STORE, sub_key(key, "coaches"), lambda: tuple((c.id, c.name) for c in queries.coaches()))


def filter_form(key: tuple | None, context: Callable[[], dict]) -> Markup:
    """The list's filter form for this key (the URL's arguments decide its values and messages)."""
    return rendered(STORE, sub_key(key, "filters"), "youths/partials/list_filters.html", context)


def results_body(key: tuple | None, context: Callable[[], dict]) -> Markup:
    """The list's result region for this key, rendered with `context()` when it is not in memory."""
    return rendered(STORE, sub_key(key, "results"), "youths/partials/list_results.html", context)
