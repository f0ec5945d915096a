"""Demo commitments (toezeggingen): every partner has pilot-wide and per-participant ones, in several states.

Runs after the case-files loader (`world["participants"]`). Dates are relative to today, so some
commitments are always overdue and the demo keeps looking current.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from models import Commitment, CommitmentUpdate, db

PHONES = {
    "ROC van Twente": "088 857 10 00",
    "Leerwerkloket Twente": "053 480 80 80",
    "Provincie Overijssel": "038 499 88 99",
    "Bouwbedrijf Hengelo": "074 250 60 70",
    "Zorggroep Twentse Zorg": "074 290 20 00",
    "Techniekbedrijf Stork-Oost": "074 240 30 00",
}
PARTNER_USERS = {
    "ROC van Twente": "roc@roc-twente.test",
    "Leerwerkloket Twente": "leerwerkloket@leerwerkloket-twente.test",
    "Provincie Overijssel": "provincie@overijssel.test",
    "Bouwbedrijf Hengelo": "werkgever@bouwbedrijf-hengelo.test",
}

# (organisation, kind, description, quantity, amount, realised, status, due in days from today)
PILOT_WIDE = [
    (
        "ROC van Twente",
        "bbl_plaats",
        "10 BBL-plaatsen per jaar op mbo-niveau 2 (techniek, zorg en logistiek)",
        10,
        None,
        6,
        "in_uitvoering",
        200,
    ),
    (
        "ROC van Twente",
        "overig",
        "Intakegesprek op school binnen twee weken na aanmelding door de coach",
        None,
        None,
        None,
        "nagekomen",
        -40,
    ),
    (
        "ROC van Twente",
        "opleidingsplaats",
        "4 plaatsen in de entreeopleiding, instroom in februari",
        4,
        None,
        1,
        "toegezegd",
        -12,
    ),
    (
        "Provincie Overijssel",
        "cofinanciering",
        "Cofinanciering EUR 25.000 per jaar voor maatwerk",
        None,
        Decimal("25000.00"),
        Decimal("12500.00"),
        "in_uitvoering",
        90,
    ),
    (
        "Provincie Overijssel",
        "overig",
        "Kennisdeling met andere Overijsselse gemeenten over de pilot",
        None,
        None,
        None,
        "toegezegd",
        -20,
    ),
    (
        "Provincie Overijssel",
        "cofinanciering",
        "Eenmalige startbijdrage EUR 5.000 voor de werving",
        None,
        Decimal("5000.00"),
        Decimal("5000.00"),
        "nagekomen",
        -150,
    ),
    (
        "Leerwerkloket Twente",
        "loopbaanadvies",
        "Loopbaanadvies of EVC-traject voor 20 deelnemers per jaar",
        20,
        None,
        9,
        "in_uitvoering",
        180,
    ),
    (
        "Leerwerkloket Twente",
        "overig",
        "Maandelijks spreekuur in het stadhuis van Hengelo",
        None,
        None,
        None,
        "niet_nagekomen",
        -30,
    ),
    (
        "Bouwbedrijf Hengelo",
        "leerwerkplek",
        "4 leerwerkplekken in de bouw, 24 uur per week",
        4,
        None,
        2,
        "in_uitvoering",
        120,
    ),
    ("Bouwbedrijf Hengelo", "baan", "1 vaste baan na een geslaagd leerwerktraject", 1, None, 0, "toegezegd", -5),
    (
        "Zorggroep Twentse Zorg",
        "leerwerkplek",
        "3 leerwerkplekken als helpende zorg en welzijn",
        3,
        None,
        1,
        "in_uitvoering",
        150,
    ),
    (
        "Zorggroep Twentse Zorg",
        "bbl_plaats",
        "2 BBL-plaatsen helpende zorg, samen met ROC van Twente",
        2,
        None,
        0,
        "vervallen",
        -60,
    ),
    ("Techniekbedrijf Stork-Oost", "baan", "2 banen als monteur na een BBL-traject", 2, None, 0, "toegezegd", -25),
    (
        "Techniekbedrijf Stork-Oost",
        "leerwerkplek",
        "Snuffelstages van een week in de werkplaats",
        5,
        None,
        5,
        "nagekomen",
        -90,
    ),
]

# Per-participant offers per organisation: (kind, description)
OFFERS = {
    "ROC van Twente": [
        ("bbl_plaats", "BBL-plaats niveau 2 Metaal, start 1 september"),
        ("opleidingsplaats", "Entreeopleiding niveau 1, met taalondersteuning"),
    ],
    "Leerwerkloket Twente": [
        ("loopbaanadvies", "Loopbaanadviesgesprek en beroepentest"),
        ("loopbaanadvies", "EVC-traject logistiek: ervaring laten erkennen"),
    ],
    "Bouwbedrijf Hengelo": [
        ("leerwerkplek", "Leerwerkplek timmerman, 24 uur per week"),
        ("baan", "Contract van 6 maanden als bouwplaatsmedewerker"),
    ],
    "Zorggroep Twentse Zorg": [("leerwerkplek", "Stage helpende zorg op de afdeling revalidatie")],
    "Techniekbedrijf Stork-Oost": [("leerwerkplek", "Leerwerkplek monteur werktuigbouw, 32 uur per week")],
    "Provincie Overijssel": [("overig", "Reiskostenvergoeding via de regeling Werken in Overijssel")],
}
NOTES = {
    "in_uitvoering": ["Intakegesprek gevoerd, start is gepland.", "Deelnemer is begonnen, eerste weken gaan goed."],
    "nagekomen": ["Afgerond zoals afgesproken.", "Plaats is ingevuld en de deelnemer is gestart."],
    "niet_nagekomen": ["Geen plek beschikbaar gekomen dit jaar.", "Afspraak niet gehaald door personeelstekort."],
    "vervallen": [
        "Deelnemer koos voor een andere route; in overleg vervallen.",
        "Niet meer nodig na overleg met de coach.",
    ],
}


def _history(commitment, actor, created: date, rng: random.Random):
    """A believable dated trail from toegezegd to the current status."""
    db.session.add(
        CommitmentUpdate(
            commitment=commitment,
            on_date=created,
            old_status=None,
            new_status="toegezegd",
            note="Toezegging vastgelegd.",
            actor=actor,
        )
    )
    steps = {
        "toegezegd": [],
        "in_uitvoering": ["in_uitvoering"],
        "nagekomen": ["in_uitvoering", "nagekomen"],
        "niet_nagekomen": ["niet_nagekomen"],
        "vervallen": ["vervallen"],
    }[commitment.status]
    previous, when = "toegezegd", created
    for status in steps:
        when = min(date.today(), when + timedelta(days=rng.randint(7, 40)))
        db.session.add(
            CommitmentUpdate(
                commitment=commitment,
                on_date=when,
                old_status=previous,
                new_status=status,
                note=rng.choice(NOTES[status]),
                actor=actor,
            )
        )
        previous = status


def load(world: dict) -> None:
    rng = random.Random(2026)
    today = date.today()
    organisations = world["organisations"]
    users = world["users"]
    coach = users.get("coach@hengelo.test")
    for name, phone in PHONES.items():
        if name in organisations:
            organisations[name].contact_phone = phone

    def partner_user(org_name):
        return users.get(PARTNER_USERS.get(org_name, ""))

    for org_name, kind, description, quantity, amount, realised, status, due in PILOT_WIDE:
        contact = partner_user(org_name)
        commitment = Commitment(
            organisation=organisations[org_name],
            kind=kind,
            description=description,
            quantity=quantity,
            amount=amount,
            realised_quantity=realised if quantity else None,
            realised_amount=realised if amount else None,
            due_date=today + timedelta(days=due),
            status=status,
            contact_user=contact,
            created_by=coach,
        )
        db.session.add(commitment)
        _history(commitment, contact or coach, today - timedelta(days=rng.randint(120, 240)), rng)

    # Per participant: one or two partners each, statuses spread, about one in five overdue.
    statuses = ["toegezegd", "toegezegd", "in_uitvoering", "in_uitvoering", "nagekomen", "niet_nagekomen", "vervallen"]
    org_names = list(OFFERS)
    for index, participant in enumerate(world.get("participants", [])):
        for org_name in rng.sample(org_names, k=1 + (index % 2)):
            kind, description = rng.choice(OFFERS[org_name])
            status = statuses[(index + rng.randint(0, 6)) % len(statuses)]
            due = today + timedelta(days=rng.randint(-45, 120))
            contact = partner_user(org_name)
            commitment = Commitment(
                organisation=organisations[org_name],
                participant=participant,
                kind=kind,
                description=description,
                due_date=due,
                status=status,
                contact_user=contact,
                created_by=participant.coach or coach,
            )
            db.session.add(commitment)
            _history(commitment, contact or coach, today - timedelta(days=rng.randint(30, 150)), rng)
    db.session.flush()
