"""Partners see only their own organisation's commitments and only what their task needs.

Two partner organisations: every partner URL (page, htmx fragment, POST) answers 404 for the other's
object, and a check on `app.url_map` makes sure no partner route is left out of this test.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from models import Goal, db
from tests.conftest import make_org, make_participant, make_user
from tests.factories_partners import make_commitment

TODAY = date.today()

# Every partners-blueprint endpoint a partner may use, with how to reach it for a given commitment.
PARTNER_ROUTES = {
    "partners.commitment": [("GET", "/partners/toezeggingen/{id}")],
    "partners.commitment_card": [("GET", "/partners/toezeggingen/{id}/kaart")],
    "partners.commitment_status": [
        ("GET", "/partners/toezeggingen/{id}/status"),
        ("POST", "/partners/toezeggingen/{id}/status"),
    ],
    "partners.commitments": [],  # a list: filtered to the own organisation, tested below
}
SECRET_NOTE = "GEHEIM-DOSSIER-schuldhulp-en-verslaving"


@pytest.fixture
def two_orgs():
    roc = make_org("ROC van Twente", "onderwijs")
    provincie = make_org("Werkgever Oost BV", "werkgever")
    participant = make_participant(
        first_name="Daan", last_name="Visser", eligibility_exception=SECRET_NOTE, address="Geheimstraat 1"
    )
    db.session.add(Goal(participant_id=participant.id, domain="financien", description=SECRET_NOTE))
    db.session.commit()
    return {
        "roc": roc,
        "provincie": provincie,
        "participant": participant,
        "roc_commitment": make_commitment(roc, participant, description="BBL-plaats ROC", amount=Decimal("1234.56")),
        "roc_pilot": make_commitment(roc, None, quantity=10, realised_quantity=6, description="10 BBL-plaatsen"),
        "prov_commitment": make_commitment(provincie, participant, kind="overig", description="Provincie-traject"),
        "prov_pilot": make_commitment(
            provincie, None, kind="cofinanciering", amount=Decimal("25000.00"), description="Cofinanciering"
        ),
    }


def test_every_partner_route_is_covered_here(app):
    partner_endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("partners.") and "partner" in app.view_functions[rule.endpoint].allowed_roles
    }
    assert partner_endpoints == set(PARTNER_ROUTES)


@pytest.mark.parametrize("htmx", [False, True])
def test_other_organisations_commitment_is_404_everywhere(client, login_as, two_orgs, htmx):
    login_as("partner", organisation=two_orgs["roc"])
    headers = {"HX-Request": "true"} if htmx else {}
    data = {"status": "nagekomen", "on_date": TODAY.isoformat(), "note": "Gekaapt", "realised_amount": "25.000,00"}
    for target in ("prov_commitment", "prov_pilot"):
        commitment = two_orgs[target]
        for routes in PARTNER_ROUTES.values():
            for method, pattern in routes:
                url = pattern.format(id=commitment.id)
                response = client.open(url, method=method, headers=headers, data=data if method == "POST" else None)
                assert response.status_code == 404, (method, url)
                assert "Werkgever Oost" not in response.text and "Provincie-traject" not in response.text
        assert commitment.status == "toegezegd"
        assert commitment.updates == []
    # and the own commitments do answer
    for _method, pattern in [r for routes in PARTNER_ROUTES.values() for r in routes if r[0] == "GET"]:
        assert client.get(pattern.format(id=two_orgs["roc_commitment"].id), headers=headers).status_code == 200


def test_partner_without_organisation_sees_nothing(client, login_as, two_orgs):
    user = make_user("partner", organisation=two_orgs["roc"])
    user.organisation_id = None
    db.session.commit()
    login_as(user=user)
    assert client.get(f"/partners/toezeggingen/{two_orgs['roc_commitment'].id}").status_code == 404


def test_partner_list_shows_only_the_own_organisation(client, login_as, two_orgs, htmx_headers):
    login_as("partner", organisation=two_orgs["roc"])
    for url in (
        "/partners/toezeggingen",
        f"/partners/toezeggingen?organisatie={two_orgs['provincie'].id}",
        "/partners/toezeggingen?voor=pilot",
    ):
        for headers in ({}, htmx_headers):
            response = client.get(url, headers=headers)
            assert response.status_code == 200
            assert "Provincie-traject" not in response.text
            assert "Cofinanciering" not in response.text
    assert "BBL-plaats ROC" in client.get("/partners/toezeggingen").text


def test_partner_portal_groups_own_commitments(client, login_as, two_orgs):
    roc = two_orgs["roc"]
    participant = two_orgs["participant"]
    make_commitment(
        roc, participant, description="Te late stage", kind="leerwerkplek", due_date=TODAY - timedelta(days=1)
    )
    make_commitment(roc, participant, description="Vandaag klaar", kind="baan", due_date=TODAY)
    make_commitment(roc, participant, description="Al gedaan", kind="opleidingsplaats", status="nagekomen")
    login_as("partner", organisation=roc)
    page = client.get("/start/partner").text
    overdue = page.split('id="portaal-te-laat"')[1].split('id="portaal-open"')[0]
    still_open = page.split('id="portaal-open"')[1].split('id="portaal-pilot"')[0]
    pilot = page.split('id="portaal-pilot"')[1].split('id="portaal-afgerond"')[0]
    done = page.split('id="portaal-afgerond"')[1]
    assert "Te late stage" in overdue and "Vandaag klaar" not in overdue
    assert "Vandaag klaar" in still_open and "BBL-plaats ROC" in still_open
    assert "6 van 10 plaatsen ingevuld" in pilot
    assert "Al gedaan" in done
    assert "Daan Visser" in page
    assert "CONTRACTS" not in page  # the include spot is a template comment, not output


def test_partner_portal_counts_in_sql_limits_its_lists_and_keeps_its_query_count(client, login_as, two_orgs):
    from blueprints.partners.queries import PORTAL_LIST_LIMIT
    from tests.conftest import count_queries

    roc, participant = two_orgs["roc"], two_orgs["participant"]
    login_as("partner", organisation=roc)

    def measure():
        client.get("/start/partner")
        with count_queries() as n:
            page = client.get("/start/partner")
        assert page.status_code == 200
        return n(), page.text

    small, _ = measure()
    for i in range(PORTAL_LIST_LIMIT + 5):
        make_commitment(roc, participant, description=f"Laat {i}", due_date=TODAY - timedelta(days=i + 1))
        make_commitment(roc, participant, description=f"Op tijd {i}", due_date=TODAY + timedelta(days=i))
        make_commitment(roc, participant, description=f"Klaar {i}", status="nagekomen")
    large, page = measure()
    assert small == large
    stats = page.split('aria-label="Samenvatting"')[1].split("</ul>")[0]
    assert '<span class="stat">15</span> te laat' in stats
    assert '<span class="stat">16</span> open' in stats  # 15 on time plus "BBL-plaats ROC"
    assert '<span class="stat">15</span> afgerond' in stats
    overdue = page.split('id="portaal-te-laat"')[1].split('id="portaal-open"')[0]
    assert overdue.count('class="card commitment-card"') == PORTAL_LIST_LIMIT
    assert "Laat 14" in overdue and "Laat 0" not in overdue  # by due date: the longest overdue first
    assert "Alle 15 toezeggingen die te laat zijn bekijken" in overdue
    assert "/partners/toezeggingen?status=achterstallig" in overdue
    still_open = page.split('id="portaal-open"')[1].split('id="portaal-pilot"')[0]
    assert still_open.count('class="card commitment-card"') == PORTAL_LIST_LIMIT
    assert "Op tijd 0" in still_open and "Alle open toezeggingen voor deelnemers bekijken (16 op tijd)" in still_open
    listed = client.get("/partners/toezeggingen?status=achterstallig").text
    assert "Laat 0" in listed and "Provincie-traject" not in listed


def test_partner_pages_never_show_case_notes_amounts_or_other_organisations(client, login_as, two_orgs, htmx_headers):
    login_as("partner", organisation=two_orgs["roc"])
    own = two_orgs["roc_commitment"].id
    client.post(
        f"/partners/toezeggingen/{own}/status",
        data={"status": "in_uitvoering", "on_date": TODAY.isoformat(), "note": "Intake op school gepland"},
    )
    pages = [
        "/start/partner",
        "/partners/toezeggingen",
        f"/partners/toezeggingen/{own}",
        f"/partners/toezeggingen/{own}/status",
        f"/partners/toezeggingen/{own}/kaart",
    ]
    for url in pages:
        for headers in ({}, htmx_headers):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            text = response.text
            assert SECRET_NOTE not in text
            assert "Geheimstraat" not in text
            assert "1.234,56" not in text  # money of a participant's commitment
            assert "25.000" not in text  # the other organisation's pledge
            assert "Werkgever Oost" not in text and "Provincie-traject" not in text
            assert "Daan Visser" in text  # the name is what a partner may see


@pytest.mark.parametrize(
    "url",
    [
        "/partners/",
        "/partners/toezeggingen/nieuw",
        "/partners/organisaties",
        "/partners/organisaties/nieuw",
    ],
)
def test_partner_cannot_use_staff_pages(client, login_as, two_orgs, url):
    login_as("partner", organisation=two_orgs["roc"])
    assert client.get(url).status_code == 403
    own = two_orgs["roc_commitment"]
    assert client.get(f"/partners/toezeggingen/{own.id}/bewerken").status_code == 403
    assert client.get(f"/partners/deelnemers/{own.participant_id}/toezeggingen").status_code == 403
    assert client.post(f"/partners/toezeggingen/{own.id}/bewerken", data={"status": "vervallen"}).status_code == 403


def test_partner_cannot_change_other_fields_through_the_status_form(client, login_as, two_orgs):
    login_as("partner", organisation=two_orgs["roc"])
    own = two_orgs["roc_commitment"]
    response = client.post(
        f"/partners/toezeggingen/{own.id}/status",
        data={
            "status": "nagekomen",
            "on_date": TODAY.isoformat(),
            "note": "Klaar",
            "organisation_id": two_orgs["provincie"].id,
            "amount": "1,00",
            "realised_quantity": "5",  # a participant's commitment has no count: ignored
        },
    )
    assert response.status_code == 303
    assert own.organisation_id == two_orgs["roc"].id
    assert own.amount == Decimal("1234.56")
    assert own.realised_quantity is None
    assert own.status == "nagekomen"


def test_the_kept_portal_is_per_organisation_and_shows_every_change(app, two_orgs, monkeypatch):
    """The portal's cards come from memory (partners/queries.portal_region) but never another organisation's,
    never an old status, and what is late is worked out again each day."""
    from models import Commitment

    roc, provincie = two_orgs["roc"], two_orgs["provincie"]
    roc_client, prov_client = app.test_client(), app.test_client()
    for client, org in ((roc_client, roc), (prov_client, provincie)):
        user = make_user("partner", organisation=org)
        with client.session_transaction() as session:
            session.update({"_user_id": user.get_id(), "_fresh": True, "auth_at": datetime.now(UTC).timestamp()})

    def portal(client) -> str:
        page = client.get("/start/partner")
        assert page.status_code == 200
        return page.text

    assert "BBL-plaats ROC" in portal(roc_client) and "Provincie-traject" not in portal(roc_client)
    assert "Provincie-traject" in portal(prov_client) and "BBL-plaats ROC" not in portal(prov_client)
    db.session.get(Commitment, two_orgs["roc_commitment"].id).status = "nagekomen"
    db.session.commit()
    stats = portal(roc_client).split('aria-label="Samenvatting"')[1].split("</ul>")[0]
    assert '<span class="stat">1</span> afgerond' in stats
    make_commitment(roc, two_orgs["participant"], description="Stage bij de werkplaats", due_date=TODAY + timedelta(1))
    assert "Stage bij de werkplaats" in portal(roc_client) and "Stage bij de werkplaats" not in portal(prov_client)
    before = portal(roc_client).split('id="portaal-te-laat"')[1].split('id="portaal-open"')[0]
    assert "Stage bij de werkplaats" not in before

    class DayAfterTomorrow(date):
        @classmethod
        def today(cls):
            return date.today() + timedelta(days=2)

    monkeypatch.setattr("blueprints.home.views.date", DayAfterTomorrow)
    late = portal(roc_client).split('id="portaal-te-laat"')[1].split('id="portaal-open"')[0]
    assert "Stage bij de werkplaats" in late
