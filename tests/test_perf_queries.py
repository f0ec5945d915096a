"""Issue #21: the rewritten queries of the start pages, the approval-queue filter and the audit log give
the same answers as before, with a number of SQL queries that does not depend on the data."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from blueprints.admin.auditlog import AuditFilter, audit_page
from blueprints.budget.queries import Filters, top_participants
from blueprints.youths.queries import coach_overview
from models import AuditLog, db
from tests.conftest import count_queries, make_participant, make_user
from tests.factories_budget import make_request, make_year
from tests.factories_contracts import make_sent, make_world
from tests.factories_youths import make_conversation

YEAR = date.today().year


def test_queue_filter_ranks_participants_by_their_filtered_requests(app):
    make_year(YEAR)
    anna, bram, cem = (make_participant(first_name=n, last_name="Test") for n in ("Anna", "Bram", "Cem"))
    make_request("300.00", participant=anna, year=YEAR)
    make_request("250.00", participant=bram, year=YEAR)
    make_request("100.00", participant=bram, year=YEAR)
    make_request("900.00", participant=cem, year=YEAR, status="afgewezen")  # not pending: left out
    make_request("50.00", participant=cem, year=YEAR, category="opleiding")

    ranked = top_participants(YEAR, Filters(status="aangevraagd"))
    assert [(r["name"], r["amount"], r["count"]) for r in ranked] == [
        ("Bram Test", Decimal("350.00"), 2),
        ("Anna Test", Decimal("300.00"), 1),
        ("Cem Test", Decimal("50.00"), 1),
    ]
    only = top_participants(YEAR, Filters(status="aangevraagd", category="opleiding"))
    assert [(r["name"], r["count"]) for r in only] == [("Cem Test", 1)]
    assert top_participants(YEAR, Filters(status="afgewezen"))[0]["amount"] == Decimal("900.00")
    assert len(top_participants(YEAR, Filters(status="aangevraagd"), limit=2)) == 2


def test_coach_attention_counts_only_the_coachs_own_caseload(app):
    now = datetime.now(UTC).replace(tzinfo=None)
    coach, other = make_user("coach"), make_user("coach")
    seen = make_participant(first_name="Gezien", coach_id=coach.id, status="actief")
    unseen = make_participant(first_name="Ongezien", coach_id=coach.id, status="actief")
    unseen.created_at = now - timedelta(days=90)
    seen.created_at = now - timedelta(days=90)
    theirs = make_participant(first_name="Ander", coach_id=other.id, status="actief")
    make_conversation(seen, now - timedelta(days=2))
    make_conversation(theirs, now - timedelta(days=1))
    db.session.commit()

    overview = coach_overview(coach.id, date.today(), now)
    assert [item.participant.first_name for item in overview.attention] == ["Ongezien"]
    assert overview.caseload == 2


def test_partner_start_page_sends_the_same_queries_with_or_without_a_contract_to_sign(client, login_as):
    world = make_world()
    partner = world["partner_users"][0]
    login_as(user=partner)
    with count_queries() as nothing_waiting:
        assert client.get("/start/partner").status_code == 200
    make_sent(world)
    with count_queries() as one_waiting:
        page = client.get("/start/partner")
    assert page.status_code == 200
    assert "de Jong" in page.text  # the contract to sign names its participant
    assert one_waiting() == nothing_waiting()


def _rows(n, key=None, start=None):
    """`n` audit rows, as one action when `key` is given, else each an (older) action of its own."""
    at = start or datetime(2026, 1, 1, 12, 0)
    rows = [
        AuditLog(at=at, actor_label="Test", action="update", object_type="goal_action", object_id=i, group_key=key)
        for i in range(n)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def test_audit_log_pages_mix_old_single_rows_and_grouped_actions_newest_first(client, login_as):
    login_as("beheer")
    _rows(30)  # older rows without a key: 30 actions
    _rows(4, key="a" * 32)  # one action of four rows
    _rows(2)  # two more single rows
    _rows(3, key="b" * 32)  # the newest action

    first = audit_page(AuditFilter(object_type="goal_action"), 1)
    assert first.total == 30 + 1 + 2 + 1
    keys = [g.key for g in first.items]
    assert keys[0] == "b" * 32 and keys[3] == "a" * 32
    assert [g.total_rows for g in first.items[:4]] == [3, 1, 1, 4]
    assert len(first.items) == 25
    second = audit_page(AuditFilter(object_type="goal_action"), 2)
    assert len(second.items) == first.total - 25
    assert not set(keys) & {g.key for g in second.items}
    newest_ids = [int(g.key) for g in first.items[4:]] + [int(g.key) for g in second.items]
    assert newest_ids == sorted(newest_ids, reverse=True)

    with count_queries() as few:
        assert client.get("/beheer/auditlog").status_code == 200
    _rows(200)
    _rows(50, key="c" * 32)
    with count_queries() as many:
        page = client.get("/beheer/auditlog")
    assert many() == few()
    assert "Pagina 1 van" in page.text


def test_the_fast_select_writes_exactly_what_wtforms_writes(app):
    from flask_wtf import FlaskForm
    from wtforms import SelectField, SelectMultipleField
    from wtforms.widgets import Select

    from core.forms import FastSelect, select_choices

    pairs = [("", "Alle life-coaches"), ("1", 'Jan "de" <Vries> & Zn'), ("2", "Eva"), ("x'y", "")]

    class F(FlaskForm):
        class Meta:
            csrf = False

        one = SelectField(choices=select_choices(pairs))
        grouped = SelectField(
            choices=select_choices([("a", "A")], "Groep A") + select_choices([("b", "B & b")], "Groep <B>")
        )
        many = SelectMultipleField(choices=select_choices(pairs))
        flag = SelectField(choices=select_choices([(True, "ja"), (False, "nee")]), coerce=lambda v: v in (True, "True"))

    with app.test_request_context("/?one=1&grouped=b&many=1&many=2&flag=True"):
        from flask import request

        form = F(request.args)
        assert isinstance(form.one.widget, FastSelect)
        for field, plain in (
            (form.one, Select()),
            (form.grouped, Select()),
            (form.many, Select(multiple=True)),
            (form.flag, Select()),
        ):
            assert field() == plain(field), field.name
            assert field(class_="wide") == plain(field, class_="wide")
        assert '<option selected value="1">Jan &#34;de&#34; &lt;Vries&gt; &amp; Zn</option>' in form.one()


def test_audit_log_counts_up_to_its_cap_and_still_pages_on(client, login_as, monkeypatch):
    """Past the cap the page says "meer dan" (a true lower bound) and Volgende still leads on to the end."""
    monkeypatch.setattr("blueprints.admin.auditlog.COUNT_CAP", 50)
    login_as("beheer")
    _rows(40)
    _rows(3, key="d" * 32)
    exact = audit_page(AuditFilter(object_type="goal_action"), 1)
    assert (exact.total, exact.capped, exact.pages) == (41, False, 2)
    _rows(30)
    _rows(2, key="e" * 32)
    first = audit_page(AuditFilter(object_type="goal_action"), 1)
    assert (first.total, first.capped, first.pages, first.has_next) == (50, True, 2, True)
    third = audit_page(AuditFilter(object_type="goal_action"), 3)
    assert len(third.items) == 72 - 50 and not third.has_next  # 40 + 1 + 30 + 1 actions: the last page
    page_one = client.get("/beheer/auditlog?object_type=goal_action").text
    assert "Pagina 1 van meer dan 2 (meer dan 50 resultaten)" in page_one
    page_three = client.get("/beheer/auditlog?object_type=goal_action&pagina=3").text
    assert "Pagina 3 (meer dan 50 resultaten)" in page_three and ">Volgende<" not in page_three
    assert ">Vorige<" in page_three
    # A filter that narrows the log below the cap is counted exactly again.
    assert audit_page(AuditFilter(object_type="goal_action", group="e" * 32), 1).total == 1
