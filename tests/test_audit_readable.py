"""The audit log as people read it: one entry per action, names, Dutch words and values, filters, CSV."""

import csv
import io
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from blueprints.admin.auditlog import AuditFilter, audit_page, distinct_values
from blueprints.budget.rules import approve_request
from core.audit import record
from models import AuditLog, User, db
from tests.conftest import count_queries, make_org, make_participant, make_user
from tests.factories_budget import make_request, make_year
from tests.factories_youths import make_assessment


def page_text(client, url="/beheer/auditlog"):
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    return response.text


def test_a_zrm_measurement_is_one_entry_with_thirteen_domain_lines(client, login_as):
    login_as("beheer")
    sanne = make_participant(first_name="Sanne", last_name="de Vries")
    make_assessment(sanne, date(2026, 3, 3), score=3, kind="intake", financien=1)
    groups = audit_page(AuditFilter(object_type="assessment"), 1).items
    assert len(groups) == 1
    (item,) = groups[0].items
    assert item.name == "ZRM-meting intake 3 maart 2026 van Sanne de Vries"
    lines = {c.label: c.after for c in item.changes}
    assert lines["Financiën"] == "1 (Acute problematiek)"
    assert lines["Werk & opleiding"] == "3 (Beperkt zelfredzaam)"
    assert lines["Participatieladder"] == "Sociale contacten buiten de deur"
    assert sum(1 for c in item.changes if c.after.endswith("zelfredzaam)") or "Acute" in c.after) == 13

    text = page_text(client)
    assert "Aangemaakt: ZRM-meting intake 3 maart 2026 van Sanne de Vries" in text
    assert "zrm_score" not in text and "assessment_id" not in text


def test_an_approval_reads_in_dutch_with_names_and_money(client, login_as):
    login_as("beheer")
    make_year(2026)
    finance = make_user("financien", name="Fenna Financiën")
    sanne = make_participant(first_name="Sanne", last_name="de Vries")
    request = make_request(amount="1234.56", participant=sanne, description="Rijlessen")
    approve_request(request, finance)
    db.session.commit()

    groups = audit_page(AuditFilter(action="approve"), 1).items
    assert len(groups) == 1
    assert groups[0].title == f"Goedgekeurd: Maatwerkaanvraag #{request.id} (Rijlessen) van Sanne de Vries"
    (item,) = groups[0].items  # the approval and its column changes are one line, not two
    lines = {c.label: (c.before, c.after) for c in item.changes}
    assert lines["Status"] == ("Aangevraagd", "Goedgekeurd")
    assert lines["Besloten door"] == ("–", "Fenna Financiën")

    created = audit_page(AuditFilter(object_type="maatwerk_request", action="create"), 1).items[0].items[0]
    values = {c.label: c.after for c in created.changes}
    assert values["Bedrag"] == "€ 1.234,56"
    assert values["Categorie"] == "Vervoer"
    assert values["Verwacht op"] == "1 maart 2026"
    assert values["Onderbouwing"] == "Goedkoper dan een OV-abonnement."

    text = page_text(client, "/beheer/auditlog?action=approve")
    results = text.split('id="audit-results"')[1]
    assert "Goedgekeurd: Maatwerkaanvraag" in results
    assert ">approve" not in results and "maatwerk_request" not in results


def test_booleans_are_ja_nee_and_secrets_never_show(app):
    user = make_user("coach", name="Carla Coach")
    assert user.active  # loaded, as a view has it, so the log knows the value before
    user.active = False
    user.password_hash = "pbkdf2:sha256:geheim-hash"
    db.session.commit()
    (group,) = audit_page(AuditFilter(action="update", object_type="user_account"), 1).items
    (item,) = group.items
    lines = {c.label: c for c in item.changes}
    assert (lines["Actief"].before, lines["Actief"].after) == ("ja", "nee")
    assert lines["Wachtwoord"].hidden and "geheim" not in lines["Wachtwoord"].after
    assert item.name == "Gebruiker Carla Coach"


def test_a_deleted_object_keeps_its_name(app):
    org = make_org("Opgeheven BV", "werkgever")
    db.session.delete(org)
    db.session.commit()
    (group,) = audit_page(AuditFilter(action="delete"), 1).items
    assert group.items[0].name == "Organisatie Opgeheven BV"


def test_filters_who_kind_action_and_period_with_dutch_errors(client, login_as):
    login_as("beheer")
    coach = make_user("coach", email="anna@hengelo.test")
    make_participant(first_name="Bram", last_name="Andere")
    viewed = make_participant(first_name="Sanne", last_name="Gezien")
    record(db.session, "view", viewed, actor=coach)
    db.session.commit()

    assert "anna@hengelo.test" in page_text(client, "/beheer/auditlog?actor=ANNA")
    only_views = page_text(client, "/beheer/auditlog?action=view")
    assert "Bekeken: Deelnemer Sanne Gezien" in only_views and "Bram Andere" not in only_views

    for bad, message in [
        ("?action=drop_table", "Kies een actie uit de lijst."),
        ("?object_type=pg_user", "Kies een soort gegeven uit de lijst."),
        ("?date_from=3000-01-01", "Deze datum ligt te ver weg."),
        ("?date_from=2026-05-02&date_to=2026-05-01", "vóór de datum bij"),
        ("?object_id=0", "Vul een nummer in van 1 tot en met 2.147.483.647."),
        # Beyond the database's integer: the message is at the field too, not the guard's error page.
        ("?object_id=99999999999999999999&action=view", "Vul een nummer in van 1 tot en met 2.147.483.647."),
        ("?object_id=٣", "Vul een nummer in met de cijfers 0 tot en met 9."),  # Arabic-Indic 3
    ]:
        response = client.get("/beheer/auditlog" + bad)
        assert response.status_code == 422, bad
        assert message in response.text, bad
        assert client.get("/beheer/auditlog/export.csv" + bad).status_code == 422

    # The number's message sits at its field, and the form keeps the other filter; no rows are shown, since
    # the whole log under the message would look like the filter's result.
    huge = client.get("/beheer/auditlog?object_id=99999999999999999999&action=view").text
    assert "Er staat een fout in het filter." in huge and "Sanne Gezien" not in huge
    assert "Download als CSV" not in huge  # the download would only repeat the error
    assert '<p class="error-message" id="object_id-error">' in huge
    assert '<option selected value="view">' in huge or '<option value="view" selected>' in huge
    # A page number stays with the guard: only the form's own number is exempt.
    paged = client.get("/beheer/auditlog?pagina=99999999999999999999")
    assert paged.status_code == 422 and "getal dat veel te groot is" in paged.text


def test_period_uses_dutch_days(client, login_as):
    """A row at 23:30 UTC on 1 March is 2 March in Hengelo."""
    login_as("beheer")
    from datetime import datetime

    db.session.add(AuditLog(at=datetime(2026, 3, 1, 23, 30), action="view", actor_label="laat@hengelo.test"))
    db.session.commit()
    assert "laat@hengelo.test" in page_text(client, "/beheer/auditlog?date_from=2026-03-02&date_to=2026-03-02")
    assert "laat@hengelo.test" not in page_text(client, "/beheer/auditlog?date_from=2026-03-01&date_to=2026-03-01")


def test_csv_export_has_the_same_words(client, login_as):
    login_as("beheer")
    sanne = make_participant(first_name="Sanne", last_name="de Vries")
    make_assessment(sanne, date(2026, 3, 3), kind="intake")
    response = client.get("/beheer/auditlog/export.csv?object_type=assessment")
    assert response.status_code == 200 and response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Tijd", "Wie", "Actie", "Gegeven", "Wijzigingen", "IP-adres", "Resultaat"]
    assert len(rows) == 2
    assert rows[1][2] == "Aangemaakt"
    assert rows[1][3] == "ZRM-meting intake 3 maart 2026 van Sanne de Vries"
    assert "Financiën: 3 (Beperkt zelfredzaam)" in rows[1][4]
    assert rows[1][6] == "Gelukt"


def test_query_count_does_not_grow_with_the_page(client, login_as):
    login_as("beheer")
    make_year(2026)

    def actions(n):
        for i in range(n):
            p = make_participant(first_name=f"P{i}")
            make_assessment(p, date(2026, 3, 3))
            make_request(participant=p, amount=Decimal("10.00"))

    actions(1)
    with count_queries() as few:
        page_text(client, "/beheer/auditlog?object_type=assessment")
    with count_queries() as few_all:
        page_text(client)
    actions(30)  # more than a page of each kind
    with count_queries() as many:
        page_text(client, "/beheer/auditlog?object_type=assessment")
    with count_queries() as many_all:
        page_text(client)
    assert db.session.query(User).count() > 1
    assert many() == few()
    assert many_all() <= few_all()  # one query per kind of object on the page, never per row


def test_the_filter_lists_each_kind_and_action_in_the_log_once(app):
    # distinct_values skips through the index instead of reading the whole log; it must list what a
    # plain DISTINCT would: each value once, no empty one.
    for action, object_type in [("update", "participant"), ("update", "goal"), ("login", None), ("pay", "goal")]:
        db.session.add(AuditLog(action=action, object_type=object_type, changes={}, result="ok"))
    db.session.commit()
    assert distinct_values(AuditLog.action) == sorted({"update", "login", "pay"} | _present(AuditLog.action))
    assert distinct_values(AuditLog.object_type) == sorted({"participant", "goal"} | _present(AuditLog.object_type))


def _present(column) -> set:
    return {v for v in db.session.scalars(select(column).distinct()) if v is not None}
