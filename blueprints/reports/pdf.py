"""The report as an A4 PDF for the council (raadsinformatiebrief, issue #17 point 10).

It sets the figures the page shows, from the same objects (`build_report`, `onward_referrals`,
`lasting_outcomes`, `charts_for`): nothing is counted here, only written. Shares read as on the page,
'23 van de 107 afgesloten trajecten (21%)', with the percentage of `Share.percent` (core/percent.py, half
up), so the PDF never disagrees with the page, the CSV or the XLSX.

Charts are drawn with fpdf2's own rectangles and text from the page's chart geometry (reports/charts.py,
pixels scaled to the page width): the same bars as the page's SVG, and text that stays selectable.
Fonts and the footer come from core/pdf.py, as for the contract PDF.
"""

from __future__ import annotations

from fpdf.fonts import FontFace

from blueprints.reports.charts import Chart
from blueprints.reports.figures import Report, Share
from blueprints.reports.lasting import LastingFigures
from blueprints.reports.onward import OnwardFigures
from core.formatting import number_nl
from core.money import format_money
from core.pdf import DutchPDF

TITLE = "Rapportage Perspectiefjaar 23+"
BAR = (0, 86, 110)  # the page's chart colours (#00566e, #a1001a)
NEGATIVE = (161, 0, 26)
AXIS = (79, 86, 96)
HEAD_FILL = (230, 236, 239)
TEXT_SIZE = 9.5
TABLE_SIZE = 8.5
CHART_TEXT_SIZE = 7.5


def share_text(share: Share, noun: str, of: str = "van de") -> str:
    """'12 van de 24 afgesloten trajecten (50%)', or 'nog geen afgesloten trajecten' (the page's macro)."""
    if not share.whole:
        return f"nog geen {noun}"
    return f"{number_nl(share.part)} {of} {number_nl(share.whole)} {noun} ({share.percent}%)"


def percent_text(share: Share) -> str:
    return f"{share.percent}%" if share.whole else "nog geen"


def money_or(amount, why: str) -> str:
    return f"nog geen ({why})" if amount is None else format_money(amount)


class ReportPDF(DutchPDF):
    heading_size = 13

    def __init__(self, period: str, made_on: str):
        super().__init__()
        self.period = period
        self.made_on = made_on

    def footer_label(self) -> str:
        return f"{TITLE}, {self.period}, gemaakt op {self.made_on}"

    # ------------------------------------------------------------------ text

    def para(self, text: str, size: float = TEXT_SIZE, bold: bool = False):
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, self.t(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def section(self, title: str, level: int = 1, keep: float = 40):
        """A heading that never stands alone at the foot of a page: `keep` mm of what follows must fit."""
        if self.get_y() > self.page_break_trigger - keep:
            self.add_page()
        self.ln(3 if level == 1 else 1.5)
        self.start_section(title, level=level - 1)  # the PDF's outline (bookmarks)
        self.set_font(self.family, "B", self.heading_size if level == 1 else 11)
        self.multi_cell(0, 6.5, self.t(title), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    # ------------------------------------------------------------------ tables

    def grid(self, rows: list[list], widths: tuple, numeric: tuple[int, ...] = (), size: float = TABLE_SIZE):
        """A table: the first row is the heading (repeated on a new page); columns in `numeric` are
        right-aligned. Every value is text already, as the page shows it."""
        align = tuple("RIGHT" if i in numeric else "LEFT" for i in range(len(widths)))
        self.set_font(self.family, "", size)
        self.set_draw_color(170, 170, 170)
        with self.table(
            col_widths=widths,
            text_align=align,
            line_height=size * 0.5,
            padding=(0.8, 1.2),
            headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
            width=self.epw,
        ) as table:
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(self.t(value))
        self.set_draw_color(0, 0, 0)
        self.ln(2.5)

    # ------------------------------------------------------------------ charts

    def _chart_space(self, chart: Chart, title: str) -> tuple[float, float, float]:
        """(scale, left, top) for a chart of the page's pixel geometry over the text width, its title
        above it; chart and title go to the next page together when they do not fit."""
        scale = self.epw / chart.width
        if self.get_y() + 8 + chart.height * scale > self.page_break_trigger:
            self.add_page()
        self.para(title, 9, bold=True)
        self.set_font(self.family, "", CHART_TEXT_SIZE)
        return scale, self.l_margin, self.get_y()

    def _chart_done(self, chart: Chart, scale: float, top: float):
        # Tables fill their cells with the current colour: back to white and black after a chart.
        self.set_fill_color(255, 255, 255)
        self.set_draw_color(0, 0, 0)
        self.set_y(top + chart.height * scale + 2)

    def hbar(self, chart: Chart, title: str):
        if not chart.bars:
            return
        scale, left, top = self._chart_space(chart, title)
        for bar in chart.bars:
            label = self.t(bar.label)
            self.text(left + bar.label_x * scale - self.get_string_width(label), top + bar.label_y * scale, label)
            if bar.width:
                self.set_fill_color(*(NEGATIVE if bar.negative else BAR))
                self.rect(left + bar.x * scale, top + bar.y * scale, bar.width * scale, bar.height * scale, "F")
            self.text(left + bar.text_x * scale, top + bar.text_y * scale, self.t(bar.text))
        if chart.zero_x is not None:
            self.set_draw_color(*AXIS)
            x = left + chart.zero_x * scale
            self.line(x, top, x, top + chart.height * scale)
        self._chart_done(chart, scale, top)

    def columns(self, chart: Chart, title: str):
        if not chart.bars:
            return
        scale, left, top = self._chart_space(chart, title)
        self.set_draw_color(*AXIS)
        base = top + chart.baseline_y * scale
        self.line(left, base, left + chart.width * scale, base)
        self.set_draw_color(0, 0, 0)
        self.set_fill_color(*BAR)
        for bar in chart.bars:
            if bar.height:
                self.rect(left + bar.x * scale, top + bar.y * scale, bar.width * scale, bar.height * scale, "F")
                self._centred(bar.text, left + bar.text_x * scale, top + bar.text_y * scale)
            if bar.label:
                self._centred(bar.label, left + bar.label_x * scale, top + bar.label_y * scale)
        self._chart_done(chart, scale, top)

    def _centred(self, text: str, x: float, y: float):
        text = self.t(text)
        self.text(x - self.get_string_width(text) / 2, y, text)


def build_report_pdf(
    report: Report,
    filter_labels: dict[str, str],
    onward: OnwardFigures,
    lasting: LastingFigures,
    charts: dict[str, Chart],
    compress: bool = True,
) -> bytes:
    """PDF bytes of the report with the page's filters (`filter_labels` as the page lists them)."""
    period = report.period_label
    pdf = ReportPDF(period, filter_labels.get("Gemaakt op", ""))
    pdf.set_compression(compress)
    pdf.set_title(f"{TITLE}: resultaten van {period}")
    pdf.set_author("Gemeente Hengelo, Perspectiefjaar 23+")
    pdf.set_lang("nl-NL")
    pdf.add_page()
    pdf.heading(TITLE, 16)
    pdf.para(f"Resultaten van {period}", 12, bold=True)
    pdf.grid([["Selectie", "Waarde"], *[[k, v] for k, v in filter_labels.items()]], (1, 2))
    _key_figures(pdf, report)
    _council(pdf, report)
    _inflow(pdf, report, charts)
    _statuses_and_outcomes(pdf, report, charts)
    _onward(pdf, report, onward)
    _lasting(pdf, report, lasting)
    _no_shows(pdf, report)
    _progress(pdf, report, charts)
    _commitments(pdf, report)
    _money(pdf, report, charts)
    return bytes(pdf.output())


def _key_figures(pdf: ReportPDF, report: Report):
    m = report.money
    pdf.section("Kerncijfers")
    pdf.grid(
        [
            ["Onderdeel", "Waarde"],
            ["Deelnemers", f"{number_nl(report.statuses.total)} in {report.period_label}"],
            ["Afgesloten trajecten", f"{number_nl(report.outcomes.finished)} (afgerond of uitgevallen)"],
            ["Positieve uitstroom", share_text(report.outcomes.positive, "afgesloten trajecten")],
            ["Kosten per deelnemer", money_or(m.cost_per_participant, "geen deelnemers")],
        ],
        (1, 2),
    )
    if report.filters.coach_id:
        pdf.para(
            "Met een coachfilter telt elk cijfer bij de coach die het dossier had op het moment van de "
            "gebeurtenis (start, afsluiting, aanvraag, gesprek, meting). Een overdracht verschuift dus geen "
            "eerdere resultaten of uitgaven naar de nieuwe coach.",
            8.5,
        )


def _council(pdf: ReportPDF, report: Report):
    council = report.council
    pdf.section("Resultaten voor de raad")
    in_year = f", afgesloten in {report.filters.year}" if report.filters.year else ""
    pdf.para(
        f"Elk resultaat twee keer geteld: van alle aanmeldingen ({number_nl(council.registered)}, ook wie niet "
        f"gestart is) en van de afgesloten trajecten ({number_nl(council.closed)}, afgerond of uitgevallen"
        f"{in_year}). Eén traject kan in meer dan één regel staan, dus de regels tellen niet op tot 100%."
    )
    rows = [["Resultaat", "Van alle aanmeldingen", "Van de afgesloten trajecten"]]
    for row in council.rows:
        closed = (
            "niet van toepassing (nooit gestart)"
            if row.closed is None
            else share_text(row.closed, "afgesloten trajecten")
        )
        rows.append([row.label, share_text(row.registered, "aanmeldingen"), closed])
    pdf.grid(rows, (3.4, 3.3, 3.3))


def _inflow(pdf: ReportPDF, report: Report, charts):
    pdf.section("Instroom per maand", keep=90)  # the chart follows
    pdf.para(
        f"{number_nl(report.inflow_total)} nieuwe deelnemers gestart in {report.period_label} (geteld op startdatum)."
    )
    if not report.inflow:
        pdf.para("Nog geen deelnemers gestart.")
        return
    pdf.columns(charts["inflow"], "Nieuwe deelnemers per maand")
    # Three months to a row: a long pilot stays on one page and every number is still in a table.
    per_row = 3
    rows = [["Maand", "Nieuw"] * per_row]
    months = report.inflow
    for start in range(0, len(months), per_row):
        cells = []
        for month in months[start : start + per_row]:
            cells += [month.label, str(month.count)]
        rows.append(cells + [""] * (2 * per_row - len(cells)))
    pdf.grid(rows, (2, 1) * per_row, numeric=(1, 3, 5))


def _statuses_and_outcomes(pdf: ReportPDF, report: Report, charts):
    population = f"deelnemers in {report.period_label}"
    finished = "afgesloten trajecten"
    pdf.section("Deelnemers per status", keep=80)
    pdf.hbar(charts["statuses"], "Deelnemers per status")
    pdf.grid(
        [["Status", "Aantal", "Aandeel"]]
        + [[r.label, number_nl(r.count), share_text(r.share, population)] for r in report.statuses.rows],
        (3, 1, 4),
        numeric=(1,),
    )

    pdf.section("Uitstroom")
    pdf.para(f"Positieve uitstroom (betaald werk, opleiding, BBL): {share_text(report.outcomes.positive, finished)}.")
    if report.outcomes.finished:
        pdf.hbar(charts["outcomes"], "Uitstroom per categorie")
    else:
        pdf.para(f"Nog geen afgesloten trajecten in {report.period_label}: er is nog geen uitstroom te tonen.")
    pdf.grid(
        [["Uitstroom", "Aantal", "Aandeel van de afgesloten trajecten"]]
        + [[r.label, number_nl(r.count), share_text(r.share, finished)] for r in report.outcomes.rows],
        (3, 1, 4),
        numeric=(1,),
    )
    pdf.section("Uitval en redenen", 2)
    pdf.para(f"Uitgevallen: {share_text(report.dropouts.share, finished)}.")
    if report.dropouts.reasons:
        pdf.grid(
            [["Reden", "Aantal"]] + [[r.reason, number_nl(r.count)] for r in report.dropouts.reasons],
            (4, 1),
            numeric=(1,),
        )
    else:
        pdf.para("Nog geen uitval.")


def _onward(pdf: ReportPDF, report: Report, onward: OnwardFigures):
    pdf.section("Verwezen naar")
    made = (
        f" (gedaan in {report.filters.year}; de uitkomst zoals die op 31 december bekend was)"
        if report.filters.year
        else ""
    )
    pdf.para(
        f"{number_nl(onward.total.count)} verwijzingen van {number_nl(onward.participants)} deelnemers in "
        f"{report.period_label}{made}. Een verwijzing staat los van de uitstroom; één deelnemer kan vaker "
        "verwezen zijn. Verwijzingen naar een partnerorganisatie staan samen in één regel."
    )
    rows = [["Verwezen naar", "Verwijzingen", "Aangekomen", "Niet aangekomen", "Nog onbekend"]]
    for r in [*onward.rows, onward.total]:
        rows.append([r.label, str(r.count), str(r.arrived), str(r.not_arrived), str(r.unknown)])
    pdf.grid(rows, (3.4, 1.6, 1.6, 1.6, 1.6), numeric=(1, 2, 3, 4))
    pdf.para(f"Aangekomen: {share_text(onward.total.arrived_share, 'verwijzingen met een bekende uitkomst')}.")


def _lasting(pdf: ReportPDF, report: Report, lasting: LastingFigures):
    six, twelve = lasting.column(6), lasting.column(12)
    pdf.section("Na afloop: waar zijn deelnemers 6 en 12 maanden later?")
    counted = (
        f"de vragen die in {report.filters.year} aan de beurt waren, met de antwoorden die op 31 december bekend waren"
        if report.filters.year
        else "alle vragen die tot vandaag aan de beurt waren"
    )
    pdf.para(
        "Zes en twaalf maanden na het einde van een traject (afgerond of uitgevallen) vraagt de life-coach na "
        f"waar iemand is. Geteld: {counted}. Onbekend is: niet bereikbaar, of nog niet gevraagd."
    )
    for column in (six, twelve):
        pdf.para(
            f"Na {column.months} maanden werkt of leert: {share_text(column.in_work_or_school, 'trajecten')}. "
            f"Nog onbekend: {share_text(column.unknown, 'trajecten')}."
        )

    def cell(row) -> str:
        return f"{row.count} ({row.share.percent}%)" if row.share.whole else str(row.count)

    rows = [["Waar nu", "Na 6 maanden", "Na 12 maanden"]]
    rows += [[a.label, cell(a), cell(b)] for a, b in zip(six.rows, twelve.rows, strict=True)]
    rows.append(["Aan de beurt", str(six.due), str(twelve.due)])
    pdf.grid(rows, (4, 1.5, 1.5), numeric=(1, 2))


def _no_shows(pdf: ReportPDF, report: Report):
    population = f"deelnemers in {report.period_label}"
    second = f" (de tweede keer in {report.filters.year})" if report.filters.year else ""
    pdf.section("Niet verschenen")
    pdf.para(f"Twee keer op rij niet verschenen{second}: {share_text(report.no_shows, population)}.")
    effect = report.reminder_effect
    pdf.grid(
        [
            ["Afspraken", "Aantal", "Niet verschenen", "Percentage"],
            ["Met herinnering", *_reminder_cells(effect.with_reminder)],
            ["Zonder herinnering", *_reminder_cells(effect.without_reminder)],
        ],
        (2, 1, 1.4, 1),
        numeric=(1, 2, 3),
    )


def _reminder_cells(share: Share) -> list[str]:
    return [number_nl(share.whole), number_nl(share.part), percent_text(share)]


def _progress(pdf: ReportPDF, report: Report, charts):
    ladder = report.progress.ladder
    pdf.section("Zelfredzaamheid (ZRM)", keep=100)
    pdf.para(
        "Gemiddelde verandering per domein van de eerste meting (intake) tot de laatste meting, voor deelnemers "
        "met minstens twee metingen. Scores lopen van 1 (acute problematiek) tot 5 (volledig zelfredzaam); "
        "een plus is vooruitgang."
    )
    if ladder.measured:
        pdf.hbar(charts["zrm"], "Gemiddelde verandering per ZRM-domein")
    else:
        pdf.para(f"Nog geen deelnemers met twee metingen in {report.period_label}.")
    pdf.grid(
        [["Domein", "Gemiddelde verandering", "Aantal deelnemers gemeten"]]
        + [
            [d.label, "nog geen" if d.average is None else f"{d.average:+.1f}".replace(".", ","), str(d.participants)]
            for d in report.progress.domains
        ],
        (3, 2, 2),
        numeric=(1, 2),
    )
    pdf.section("Participatieladder", 2)
    if ladder.measured:
        pdf.hbar(charts["ladder"], "Participatieladder: omhoog, gelijk, omlaag")
    noun = "deelnemers met twee of meer metingen"
    pdf.grid(
        [["Richting", "Aantal", "Aandeel"]]
        + [
            [label, str(s.part), share_text(s, noun)]
            for label, s in (("Omhoog", ladder.up), ("Gelijk gebleven", ladder.same), ("Omlaag", ladder.down))
        ],
        (2, 1, 5),
        numeric=(1,),
    )


def _commitments(pdf: ReportPDF, report: Report):
    figures = report.commitments
    pdf.section("Toezeggingen van partners")
    pdf.para(
        f"Nagekomen: {share_text(figures.fulfilled, 'toezeggingen met een uitkomst (nagekomen of niet nagekomen)')}."
    )
    pdf.grid(
        [["Status", "Aantal", "Aandeel"]]
        + [[r.label, str(r.count), share_text(r.share, "toezeggingen")] for r in figures.rows],
        (3, 1, 4),
        numeric=(1,),
    )


def _money(pdf: ReportPDF, report: Report, charts):
    m = report.money
    selection = report.filters.selects_participants
    population = f"deelnemers in {report.period_label}"
    pdf.section("Geld")
    pots = f"De potten van begrotingsjaar {report.filters.year}" if report.filters.year else "Alle potten van de pilot"
    pdf.para(
        f"{pots}. Maatwerk telt goedgekeurde (verplicht) en betaalde (gerealiseerd) aanvragen; de life-coach telt "
        "de geboekte facturen."
    )
    if selection:
        pdf.para(
            "Het budget is het budget van de hele pilot: het hoort niet bij één coach of verwijzer. De uitgaven "
            f"zijn van deze selectie; de life-coach is een gelijk deel per deelnemer: {m.participants} van de "
            f"{m.participants_all} deelnemers, {format_money(m.lifecoach_share)} van "
            f"{format_money(m.lifecoach_realised)}."
        )
    rows = [["Pot", "Budget", "Verplicht", "Gerealiseerd", "Totaal", "Budget gebruikt"]]
    for p in m.pots:
        label = p.label + (" (deel van deze selectie)" if p.allocated else "")
        rows.append(
            [label, *map(format_money, (p.budget, p.committed, p.realised, p.spent)), percent_text(p.budget_used)]
        )
    rows.append(
        [
            "Samen",
            format_money(m.budget_total),
            format_money(sum((p.committed for p in m.pots), start=0)),
            format_money(sum((p.realised for p in m.pots), start=0)),
            format_money(m.spent_total),
            percent_text(m.budget_used),
        ]
    )
    pdf.grid(rows, (2.4, 1.6, 1.6, 1.6, 1.6, 1.2), numeric=(1, 2, 3, 4, 5))

    pdf.section("Maatwerk per categorie", 2, keep=90)  # the chart follows
    pdf.hbar(charts["categories"], "Maatwerk per categorie (goedgekeurd en betaald)")
    pdf.grid(
        [["Categorie", "Aanvragen", "Verplicht", "Gerealiseerd", "Totaal"]]
        + [
            [c.label, str(c.requests), format_money(c.committed), format_money(c.realised), format_money(c.spent)]
            for c in m.categories
        ],
        (3, 1.2, 1.6, 1.6, 1.6),
        numeric=(1, 2, 3, 4),
    )

    pdf.section("Kosten per deelnemer en per positieve uitstroom", 2)
    pdf.grid(
        [
            ["Onderdeel", "Bedrag", "Berekening"],
            ["Maatwerk", format_money(m.maatwerk_total), f"{m.maatwerk_participants} deelnemers kregen maatwerk"],
            [
                "Life-coach (gerealiseerd)",
                format_money(m.lifecoach_share),
                "deel van deze selectie" if selection else "geboekte facturen",
            ],
            ["Totale kosten", format_money(m.total_cost), "maatwerk + life-coach"],
            [
                "Gemiddeld maatwerk per deelnemer",
                money_or(m.average_maatwerk, "geen deelnemers"),
                f"{format_money(m.maatwerk_total)} gedeeld door {m.participants} {population}",
            ],
            [
                "Totale kosten per deelnemer",
                money_or(m.cost_per_participant, "geen deelnemers"),
                f"{format_money(m.total_cost)} gedeeld door {m.participants} {population}",
            ],
            [
                "Kosten per positieve uitstroom",
                money_or(m.cost_per_positive_outcome, "nog geen positieve uitstroom"),
                f"{format_money(m.total_cost)} gedeeld door {m.positive_outcomes} deelnemers met betaald werk, "
                "opleiding of leer-werktraject",
            ],
        ],
        (2.2, 1.5, 3.3),
        numeric=(1,),
    )
    _money_by_outcome(pdf, report)
    _money_by_domain(pdf, report)
    _years(pdf, report)


def _money_by_outcome(pdf: ReportPDF, report: Report):
    pdf.section("Maatwerk per uitstroom", 2)
    closed = f", afgesloten in {report.filters.year}" if report.filters.year else ""
    pdf.para(
        f"Per afgesloten traject (afgerond of uitgevallen{closed}) al het goedgekeurde en betaalde maatwerk van "
        "dat traject. Per traject deelt het totaal door alle afgesloten trajecten met die uitstroom, ook die "
        "zonder maatwerk; de mediaan is het middelste bedrag van diezelfde trajecten.",
        8.5,
    )
    rows = [["Uitstroom", "Trajecten", "Met maatwerk", "Verplicht", "Gerealiseerd", "Totaal", "Per traject", "Mediaan"]]
    for r in report.money_by_outcome:
        per, median = (
            (format_money(r.per_trajectory), format_money(r.median)) if r.trajectories else ("nog geen", "nog geen")
        )
        rows.append(
            [
                r.label,
                str(r.trajectories),
                str(r.with_maatwerk),
                format_money(r.committed),
                format_money(r.realised),
                format_money(r.total),
                per,
                median,
            ]
        )
    pdf.grid(rows, (2.0, 1.2, 1.3, 1.5, 1.7, 1.5, 1.5, 1.5), numeric=(1, 2, 3, 4, 5, 6, 7), size=7.5)


def _money_by_domain(pdf: ReportPDF, report: Report):
    pdf.section("Maatwerk per leefgebied", 2)
    year = f" (begrotingsjaar {report.filters.year})" if report.filters.year else ""
    pdf.para(f"Het leefgebied van het doel waarvoor het maatwerk is aangevraagd{year}.", 8.5)
    rows = [["Leefgebied", "Aanvragen", "Deelnemers", "Verplicht", "Gerealiseerd", "Totaal"]]
    for r in report.money_by_domain:
        if r.requests or r.key == "geen_doel":  # the page's rule: empty domains are left out
            rows.append(
                [
                    r.label,
                    str(r.requests),
                    str(r.participants),
                    format_money(r.committed),
                    format_money(r.realised),
                    format_money(r.total),
                ]
            )
    pdf.grid(rows, (2.4, 1.3, 1.3, 1.5, 1.7, 1.5), numeric=(1, 2, 3, 4, 5))


def _years(pdf: ReportPDF, report: Report):
    years = report.years
    selection = report.filters.selects_participants
    pdf.section("De pilotjaren naast elkaar", 2)
    if selection:
        pdf.para("Het budget is het budget van de hele pilot; maatwerk en resultaten zijn van deze selectie.", 8.5)

    def positive(y) -> str:
        return f"{y.positive} ({percent_text(y.positive_share)})" if y.finished else str(y.positive)

    lines = [
        ("Deelnemers in het jaar", lambda y: str(y.participants)),
        ("Afgesloten trajecten", lambda y: str(y.finished)),
        ("Positieve uitstroom", positive),
        ("Budget (hele pilot)" if selection else "Budget", lambda y: format_money(y.budget)),
        ("Maatwerk verplicht", lambda y: format_money(y.committed)),
        ("Maatwerk gerealiseerd", lambda y: format_money(y.realised)),
        ("Life-coach gerealiseerd", lambda y: format_money(y.lifecoach_share)),
        ("Totale kosten", lambda y: format_money(y.total_cost)),
        ("Deel van het budget gebruikt", lambda y: percent_text(y.budget_used)),
        (
            "Kosten per positieve uitstroom",
            lambda y: format_money(y.cost_per_positive_outcome) if y.positive else "nog geen",
        ),
    ]
    rows = [["Onderdeel", *[y.label for y in years]]]
    rows += [[label, *[value(y) for y in years]] for label, value in lines]
    pdf.grid(rows, (2.4, *([1.4] * len(years))), numeric=tuple(range(1, len(years) + 1)))
