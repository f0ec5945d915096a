"""Report figures without HTTP: every number of the known dataset, worked out by hand in the test."""

from decimal import Decimal

import pytest

from blueprints.reports.charts import charts_for, columns, horizontal
from blueprints.reports.figures import Filters, Share, build_report, divide_money, filter_options
from tests.conftest import count_queries
from tests.factories_reports import add_bulk, build_known_dataset

D = Decimal


@pytest.fixture
def data(app):
    return build_known_dataset()


def statuses(report):
    return {r.key: r.count for r in report.statuses.rows}


def outcome_counts(report):
    return {r.key: r.count for r in report.outcomes.rows}


def domain(report, key):
    return next(d for d in report.progress.domains if d.domain == key)


def commitment_counts(report):
    return {r.key: r.count for r in report.commitments.rows if r.count}


def pot(report, kind):
    return next(p for p in report.money.pots if p.kind == kind)


def category(report, key):
    return next(c for c in report.money.categories if c.category == key)


# --------------------------------------------------------------------------- 2025: trajectories closed


def test_year_2025_participants_and_outcomes(data):
    report = build_report(Filters(year=2025))
    # Inflow by start date: Feb p1+p2, May p3, Sep p4+p8, Nov p9; all twelve months listed.
    assert [m.count for m in report.inflow] == [0, 2, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0]
    assert report.inflow_total == 6
    # In the pilot in 2025: the six who started in 2025 (nobody closed before 2025). Status at the end
    # of 2025: p9 was still in intake then (its history), the others have no history: current status.
    assert report.statuses.total == 6
    assert statuses(report) == {
        "aangemeld": 0,
        "intake": 1,
        "actief": 0,
        "afgerond": 3,
        "uitgevallen": 2,
        "niet_gestart": 0,
    }
    afgerond = next(r for r in report.statuses.rows if r.key == "afgerond")
    assert (afgerond.share.part, afgerond.share.whole, afgerond.share.percent) == (3, 6, D(50))
    # Closed in 2025: p1 betaald werk, p3 opleiding, p8 BBL, p2 + p4 uitgevallen.
    assert report.outcomes.finished == 5
    counts = outcome_counts(report)
    assert counts["betaald_werk"] == counts["opleiding"] == counts["leerwerktraject"] == 1
    assert counts["uitgevallen"] == 2
    assert sum(counts.values()) == 5
    assert report.outcomes.positive == Share(3, 5)
    assert report.outcomes.positive.percent == D(60)
    assert report.dropouts.share == Share(2, 5)
    assert [(r.reason, r.count) for r in report.dropouts.reasons] == [("Geen motivatie", 2)]
    # Two or more no-shows in 2025: p1 (2). p9 has one on 1 Dec and one on 1 Jan 2026 Hengelo time.
    assert report.no_shows == Share(1, 6)
    assert report.no_shows.percent == D(17)


def test_year_2025_zrm_ladder_and_commitments(data):
    report = build_report(Filters(year=2025))
    # Pairs by end of 2025: p1 (2->4, 1->3, 3->3) and p3 (3->2, 2->4, unscored->4). p9 has one measurement.
    assert (domain(report, "financien").participants, domain(report, "financien").average) == (2, D("0.5"))
    assert (domain(report, "werk_opleiding").participants, domain(report, "werk_opleiding").average) == (2, D("2.0"))
    assert (domain(report, "huisvesting").participants, domain(report, "huisvesting").average) == (1, D("0.0"))
    assert domain(report, "justitie").average is None  # intake 'niet gescoord': no change to compute
    assert domain(report, "sociaal_netwerk").average is None
    ladder = report.progress.ladder
    assert (ladder.up, ladder.same, ladder.down) == (Share(1, 2), Share(1, 2), Share(0, 2))
    # Due in 2025: p1 nagekomen, p3 niet nagekomen, pilot-wide nagekomen.
    assert commitment_counts(report) == {"nagekomen": 2, "niet_nagekomen": 1}
    assert report.commitments.total == 3
    assert report.commitments.fulfilled == Share(2, 3)
    assert report.commitments.fulfilled.percent == D(67)


def test_year_2025_money(data):
    report = build_report(Filters(year=2025))
    m = report.money
    # Life-coach pot: 6000.00 + 6250.50 invoiced; maatwerk pot: 75000 + 10000 contribution - 5000 carried over.
    assert pot(report, "lifecoach").budget == D("75000.00")
    assert pot(report, "lifecoach").realised == D("12250.50")
    assert pot(report, "lifecoach").committed == D("0.00")
    assert pot(report, "maatwerk").budget == D("80000.00")
    assert pot(report, "maatwerk").committed == D("150.25")
    assert pot(report, "maatwerk").realised == D("2000.00")  # 1200.00 + 800.00; rejected etc. never count
    assert category(report, "opleiding").realised == D("1200.00")
    assert category(report, "opleiding").requests == 1  # the 99.99 still 'aangevraagd' does not count
    assert category(report, "vervoer").committed == D("150.25")
    assert category(report, "schulden").spent == D("800.00")
    assert category(report, "huisvesting").spent == D("0.00")
    assert m.maatwerk_total == D("2150.25")
    assert m.maatwerk_participants == 2
    assert m.average_maatwerk == D("358.38")  # 2150.25 / 6 = 358.375
    assert m.total_cost == D("14400.75")  # 2150.25 + 12250.50
    assert m.cost_per_participant == D("2400.13")  # 14400.75 / 6 = 2400.125
    assert m.cost_per_positive_outcome == D("4800.25")  # 14400.75 / 3
    assert all(isinstance(v, Decimal) for v in (m.total_cost, m.cost_per_participant, m.lifecoach_share))


def test_report_pot_budgets_are_the_budget_dashboards_totals(data):
    """The council report and finance's dashboard read one function, so they can never disagree."""
    from blueprints.budget.rules import pot_figures

    for year in (2025, 2026, None):
        report = build_report(Filters(year=year))
        for kind in ("lifecoach", "maatwerk"):
            expected = sum((p.total for p in pot_figures(year=year).values() if p.kind == kind), D("0.00"))
            assert pot(report, kind).budget == expected


# --------------------------------------------------------------------------- 2026: nobody finished


def test_year_2026_nobody_finished(data):
    report = build_report(Filters(year=2026))
    assert [m.count for m in report.inflow][:3] == [1, 0, 2]
    assert report.inflow_total == 3
    # In the pilot in 2026: p9 (from 2025, still active), p5, p6, p7. The 2025 closures are out.
    assert report.statuses.total == 4
    assert statuses(report) == {
        "aangemeld": 1,
        "intake": 1,
        "actief": 2,
        "afgerond": 0,
        "uitgevallen": 0,
        "niet_gestart": 0,
    }
    assert report.outcomes.finished == 0
    assert report.outcomes.positive == Share(0, 0)
    assert report.outcomes.positive.percent is None
    assert all(r.share.percent is None for r in report.outcomes.rows)
    assert report.dropouts.share == Share(0, 0) and report.dropouts.reasons == []
    # Two no-shows in a row, completed in 2026 (#17 point 7, the follow-up rule): p5 (three in a row) and
    # p9, whose row of 1 Dec 2025 + 1 Jan 2026 (Hengelo) ends in 2026. Before, 'two or more in the year'
    # counted p5 only. p6's no-show was followed by an attended conversation.
    assert report.no_shows == Share(2, 4)
    # p9: 3->3 and 2->2 from its 2025 intake to February 2026; ladder 4 -> 3.
    assert (domain(report, "financien").participants, domain(report, "financien").average) == (1, D("0.0"))
    assert report.progress.ladder.down == Share(1, 1)
    assert commitment_counts(report) == {"toegezegd": 1, "in_uitvoering": 1, "nagekomen": 1, "vervallen": 1}
    assert report.commitments.fulfilled == Share(1, 1)
    m = report.money
    assert pot(report, "maatwerk").budget == D("80000.00")  # 75000 + 5000 carried in
    assert pot(report, "lifecoach").realised == D("4749.50")  # 5000.00 - 250.50 credit note
    assert m.maatwerk_total == D("750.10")
    assert m.average_maatwerk == D("187.53")  # 750.10 / 4 = 187.525
    assert m.total_cost == D("5499.60")
    assert m.cost_per_participant == D("1374.90")
    assert m.positive_outcomes == 0
    assert m.cost_per_positive_outcome is None


def test_empty_year(data):
    report = build_report(Filters(year=2024))
    assert len(report.inflow) == 12 and report.inflow_total == 0
    assert report.statuses.total == 0
    assert all(r.share.percent is None for r in report.statuses.rows)
    assert report.outcomes.finished == 0 and report.outcomes.positive.percent is None
    assert report.no_shows == Share(0, 0)
    assert report.progress.ladder.measured == 0
    assert all(d.average is None for d in report.progress.domains)
    assert report.commitments.total == 0 and report.commitments.fulfilled.percent is None
    m = report.money
    assert pot(report, "maatwerk").budget == D("75000.00")
    assert m.total_cost == D("0.00")
    assert m.average_maatwerk is None and m.cost_per_participant is None and m.cost_per_positive_outcome is None


def test_status_at_year_end_for_a_trajectory_closed_later(app):
    from datetime import date

    from tests.conftest import make_participant

    make_participant(start_date=date(2025, 3, 1), status="afgerond", outcome="opleiding", outcome_date=date(2026, 2, 1))
    make_participant(
        start_date=date(2025, 4, 1), status="uitgevallen", outcome="uitgevallen", outcome_date=date(2025, 8, 1)
    )
    # End of 2025: the first was still running (closed in 2026), the second had dropped out.
    assert statuses(build_report(Filters(year=2025))) == {
        "aangemeld": 0,
        "intake": 0,
        "actief": 1,
        "afgerond": 0,
        "uitgevallen": 1,
        "niet_gestart": 0,
    }
    assert statuses(build_report(Filters(year=2026)))["afgerond"] == 1
    assert statuses(build_report(Filters()))["afgerond"] == 1


def test_empty_database_whole_pilot(app):
    report = build_report(Filters())
    assert report.inflow == []
    assert report.statuses.total == 0
    assert report.money.cost_per_participant is None
    assert report.money.budget_total == D("0.00")


# --------------------------------------------------------------------------- whole pilot and filters


def test_whole_pilot(data):
    report = build_report(Filters())
    assert len(report.inflow) == 14  # February 2025 up to March 2026
    assert report.inflow_total == 9
    assert report.statuses.total == 9
    assert statuses(report) == {
        "aangemeld": 1,
        "intake": 1,
        "actief": 2,
        "afgerond": 3,
        "uitgevallen": 2,
        "niet_gestart": 0,
    }
    assert report.outcomes.finished == 5 and report.outcomes.positive == Share(3, 5)
    assert report.no_shows == Share(3, 9)  # p1, p9 (1 Dec + 31 Dec), p5
    # Pairs p1, p3, p9: financien 2 - 1 + 0 = 1 over 3; werk 2 + 2 + 0 = 4 over 3.
    assert (domain(report, "financien").participants, domain(report, "financien").average) == (3, D("0.3"))
    assert domain(report, "werk_opleiding").average == D("1.3")
    assert domain(report, "justitie").average is None
    ladder = report.progress.ladder
    assert (ladder.up, ladder.same, ladder.down) == (Share(1, 3), Share(1, 3), Share(1, 3))
    assert report.commitments.total == 7
    assert report.commitments.fulfilled == Share(3, 4)
    m = report.money
    assert pot(report, "maatwerk").budget == D("235000.00")  # 3 x 75000 + 10000; the carry-over nets out
    assert pot(report, "lifecoach").budget == D("225000.00")
    assert m.lifecoach_realised == D("17000.00")
    assert m.maatwerk_total == D("2900.35")
    assert category(report, "opleiding").requests == 2
    assert category(report, "opleiding").spent == D("1650.10")
    assert m.average_maatwerk == D("322.26")  # 2900.35 / 9
    assert m.total_cost == D("19900.35")
    assert m.cost_per_participant == D("2211.15")
    assert m.cost_per_positive_outcome == D("6633.45")


def test_coach_filter_allocates_lifecoach_costs(data):
    report = build_report(Filters(year=2025, coach_id=data["anna"].id))
    # Anna's participants in 2025: p1 (betaald werk) and p2 (uitgevallen).
    assert report.statuses.total == 2 and report.statuses.total_all == 6
    assert report.inflow_total == 2
    assert outcome_counts(report)["betaald_werk"] == 1 and report.outcomes.finished == 2
    assert report.outcomes.positive == Share(1, 2)
    assert report.no_shows == Share(1, 2)
    assert domain(report, "financien").average == D("2.0")
    assert report.progress.ladder.up == Share(1, 1)
    assert report.commitments.total == 1  # p1's; the pilot-wide commitment belongs to no coach
    m = report.money
    assert m.maatwerk_total == D("1350.25")
    assert m.lifecoach_realised == D("12250.50")
    assert m.lifecoach_share == D("4083.50")  # 12250.50 x 2 / 6
    assert pot(report, "lifecoach").realised == D("4083.50") and pot(report, "lifecoach").allocated
    assert m.total_cost == D("5433.75")
    assert m.cost_per_participant == D("2716.88")  # 5433.75 / 2 = 2716.875
    assert m.cost_per_positive_outcome == D("5433.75")


def test_referral_filter(data):
    report = build_report(Filters(referral="rmc"))
    # rmc: p1 (afgerond, betaald werk), p4 (uitgevallen), p9 (actief), p7 (aangemeld).
    assert report.statuses.total == 4 and report.statuses.total_all == 9
    assert report.outcomes.finished == 2 and report.outcomes.positive == Share(1, 2)
    assert report.money.maatwerk_total == D("1650.25")  # p1 1350.25 + p9 300.00
    assert report.money.lifecoach_share == D("7555.56")  # 17000.00 x 4 / 9 = 7555.555...


def test_progress_by_referral_and_by_coach(data):
    # rmc: p1 (2025: ladder 2 -> 5; financien 2 -> 4, werk 1 -> 3, huisvesting 3 -> 3) and p9 (4 -> 3 in 2026;
    # financien 3 -> 3, werk 2 -> 2). p4 and p7 have no assessments.
    whole = build_report(Filters(referral="rmc"))
    ladder = whole.progress.ladder
    assert (ladder.measured, ladder.up, ladder.same, ladder.down) == (2, Share(1, 2), Share(0, 2), Share(1, 2))
    assert (domain(whole, "financien").participants, domain(whole, "financien").total_change) == (2, 2)
    assert (domain(whole, "werk_opleiding").participants, domain(whole, "werk_opleiding").average) == (2, D("1.0"))
    assert (domain(whole, "huisvesting").participants, domain(whole, "huisvesting").average) == (1, D("0.0"))
    assert domain(whole, "justitie").participants == 0  # p1's intake: niet gescoord
    # By the end of 2025 p9 had one assessment; in 2026 p1 is no longer in the pilot.
    assert build_report(Filters(year=2025, referral="rmc")).progress.ladder.up == Share(1, 1)
    rmc_2026 = build_report(Filters(year=2026, referral="rmc"))
    assert rmc_2026.progress.ladder.down == Share(1, 1)
    assert domain(rmc_2026, "financien").average == D("0.0")
    # Anna over the whole pilot: p1 has two assessments; p2 and p5 one each.
    anna = build_report(Filters(coach_id=data["anna"].id))
    assert anna.progress.ladder.measured == 1 and anna.progress.ladder.up == Share(1, 1)
    assert domain(anna, "financien").average == D("2.0")


def test_filter_options(data):
    options = filter_options()
    assert [o.value for o in options["years"]] == ["2024", "2025", "2026"]
    assert [o.label for o in options["coaches"]] == ["Anna Coach", "Bram Coach"]
    assert "rmc" in [o.value for o in options["referrals"]]


# --------------------------------------------------------------------------- query count and helpers


def test_query_count_does_not_grow_with_participants(data):
    bram_id = data["bram"].id
    with count_queries() as small:
        build_report(Filters())
        build_report(Filters(year=2026, coach_id=bram_id))
    add_bulk(25, data["bram"])
    with count_queries() as large:
        report = build_report(Filters())
        bram_2026 = build_report(Filters(year=2026, coach_id=bram_id))
    assert report.statuses.total == 34
    assert bram_2026.statuses.total == 27 and bram_2026.progress.ladder.up.part == 25
    # 12 queries per report, whatever the data: statuses, inflow, no-shows with and without a reminder,
    # ZRM, commitments, the life domains' money, the pilot years' participants; one pass over participants
    # for the council's table, the persons and the two-no-shows count; one row per closed trajectory for
    # the outcomes, the dropouts and the money per outcome; pots, spending and invoices once for the money
    # and the pilot years side by side (was 20 before these were merged).
    assert small() == large() == 24


def test_share_and_division_never_divide_by_zero():
    assert Share(0, 0).percent is None
    assert Share(1, 3).percent == D(33)
    assert Share(2, 3).percent == D(67)
    assert divide_money(D("10.00"), 0) is None
    assert divide_money(D("10.00"), 3) == D("3.33")


def test_charts_geometry():
    chart = horizontal([("A", 4, "4"), ("B", 2, "2"), ("C", 0, "0")])
    assert chart.bars[0].width == 340 and chart.bars[1].width == 170 and chart.bars[2].width == 0
    diverging = horizontal([("Plus", D("2.0"), "+2,0"), ("Min", D("-1.0"), "-1,0")])
    assert diverging.zero_x is not None
    assert diverging.bars[1].negative and diverging.bars[1].x < diverging.zero_x
    cols = columns([("jan", 0, "0"), ("feb", 3, "3")])
    assert cols.bars[0].height == 0 and cols.bars[1].height == 160


def test_charts_for_report(data):
    charts = charts_for(build_report(Filters()))
    assert [b.label for b in charts["inflow"].bars][:2] == ["", ""]  # many months: every third labelled
    assert charts["inflow"].bars[-3].label == "jan '26"
    assert charts["zrm"].bars[0].text == "+0,3"
