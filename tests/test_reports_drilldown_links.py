"""Every number of the report leads to its people (issue #17 point 9): every count on the report page is a
real link to the list behind it, with the page's filters; the list holds exactly the number clicked
(trajectories, or the referrals, commitments, requests and appointments counted, per trajectory);
finance and beheer see names and money only, and no list of case content."""

import re
from datetime import date, datetime
from html import unescape

import pytest

from blueprints.reports import drilldown, lasting
from blueprints.reports.drilldown import CELLS, find_cell, people_behind
from blueprints.reports.figures import Filters
from models import LastingOutcomeCheck, OnwardReferral, Participant, db
from tests.factories_reports import build_known_dataset

TODAY = date(2026, 12, 15)
LINK = re.compile(r'<a href="(/rapportage/lijst\?[^"]+)" aria-label="([^"]+)">([^<]+)</a>')


class FixedNow:
    @staticmethod
    def date():
        return TODAY


@pytest.fixture
def data(app, monkeypatch):
    # Lasting outcomes depend on today: the report and the lists both ask core.localtime; fix the day.
    monkeypatch.setattr(drilldown, "local_now", lambda: FixedNow)
    monkeypatch.setattr("blueprints.reports.lasting.local_now", lambda: FixedNow)
    known = build_known_dataset()
    p1, p9 = known["p1"], known["p9"]
    p3 = db.session.get(Participant, p1.id + 2)
    p2 = db.session.get(Participant, p1.id + 1)
    for participant, destination, on, result, result_on in (
        (p1, "participatiecoach", date(2025, 4, 1), "aangekomen", date(2025, 4, 20)),
        (p1, "participatiecoach", date(2025, 8, 1), "onbekend", None),
        (p3, "ggz", date(2025, 6, 1), "niet_aangekomen", date(2026, 1, 10)),
        (p9, "werkbedrijf", date(2026, 2, 1), "onbekend", None),
    ):
        db.session.add(
            OnwardReferral(
                participant_id=participant.id,
                destination=destination,
                referred_on=on,
                reason="Reden",
                result=result,
                result_on=result_on,
            )
        )
    db.session.add(
        LastingOutcomeCheck(participant_id=p1.id, months=6, situation="werk", answered_at=datetime(2026, 4, 5))
    )
    db.session.add(
        LastingOutcomeCheck(participant_id=p2.id, months=12, situation="onbekend", answered_at=datetime(2026, 7, 1))
    )
    db.session.commit()
    return known | {"p2": p2, "p3": p3}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def listed(cell_key, filters=None):
    cell = CELLS[cell_key] if isinstance(cell_key, tuple) else cell_key
    page = people_behind(cell, filters or Filters())
    return page, sorted(p.participant_id for p in page.people), {p.participant_id: p.items for p in page.people}


def number(text: str) -> int:
    return int(text.replace(".", ""))


# --------------------------------------------------------------------------- every link on the page


@pytest.mark.parametrize("query", ["", "?jaar=2025", "?jaar=2026&coach=BRAM", "?verwijzer=rmc"])
def test_every_link_on_the_page_opens_a_list_of_exactly_that_number(client, login_as, data, query):
    login_as("coach")
    html = client.get("/rapportage/" + query.replace("BRAM", str(data["bram"].id))).text
    links = LINK.findall(html)
    assert len(links) > 100  # every count of every table
    seen = set()
    for href, label, shown in links:
        href = unescape(href)
        assert label.startswith(shown + ", ") and label.endswith(": toon de lijst") and len(label) > len(shown) + 20
        if href in seen:
            continue
        seen.add(href)
        page = client.get(href)
        assert page.status_code == 200, href
        intro = text_of(re.search(r'<p class="intro">(.*?)</p>', page.text, re.S).group(1))
        counted = number(re.search(r": ([\d.]+) ", intro).group(1))
        assert counted == number(shown), (href, intro)
        rows = re.findall(r'<th scope="row"><a href="/deelnemers/\d+">', page.text)
        trajectories = number(re.search(r"([\d.]+) trajecte?n?\b", intro).group(1))
        assert len(rows) == trajectories, href


def test_the_pages_counts_are_links_where_they_used_to_be_plain(client, login_as, data):
    login_as("coach")
    html = client.get("/rapportage/").text
    for figure in (
        "instroom",
        "herinnering",
        "zrm",
        "ladder",
        "toezeggingen",
        "met_maatwerk",
        "maatwerk_leefgebied",
        "maatwerk_categorie",
        "na_afloop",
        "verwezen",
        "raad",
    ):
        assert f"/rapportage/lijst?cijfer={figure}&amp;" in html, figure
    # The pilot years side by side link to the list of their own year.
    assert "/rapportage/lijst?cijfer=uitstroom&amp;cel=positief&amp;jaar=2025" in html


# --------------------------------------------------------------------------- hand counts per kind of link


def test_inflow_lists_by_start_month(data):
    page, ids, _ = listed(("instroom", "alle"), Filters(year=2025))
    assert page.total == 6  # p1, p2, p3, p4, the BBL one and p9 started in 2025
    page, ids, _ = listed(find_cell("instroom", "2025-02"), Filters(year=2025))
    assert ids == [data["p1"].id, data["p2"].id]
    assert find_cell("instroom", "2025-13") is None and find_cell("instroom", "25-1") is None


def test_zrm_and_ladder_list_the_measured(data):
    p1, p3, p9 = data["p1"].id, data["p3"].id, data["p9"].id
    assert listed(("ladder", "omhoog"))[1] == [p1]  # rung 2 -> 5
    assert listed(("ladder", "gelijk"))[1] == [p3]  # 3 -> 3
    assert listed(("ladder", "omlaag"))[1] == [p9]  # 4 -> 3
    assert listed(("zrm", "financien"))[1] == sorted([p1, p3, p9])  # p5 and p2 have one assessment
    assert listed(("zrm", "huisvesting"))[1] == [p1]  # p3 had no huisvesting score at intake
    assert listed(("ladder", "omhoog"), Filters(year=2025))[1] == [p1]


def test_commitments_count_commitments_and_name_the_pilot_wide_one(data):
    page, ids, items = listed(("toezeggingen", "nagekomen"))
    # nagekomen: p1 (ROC), p5 (ROC) and one for the whole pilot (Provincie).
    assert page.counted == 3 and page.total == 2 and page.without_trajectory == 1
    assert ids == sorted([data["p1"].id, data["p5"].id]) and set(items.values()) == {1}
    page, ids, _ = listed(("toezeggingen", "nagekomen"), Filters(coach_id=data["anna"].id))
    assert page.counted == 2 and page.without_trajectory == 0  # pilot-wide ones belong to no coach


def test_money_lists(data):
    p1, p3, p5, p9 = data["p1"].id, data["p3"].id, data["p5"].id, data["p9"].id
    page, ids, items = listed(("maatwerk_categorie", "opleiding"))
    assert page.counted == 2 and ids == sorted([p1, p5])  # p9's request is still waiting
    assert listed(("maatwerk", "deelnemers"))[1] == sorted([p1, p3, p5, p9])
    assert listed(("maatwerk", "deelnemers"), Filters(year=2025))[1] == sorted([p1, p3])
    assert listed(("met_maatwerk", "betaald_werk"))[1] == [p1]
    assert listed(("met_maatwerk", "uitgevallen"))[1] == []  # p2's and p4's requests were refused/withdrawn
    page, ids, items = listed(("maatwerk_leefgebied", "geen_doel"))
    assert page.counted == 5 and items == {p1: 2, p3: 1, p5: 1, p9: 1}
    assert listed(("maatwerk_leefgebied_deelnemers", "geen_doel"))[1] == sorted([p1, p3, p5, p9])


def test_appointments_with_and_without_a_reminder(data):
    page, ids, items = listed(("herinnering", "afspraken.zonder"))
    # Held or missed (afgemeld is neither): p1 3, p9 2, p5 3, p6 2; no reminder went out. Missed: 2, 2, 3, 1.
    assert page.counted == 10 and sorted(items.values()) == [2, 2, 3, 3]
    page, ids, items = listed(("herinnering", "niet_verschenen.zonder"))
    assert page.counted == 8 and items[data["p5"].id] == 3 and items[data["p1"].id] == 2
    assert listed(("herinnering", "afspraken.met"))[0].counted == 0


def test_referrals_count_referrals_per_trajectory(data):
    p1, p3, p9 = data["p1"].id, data["p3"].id, data["p9"].id
    page, ids, items = listed(("verwezen", "participatiecoach.alle"))
    assert page.counted == 2 and page.total == 1 and items == {p1: 2}
    assert listed(("verwezen", "participatiecoach.aangekomen"))[1] == [p1]
    page, ids, items = listed(("verwezen", "totaal.alle"))
    assert page.counted == 4 and items == {p1: 2, p3: 1, p9: 1}
    assert listed(("verwezen", "deelnemers"))[0].total == 3
    # 2025: p3's result came in January 2026, so it is still unknown for 2025.
    assert listed(("verwezen", "ggz.onbekend"), Filters(year=2025))[1] == [p3]
    assert listed(("verwezen", "ggz.niet_aangekomen"))[1] == [p3]


def test_lasting_outcomes_at_6_and_12_months(data):
    p1, p2 = data["p1"].id, data["p2"].id
    # Due by 15 December 2026: at 6 months all five trajectories closed in 2025; at 12 months those that
    # ended by 15 December 2025 (p4 ended on the 20th).
    assert listed(("na_afloop", "6.aan_de_beurt"))[0].total == 5
    assert listed(("na_afloop", "6.werk"))[1] == [p1]
    assert listed(("na_afloop", "6.werkt_of_leert"))[1] == [p1]
    assert listed(("na_afloop", f"6.{lasting.NOT_ASKED}"))[0].total == 4
    assert listed(("na_afloop", "12.aan_de_beurt"))[0].total == 4
    assert listed(("na_afloop", "12.onbekend"))[1] == [p2]
    assert listed(("na_afloop", "12.nog_onbekend"))[0].total == 4  # p2 unknown + three not asked
    figures = lasting.lasting_outcomes(Filters(), TODAY)
    assert figures.column(12).unknown.part == 4 and figures.column(6).in_work_or_school.part == 1


# --------------------------------------------------------------------------- who sees which list


@pytest.mark.parametrize("role", ["financien", "beheer"])
def test_finance_and_beheer_get_no_list_of_case_content(client, login_as, data, role):
    login_as("coach")
    assert "cijfer=verwezen" in client.get("/rapportage/").text  # the coach's body, now in the report cache
    login_as(role)
    html = client.get("/rapportage/").text
    assert "cijfer=verwezen" not in html and "cijfer=zrm" not in html and "cijfer=na_afloop" not in html
    assert "cijfer=raad&amp;cel=zorg." not in html and "cijfer=herinnering" not in html
    assert "cijfer=maatwerk_categorie" in html and "cijfer=raad&amp;cel=werk.aanmeldingen" in html
    for query in ("cijfer=verwezen&cel=ggz.alle", "cijfer=zrm&cel=financien", "cijfer=na_afloop&cel=6.werk"):
        assert client.get("/rapportage/lijst?" + query).status_code == 403


def test_finance_sees_names_and_money_of_a_money_list(client, login_as, data):
    login_as("financien")
    page = client.get("/rapportage/lijst?cijfer=maatwerk_categorie&cel=opleiding")
    text = text_of(page.text)
    assert page.status_code == 200
    assert "2 aanvragen, bij 2 trajecten" in text and "€ 1.350,25" in text
    assert "Status" not in text and "Anna Coach" not in text and "/deelnemers/" not in page.text


def test_a_coach_sees_the_count_per_trajectory(client, login_as, data):
    login_as("coach")
    text = text_of(client.get("/rapportage/lijst?cijfer=toezeggingen&cel=nagekomen").text)
    assert "Toezeggingen: Nagekomen : 3 toezeggingen, bij 2 trajecten" in text
    assert "1 toezegging hoort bij de hele pilot en bij geen traject" in text


def test_dropouts_by_reason(data):
    from tests.conftest import make_participant

    blank = make_participant(
        status="uitgevallen", outcome="uitgevallen", start_date=date(2025, 1, 6), outcome_date=date(2025, 8, 1)
    )
    blank.dropout_reason = "  "
    db.session.commit()
    # p2 and p4 dropped out in 2025 with 'Geen motivatie'; the new one gave no reason.
    page, ids, _ = listed(find_cell("uitval_reden", "Geen motivatie"), Filters(year=2025))
    assert page.total == 2 and data["p2"].id in ids
    assert listed(find_cell("uitval_reden", "Geen reden vastgelegd"), Filters(year=2025))[1] == [blank.id]
    assert find_cell("uitval_reden", " x") is None and find_cell("uitval_reden", "") is None
