"""Demo case files: 25 participants in every status, with assessments over time, goals, actions,
conversations and no-shows, spread over the two demo coaches. Sets world["participants"]."""

import random
from datetime import date, datetime, time, timedelta

from blueprints.youths import coach_history
from blueprints.youths.followup import needs_followup
from blueprints.youths.workflow import planned_end
from core.localtime import to_utc
from models import (
    ZRM_DOMAINS,
    Action,
    Assessment,
    Conversation,
    Goal,
    Participant,
    StatusChange,
    ZrmScore,
    db,
)

NAMES = [
    ("Jesse", "Oude Lenferink"),
    ("Sanne", "Nijhuis"),
    ("Mohamed", "El Amrani"),
    ("Kim", "Brinkhuis"),
    ("Daan", "Kuipers"),
    ("Esra", "Yildiz"),
    ("Tom", "Ter Horst"),
    ("Lisa", "Wolters"),
    ("Rick", "Scholten"),
    ("Naomi", "Hofstede"),
    ("Bas", "Leferink"),
    ("Fenna", "Smit"),
    ("Youssef", "Benali"),
    ("Iris", "Lammers"),
    ("Stijn", "Haverkamp"),
    ("Demi", "Kamphuis"),
    ("Kevin", "Bosch"),
    ("Aylin", "Demir"),
    ("Niels", "Roelofs"),
    ("Chantal", "Pots"),
    ("Ruben", "Meijerink"),
    ("Sara", "Tijhuis"),
    ("Milan", "Veldhuis"),
    ("Joyce", "Brouwer"),
    ("Thijs", "Ekkelkamp"),
]
# Status per participant (same order as NAMES): every state, most of them active.
STATUSES = ["aangemeld"] * 3 + ["intake"] * 3 + ["actief"] * 13 + ["afgerond"] * 4 + ["uitgevallen"] * 2
STREETS = ["Marktstraat", "Deldenerstraat", "Enschedesestraat", "Boekelosestraat"]
OUTCOMES = ["betaald_werk", "leerwerktraject", "opleiding", "dagbesteding"]
DROPOUT_REASONS = [
    "Verhuisd naar Enschede en wil daar opnieuw beginnen.",
    "Wil niet meer meedoen na drie gemiste afspraken.",
]
GOALS = [
    (
        "werk_opleiding",
        "Een BBL-plek vinden in de techniek (mbo 2)",
        ["Cv maken", "Gesprek bij ROC van Twente", "Proefdag bij werkgever"],
    ),
    (
        "financien",
        "Overzicht in de schulden en een betalingsregeling",
        ["Alle brieven verzamelen", "Afspraak schuldhulpverlening"],
    ),
    ("huisvesting", "Een eigen kamer vinden", ["Inschrijven bij woningcorporatie", "Urgentie aanvragen"]),
    ("tijdsbesteding", "Een vast dagritme: op tijd op en drie dagen per week iets doen", ["Weekplanning maken"]),
    ("sociaal_netwerk", "Weer contact met familie en een sportclub", ["Proeftraining voetbal"]),
    ("geestelijke_gezondheid", "Hulp bij somberheid via de huisarts", ["Afspraak huisarts maken"]),
]
SUMMARIES = [
    "Goed gesprek. Motivatie is hoog, de BBL-plek lijkt haalbaar.",
    "Besproken hoe het gaat met de schulden; brieven meegenomen.",
    "Moeilijke week gehad; samen de planning aangepast.",
    "Trots op de proefdag. Werkgever was positief.",
    "Kort gesprek, veel gesprekstof over thuis.",
]


def load(world: dict) -> None:
    rng = random.Random(2026)
    today = date.today()
    coaches = [world["users"]["coach@hengelo.test"], world["users"]["coach2@hengelo.test"]]
    partners = [org for name, org in world["organisations"].items() if name != "Gemeente Hengelo"]
    participants = []
    for index, ((first, last), status) in enumerate(zip(NAMES, STATUSES, strict=True)):
        coach = coaches[index % 2]
        start = _start_date(status, index, today, rng)
        age = rng.randint(23, 27)
        dob = start.replace(year=start.year - age) - timedelta(days=rng.randint(1, 300))
        participant = Participant(
            first_name=first,
            last_name=last,
            date_of_birth=dob,
            email=f"{first.lower()}.{last.lower().replace(' ', '')}@voorbeeld.nl",
            phone=f"06 {rng.randint(10000000, 99999999)}",
            address=f"{rng.choice(STREETS)} {rng.randint(1, 180)}, Hengelo",
            highest_education=rng.choice(["geen", "vmbo", "mbo1", "havo_vwo_zonder", "praktijkonderwijs"]),
            has_startkwalificatie=False,
            referral_source=rng.choice(["rmc", "werkplein", "werkplein", "zelfmelder", "partner"]),
            coach=coach,
            start_date=start,
            end_date=planned_end(start),
            status=status,
            created_at=datetime.combine(min(start - timedelta(days=30), today - timedelta(days=2)), time(9)),
        )
        if index == 10:
            participant.eligibility_exception = (
                "Wordt 28 kort na de start; al in traject via Werkplein, afgestemd met teamleider."
            )
        db.session.add(participant)
        db.session.flush()
        coach_history.start_history(participant, None)
        _history(participant, coach, today, rng, index)
        participants.append(participant)
        if status in ("intake", "actief", "afgerond", "uitgevallen"):
            _assessments(participant, coach, today, rng)
            _goals(participant, coach, today, rng, partners)
        if status != "aangemeld" or index == 0:
            _conversations(participant, coach, today, rng, index)
    world["participants"] = participants


def _start_date(status: str, index: int, today: date, rng: random.Random) -> date:
    if status == "aangemeld":
        return today + timedelta(days=rng.randint(10, 45))
    if status == "intake":
        return today + timedelta(days=rng.randint(0, 20))
    if status == "actief":
        if index in (6, 7):  # two years ending within 30 days
            return today - timedelta(days=345 + index)
        return today - timedelta(days=rng.randint(40, 320))
    return today - timedelta(days=rng.randint(380, 520))


def _history(participant: Participant, coach, today: date, rng: random.Random, index: int) -> None:
    created = participant.created_at.date()
    steps = {"aangemeld": [], "intake": ["intake"], "actief": ["intake", "actief"]}
    steps["afgerond"] = ["intake", "actief", "afgerond"]
    steps["uitgevallen"] = ["intake", "actief", "uitgevallen"]
    moves = [("aangemeld", created)]
    for step in steps[participant.status]:
        if step == "intake":
            moves.append((step, min(created + timedelta(days=7), today)))
        elif step == "actief":
            moves.append((step, participant.start_date))
        else:
            moves.append(
                (step, min(participant.end_date, today - timedelta(days=5)) - timedelta(days=rng.randint(0, 60)))
            )
    previous = None
    for status, on in moves:
        note = None
        if status == "afgerond":
            participant.outcome = OUTCOMES[index % len(OUTCOMES)]
            participant.outcome_date = on
            participant.outcome_note = "Contract voor een jaar, begeleiding via de werkgever."
        if status == "uitgevallen":
            note = DROPOUT_REASONS[index % 2]
            participant.dropout_reason = note
            participant.outcome, participant.outcome_date = "uitgevallen", on
        db.session.add(
            StatusChange(
                participant_id=participant.id,
                from_status=previous,
                to_status=status,
                changed_on=on,
                changed_by=coach,
                note=note,
                created_at=datetime.combine(min(on, today), time(10)),
            )
        )
        previous = status


def _assessments(participant: Participant, coach, today: date, rng: random.Random) -> None:
    first_day = participant.created_at.date() + timedelta(days=8)
    last_day = min(participant.end_date, today) if participant.status in ("afgerond", "uitgevallen") else today
    days = [first_day]
    while days[-1] + timedelta(days=100) < last_day:
        days.append(days[-1] + timedelta(days=rng.randint(90, 110)))
    if participant.status == "afgerond" and days[-1] < last_day - timedelta(days=20):
        days.append(last_day - timedelta(days=5))
    scores = {d: rng.randint(1, 3) for d in ZRM_DOMAINS}
    rung = rng.randint(1, 3)
    for number, day in enumerate(days):
        if number:
            scores = {d: min(5, s + rng.choice([0, 0, 1, 1, -1 if s > 2 else 0])) for d, s in scores.items()}
            rung = min(6, rung + rng.choice([0, 1, 1]))
        kind = (
            "intake"
            if number == 0
            else ("eind" if participant.status == "afgerond" and number == len(days) - 1 else "tussentijds")
        )
        db.session.add(
            Assessment(
                participant_id=participant.id,
                assessed_on=day,
                kind=kind,
                ladder_rung=rung,
                growth_rung=min(6, rung + rng.randint(0, 2)),
                note="Samen met de deelnemer ingevuld." if number == 0 else None,
                assessed_by=coach,
                scores=[
                    ZrmScore(domain=d, score=None if d == "justitie" and number % 2 == 0 else s)
                    for d, s in scores.items()
                ],
            )
        )


def _goals(participant: Participant, coach, today: date, rng: random.Random, partners) -> None:
    for domain, description, actions in rng.sample(GOALS, rng.randint(2, 3)):
        created = participant.created_at + timedelta(days=rng.randint(8, 30))
        status = "open" if participant.status == "intake" else rng.choice(["bezig", "bezig", "behaald", "open"])
        goal = Goal(
            participant_id=participant.id,
            domain=domain,
            description=description,
            target_date=participant.end_date - timedelta(days=rng.randint(10, 120)),
            status=status,
            created_at=created,
            created_by_id=coach.id,
        )
        db.session.add(goal)
        for text in actions:
            who = rng.choice(["deelnemer", "deelnemer", "coach", "partner"])
            due = today + timedelta(days=rng.randint(-25, 40))
            done = status == "behaald" or (due < today and rng.random() < 0.6)
            goal.actions.append(
                Action(
                    description=text,
                    who=who,
                    organisation=rng.choice(partners) if who == "partner" else None,
                    due_date=due,
                    done=done,
                    done_on=min(due, today) if done else None,
                )
            )


def _conversations(participant: Participant, coach, today: date, rng: random.Random, index: int) -> None:
    begin = participant.created_at.date() + timedelta(days=3)
    closed = participant.status in ("afgerond", "uitgevallen")
    end = participant.outcome_date if closed and participant.outcome_date else today + timedelta(days=6)
    if index in (8, 9):  # no contact for more than 4 weeks: last talk long ago
        end = today - timedelta(days=35)
    talks = []
    day, number = begin, 0
    while day <= end:
        if day.weekday() >= 5:  # coaches talk on weekdays
            day -= timedelta(days=day.weekday() - 4)
        local = datetime.combine(day, time(rng.choice([9, 10, 11, 13, 14, 15]), rng.choice([0, 30])))
        if local > datetime.now():
            attendance = "gepland"
        else:
            attendance = rng.choices(["verschenen", "afgemeld", "niet_verschenen"], weights=[8, 1, 1])[0]
        kind = (
            "intake"
            if number == 0
            else rng.choice(["voortgangsgesprek", "voortgangsgesprek", "huisbezoek", "driegesprek"])
        )
        talks.append(
            Conversation(
                participant_id=participant.id,
                held_at=to_utc(local),
                kind=kind,
                attendance=attendance,
                cancel_reason="Ziek gemeld" if attendance == "afgemeld" else None,
                summary=rng.choice(SUMMARIES) if attendance == "verschenen" else None,
                next_action="Volgende week cv meenemen." if attendance == "verschenen" else "Opnieuw afspraak maken.",
                coach=coach,
            )
        )
        day += timedelta(days=rng.randint(10, 17) + (2 if day.weekday() == 4 else 0))
        number += 1
    past = [t for t in talks if t.attendance != "gepland"]
    if index in (11, 12, 13, 24) and len(past) >= 3:  # two no-shows in a row: opvolging nodig
        for talk in past[-2:]:
            talk.attendance, talk.summary, talk.cancel_reason = "niet_verschenen", None, None
            talk.next_action = "Opnieuw afspraak maken; bellen en een brief sturen."
    db.session.add_all(talks)
    participant.needs_followup = needs_followup(t.attendance for t in talks) and not closed
