"""The report as tables for CSV and XLSX: the same numbers as the page, written by `core.spreadsheet`.

Counts are integers, amounts Decimal (a euro number format in XLSX), shares the page's own rounded
percentage (`Share.percent`, half up), so a download never disagrees with the page. A share or amount
without a denominator is the text 'nog geen', never a division by zero. The formula guard (a leading
apostrophe for = + - @, tab, carriage return) is the writer's.
"""

from blueprints.reports.figures import Report, Share
from blueprints.reports.lasting import LastingFigures
from blueprints.reports.onward import OnwardFigures
from core.spreadsheet import DECIMAL, INT, MONEY, PERCENT, TEXT, Column, Sheet, safe_text  # noqa: F401

NOT_YET = "nog geen"


def _table(title: str, columns: list[tuple[str, str]], rows: list[list]) -> Sheet:
    """A sheet from (header, kind) pairs; a missing share or amount reads 'nog geen'."""
    return Sheet(title, [Column(h, k, NOT_YET if k in (PERCENT, MONEY, DECIMAL) else "") for h, k in columns], rows)


def _share_row(label: str, share: Share, whole_label: str) -> list:
    return [label, share.part, share.whole, whole_label, share.percent]


SHARE_COLUMNS = [("Omschrijving", TEXT), ("Aantal", INT), ("Noemer", INT), ("Noemer is", TEXT), ("Aandeel", PERCENT)]


def report_tables(
    report: Report, filter_labels: dict[str, str], onward: OnwardFigures, lasting: LastingFigures
) -> list[Sheet]:
    """Every table of the page, in its order; `onward` and `lasting` are the page's own figures
    (reports/onward.py, reports/lasting.py), passed in so the download is what the page showed."""
    population = f"deelnemers in {report.period_label}"
    finished = "afgesloten trajecten (afgerond of uitgevallen)"
    m = report.money
    tables = [
        _table("Selectie", [("Filter", TEXT), ("Waarde", TEXT)], [[k, v] for k, v in filter_labels.items()]),
        _council_table(report),
        _table(
            "Instroom per maand",
            [("Jaar", INT), ("Maand", INT), ("Maandnaam", TEXT), ("Nieuwe deelnemers", INT)],
            [[x.year, x.month, x.label, x.count] for x in report.inflow],
        ),
        _table(
            "Deelnemers per status",
            SHARE_COLUMNS,
            [_share_row(r.label, r.share, population) for r in report.statuses.rows],
        ),
        _table(
            "Uitstroom",
            SHARE_COLUMNS,
            [_share_row(r.label, r.share, finished) for r in report.outcomes.rows]
            + [_share_row("Positieve uitstroom (betaald werk, opleiding, BBL)", report.outcomes.positive, finished)],
        ),
        _table(
            "Uitval en redenen",
            SHARE_COLUMNS,
            [_share_row("Uitgevallen", report.dropouts.share, finished)]
            + [[f"Reden: {r.reason}", r.count, None, None, None] for r in report.dropouts.reasons],
        ),
        _onward_table(onward),
        _lasting_table(lasting),
        _table(
            "Niet verschenen",
            SHARE_COLUMNS,
            [
                _share_row("Twee keer op rij niet verschenen (regel opvolging nodig)", report.no_shows, population),
                _share_row(
                    "Niet verschenen, afspraak met herinnering",
                    report.reminder_effect.with_reminder,
                    "afspraken met een verstuurde herinnering",
                ),
                _share_row(
                    "Niet verschenen, afspraak zonder herinnering",
                    report.reminder_effect.without_reminder,
                    "afspraken zonder verstuurde herinnering",
                ),
            ],
        ),
        _table(
            "ZRM verandering",
            [("Domein", TEXT), ("Deelnemers met intake en latere meting", INT), ("Gemiddelde verandering", DECIMAL)],
            [[d.label, d.participants, d.average] for d in report.progress.domains],
        ),
        _table(
            "Participatieladder",
            SHARE_COLUMNS,
            [
                _share_row(label, share, "deelnemers met twee of meer metingen")
                for label, share in (
                    ("Omhoog", report.progress.ladder.up),
                    ("Gelijk gebleven", report.progress.ladder.same),
                    ("Omlaag", report.progress.ladder.down),
                )
            ],
        ),
        _table(
            "Toezeggingen partners",
            SHARE_COLUMNS,
            [_share_row(r.label, r.share, "toezeggingen") for r in report.commitments.rows]
            + [
                _share_row(
                    "Nagekomen van de toezeggingen met een uitkomst",
                    report.commitments.fulfilled,
                    "nagekomen of niet nagekomen",
                )
            ],
        ),
        _table(
            "Geld per pot",
            [
                ("Pot", TEXT),
                ("Budget (hele pilot)", MONEY),
                ("Verplicht", MONEY),
                ("Gerealiseerd", MONEY),
                ("Totaal", MONEY),
                ("Deel van het budget gebruikt", PERCENT),
            ],
            [[p.label, p.budget, p.committed, p.realised, p.spent, p.budget_used.percent] for p in m.pots]
            + [["Samen", m.budget_total, None, None, m.spent_total, m.budget_used.percent]],
        ),
        _table(
            "Maatwerk per categorie",
            [
                ("Categorie", TEXT),
                ("Aanvragen", INT),
                ("Verplicht", MONEY),
                ("Gerealiseerd", MONEY),
                ("Totaal", MONEY),
            ],
            [[c.label, c.requests, c.committed, c.realised, c.spent] for c in m.categories],
        ),
        _table(
            "Kosten",
            [("Omschrijving", TEXT), ("Bedrag", MONEY), ("Gedeeld door", INT), ("Noemer is", TEXT)],
            [
                ["Maatwerk (goedgekeurd en betaald)", m.maatwerk_total, None, None],
                ["Life-coach (gerealiseerd, deel van deze selectie)", m.lifecoach_share, None, None],
                ["Totale kosten", m.total_cost, None, None],
                ["Gemiddeld maatwerk per deelnemer", m.average_maatwerk, m.participants, population],
                ["Totale kosten per deelnemer", m.cost_per_participant, m.participants, population],
                [
                    "Kosten per positieve uitstroom",
                    m.cost_per_positive_outcome,
                    m.positive_outcomes,
                    "positieve uitstroom (betaald werk, opleiding, BBL)",
                ],
            ],
        ),
        _table(
            "Maatwerk per uitstroom",
            [
                ("Uitstroom", TEXT),
                ("Afgesloten trajecten", INT),
                ("Met maatwerk", INT),
                ("Verplicht", MONEY),
                ("Gerealiseerd", MONEY),
                ("Totaal", MONEY),
                ("Per traject", MONEY),
                ("Mediaan per traject", MONEY),
            ],
            [
                [r.label, r.trajectories, r.with_maatwerk, r.committed, r.realised, r.total, r.per_trajectory, r.median]
                for r in report.money_by_outcome
            ],
        ),
        _table(
            "Maatwerk per leefgebied",
            [
                ("Leefgebied van het doel", TEXT),
                ("Aanvragen", INT),
                ("Deelnemers", INT),
                ("Verplicht", MONEY),
                ("Gerealiseerd", MONEY),
                ("Totaal", MONEY),
            ],
            [[r.label, r.requests, r.participants, r.committed, r.realised, r.total] for r in report.money_by_domain],
        ),
        _years_table(report),
    ]
    return tables


def _council_table(report: Report) -> Sheet:
    """The council's table: each row with both denominators ('niet van toepassing' before the start)."""
    council = report.council
    rows = []
    for r in council.rows:
        closed = r.closed
        rows.append(
            [
                r.label,
                r.registered.part,
                r.registered.whole,
                r.registered.percent,
                closed.part if closed else "niet van toepassing",
                closed.whole if closed else None,
                closed.percent if closed else "niet van toepassing",
            ]
        )
    return _table(
        "Resultaten voor de raad",
        [
            ("Resultaat", TEXT),
            ("Aantal van alle aanmeldingen", INT),
            ("Alle aanmeldingen", INT),
            ("Aandeel van alle aanmeldingen", PERCENT),
            ("Aantal van de afgesloten trajecten", INT),
            ("Afgesloten trajecten", INT),
            ("Aandeel van de afgesloten trajecten", PERCENT),
        ],
        rows,
    )


def _onward_table(onward: OnwardFigures) -> Sheet:
    """Verwezen naar: per destination the referrals and whether the participant arrived; the arrived share
    is of the referrals with a known result, as on the page."""
    return _table(
        "Verwezen naar",
        [
            ("Verwezen naar", TEXT),
            ("Verwijzingen", INT),
            ("Aangekomen", INT),
            ("Niet aangekomen", INT),
            ("Nog onbekend", INT),
            ("Aangekomen van de bekende uitkomsten", PERCENT),
        ],
        [
            [r.label, r.count, r.arrived, r.not_arrived, r.unknown, r.arrived_share.percent]
            for r in [*onward.rows, onward.total]
        ]
        + [["Deelnemers met een verwijzing", onward.participants, None, None, None, None]],
    )


def _lasting_table(lasting: LastingFigures) -> Sheet:
    """Na afloop: a row per situation with the count and share at 6 and 12 months, of the questions due."""
    six, twelve = lasting.column(6), lasting.column(12)
    rows = [
        [a.label, a.count, a.share.percent, b.count, b.share.percent]
        for a, b in zip(six.rows, twelve.rows, strict=True)
    ]
    rows += [
        ["Werkt of leert", six.in_work_or_school.part, six.in_work_or_school.percent]
        + [twelve.in_work_or_school.part, twelve.in_work_or_school.percent],
        ["Nog onbekend (niet bereikbaar of nog niet gevraagd)", six.unknown.part, six.unknown.percent]
        + [twelve.unknown.part, twelve.unknown.percent],
        ["Aan de beurt", six.due, None, twelve.due, None],
    ]
    return _table(
        "Na afloop (6 en 12 maanden)",
        [
            ("Waar nu", TEXT),
            ("Na 6 maanden", INT),
            ("Aandeel na 6 maanden", PERCENT),
            ("Na 12 maanden", INT),
            ("Aandeel na 12 maanden", PERCENT),
        ],
        rows,
    )


def _years_table(report: Report) -> Sheet:
    """The pilot years: a row per year and one for the whole pilot (the page shows them as columns; in a
    spreadsheet a column per figure keeps one number format per column)."""
    budget = "Budget (hele pilot)" if report.filters.selects_participants else "Budget"
    return _table(
        "Pilotjaren naast elkaar",
        [
            ("Periode", TEXT),
            ("Deelnemers in het jaar", INT),
            ("Afgesloten trajecten", INT),
            ("Positieve uitstroom", INT),
            ("Positieve uitstroom van de afgesloten trajecten", PERCENT),
            (budget, MONEY),
            ("Maatwerk verplicht", MONEY),
            ("Maatwerk gerealiseerd", MONEY),
            ("Life-coach gerealiseerd", MONEY),
            ("Totale kosten", MONEY),
            ("Deel van het budget gebruikt", PERCENT),
            ("Kosten per positieve uitstroom", MONEY),
        ],
        [
            [
                y.label,
                y.participants,
                y.finished,
                y.positive,
                y.positive_share.percent,
                y.budget,
                y.committed,
                y.realised,
                y.lifecoach_share,
                y.total_cost,
                y.budget_used.percent,
                y.cost_per_positive_outcome,
            ]
            for y in report.years
        ],
    )
