"""Hostile input: random and malicious values posted to every form of every role.

The forms are found by crawling the demo as each role, so a new form is fuzzed without anyone
remembering to add it here. Whatever is posted: never a 500, a refused form (422) saves nothing,
and what comes back is escaped.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from demo import load_demo
from models import AuditLog, User, db
from tests.crawl import FormCollector, crawl

ROLES = {
    "coach": "coach@hengelo.test",
    "financien": "financien@hengelo.test",
    "partner": "roc@roc-twente.test",
    "beheer": "beheer@hengelo.test",
}
SCRIPT = "<script>alert('pj')</script>"
HOSTILE = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    '<div hx-get="/beheer/auditlog" hx-trigger="load">x</div>',
    '=HYPERLINK("http://evil.test")',
    "'; DROP TABLE participant; --",
    "A" * 10_000,
    "\u202e\u0000\u0007\x1b[31m",
    "Zoë Çelik-Ørsted 😀 漢字",
    "-1",
    "-999999999999",
    "1e309",
    "99999999999999999999,99",
    "0",
    "2026-02-30",
    "0000-00-00",
    "31-12-9999",
    "",
    " ",
]
RAW_MARKERS = [SCRIPT, "<img src=x onerror", '<div hx-get="/beheer/auditlog"']


@pytest.fixture
def demo_world(app):
    load_demo("perspectiefjaar-demo")
    return app


def hostile_value(options):
    strategies = [st.sampled_from(HOSTILE), st.text(max_size=300)]
    if options:
        strategies.append(st.sampled_from(options))
    return st.one_of(*strategies)


def change_count():
    return db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action.in_(("create", "update", "delete"))))


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_form_survives_hostile_input(demo_world, client, login_as, role):
    user = db.session.scalar(select(User).where(User.email == ROLES[role]))
    login_as(user=user)
    forms = crawl(client).forms
    assert forms, f"geen formulieren gevonden voor {role}"

    for form in forms:
        fuzz_form(client, role, form)()
        login_as(user=db.session.get(User, user.id))  # a form may have signed us out (password change)


def fuzz_form(client, role, form):
    """A hypothesis test that posts hostile values into the fields of one form."""

    @settings(
        max_examples=6,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries({name: hostile_value(opts) for name, opts in form["fields"].items()}))
    def post_hostile(data):
        before = change_count()
        response = client.post(form["action"], data=data)
        where = f"{role} POST {form['action']} {sorted(data)}"
        assert response.status_code < 500, where
        if response.status_code == 422:
            assert change_count() == before, f"{where}: geweigerd maar toch opgeslagen"
        body = response.get_data(as_text=True)
        for marker in RAW_MARKERS:
            assert marker not in body, f"{where}: onge-escapete invoer in het antwoord"

    return post_hostile


def test_collector_reads_post_forms_fields_options_and_links():
    parser = FormCollector()
    parser.feed(
        '<a href="/a">a</a><form method="get" action="/zoek"><input name="q"></form>'
        '<form method="post" action="/doe"><input type="hidden" name="csrf_token" value="t">'
        '<select name="kind"><option value="">-</option><option value="x">X</option></select>'
        '<textarea name="note"></textarea><button type="submit">Ok</button></form>'
    )
    assert parser.links == {"/a"}
    assert parser.forms == [{"action": "/doe", "fields": {"kind": ["x"], "note": []}}]
