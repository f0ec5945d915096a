"""Commitments: coaches add and edit them, everyone with access updates status with a note, the overview adds up."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from models import AuditLog, Commitment, CommitmentUpdate, db
from tests.conftest import count_queries, make_org, make_participant, make_user
from tests.factories_partners import make_commitment

YESTERDAY = date.today() - timedelta(days=1)
TODAY = date.today()


def test_coach_adds_a_commitment_for_a_participant(client, login_as):
    coach = login_as("coach")
    roc = make_org()
    contact = make_user("partner", organisation=roc, name="Marloes Ten Hove")
    participant = make_participant(first_name="Daan")
    form = client.get(f"/partners/toezeggingen/nieuw?deelnemer={participant.id}")
    assert form.status_code == 200
    assert f'<option selected value="{participant.id}">' in form.text
    response = client.post(
        "/partners/toezeggingen/nieuw",
        data={
            "organisation_id": roc.id,
            "participant_id": participant.id,
            "kind": "bbl_plaats",
            "description": "BBL-plaats niveau 2 Metaal",
            "quantity": "",
            "amount": "",
            "due_date": (TODAY + timedelta(days=60)).isoformat(),
            "contact_user_id": contact.id,
            "status": "nagekomen",  # not on the form: ignored
            "created_by_id": 999,  # idem
        },
    )
    assert response.status_code == 303
    commitment = db.session.scalar(db.select(Commitment))
    assert commitment.status == "toegezegd"
    assert commitment.created_by_id == coach.id
    assert commitment.contact_user_id == contact.id
    assert [u.new_status for u in commitment.updates] == ["toegezegd"]
    page = client.get(response.headers["Location"])
    assert "BBL-plaats niveau 2 Metaal" in page.text
    assert "Toezegging vastgelegd." in page.text


def test_pilot_wide_commitment_needs_a_quantity_or_an_amount(client, login_as):
    login_as("coach")
    roc = make_org()
    other = make_org("Provincie Overijssel", "overheid")
    stranger = make_user("partner", organisation=other)
    base = {"organisation_id": roc.id, "participant_id": "None", "kind": "bbl_plaats", "description": "10 BBL-plaatsen"}
    response = client.post("/partners/toezeggingen/nieuw", data=base)
    assert response.status_code == 422
    assert "heeft een aantal of een bedrag" in response.text
    response = client.post("/partners/toezeggingen/nieuw", data={**base, "quantity": "10", "amount": "25.000,00"})
    assert "Vul een aantal óf een bedrag in" in response.text
    response = client.post(
        "/partners/toezeggingen/nieuw", data={**base, "quantity": "10", "contact_user_id": stranger.id}
    )
    assert "werkt niet bij de gekozen partner" in response.text
    response = client.post("/partners/toezeggingen/nieuw", data={**base, "quantity": "abc", "due_date": "31-02-2026"})
    assert response.status_code == 422
    assert "Ongeldig" in response.text
    response = client.post("/partners/toezeggingen/nieuw", data={**base, "organisation_id": "9999", "quantity": "10"})
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Commitment.id))) == 0
    response = client.post("/partners/toezeggingen/nieuw", data={**base, "quantity": "10"})
    assert response.status_code == 303
    assert db.session.scalar(db.select(Commitment)).participant_id is None


def test_coach_edits_a_commitment_but_not_its_status(client, login_as):
    login_as("coach")
    roc = make_org()
    commitment = make_commitment(roc, make_participant(), status="in_uitvoering")
    response = client.post(
        f"/partners/toezeggingen/{commitment.id}/bewerken",
        data={
            "organisation_id": roc.id,
            "participant_id": commitment.participant_id,
            "kind": "leerwerkplek",
            "description": "Leerwerkplek 24 uur per week",
            "status": "vervallen",
        },
    )
    assert response.status_code == 303
    assert commitment.kind == "leerwerkplek"
    assert commitment.status == "in_uitvoering"


def test_status_change_needs_a_note_and_is_kept_in_the_history(client, login_as):
    coach = login_as("coach")
    commitment = make_commitment(make_org(), make_participant())
    url = f"/partners/toezeggingen/{commitment.id}/status"
    response = client.post(url, data={"status": "nagekomen", "on_date": TODAY.isoformat(), "note": "  "})
    assert response.status_code == 422
    assert "Een notitie is verplicht" in response.text
    assert commitment.status == "toegezegd"
    assert db.session.scalar(db.select(db.func.count(CommitmentUpdate.id))) == 0

    future = (TODAY + timedelta(days=3)).isoformat()
    response = client.post(url, data={"status": "nagekomen", "on_date": future, "note": "Klaar"})
    assert response.status_code == 422
    assert "niet in de toekomst" in response.text

    response = client.post(
        url, data={"status": "nagekomen", "on_date": YESTERDAY.isoformat(), "note": "Gestart op 1 sept."}
    )
    assert response.status_code == 303
    assert commitment.status == "nagekomen"
    update = db.session.scalar(db.select(CommitmentUpdate))
    assert (update.old_status, update.new_status, update.on_date, update.actor_id) == (
        "toegezegd",
        "nagekomen",
        YESTERDAY,
        coach.id,
    )
    page = client.get(f"/partners/toezeggingen/{commitment.id}")
    assert "Gestart op 1 sept." in page.text
    event = db.session.scalar(db.select(AuditLog).filter_by(action="commitment_status", object_id=commitment.id))
    assert event.changes == {"status": ["toegezegd", "nagekomen"]}


def test_status_update_inline_with_htmx(client, login_as, htmx_headers):
    partner = login_as("partner")
    commitment = make_commitment(partner.organisation, make_participant())
    url = f"/partners/toezeggingen/{commitment.id}/status"
    form = client.get(url, headers=htmx_headers)
    assert form.status_code == 200
    assert "<html" not in form.text
    assert f'id="toezegging-{commitment.id}"' in form.text
    assert f'hx-post="{url}"' in form.text
    page = client.get(url)
    assert "<html" in page.text and f'action="{url}"' in page.text

    bad = client.post(
        url, data={"status": "in_uitvoering", "on_date": TODAY.isoformat(), "note": ""}, headers=htmx_headers
    )
    assert bad.status_code == 422
    assert "<html" not in bad.text and "Een notitie is verplicht" in bad.text

    ok = client.post(
        url,
        data={"status": "in_uitvoering", "on_date": TODAY.isoformat(), "note": "Intake gepland"},
        headers=htmx_headers,
    )
    assert ok.status_code == 200
    assert "<html" not in ok.text
    assert "In uitvoering" in ok.text
    assert "De status is bijgewerkt." in ok.text
    card = client.get(f"/partners/toezeggingen/{commitment.id}/kaart", headers=htmx_headers)
    assert card.status_code == 200 and "<html" not in card.text and "In uitvoering" in card.text
    assert "<html" in client.get(f"/partners/toezeggingen/{commitment.id}/kaart").text


def test_plain_post_goes_back_to_a_local_next_only(client, login_as):
    partner = login_as("partner")
    commitment = make_commitment(partner.organisation, make_participant())
    url = f"/partners/toezeggingen/{commitment.id}/status"
    data = {"status": "in_uitvoering", "on_date": TODAY.isoformat(), "note": "Bezig"}
    assert client.post(url, data={**data, "next": "/start/partner"}).headers["Location"] == "/start/partner"
    location = client.post(url, data={**data, "next": "https://evil.example/"}).headers["Location"]
    assert location == f"/partners/toezeggingen/{commitment.id}"


def test_pilot_wide_progress_is_updated_with_the_status(client, login_as):
    partner = login_as("partner")
    commitment = make_commitment(partner.organisation, None, quantity=10, realised_quantity=4, description="10 BBL")
    response = client.post(
        f"/partners/toezeggingen/{commitment.id}/status",
        data={"status": "in_uitvoering", "on_date": TODAY.isoformat(), "note": "Twee erbij", "realised_quantity": "6"},
    )
    assert response.status_code == 303
    assert commitment.realised_quantity == 6
    home = client.get("/start/partner")
    assert "6 van 10 plaatsen ingevuld" in home.text
    response = client.post(
        f"/partners/toezeggingen/{commitment.id}/status",
        data={"status": "in_uitvoering", "on_date": TODAY.isoformat(), "note": "x", "realised_quantity": "-2"},
    )
    assert response.status_code == 422
    assert commitment.realised_quantity == 6


def test_coach_start_page_lists_overdue_commitments_only(client, login_as):
    coach = login_as("coach")
    roc = make_org()
    mine = make_participant(first_name="Noor", coach_id=coach.id)
    make_commitment(roc, mine, description="Te laat", kind="baan", due_date=YESTERDAY)
    make_commitment(roc, mine, description="Vandaag", kind="leerwerkplek", due_date=TODAY)
    make_commitment(roc, mine, kind="opleidingsplaats", due_date=YESTERDAY, status="nagekomen")
    page = client.get("/start/coach")
    assert page.status_code == 200
    assert "Te late toezeggingen van partners" in page.text
    section = page.text.split('id="te-late-toezeggingen"')[1].split("</section>")[0]
    assert "Baan voor Noor" in section
    assert "Leerwerkplek" not in section  # due today is not overdue
    assert "Opleidingsplaats" not in section  # done is never overdue


def test_participant_commitments_page_and_fragment(client, login_as, htmx_headers):
    login_as("coach")
    participant = make_participant(first_name="Daan")
    make_commitment(make_org(), participant, description="BBL-plaats Metaal", amount=Decimal("500.00"))
    make_commitment(make_org("Leerwerkloket Twente", "leerwerkloket"), make_participant(), description="Ander")
    url = f"/partners/deelnemers/{participant.id}/toezeggingen"
    page = client.get(url)
    assert page.status_code == 200
    assert "BBL-plaats Metaal" in page.text and "Ander" not in page.text
    assert "€ 500,00" in page.text  # the coach sees amounts
    fragment = client.get(url, headers=htmx_headers)
    assert "<html" not in fragment.text and "BBL-plaats Metaal" in fragment.text
    assert client.get("/partners/deelnemers/9999/toezeggingen").status_code == 404


def test_overview_adds_up_per_organisation(client, login_as):
    login_as("financien")
    roc = make_org()
    lwl = make_org("Leerwerkloket Twente", "leerwerkloket")
    p = make_participant(first_name="Sem")
    for status in ("nagekomen", "nagekomen", "nagekomen", "niet_nagekomen", "vervallen"):
        make_commitment(roc, p, status=status, due_date=YESTERDAY)
    make_commitment(roc, p, due_date=YESTERDAY)  # overdue
    make_commitment(roc, p, due_date=TODAY)  # not overdue
    make_commitment(lwl, None, kind="loopbaanadvies", quantity=20, realised_quantity=5, description="Loopbaanadvies")
    page = client.get("/partners/")
    assert page.status_code == 200
    row = page.text.split(">ROC van Twente</a>")[1].split("</tr>")[0]
    cells = [c.split(">", 1)[1].split("<")[0] for c in row.split("<td")[1:]]
    assert cells[:6] == ["2", "0", "3", "1", "1", "7"]
    assert "75%" in row
    assert "1<span" in row  # one overdue, linked
    assert "5 van 20 trajecten ingevuld" in page.text
    assert "Sem" in page.text
    assert "Nieuwe toezegging" not in page.text  # finance reads only
    assert client.get("/partners/toezeggingen/nieuw").status_code == 403
    assert client.get(f"/partners/toezeggingen/{roc.id}/status").status_code == 403


def test_overview_and_lists_use_a_fixed_number_of_queries(client, login_as):
    coach = login_as("coach")
    partner = make_user("partner")
    org = partner.organisation
    urls = ["/partners/", "/partners/toezeggingen", "/start/coach"]

    def add(n):
        for i in range(n):
            other = make_org(f"Werkgever {db.session.scalar(db.select(db.func.count()).select_from(Commitment))}-{i}")
            p = make_participant(coach_id=coach.id)
            contact = make_user("partner", organisation=org)
            make_commitment(org, p, due_date=YESTERDAY, contact_user=contact)
            make_commitment(other, p, status="nagekomen")
            make_commitment(org, None, quantity=5, realised_quantity=i)

    def measure(as_partner=False):
        counts = {}
        for url in urls:
            with count_queries() as n:
                assert client.get(url).status_code == 200
            counts[url] = n()
        return counts

    add(1)
    small = measure()
    add(6)
    assert measure() == small

    login_as(user=partner)
    urls = ["/start/partner", "/partners/toezeggingen"]
    small = measure()
    add(5)
    assert measure() == small


@pytest.mark.parametrize("role", ["coach", "beheer", "financien"])
def test_staff_sees_all_commitments_in_the_list(client, login_as, role, htmx_headers):
    login_as(role)
    make_commitment(make_org(), make_participant(first_name="Eva"), description="Plek A")
    make_commitment(make_org("Provincie Overijssel", "overheid"), None, quantity=1, description="Plek B")
    page = client.get("/partners/toezeggingen")
    assert "Eva" in page.text and "Hele pilot" in page.text
    fragment = client.get("/partners/toezeggingen?voor=pilot", headers=htmx_headers)
    assert "<html" not in fragment.text and "Hele pilot" in fragment.text and "Eva" not in fragment.text


def test_case_file_shows_the_partner_commitments(client, login_as):
    coach = login_as("coach")
    participant = make_participant(first_name="Bram", coach_id=coach.id)
    make_commitment(make_org(), participant, description="Leerwerkplek bij de bakker")
    page = client.get(f"/deelnemers/{participant.id}?tab=partners")
    assert page.status_code == 200
    assert "Toezeggingen van partners" in page.text
    assert "Leerwerkplek bij de bakker" in page.text
    assert f"/partners/toezeggingen/nieuw?deelnemer={participant.id}" in page.text
