"""Onward referrals ("verwezen naar", issue #17 point 3): rules without HTTP, the case-file pages, bad input, access."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from blueprints.youths import onward, timeline
from blueprints.youths.queries import load_case_file
from models import AuditLog, OnwardReferral, db
from tests.conftest import make_org, make_participant, make_user

START = date(2026, 9, 1)


@pytest.fixture
def coach(app):
    return make_user("coach", name="Cor Coach")


@pytest.fixture
def participant(app):
    return make_participant(status="actief", start_date=START, first_name="Sanne")


def data(**kw) -> onward.ReferralInput:
    values = {
        "destination": "ggz",
        "organisation_id": None,
        "destination_other": None,
        "referred_on": START + timedelta(days=10),
        "reason": "Somber, wil hulp",
    }
    values.update(kw)
    return onward.ReferralInput(**values)


def count() -> int:
    return db.session.scalar(select(func.count(OnwardReferral.id)))


# --------------------------------------------------------------------------- rules, without HTTP


def test_a_trajectory_can_have_several_referrals_newest_first(coach, participant):
    today = onward.today()
    first = onward.save(participant, data(), coach, today)
    second = onward.save(
        participant, data(destination="schuldhulp", referred_on=START + timedelta(days=20)), coach, today
    )
    db.session.commit()
    assert [r.id for r in onward.referrals_of(participant.id)] == [second.id, first.id]
    assert first.result == "onbekend" and first.result_on is None and first.created_by_id == coach.id
    assert participant.outcome is None  # a referral is not the outcome


def test_a_partner_destination_names_the_organisation_and_other_needs_a_text(coach, participant):
    roc = make_org("ROC van Twente")
    today = onward.today()
    referral = onward.save(participant, data(destination="partner", organisation_id=roc.id), coach, today)
    assert referral.organisation_id == roc.id and referral.destination_label == "ROC van Twente"
    with pytest.raises(onward.OnwardError) as error:
        onward.save(participant, data(destination="anders", destination_other="  "), coach, today)
    assert error.value.field == "destination_other"
    other = onward.save(participant, data(destination="anders", destination_other=" Buurtwerk "), coach, today)
    assert other.destination_label == "Anders: Buurtwerk" and other.organisation_id is None


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"referred_on": START - timedelta(days=1)}, "referred_on", "start van het perspectiefjaar (01-09-2026)"),
        ({"referred_on": date(2099, 1, 1)}, "referred_on", "toekomst"),
        ({"destination": "nergens"}, "destination", "Kies"),
        ({"destination": "partner", "organisation_id": 999999}, "destination", "partnerorganisatie"),
        ({"reason": "   "}, "reason", "reden"),
        ({"result": "aangekomen", "result_on": None}, "result_on", "datum"),
        ({"result": "aangekomen", "result_on": START}, "result_on", "voor de verwijzing (11-09-2026)"),
        ({"result": "misschien"}, "result", "Kies"),
    ],
)
def test_refused_referrals_name_the_field_in_dutch_and_store_nothing(coach, participant, kwargs, field, message):
    with pytest.raises(onward.OnwardError) as error:
        onward.save(participant, data(**kwargs), coach, onward.today())
    assert error.value.field == field and message in str(error.value)
    db.session.commit()
    assert count() == 0


def test_a_municipality_is_no_partner_destination(coach, participant):
    gemeente = make_org("Gemeente Hengelo", kind="gemeente")
    with pytest.raises(onward.OnwardError):
        onward.save(participant, data(destination="partner", organisation_id=gemeente.id), coach, onward.today())


def test_the_result_is_set_later_and_unknown_clears_its_date(coach, participant):
    today = START + timedelta(days=40)
    referral = onward.save(participant, data(), coach, today)
    onward.set_result(referral, "niet_aangekomen", START + timedelta(days=30), today)
    assert (referral.result, referral.result_on) == ("niet_aangekomen", START + timedelta(days=30))
    with pytest.raises(onward.OnwardError):
        onward.set_result(referral, "aangekomen", today + timedelta(days=1), today)  # heard tomorrow: no
    onward.set_result(referral, "onbekend", START + timedelta(days=30), today)
    assert referral.result_on is None


def test_every_change_is_audited_with_before_and_after(coach, participant):
    today = onward.today()
    referral = onward.save(participant, data(), coach, today)
    db.session.commit()
    onward.set_result(referral, "aangekomen", START + timedelta(days=12), today)
    db.session.commit()
    rows = db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "onward_referral", AuditLog.object_id == referral.id)
    ).all()
    assert [r.action for r in rows] == ["create", "update"]
    assert rows[0].changes["destination"] == [None, "ggz"]
    assert rows[1].changes["result"] == ["onbekend", "aangekomen"]


def test_the_timeline_shows_the_referral_and_its_result(coach, participant):
    today = onward.today()
    referral = onward.save(participant, data(), coach, today)
    onward.set_result(referral, "aangekomen", START + timedelta(days=15), today)
    db.session.commit()
    items = [i for i in timeline.items(load_case_file(participant)) if i.kind == "verwijzing"]
    assert [(i.day, i.title) for i in items] == [
        (START + timedelta(days=15), "Aangekomen: GGZ"),
        (START + timedelta(days=10), "Verwezen naar GGZ"),
    ]


# --------------------------------------------------------------------------- the pages


def form(**kw) -> dict:
    values = {
        "destination": "werkbedrijf",
        "destination_other": "",
        "referred_on": (START + timedelta(days=5)).isoformat(),
        "reason": "Kan snel aan het werk",
        "result": "onbekend",
        "result_on": "",
    }
    values.update(kw)
    return values


def test_the_coach_adds_a_referral_on_the_file_and_sets_the_result_later(client, login_as, coach, participant):
    login_as(user=coach)
    roc = make_org("ROC van Twente")
    page = client.get(f"/deelnemers/{participant.id}")
    assert page.status_code == 200 and "Verwezen naar" in page.text and "Nog geen verwijzingen." in page.text
    new = client.get(f"/deelnemers/{participant.id}/verwezen-naar/nieuw")
    assert new.status_code == 200 and f'value="partner-{roc.id}"' in new.text
    response = client.post(
        f"/deelnemers/{participant.id}/verwezen-naar/nieuw", data=form(destination=f"partner-{roc.id}")
    )
    assert response.status_code == 303
    referral = db.session.scalar(select(OnwardReferral))
    assert response.headers["Location"].endswith(f"/deelnemers/{participant.id}#verwijzing-{referral.id}")
    assert referral.organisation_id == roc.id and referral.destination == "partner"

    file = client.get(f"/deelnemers/{participant.id}").text
    assert "ROC van Twente" in file and "Nog onbekend" in file and "Kan snel aan het werk" in file
    heard = (START + timedelta(days=9)).isoformat()
    response = client.post(
        f"/deelnemers/verwezen-naar/{referral.id}/uitkomst", data={"result": "aangekomen", "result_on": heard}
    )
    assert response.status_code == 303
    db.session.refresh(referral)
    assert referral.result == "aangekomen" and referral.result_on == START + timedelta(days=9)
    assert "Aangekomen" in client.get(f"/deelnemers/{participant.id}").text


def test_the_coach_edits_a_referral(client, login_as, coach, participant):
    login_as(user=coach)
    referral = onward.save(participant, data(), coach, onward.today())
    db.session.commit()
    page = client.get(f"/deelnemers/verwezen-naar/{referral.id}/wijzigen")
    assert page.status_code == 200 and "Somber, wil hulp" in page.text
    response = client.post(
        f"/deelnemers/verwezen-naar/{referral.id}/wijzigen", data=form(destination="anders", destination_other="Kerk")
    )
    assert response.status_code == 303
    db.session.refresh(referral)
    assert referral.destination_label == "Anders: Kerk" and referral.reason == "Kan snel aan het werk"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"referred_on": "2026-08-31"}, "De datum kan niet voor de start van het perspectiefjaar (01-09-2026) liggen."),
        ({"referred_on": "2099-01-01"}, "De datum kan niet in de toekomst liggen."),
        ({"referred_on": "9999-01-01"}, "Deze datum ligt te ver weg."),
        ({"referred_on": "31-02-2026"}, "Ongeldige datum."),
        ({"reason": "Hulp\x00nodig"}, "onzichtbaar teken"),
        ({"destination_other": "Kerk\x0b", "destination": "anders"}, "onzichtbaar teken"),
        ({"destination": "partner-99999999999"}, "Ongeldige keuze."),
        ({"destination": "anders"}, "Schrijf op waar de deelnemer naartoe is verwezen."),
        ({"result": "aangekomen", "result_on": "2026-09-02"}, "De datum kan niet voor de verwijzing (06-09-2026)"),
        ({"result": "aangekomen", "result_on": ""}, "Vul de datum in waarop u dit hoorde."),
        ({"reason": ""}, "Vul de reden van de verwijzing in."),
    ],
)
def test_bad_input_gets_a_dutch_message_and_saves_nothing(client, login_as, coach, participant, values, message):
    login_as(user=coach)
    response = client.post(f"/deelnemers/{participant.id}/verwezen-naar/nieuw", data=form(**values))
    assert response.status_code == 422
    assert message in response.text
    assert count() == 0


def test_a_bad_result_gets_a_dutch_message(client, login_as, coach, participant):
    login_as(user=coach)
    referral = onward.save(participant, data(), coach, onward.today())
    db.session.commit()
    url = f"/deelnemers/verwezen-naar/{referral.id}/uitkomst"
    response = client.post(url, data={"result": "aangekomen", "result_on": "2099-01-01"})
    assert response.status_code == 422 and "De datum kan niet in de toekomst liggen." in response.text
    db.session.refresh(referral)
    assert referral.result == "onbekend"


def test_huge_and_unknown_ids_are_404(client, login_as, coach):
    login_as(user=coach)
    assert client.get("/deelnemers/verwezen-naar/99999999999/wijzigen").status_code == 404
    assert client.get("/deelnemers/verwezen-naar/12345/uitkomst").status_code == 404
    assert client.post("/deelnemers/12345/verwezen-naar/nieuw", data=form()).status_code == 404


@pytest.mark.parametrize("role", ["partner", "financien", "beheer"])
def test_only_coaches_see_or_change_referrals(client, login_as, coach, participant, role):
    referral = onward.save(participant, data(), coach, onward.today())
    db.session.commit()
    login_as(role)
    urls = [
        f"/deelnemers/{participant.id}/verwezen-naar/nieuw",
        f"/deelnemers/verwezen-naar/{referral.id}/wijzigen",
        f"/deelnemers/verwezen-naar/{referral.id}/uitkomst",
    ]
    for url in urls:
        assert client.get(url).status_code == 403
        assert client.post(url, data=form(result="aangekomen", result_on="2026-09-07")).status_code == 403
    db.session.refresh(referral)
    assert referral.result == "onbekend" and referral.destination == "ggz"


def test_a_partner_never_sees_a_referral_to_their_own_organisation(client, login_as, coach, participant):
    roc = make_org("ROC van Twente")
    onward.save(
        participant, data(destination="partner", organisation_id=roc.id, reason="Geheim detail"), coach, date.today()
    )
    db.session.commit()
    login_as("partner", organisation=roc)
    home = client.get("/start/partner")
    assert home.status_code == 200 and "Geheim detail" not in home.text
