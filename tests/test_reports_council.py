"""The council's table (issue #17 point 7), hand-counted: every row among all registrations (also
'niet gestart') and among the closed trajectories; no-shows by the follow-up rule (two in a row)."""

from datetime import date, datetime

import pytest

from blueprints.reports.council import council_table
from blueprints.reports.figures import Filters, Share, build_report
from models import Conversation, db
from tests.conftest import make_participant
from tests.factories_reports import build_known_dataset


@pytest.fixture
def data(app):
    known = build_known_dataset()
    # Three registrations that never started (decided in March 2026, planned to start in April).
    for reason in ("wil_niet", "wil_niet", "twee_keer_niet_verschenen"):
        make_participant(
            status="niet_gestart",
            not_started_reason=reason,
            start_date=date(2026, 4, 1),
            outcome_date=date(2026, 3, 1),
            coach_id=known["anna"].id,
        )
    return known


def rows(table):
    return {r.key: r for r in table.rows}


def test_whole_pilot(data):
    table = council_table(Filters())
    # Registered: the 9 of the known dataset + 3 niet gestart; closed: p1, p2, p3, p4, p8.
    assert (table.registered, table.closed) == (12, 5)
    r = rows(table)
    assert r["werk"].registered == Share(1, 12) and r["werk"].closed == Share(1, 5)  # p1
    assert r["school"].registered == Share(2, 12) and r["school"].closed == Share(2, 5)  # p3, p8
    assert r["positief"].closed == Share(3, 5) and r["positief"].closed.percent == 60
    assert r["zorg"].registered == Share(0, 12) and r["zorg"].closed == Share(0, 5)
    # Two in a row: p1 (2 x March 2025), p9 (1 Dec + 31 Dec 2025, then 'afgemeld'), p5 (3 x February 2026)
    # and the registration that did not come to the intake twice; of the closed ones only p1.
    assert r["twee_keer_niet_verschenen"].registered == Share(4, 12)
    assert r["twee_keer_niet_verschenen"].closed == Share(1, 5)
    assert r["wil_niet"].registered == Share(2, 12) and r["wil_niet"].registered.percent == 17
    assert r["wil_niet"].closed is None and r["niet_gestart"].closed is None
    assert r["niet_gestart"].registered == Share(3, 12)
    assert r["uitgevallen"].registered == Share(2, 12) and r["uitgevallen"].closed == Share(2, 5)  # p2, p4


def test_a_year_and_a_coach(data):
    table = council_table(Filters(year=2026))
    # In 2026: p9, p5, p6, p7 and the three niet gestart; nobody closed in 2026.
    assert (table.registered, table.closed) == (7, 0)
    r = rows(table)
    # p5, p9 (their row completes on 1 Jan 2026 in Hengelo) and the one from the intake.
    assert r["twee_keer_niet_verschenen"].registered == Share(3, 7)
    assert r["twee_keer_niet_verschenen"].closed == Share(0, 0)
    assert r["wil_niet"].registered == Share(2, 7)
    in_2025 = rows(council_table(Filters(year=2025)))
    assert in_2025["twee_keer_niet_verschenen"].registered == Share(1, 6)  # p1 only
    assert in_2025["wil_niet"].registered == Share(0, 6)
    bram = rows(council_table(Filters(coach_id=data["bram"].id)))
    # Bram: p3, p4, p8, p9, p6 (the niet gestart are Anna's); p9 has two in a row.
    assert bram["twee_keer_niet_verschenen"].registered == Share(1, 5)
    assert bram["wil_niet"].registered == Share(0, 5)


def test_no_shows_follow_the_follow_up_rule(app):
    """Two no-shows with an attended conversation between are not 'two in a row' (the old figure counted
    any two); an 'afgemeld' between neither counts nor breaks the row."""
    broken = make_participant(status="actief", start_date=date(2026, 1, 5))
    kept = make_participant(status="actief", start_date=date(2026, 1, 5))
    for participant, attendances in (
        (broken, ["niet_verschenen", "verschenen", "niet_verschenen"]),
        (kept, ["niet_verschenen", "afgemeld", "gepland", "niet_verschenen"]),
    ):
        for day, attendance in enumerate(attendances, start=1):
            db.session.add(
                Conversation(
                    participant_id=participant.id,
                    held_at=datetime(2026, 2, day, 10),
                    kind="voortgangsgesprek",
                    attendance=attendance,
                )
            )
    db.session.commit()
    assert build_report(Filters()).no_shows == Share(1, 2)
    assert rows(council_table(Filters(year=2026)))["twee_keer_niet_verschenen"].registered == Share(1, 2)


def test_page_and_exports_show_both_denominators(client, login_as, data):
    import re

    login_as("coach")
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/rapportage/").text))
    assert "Resultaten voor de raad" in page
    assert "Wilde niet (niet gestart) 2 van de 12 aanmeldingen (17%) niet van toepassing (nooit gestart)" in page
    assert "Naar werk (betaald werk) 1 van de 12 aanmeldingen (8%) 1 van de 5 afgesloten trajecten (20%)" in page
    assert "volgt de regel van ‘opvolging nodig’" in page
    text = client.get("/rapportage/export.csv").data.decode("utf-8-sig")
    lines = [line.split(";") for line in text.splitlines()]
    assert ["Twee keer op rij niet verschenen", "4", "12", "33", "1", "5", "20"] in lines
    assert ["Wilde niet (niet gestart)", "2", "12", "17", "niet van toepassing", "", "niet van toepassing"] in lines


def test_onward_referrals_fill_care_participation_coach_and_werkbedrijf(data):
    from models import OnwardReferral

    for participant, destination, on in (
        (data["p1"], "werkbedrijf", date(2025, 5, 1)),  # also to paid work: counted once in its row
        (data["p9"], "participatiecoach", date(2026, 2, 1)),
        (data["p5"], "ggz", date(2026, 3, 1)),
        (data["p5"], "zorg_klantmanager", date(2026, 3, 2)),  # two care referrals: one trajectory
        (data["p9"], "schuldhulp", date(2026, 2, 2)),  # in none of these rows
    ):
        db.session.add(
            OnwardReferral(participant_id=participant.id, destination=destination, referred_on=on, reason="Past beter")
        )
    db.session.commit()
    r = rows(council_table(Filters()))
    assert r["zorg"].registered == Share(1, 12) and r["zorg"].closed == Share(0, 5)  # p5
    assert r["participatiecoach"].registered == Share(1, 12)  # p9
    assert r["werkbedrijf_of_werk"].registered == Share(1, 12) and r["werkbedrijf_of_werk"].closed == Share(1, 5)
    in_2025 = rows(council_table(Filters(year=2025)))
    assert in_2025["participatiecoach"].registered == Share(0, 6)  # p9 was referred in 2026
    assert in_2025["werkbedrijf_of_werk"].registered == Share(1, 6)
    in_2026 = rows(council_table(Filters(year=2026)))
    assert in_2026["participatiecoach"].registered == Share(1, 7) and in_2026["zorg"].registered == Share(1, 7)
