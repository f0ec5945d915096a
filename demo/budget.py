"""Demo budget: three budget years (last year, this year, next year), contributions, requests in every state.

Dates are relative to today so the dashboard always looks current; the random generator is seeded.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from blueprints.budget.rules import create_budget_year
from models import (
    BudgetContribution,
    CarryOver,
    ClosedMonth,
    LifeCoachInvoice,
    MaatwerkRequest,
    Participant,
    PotKind,
    RequestStatus,
    db,
)

# (category, description, supplier, low, high, cheapest-adequate explanation)
IDEAS = [
    (
        "opleiding",
        "Cursus VCA basis",
        "Opleidingscentrum Twente",
        250,
        450,
        "VCA is nodig voor de leerwerkplek; de klassikale cursus is goedkoper dan e-learning met examen apart.",
    ),
    (
        "opleiding",
        "Taalcursus Nederlands B1",
        "ROC van Twente",
        400,
        1200,
        "Het ROC biedt de cursus aan tegen kostprijs; particuliere aanbieders zijn twee keer zo duur.",
    ),
    (
        "opleiding",
        "Heftruckcertificaat",
        "Logistiek Opleidingen Hengelo",
        350,
        600,
        "Eendaagse training met examen; de werkgever betaalt de tweede helft.",
    ),
    (
        "huisvesting",
        "Borg voor een kamer",
        "Woonstichting De Woonplaats",
        500,
        1100,
        "Zonder borg geen kamer; een lening via de gemeente duurt te lang en de kamer is dan weg.",
    ),
    (
        "huisvesting",
        "Eerste inrichting kamer (bed, tafel)",
        "Kringloop Hengelo",
        150,
        450,
        "Tweedehands via de kringloop; nieuw zou drie keer zo duur zijn.",
    ),
    (
        "schulden",
        "Aflossing kleine schuld om beslag te voorkomen",
        "Incassobureau Oost",
        300,
        1500,
        "Een schikking van 60% voorkomt loonbeslag zodra de leerwerkplek begint.",
    ),
    (
        "vervoer",
        "Tweedehands fiets met slot",
        "Twents Fietsenhuis",
        150,
        350,
        "Met de fiets is de werkplek in 20 minuten te bereiken; een OV-abonnement kost per jaar meer.",
    ),
    (
        "vervoer",
        "OV-abonnement voor drie maanden",
        "Keolis",
        180,
        420,
        "De stageplek ligt in Enschede; tot de eerste loonbetaling is het abonnement de goedkoopste optie.",
    ),
    (
        "kinderopvang",
        "Overbrugging kinderopvang tot toeslag",
        "Kinderopvang Humankind",
        300,
        900,
        "De kinderopvangtoeslag komt pas na twee maanden; zonder opvang kan de deelnemer niet starten.",
    ),
    (
        "werkkleding",
        "Werkschoenen en werkkleding",
        "Bouwmaat Hengelo",
        120,
        300,
        "Verplicht op de bouwplaats; de werkgever levert alleen de helm.",
    ),
    (
        "werkkleding",
        "Gereedschapskist voor opleiding installatietechniek",
        "Technische Unie",
        250,
        700,
        "De opleiding eist eigen gereedschap; de basisset is voldoende.",
    ),
    (
        "gezondheid",
        "Eigen risico tandarts na ongeval",
        "Tandartspraktijk Hengelo-Noord",
        200,
        385,
        "Zonder behandeling kan de deelnemer niet werken; de verzekeraar vergoedt de rest.",
    ),
    (
        "overig",
        "Verklaring omtrent het gedrag (VOG)",
        "Gemeente Hengelo",
        41,
        41,
        "De VOG is verplicht voor de stage in de zorg; er is geen goedkoper alternatief.",
    ),
]
SUPPLIER_COACH = "Coachbureau Perspectief Twente"


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    cents = rng.randint(low * 100, high * 100)
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59)))


def load(world: dict) -> None:
    rng = random.Random(2026)
    today = date.today()
    users = world["users"]
    coaches = [users["coach@hengelo.test"], users["coach2@hengelo.test"]]
    finance = users["financien@hengelo.test"]
    provincie = world["organisations"]["Provincie Overijssel"]
    participants = world.get("participants") or list(db.session.scalars(select(Participant).order_by(Participant.id)))

    years = {}
    for offset in (-1, 0, 1):
        budget_year = create_budget_year(today.year + offset)
        years[offset] = {pot.kind: pot for pot in budget_year.pots}
    db.session.flush()

    # Co-financing by the province raises this year's maatwerk pot.
    db.session.add(
        BudgetContribution(
            pot_id=years[0][PotKind.MAATWERK.value].id,
            organisation_id=provincie.id,
            amount=Decimal("15000.00"),
            booked_on=date(today.year, 2, 14),
            description="Cofinanciering Provincie Overijssel, besluit Gedeputeerde Staten",
            created_by_id=finance.id,
        )
    )
    # Last year's unspent maatwerk money goes along: an explicit, logged finance decision.
    db.session.add(
        CarryOver(
            from_pot_id=years[-1][PotKind.MAATWERK.value].id,
            to_pot_id=years[0][PotKind.MAATWERK.value].id,
            amount=Decimal("8500.00"),
            decided_on=date(today.year, 1, 20),
            reason="Besluit college: onderbesteding maatwerk vorig jaar door late start van de pilot; "
            "het geld blijft bestemd voor maatwerk.",
            decided_by_id=finance.id,
        )
    )

    # Monthly life-coach invoices: all of last year, this year up to last month.
    for offset, last_month in ((-1, 12), (0, today.month - 1)):
        pot = years[offset][PotKind.LIFECOACH.value]
        for month in range(1, last_month + 1):
            db.session.add(
                LifeCoachInvoice(
                    pot_id=pot.id,
                    supplier=SUPPLIER_COACH,
                    invoice_number=f"CPT-{today.year + offset}-{month:03d}",
                    invoice_date=date(today.year + offset, month, 28),
                    description=f"Inhuur life-coach, maand {month}",
                    amount=_money(rng, 5600, 6200),
                    recorded_by_id=finance.id,
                )
            )

    # The month before last is closed (and, as in practice, everything before it in last year).
    closed_day = (today.replace(day=1) - timedelta(days=1)).replace(day=1) - timedelta(days=1)
    db.session.add(ClosedMonth(year=closed_day.year, month=closed_day.month, closed_by_id=finance.id))

    if participants:
        _requests(rng, today, years, participants, coaches, finance)
    db.session.flush()


def _requests(rng, today, years, participants, coaches, finance) -> None:
    statuses = [
        RequestStatus.BETAALD,
        RequestStatus.BETAALD,
        RequestStatus.GOEDGEKEURD,
        RequestStatus.AANGEVRAAGD,
        RequestStatus.AFGEWEZEN,
        RequestStatus.INGETROKKEN,
    ]
    year_start = date(today.year, 1, 1)
    for number in range(48):
        participant = participants[number % len(participants)]
        coach = coaches[number % len(coaches)]
        category, description, supplier, low, high, why = IDEAS[rng.randrange(len(IDEAS))]
        if number < 12:  # last year: decided and mostly paid
            pot = years[-1][PotKind.MAATWERK.value]
            requested = date(today.year - 1, rng.randint(2, 11), rng.randint(1, 28))
            status = RequestStatus.BETAALD if number % 5 else RequestStatus.AFGEWEZEN
        else:
            pot = years[0][PotKind.MAATWERK.value]
            days = max((today - year_start).days, 1)
            requested = year_start + timedelta(days=rng.randint(0, days - 1))
            status = statuses[number % len(statuses)]
            if status in (RequestStatus.AANGEVRAAGD, RequestStatus.INGETROKKEN):
                requested = today - timedelta(days=rng.randint(0, 10))
        decided = min(requested + timedelta(days=rng.randint(1, 6)), today)
        request = MaatwerkRequest(
            pot_id=pot.id,
            participant_id=participant.id,
            category=category,
            description=description,
            supplier=supplier,
            amount=_money(rng, low, high),
            expected_on=requested + timedelta(days=14),
            justification=why,
            status=status.value,
            requested_by_id=coach.id,
            requested_at=_at(requested, rng),
        )
        goals = getattr(participant, "goals", None) or []
        if goals:
            request.goal_id = goals[0].id
        if status in (RequestStatus.GOEDGEKEURD, RequestStatus.BETAALD, RequestStatus.AFGEWEZEN):
            request.decided_by_id = finance.id
            request.decided_at = _at(decided, rng)
        if status == RequestStatus.AFGEWEZEN:
            request.rejection_reason = (
                "Er is een goedkopere oplossing: vraag eerst bijzondere bijstand aan; "
                "als die wordt afgewezen, kunt u opnieuw aanvragen."
            )
        if status == RequestStatus.BETAALD:
            request.paid_on = min(decided + timedelta(days=rng.randint(3, 20)), today)
            request.invoice_number = f"F{request.paid_on:%Y}-{1000 + number}"
            request.paid_by_id = finance.id
        db.session.add(request)
