"""Hostile input: random and malicious values posted to every form of every role.

The forms are found by crawling the demo as each role, so a new form is fuzzed without anyone
remembering to add it here. Whatever is posted: never a 500, a refused form (422) saves nothing,
and what comes back is escaped. Besides: a control character in any text field is refused with a
Dutch message at the field and never stored; every search and filter refuses a NUL, a far date and
a huge number with 422; an id beyond the database's integer in any URL is a 404; amounts take only
ASCII digits; a phone number must be one; an export survives Word's soft line break.
"""

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, Text, func, select
from werkzeug.routing import IntegerConverter

from core.input import (
    CONTROL_MESSAGE,
    DATE_MESSAGE,
    PHONE_MESSAGE,
    QUERY_CONTROL_MESSAGE,
    QUERY_NUMBER_MESSAGE,
    STORED_FORBIDDEN,
    is_too_big_number,
)
from demo import load_demo
from models import AuditLog, MaatwerkRequest, Organisation, Participant, User, db
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
    "   ",
    "Fiets\x00bel",
    "regel\x0bbreuk",
    "\x1b[31mrood",
    "\u0663\u0664\u0665",  # 345 in Arabic-Indic digits
    "31-02-2026",
    "9999-12-31",
    "0001-01-01",
    "2147483648",
    "9223372036854775808",
    "\uff19" * 25,  # full-width 9s: int() reads them
    "9_999_999_999_999",
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
    assert parser.forms == [
        {"action": "/doe", "fields": {"kind": ["x"], "note": []}, "kinds": {"kind": "select", "note": "textarea"}}
    ]
    assert parser.searches == [{"action": "/zoek", "fields": {"q": []}, "kinds": {"q": "text"}}]


# --------------------------------------------------------------------------- targeted hostile input

TEXT_KINDS = {"text", "textarea", "email", "tel", "search", "url"}
NUL = "Fiets\x00bel"


def stored_control_characters() -> list[str]:
    """Every text value in the database that holds a control character (none may)."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str) and STORED_FORBIDDEN.search(value):
                    found.append(f"{table.name}.{column.name}: {value[:40]!r}")
    return found


def _plain_values(form) -> dict:
    """A value for every field: its first option, else a harmless text."""
    return {name: (options[0] if options else "Gewone tekst") for name, options in form["fields"].items()}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_a_control_character_is_refused_at_every_text_field(demo_world, client, login_as, role):
    user = db.session.scalar(select(User).where(User.email == ROLES[role]))
    login_as(user=user)
    forms = crawl(client).forms
    problems = []
    for form in forms:
        for name, kind in form["kinds"].items():
            if kind not in TEXT_KINDS:
                continue
            data = {**_plain_values(form), name: NUL}
            before = change_count()
            response = client.post(form["action"], data=data)
            where = f"{role} POST {form['action']} {name}"
            if response.status_code == 303:  # a button on a list page: the message is shown where it came from
                response = client.get(response.headers["Location"])
            elif response.status_code != 422:
                problems.append(f"{where}: {response.status_code}")
            if CONTROL_MESSAGE not in response.get_data(as_text=True):
                problems.append(f"{where}: {response.status_code}, geen melding")
            if change_count() != before:
                problems.append(f"{where}: toch opgeslagen")
            login_as(user=db.session.get(User, user.id))
    assert problems == [], "\n".join(problems)
    assert stored_control_characters() == []


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_search_and_filter_refuses_nul_far_dates_and_huge_numbers(demo_world, client, login_as, role):
    user = db.session.scalar(select(User).where(User.email == ROLES[role]))
    login_as(user=user)
    searches = crawl(client).searches
    problems = []
    for form in searches:
        for name, kind in form["kinds"].items():
            cases = [(NUL, QUERY_CONTROL_MESSAGE), ("2147483648", QUERY_NUMBER_MESSAGE)]
            if kind == "date":
                cases += [("9999-12-31", DATE_MESSAGE), ("0000-01-01", None), ("0001-01-01", DATE_MESSAGE)]
            for value, message in cases:
                response = client.get(form["action"], query_string={**_plain_values(form), name: value})
                text = response.get_data(as_text=True)
                # A form that checks its own numbers (`checks_own_numbers`) says so at the field instead.
                at_field = message == QUERY_NUMBER_MESSAGE and f'id="{name}-error"' in text
                if response.status_code != 422 or (message and message not in text and not at_field):
                    problems.append(f"{role} GET {form['action']} {name}={value!r}: {response.status_code}")
    assert problems == [], "\n".join(problems)


def _id_rules(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if ints:
            yield rule, ints


@pytest.mark.parametrize("huge", [2**31, 2**63, 10**30])
def test_an_id_beyond_the_database_in_any_url_is_a_404(app, client, login_as, huge):
    login_as("beheer")
    problems = []
    rules = list(_id_rules(app))
    assert rules, "geen routes met een getal gevonden"
    for rule, ints in rules:
        path = rule.rule
        for name in rule.arguments:
            value = str(huge) if name in ints else "x" * 20
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, path)
        for method in sorted({"GET", "POST"} & rule.methods):
            status = client.open(path, method=method).status_code
            if status != 404:
                problems.append(f"{method} {path}: {status}")
    assert problems == []


def _coach_request_data(participant: Participant, **overrides) -> dict:
    data = {
        "participant_id": str(participant.id),
        "category": "vervoer",
        "description": "Een fiets om naar de stage te gaan",
        "supplier": "Twents Fietsenhuis",
        "amount": "345,00",
        "expected_on": date(date.today().year, 12, 1).isoformat(),
        "goal_id": "",
        "justification": "Goedkoper dan een OV-abonnement voor een jaar.",
    }
    data.update(overrides)
    return data


def _coach_and_participant(login_as):
    coach = db.session.scalar(select(User).where(User.email == ROLES["coach"]))
    login_as(user=coach)
    participant = db.session.scalar(
        select(Participant).where(Participant.coach_id == coach.id, Participant.status == "actief").limit(1)
    )
    return coach, participant


@pytest.mark.parametrize("amount", ["\u0663\u0664\u0665", "\u0663\u0664\u0665,00", "   ", "345,\u0660\u0660"])
def test_amounts_take_only_ascii_digits_and_never_only_spaces(demo_world, client, login_as, amount):
    _, participant = _coach_and_participant(login_as)
    before = db.session.scalar(select(func.count(MaatwerkRequest.id)))
    response = client.post("/financien/aanvragen/nieuw", data=_coach_request_data(participant, amount=amount))
    assert response.status_code == 422
    assert "bedrag" in response.get_data(as_text=True).lower()
    assert db.session.scalar(select(func.count(MaatwerkRequest.id))) == before


def test_a_soft_line_break_becomes_a_newline_and_the_export_still_works(demo_world, client, login_as):
    _, participant = _coach_and_participant(login_as)
    description = "Fiets\x0bmet slot\u2028en lamp"
    response = client.post("/financien/aanvragen/nieuw", data=_coach_request_data(participant, description=description))
    assert response.status_code == 303
    stored = db.session.scalar(select(MaatwerkRequest).order_by(MaatwerkRequest.id.desc()).limit(1))
    assert stored.description == "Fiets\nmet slot\nen lamp"
    login_as(user=db.session.scalar(select(User).where(User.email == ROLES["financien"])))
    year = stored.expected_on.year
    for url in (f"/financien/{year}/export.xlsx", f"/financien/{year}/export/aanvragen.csv"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("phone", ["31-02-2026", "12", "\u0660\u0666 1234 5678", "+31 6 1234"])
def test_the_phone_field_wants_a_real_phone_number(demo_world, client, login_as, phone):
    login_as(user=db.session.scalar(select(User).where(User.email == ROLES["beheer"])))
    organisation = db.session.scalar(select(Organisation).order_by(Organisation.id).limit(1))
    response = client.post(
        f"/partners/organisaties/{organisation.id}/bewerken",
        data={"name": organisation.name, "kind": organisation.kind, "contact_phone": phone, "active": "y"},
    )
    assert response.status_code == 422
    assert PHONE_MESSAGE in response.get_data(as_text=True)
    assert db.session.get(Organisation, organisation.id).contact_phone != phone


def test_a_huge_number_in_any_digits_is_too_big_for_the_database():
    for huge in (
        "2147483648",
        "-2147483649",
        "\uff19" * 25,
        "\u0669" * 12,
        "9_999_999_999",
        " 99999999999 ",
        "9" * 5000,
    ):
        assert is_too_big_number(huge), huge
    for fine in ("2147483647", "\uff11\uff12", "25", "jan", "2026-03-01", "", "1_000", "12345678901x"):
        assert not is_too_big_number(fine), fine


@pytest.mark.parametrize("huge", ["\uff19" * 25, "9_999_999_999_999", "9" * 5000])
def test_a_huge_page_number_gets_the_message_not_a_500(client, login_as, huge):
    """`?pagina=` is read with `type=int`, which reads full-width digits and underscores as well."""
    for role, url in (("beheer", "/beheer/auditlog"), ("coach", "/deelnemers/"), ("coach", "/contracten/")):
        login_as(role)
        response = client.get(url, query_string={"pagina": huge})
        assert response.status_code == 422, (url, response.status_code)
        assert QUERY_NUMBER_MESSAGE in response.get_data(as_text=True)
