"""Contract pages over HTTP: drafting, sending, partner portal, participant link, verify, PDF, beheer."""

import re
from datetime import date

from sqlalchemy import select, text

from blueprints.contracts import drafting, links, signing
from core import data_version
from models import Contract, ContractSignature, ContractTemplate, ContractVersion, OutboxMessage, db
from tests.conftest import TEST_PASSWORD, count_queries, make_org, make_participant, make_user
from tests.factories_contracts import make_contract, make_sent, make_world, party, sign

# --------------------------------------------------------------------------- coach: draft and send


def test_coach_drafts_edits_and_sends_a_contract(client, login_as):
    world = make_world()
    login_as(user=world["coach"])
    page = client.get(f"/contracten/nieuw?deelnemer={world['participant'].id}")
    assert page.status_code == 200 and "Nieuw inspanningscontract" in page.text
    response = client.post(
        "/contracten/nieuw",
        data={
            "participant_id": world["participant"].id,
            "start_date": "2026-09-01",
            "partners": [world["partners"][0].id],
        },
    )
    assert response.status_code == 303
    contract = db.session.scalar(select(Contract))
    edit = client.get(f"/contracten/{contract.id}/concept")
    assert "Een BBL-plek vinden" in edit.text and "1 september 2027" in edit.text
    version = contract.versions[0]
    form = {f"section_{s['key']}": s["body"] for s in version.sections}
    form.update({"start_date": "2026-10-01", "partners": [world["partners"][0].id]})
    form["section_doel"] = "Een eigen inleiding."
    assert client.post(f"/contracten/{contract.id}/concept", data=form).status_code == 303
    db.session.expire_all()
    assert drafting.render_text(db.session.get(ContractVersion, version.id)).count("Een eigen inleiding.") == 1
    sent = client.post(f"/contracten/{contract.id}/versturen")
    assert sent.status_code == 200
    url = re.search(r'value="(http[^"]+/tekenen/[^"]+)"', sent.text).group(1)
    token = url.rsplit("/", 1)[1]
    assert links.verify_token(token).ok
    version = db.session.get(ContractVersion, version.id)
    assert version.status == "verzonden" and version.text_sha256 in sent.text
    assert token not in str(db.session.scalars(select(OutboxMessage.body)).all())
    show = client.get(f"/contracten/{contract.id}")
    assert "Wacht op handtekeningen" in show.text and version.text_sha256 in show.text
    assert token not in show.text
    again = client.post(
        "/contracten/nieuw", data={"participant_id": world["participant"].id, "start_date": "2026-09-01"}
    )
    assert again.status_code == 422 and "heeft al een contract" in again.text


def test_bad_input_gives_422_and_saves_nothing(client, login_as):
    world = make_world()
    login_as(user=world["coach"])
    response = client.post("/contracten/nieuw", data={"participant_id": 99999, "start_date": "31-02-2026"})
    assert response.status_code == 422
    assert "Kies een deelnemer uit de lijst." in response.text
    assert db.session.scalar(select(Contract)) is None
    contract = make_contract(world)
    too_long = {f"section_{s['key']}": "x" for s in contract.versions[0].sections}
    too_long.update({"start_date": "2026-09-01", "section_doel": "x" * 10_001})
    response = client.post(f"/contracten/{contract.id}/concept", data=too_long)
    assert response.status_code == 422 and "Hoogstens" in response.text


def test_list_page_fragment_and_fixed_query_count(client, login_as, htmx_headers):
    world = make_world()
    login_as(user=world["coach"])
    make_sent(world)
    page = client.get("/contracten/")
    assert page.status_code == 200 and "<html" in page.text and world["participant"].full_name in page.text
    fragment = client.get("/contracten/?status=verzonden", headers=htmx_headers)
    assert "<html" not in fragment.text and world["participant"].full_name in fragment.text
    assert "Er zijn geen contracten" in client.get("/contracten/?status=actief", headers=htmx_headers).text

    def queries():
        data_version.bump(db.session)  # as any change does: the list is built again, not read from memory
        db.session.commit()
        with count_queries() as n:
            assert client.get("/contracten/").status_code == 200
        return n()

    small = queries()
    for i in range(6):
        p = make_participant(last_name=f"Extra {i}")
        drafting.new_contract(p, world["partners"], date(2026, 9, 1), world["coach"])
    db.session.commit()
    assert queries() == small


def test_show_page_and_status_fragment(client, login_as, htmx_headers):
    world = make_world()
    login_as(user=world["coach"])
    contract, version, _ = make_sent(world)
    page = client.get(f"/contracten/{contract.id}")
    assert "<html" in page.text and "Handtekeningen, versie 1" in page.text and "Geschiedenis" in page.text
    fragment = client.get(f"/contracten/{contract.id}", headers=htmx_headers)
    assert "<html" not in fragment.text and 'id="contract-status"' in fragment.text
    assert "Geschiedenis" not in fragment.text


# --------------------------------------------------------------------------- partner portal


def test_partner_of_another_organisation_gets_404_on_page_and_post(client, login_as):
    world = make_world()
    _, version, _ = make_sent(world)
    outsider = make_user("partner", organisation=make_org("Techniekbedrijf", "werkgever"))
    login_as(user=outsider)
    assert client.get(f"/contracten/portaal/{version.id}").status_code == 404
    data = {"teken-signer_name": "X", "teken-intent": "y", "teken-password": TEST_PASSWORD}
    assert client.post(f"/contracten/portaal/{version.id}/tekenen", data=data).status_code == 404
    decline = {"weiger-name": "X", "weiger-reason": "Nee hoor"}
    assert client.post(f"/contracten/portaal/{version.id}/weigeren", data=decline).status_code == 404
    assert client.get(f"/contracten/versie/{version.id}/inspanningscontract.pdf").status_code == 404
    assert client.get(f"/contracten/versie/{version.id}/controle").status_code == 404
    assert db.session.scalar(select(ContractSignature)) is None
    assert client.get("/contracten/").status_code == 403  # the coach's list is not for partners


def test_partner_signs_with_password_once(client, login_as):
    world = make_world()
    _, version, _ = make_sent(world)
    user = world["partner_users"][0]
    login_as(user=user)
    home = client.get("/start/partner")
    assert "wachten op uw handtekening" in home.text and f"/contracten/portaal/{version.id}" in home.text
    page = client.get(f"/contracten/portaal/{version.id}")
    assert page.status_code == 200 and version.canonical_text.split("\n")[0] in page.text
    assert signing.intent_text(version, party(version, "partner")) in page.text
    wrong = {"teken-signer_name": "Marloes", "teken-intent": "y", "teken-password": "fout-wachtwoord-123"}
    response = client.post(f"/contracten/portaal/{version.id}/tekenen", data=wrong)
    assert response.status_code == 422 and "Het wachtwoord of de code uit de app klopt niet." in response.text
    no_intent = {"teken-signer_name": "Marloes", "teken-password": TEST_PASSWORD}
    assert client.post(f"/contracten/portaal/{version.id}/tekenen", data=no_intent).status_code == 422
    assert db.session.scalar(select(ContractSignature)) is None
    good = {"teken-signer_name": "Marloes ten Hove", "teken-intent": "y", "teken-password": TEST_PASSWORD}
    assert client.post(f"/contracten/portaal/{version.id}/tekenen", data=good).status_code == 303
    assert client.post(f"/contracten/portaal/{version.id}/tekenen", data=good).status_code == 303  # double submit
    signatures = db.session.scalars(select(ContractSignature)).all()
    assert len(signatures) == 1
    s = signatures[0]
    assert s.user_id == user.id and s.method == "wachtwoord" and s.version_sha256 == version.text_sha256
    assert "wachtwoord" in s.authentication
    assert "Marloes ten Hove tekende deze versie" in client.get(f"/contracten/portaal/{version.id}").text
    assert "Er wachten geen contracten op uw handtekening." in client.get("/start/partner").text
    listing = client.get("/contracten/portaal")
    assert listing.status_code == 200 and "Getekend" in listing.text


def test_partner_with_second_factor_must_give_the_app_code_to_sign(client, login_as):
    from blueprints.auth.totp import code_at
    from models import utcnow

    world = make_world()
    _, version, _ = make_sent(world)
    user = world["partner_users"][0]
    user.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    user.totp_enabled_at = utcnow()
    db.session.commit()
    login_as(user=user)
    assert "Code uit uw authenticator-app" in client.get(f"/contracten/portaal/{version.id}").text
    form = {"teken-signer_name": "Marloes ten Hove", "teken-intent": "y", "teken-password": TEST_PASSWORD}
    refused = client.post(f"/contracten/portaal/{version.id}/tekenen", data=form)
    assert refused.status_code == 422 and "Het wachtwoord of de code uit de app klopt niet." in refused.text
    assert db.session.scalar(select(ContractSignature)) is None
    signed = client.post(
        f"/contracten/portaal/{version.id}/tekenen", data={**form, "teken-code": code_at(user.totp_secret)}
    )
    assert signed.status_code == 303
    signature = db.session.scalar(select(ContractSignature))
    assert "code uit de authenticator-app" in signature.authentication


def test_partner_declines_and_coach_sees_it_at_once(client, login_as):
    world = make_world()
    contract, version, _ = make_sent(world)
    login_as(user=world["partner_users"][0])
    bad = client.post(f"/contracten/portaal/{version.id}/weigeren", data={"weiger-name": "M", "weiger-reason": ""})
    assert bad.status_code == 422
    response = client.post(
        f"/contracten/portaal/{version.id}/weigeren",
        data={"weiger-name": "Marloes", "weiger-reason": "De BBL-plaats is nog niet rond"},
    )
    assert response.status_code == 303
    login_as(user=world["coach"])
    home = client.get("/start/coach")
    assert "De BBL-plaats is nog niet rond" in home.text
    show = client.get(f"/contracten/{contract.id}")
    assert "tekent niet" in show.text and "De BBL-plaats is nog niet rond" in show.text


# --------------------------------------------------------------------------- municipality and in person


def test_coach_signs_for_the_municipality_with_password(client, login_as):
    world = make_world()
    contract, version, _ = make_sent(world)
    login_as(user=world["coach"])
    page = client.get(f"/contracten/{contract.id}/tekenen/gemeente")
    assert page.status_code == 200 and "Tekenen namens Gemeente Hengelo" in page.text
    data = {"teken-signer_name": "Lotte Jansen", "teken-intent": "y", "teken-password": TEST_PASSWORD}
    assert client.post(f"/contracten/{contract.id}/tekenen/gemeente", data=data).status_code == 303
    s = db.session.scalar(select(ContractSignature))
    assert s.party.kind == "gemeente" and s.user_id == world["coach"].id


def test_participant_signs_in_person_on_the_coach_device(client, login_as):
    world = make_world()
    contract, version, _ = make_sent(world)
    login_as(user=world["coach"])
    page = client.get(f"/contracten/{contract.id}/tekenen/ter-plaatse")
    assert "In het kort" in page.text
    wrong = {"signer_name": "Sanne", "date_of_birth": "2000-01-01", "intent": "y"}
    assert client.post(f"/contracten/{contract.id}/tekenen/ter-plaatse", data=wrong).status_code == 422
    good = {"signer_name": "Sanne de Jong", "date_of_birth": "2001-05-17", "intent": "y"}
    assert client.post(f"/contracten/{contract.id}/tekenen/ter-plaatse", data=good).status_code == 303
    s = db.session.scalar(select(ContractSignature))
    assert s.method == "ter_plaatse" and world["coach"].email in s.authentication


# --------------------------------------------------------------------------- participant link


def test_participant_signs_through_the_link_once(client):
    world = make_world()
    contract, version, token = make_sent(world)
    start = client.get(f"/tekenen/{token}")
    assert start.status_code == 200 and "geboortedatum" in start.text
    assert version.canonical_text.split("\n")[1] not in start.text  # no text before the check
    assert client.get(f"/tekenen/{token}/contract").status_code == 303
    wrong = client.post(f"/tekenen/{token}", data={"date_of_birth": "2000-01-01"})
    assert wrong.status_code == 422 and "klopt niet" in wrong.text
    assert client.post(f"/tekenen/{token}", data={"date_of_birth": "2001-05-17"}).status_code == 303
    page = client.get(f"/tekenen/{token}/contract")
    assert "In het kort" in page.text and version.text_sha256 in page.text
    assert client.post(f"/tekenen/{token}/teken", data={"signer_name": "Sanne"}).status_code == 422
    response = client.post(
        f"/tekenen/{token}/teken",
        data={"signer_name": "Sanne de Jong", "intent": "y"},
        headers={"User-Agent": "Telefoon/1.0"},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/tekenen/klaar")
    assert "je hebt getekend" in client.get("/tekenen/klaar").text
    s = db.session.scalar(select(ContractSignature))
    assert s.method == "link" and s.link_id and s.user_id is None and s.user_agent == "Telefoon/1.0"
    # Used up for signing; for 30 days the same link opens the signed copy instead (contracts/delivery.py).
    again = client.get(f"/tekenen/{token}")
    assert again.status_code == 302 and again.headers["Location"].endswith("/tekenen/kopie")
    assert client.post(f"/tekenen/{token}/teken", data={"signer_name": "S", "intent": "y"}).status_code == 410
    assert client.get("/tekenen/onzin-token").status_code == 404


def test_participant_declines_through_the_link(client):
    world = make_world()
    _, version, token = make_sent(world)
    client.post(f"/tekenen/{token}", data={"date_of_birth": "2001-05-17"})
    response = client.post(
        f"/tekenen/{token}/weigeren",
        data={"weiger-name": "Sanne", "weiger-reason": "Ik wil eerst met mijn moeder praten"},
    )
    assert response.status_code == 303
    assert "niet getekend" in client.get("/tekenen/klaar").text
    db.session.expire_all()
    assert db.session.get(ContractVersion, version.id).status == "geweigerd"


def test_revoked_link_is_refused(client, login_as):
    world = make_world()
    contract, version, token = make_sent(world)
    link = links.verify_token(token).link
    login_as(user=world["coach"])
    assert client.post(f"/contracten/{contract.id}/link/{link.id}/intrekken").status_code == 303
    client.post("/uitloggen")
    response = client.get(f"/tekenen/{token}")
    assert response.status_code == 410 and "ingetrokken" in response.text


def test_signing_page_has_mobile_viewport_and_no_fixed_widths(client):
    _, _, token = make_sent(make_world())
    client.post(f"/tekenen/{token}", data={"date_of_birth": "2001-05-17"})
    page = client.get(f"/tekenen/{token}/contract")
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page.text
    assert "style=" not in page.text and "<script>" not in page.text


# --------------------------------------------------------------------------- verify, PDF, diff


def test_verify_page_shows_match_and_detects_a_changed_byte(client, login_as):
    world = make_world()
    contract, version, _ = make_sent(world)
    login_as(user=world["coach"])
    assert "Klopt." in client.get(f"/contracten/versie/{version.id}/controle").text
    tampered = version.canonical_text.replace("Partijen", "Partijen ", 1)
    if db.engine.dialect.name == "postgresql":  # the trigger refuses this; switch it off as an attacker would
        db.session.execute(text("ALTER TABLE contract_version DISABLE TRIGGER contract_version_frozen_guard"))
    db.session.execute(
        text("UPDATE contract_version SET canonical_text = :t WHERE id = :id"), {"t": tampered, "id": version.id}
    )
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE contract_version ENABLE TRIGGER contract_version_frozen_guard"))
    db.session.commit()
    page = client.get(f"/contracten/versie/{version.id}/controle")
    assert "Klopt niet." in page.text


def test_pdf_download(client, login_as):
    world = make_world()
    contract, version, _ = make_sent(world)
    login_as(user=world["partner_users"][0])
    response = client.get(f"/contracten/versie/{version.id}/inspanningscontract.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and version.text_sha256.encode() in response.data  # in the metadata


def test_new_version_and_diff_page(client, login_as, htmx_headers):
    world = make_world()
    contract, v1, _ = make_sent(world)
    sign(v1, party(v1, "gemeente"), user=world["coach"])
    db.session.commit()
    login_as(user=world["coach"])
    assert client.post(f"/contracten/{contract.id}/nieuwe-versie").status_code == 303
    db.session.expire_all()
    contract = db.session.get(Contract, contract.id)
    v2 = contract.versions[-1]
    form = {f"section_{s['key']}": s["body"] for s in v2.sections}
    form.update({"start_date": "2026-09-01", "partners": [world["partners"][0].id], "section_doel": "Aangepast doel."})
    assert client.post(f"/contracten/{contract.id}/concept", data=form).status_code == 303
    page = client.get(f"/contracten/{contract.id}/verschil")
    assert page.status_code == 200 and "<del>" in page.text and "<ins>" in page.text and "Aangepast doel." in page.text
    fragment = client.get(f"/contracten/{contract.id}/verschil?van=1&naar=2", headers=htmx_headers)
    assert "<html" not in fragment.text and "<caption>Verschil tussen versie 1" in fragment.text
    client.post(f"/contracten/{contract.id}/versturen")
    db.session.expire_all()
    assert db.session.get(ContractVersion, v1.id).status == "vervangen"
    show = client.get(f"/contracten/{contract.id}")
    assert "Handtekeningen, versie 2" in show.text and "Vervangen door versie 2" in show.text


# --------------------------------------------------------------------------- beheer


def test_beheer_edits_template_and_sees_outbox(client, login_as, htmx_headers):
    world = make_world()
    _, version, token = make_sent(world)
    from blueprints.contracts.outbox import queue_invitations

    queue_invitations(version, f"http://x/tekenen/{token}")
    db.session.commit()
    login_as("beheer")
    page = client.get("/contracten/sjabloon")
    assert page.status_code == 200 and "Privacyverklaring" in page.text
    data = {f: f"Nieuwe tekst voor {f}" for f in drafting.TEMPLATE_FIELDS}
    assert client.post("/contracten/sjabloon", data=data).status_code == 303
    assert db.session.scalar(select(ContractTemplate)).privacy_text == "Nieuwe tekst voor privacy_text"
    data["privacy_text"] = ""
    assert client.post("/contracten/sjabloon", data=data).status_code == 422
    outbox = client.get("/contracten/uitgaand")
    assert outbox.status_code == 200 and "In de wachtrij" in outbox.text and token not in outbox.text
    fragment = client.get("/contracten/uitgaand", headers=htmx_headers)
    assert "<html" not in fragment.text and "Inspanningscontract om te tekenen" in fragment.text
    new_draft = make_contract(world).versions[0]
    assert "Nieuwe tekst voor privacy_text" in drafting.render_text(new_draft)


def test_roles_are_kept_apart(client, login_as):
    login_as("coach")
    assert client.get("/contracten/uitgaand").status_code == 403
    assert client.get("/contracten/sjabloon").status_code == 403
    login_as("financien")
    assert client.get("/contracten/").status_code == 403
