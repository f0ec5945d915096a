"""Seed the pilot at N times its size with bulk inserts (Core executemany, no ORM object per row).

Scale 1 is the pilot: 50 participants, 1,000 maatwerk lines, 200 conversations, 10 organisations with
commitments and 100 contracts. Scale 100 is 5,000 / 100,000 / 20,000 / 50 / 10,000. Seeding is
additive: `seed(100)` on a database seeded at scale 1 adds the other 99 "units", so the same rows
measured at 1x are still there at 100x.

The pilot is seeded in units of 50 participants; each unit has everything a participant brings
(status history, assessments with ZRM scores, goals and actions, conversations, commitments, maatwerk
requests, two contracts with versions, parties, signatures and events, audit rows). Budget years,
pots and organisations grow with the scale. Primary keys are assigned here (fast, and children can
point at parents without a round trip); PostgreSQL sequences are moved past them afterwards.

Core inserts skip the ORM `after_flush` audit listener on purpose: seeding is not a user action.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, func, insert, select, text, update

import app  # noqa: F401  (first: the blueprints import each other in the order the app loads them)
from blueprints.budget.totals import rebuild_totals
from blueprints.youths import coach_history, persons
from blueprints.youths.progress import rebuild_assessment_progress
from models import (
    ZRM_DOMAINS,
    Action,
    Assessment,
    AuditLog,
    BudgetPot,
    BudgetYear,
    Commitment,
    CommitmentUpdate,
    Contract,
    ContractEvent,
    ContractParty,
    ContractSignature,
    ContractSigningLink,
    ContractVersion,
    Conversation,
    Goal,
    LifeCoachInvoice,
    MaatwerkRequest,
    Organisation,
    Participant,
    StatusChange,
    User,
    ZrmScore,
    db,
)

UNIT_PARTICIPANTS = 50
MAATWERK_PER_PARTICIPANT = 20  # 1,000 per unit
CONVERSATIONS_PER_PARTICIPANT = 4  # 200 per unit
CONTRACTS_PER_PARTICIPANT = 2  # 100 per unit: an earlier (ended or declined) one and the current one
PARTICIPANTS_PER_COACH = 40
YEAR_TOTAL = Decimal("150000.00")  # per budget year, per unit of scale
BATCH = 5_000  # rows per executemany call
BENCH_DOMAIN = "bench.test"

FIRST_NAMES = (  # noqa: SIM905  (a sentence of names reads better than a list literal)
    "Jesse Sanne Mohamed Kim Daan Esra Tom Lisa Rick Naomi Bas Fenna Youssef Iris Stijn Demi Kevin Aylin "
    "Niels Chantal Ruben Sara Milan Joyce Thijs Jan Janneke Anouk Bram Emre Lotte Sem Noor Luuk Yara Finn "
    "Elif Jasper Roos Mehmet"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Oude Lenferink|Nijhuis|El Amrani|Brinkhuis|Kuipers|Yildiz|Ter Horst|Wolters|Scholten|Hofstede|Leferink|"
    "Smit|Benali|Lammers|Haverkamp|Kamphuis|Bosch|Demir|Roelofs|Pots|Meijerink|Tijhuis|Veldhuis|Brouwer|"
    "Ekkelkamp|Jansen|Janssen|de Jong|Bakker|Visser|Mulder|Vos|Hendriks|Dijkstra|Kok|Jacobs|Hulshof|"
    "Aydin|Vrielink|Ten Brinke"
).split("|")
ORG_KINDS = ["onderwijs", "leerwerkloket", "werkgever", "werkgever", "overheid"]
ORG_NAMES = [
    "ROC van Twente",
    "Leerwerkloket Twente",
    "Bouwbedrijf Hengelo",
    "Provincie Overijssel",
    "Techniekcampus Hengelo",
    "Zorggroep Sint Maarten",
    "Metaalunie Oost",
    "Twentse Bakkerij",
    "Transportbedrijf Stork",
    "Saxion Hogeschool",
]
REFERRALS = ["rmc", "werkplein", "zelfmelder", "partner"]
EDUCATION = ["geen", "praktijkonderwijs", "vmbo", "mbo1", "havo_vwo_zonder"]
CONVERSATION_KINDS = ["intake", "voortgangsgesprek", "huisbezoek", "driegesprek", "evaluatie"]
GOAL_TEXTS = [
    ("werk_opleiding", "Een BBL-plek vinden in de techniek (mbo 2)"),
    ("financien", "Schulden in beeld en een betalingsregeling"),
    ("huisvesting", "Een eigen kamer vinden in Hengelo"),
    ("tijdsbesteding", "Elke week drie dagen een vaste dagbesteding"),
    ("sociaal_netwerk", "Iemand in de buurt om op terug te vallen"),
    ("geestelijke_gezondheid", "Hulp bij somberheid via de huisarts"),
]
CATEGORIES = ["opleiding", "huisvesting", "schulden", "vervoer", "kinderopvang", "werkkleding", "gezondheid", "overig"]
SUPPLIERS = ["ROC van Twente", "Gazelle Fietsen", "Kringloop Hengelo", "Rijschool Oost", "Bol.com", "NS"]
COMMITMENT_KINDS = ["opleidingsplaats", "bbl_plaats", "leerwerkplek", "baan", "loopbaanadvies"]
OUTCOMES = ["betaald_werk", "opleiding", "leerwerktraject", "vrijwilligerswerk", "dagbesteding", "zorg"]
SECTIONS = [
    {
        "key": "inleiding",
        "title": "Waarom dit contract",
        "body": "Wij spreken af wat ieder doet in het perspectiefjaar.",
    },
    {"key": "deelnemer", "title": "Wat ik doe", "body": "- Ik kom naar de afspraken.\n- Ik werk aan mijn doelen."},
    {"key": "gemeente", "title": "Wat de gemeente doet", "body": "De gemeente betaalt de life-coach en maatwerk."},
    {"key": "partners", "title": "Wat partners doen", "body": "De partner biedt een BBL-plek aan."},
    {"key": "privacy", "title": "Privacy", "body": "Wij delen alleen wat nodig is."},
]


@dataclass
class Ids:
    """Next free primary key per table (we assign keys ourselves)."""

    next: dict = field(default_factory=dict)

    def take(self, model) -> int:
        table = model.__tablename__
        if table not in self.next:
            self.next[table] = (db.session.scalar(select(func.max(model.id))) or 0) + 1
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class World:
    """What later units need from earlier ones: users, organisations, pots, the password hash."""

    today: date
    now: datetime
    years: list[int]
    pots: dict  # (year, kind) -> pot id
    coaches: list[int]
    finance: list[int]
    partner_orgs: list[int]
    municipality_id: int
    partner_user_of: dict  # organisation id -> user id


def units_seeded() -> int:
    """How many units the database holds (participants / 50)."""
    return (db.session.scalar(select(func.count(Participant.id))) or 0) // UNIT_PARTICIPANTS


def organisations_for(scale: int) -> int:
    """10 organisations at 1x, 50 at 100x (organisations grow much slower than participants)."""
    return min(50, max(10, round(10 * scale**0.35)))


def _password_hash() -> str:
    from blueprints.auth.passwords import hash_password

    return hash_password("bench-" + hashlib.sha256(str(time.time()).encode()).hexdigest()[:16])


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model.__table__), rows[start : start + BATCH])


class Rows:
    """Rows per model, inserted in dependency order by `flush`."""

    ORDER = [
        Organisation,
        User,
        BudgetYear,
        BudgetPot,
        Participant,
        StatusChange,
        Assessment,
        ZrmScore,
        Goal,
        Action,
        Conversation,
        Commitment,
        CommitmentUpdate,
        MaatwerkRequest,
        LifeCoachInvoice,
        Contract,
        ContractVersion,
        ContractParty,
        ContractSigningLink,
        ContractSignature,
        ContractEvent,
        AuditLog,
    ]

    def __init__(self):
        self.rows = {model: [] for model in self.ORDER}
        self.count = dict.fromkeys(self.ORDER, 0)
        self.freeze: list[dict] = []  # versions to freeze once their parties are in

    def add(self, model, **values) -> None:
        self.rows[model].append(values)

    def flush(self) -> None:
        for model in self.ORDER:
            if self.rows[model]:
                _insert(model, self.rows[model])
                self.count[model] += len(self.rows[model])
                self.rows[model] = []
        # A frozen version's parties cannot be added (PostgreSQL trigger): insert versions unfrozen,
        # add the parties, then freeze, exactly as sending a contract does.
        table = ContractVersion.__table__
        for start in range(0, len(self.freeze), BATCH):
            db.session.execute(
                table.update().where(table.c.id == bindparam("vid")).values(frozen_at=bindparam("at")),
                self.freeze[start : start + BATCH],
            )
        self.freeze = []


# --------------------------------------------------------------------------- world (users, orgs, budget)


def _build_world(scale: int, ids: Ids, rows: Rows, today: date, now: datetime) -> World:
    years = [today.year - 2, today.year - 1, today.year]
    pw = None

    # Organisations: one municipality plus partners, growing with the scale.
    municipality = db.session.scalar(select(Organisation.id).where(Organisation.kind == "gemeente"))
    if municipality is None:
        municipality = ids.take(Organisation)
        rows.add(
            Organisation, id=municipality, name="Gemeente Hengelo", kind="gemeente", active=True,
            contact_name=None, contact_email=None, contact_phone=None,
        )  # fmt: skip
    partner_orgs = list(
        db.session.scalars(select(Organisation.id).where(Organisation.kind != "gemeente").order_by(Organisation.id))
    )
    partner_user_of = dict(
        db.session.execute(
            select(User.organisation_id, func.min(User.id)).where(User.role == "partner").group_by(User.organisation_id)
        ).all()
    )
    for n in range(len(partner_orgs), organisations_for(scale)):
        pw = pw or _password_hash()
        org_id = ids.take(Organisation)
        name = ORG_NAMES[n] if n < len(ORG_NAMES) else f"Partner {n + 1} Twente"
        rows.add(
            Organisation, id=org_id, name=name, kind=ORG_KINDS[n % len(ORG_KINDS)], active=True,
            contact_name=f"Contact {n + 1}", contact_email=f"contact{n + 1}@{BENCH_DOMAIN}",
            contact_phone="074 123 4567",
        )  # fmt: skip
        partner_orgs.append(org_id)
        user_id = ids.take(User)
        rows.add(
            User, **_user_row(user_id, f"partner{n + 1}@{BENCH_DOMAIN}", f"Partner {n + 1}", "partner", pw, org_id)
        )
        partner_user_of[org_id] = user_id

    # Staff: coaches grow with the caseload; finance, beheer.
    def staff(role: str) -> list[int]:
        return list(db.session.scalars(select(User.id).where(User.role == role).order_by(User.id)))

    coaches, finance, beheer = staff("coach"), staff("financien"), staff("beheer")
    wanted = {
        "coach": math.ceil(scale * UNIT_PARTICIPANTS / PARTICIPANTS_PER_COACH),
        "financien": 1 + scale // 40,
        "beheer": 1,
    }
    for role, have in (("coach", coaches), ("financien", finance), ("beheer", beheer)):
        for n in range(len(have), wanted[role]):
            pw = pw or _password_hash()
            user_id = ids.take(User)
            rows.add(
                User, **_user_row(user_id, f"{role}{n + 1}@{BENCH_DOMAIN}", f"{role.capitalize()} {n + 1}", role, pw)
            )
            have.append(user_id)

    # Budget years and pots: the council's money grows with the pilot (150,000 per year per unit).
    pots = {}
    existing = {y.year: y for y in db.session.scalars(select(BudgetYear))}
    total = YEAR_TOTAL * scale
    for year in years:
        if year in existing:
            db.session.execute(update(BudgetYear).where(BudgetYear.id == existing[year].id).values(total=total))
            db.session.execute(
                update(BudgetPot).where(BudgetPot.budget_year_id == existing[year].id).values(amount=total / 2)
            )
            for pot_id, kind in db.session.execute(
                select(BudgetPot.id, BudgetPot.kind).where(BudgetPot.budget_year_id == existing[year].id)
            ):
                pots[(year, kind)] = pot_id
            continue
        year_id = ids.take(BudgetYear)
        rows.add(BudgetYear, id=year_id, year=year, total=total, created_at=now)
        for kind in ("lifecoach", "maatwerk"):
            pot_id = ids.take(BudgetPot)
            rows.add(BudgetPot, id=pot_id, budget_year_id=year_id, kind=kind, amount=total / 2)
            pots[(year, kind)] = pot_id
    rows.flush()
    return World(today, now, years, pots, coaches, finance, partner_orgs, municipality, partner_user_of)


def _user_row(user_id: int, email: str, name: str, role: str, pw: str, org_id: int | None = None) -> dict:
    return {
        "id": user_id, "email": email, "name": name, "role": role, "active": True, "organisation_id": org_id,
        "password_hash": pw, "session_version": 1, "totp_secret": None,
        "totp_enabled_at": None, "totp_last_step": None, "last_login_at": None, "created_at": datetime(2024, 1, 1),
    }  # fmt: skip


# --------------------------------------------------------------------------- one unit (50 participants)


def _between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randint(7, 16), rng.choice((0, 15, 30, 45)))


def _seed_unit(unit: int, world: World, ids: Ids, rows: Rows) -> None:
    rng = random.Random(2026 * 1000 + unit)
    today, now = world.today, world.now
    first_day = date(world.years[0], 1, 1)
    for _ in range(UNIT_PARTICIPANTS):
        _seed_participant(rng, world, ids, rows, today, now, first_day)
    # The hired life-coach sends one invoice a month per unit of scale.
    for year in world.years:
        last_month = 12 if year < today.year else today.month - 1
        for month in range(1, last_month + 1):
            rows.add(
                LifeCoachInvoice, id=ids.take(LifeCoachInvoice), pot_id=world.pots[(year, "lifecoach")],
                supplier="Coachbureau Twente", invoice_number=f"CT-{year}-{unit:03d}-{month:02d}",
                invoice_date=date(year, month, 28), description=f"Inzet life-coach {month:02d}-{year}",
                amount=Decimal(rng.randint(4500, 5800)), corrects_id=None, recorded_by_id=world.finance[0],
                created_at=datetime(year, month, 28, 12),
            )  # fmt: skip


def _seed_participant(rng, world: World, ids: Ids, rows: Rows, today: date, now: datetime, first_day: date) -> None:
    pid = ids.take(Participant)
    coach = rng.choice(world.coaches)
    start = _between(rng, first_day, today - timedelta(days=10))
    end = start + timedelta(days=365)
    if end < today:
        status = "afgerond" if rng.random() < 0.7 else "uitgevallen"
    else:
        fresh = (today - start).days < 60
        status = rng.choices(["aangemeld", "intake", "actief"], [1, 1, 6])[0] if fresh else "actief"
    closed = status in ("afgerond", "uitgevallen")
    outcome_date = _between(rng, start + timedelta(days=120), min(end, today)) if closed else None
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    rows.add(
        Participant, id=pid, first_name=first, last_name=last,
        date_of_birth=date(today.year - rng.randint(18, 26), rng.randint(1, 12), rng.randint(1, 28)),
        email=f"deelnemer{pid}@{BENCH_DOMAIN}", phone="06 1234 5678", address=f"Marktstraat {pid % 200 + 1}, Hengelo",
        highest_education=rng.choice(EDUCATION), has_startkwalificatie=False, referral_source=rng.choice(REFERRALS),
        coach_id=coach, start_date=start, end_date=end, status=status, eligibility_exception=None,
        created_at=_at(start - timedelta(days=14), rng), needs_followup=status == "actief" and rng.random() < 0.1,
        extension_reason=None,
        outcome=(rng.choice(OUTCOMES) if status == "afgerond" else "uitgevallen") if closed else None,
        outcome_date=outcome_date, outcome_note="Afgesloten na het perspectiefjaar." if closed else None,
        dropout_reason="Verhuisd." if status == "uitgevallen" else None,
    )  # fmt: skip

    # Status history: aangemeld -> intake -> actief -> afgerond/uitgevallen.
    path = ["aangemeld", "intake", "actief", "afgerond", "uitgevallen"]
    steps = path[: path.index(status) + 1] if status != "uitgevallen" else path[:3] + ["uitgevallen"]
    previous = None
    for n, step in enumerate(steps):
        on = outcome_date if step in ("afgerond", "uitgevallen") else min(start + timedelta(days=7 * n), today)
        rows.add(
            StatusChange, id=ids.take(StatusChange), participant_id=pid, from_status=previous, to_status=step,
            changed_on=on, changed_by_id=coach, note=None, created_at=_at(on, rng),
        )  # fmt: skip
        previous = step

    # Assessments: intake, a midway one when the year is underway, an end one when closed.
    moments = [("intake", start)]
    if status in ("actief", "afgerond", "uitgevallen") and (today - start).days > 120:
        moments.append(("tussentijds", start + timedelta(days=120)))
    if closed:
        moments.append(("eind", outcome_date))
    rung = rng.randint(1, 3)
    for kind, on in moments:
        aid = ids.take(Assessment)
        rows.add(
            Assessment, id=aid, participant_id=pid, assessed_on=on, kind=kind, ladder_rung=rung,
            growth_rung=min(6, rung + rng.randint(0, 2)), note=None, assessed_by_id=coach, created_at=_at(on, rng),
        )  # fmt: skip
        for domain in ZRM_DOMAINS:
            score = None if rng.random() < 0.05 else rng.randint(1, 5)
            rows.add(ZrmScore, id=ids.take(ZrmScore), assessment_id=aid, domain=domain, score=score)
        rung = min(6, rung + rng.randint(0, 2))

    # Goals with actions.
    goal_ids = []
    for domain, description in rng.sample(GOAL_TEXTS, 3):
        gid = ids.take(Goal)
        goal_ids.append(gid)
        rows.add(
            Goal, id=gid, participant_id=pid, domain=domain, description=description,
            target_date=start + timedelta(days=rng.randint(90, 300)),
            status=rng.choice(["open", "bezig", "bezig", "behaald"]), created_at=_at(start, rng), created_by_id=coach,
        )  # fmt: skip
        for n in range(2):
            partner = n == 1 and rng.random() < 0.5
            due = start + timedelta(days=rng.randint(14, 200))
            done = due < today and rng.random() < 0.8
            rows.add(
                Action, id=ids.take(Action), goal_id=gid, description="Afspraak maken en erheen gaan",
                who="partner" if partner else rng.choice(["deelnemer", "coach"]),
                organisation_id=rng.choice(world.partner_orgs) if partner else None, due_date=due, done=done,
                done_on=due if done else None, created_at=_at(start, rng),
            )  # fmt: skip

    # Conversations: four contactmomenten, the last one may still be planned.
    last_day = min(end, today + timedelta(days=14))
    for n in range(CONVERSATIONS_PER_PARTICIPANT):
        day = _between(rng, start, last_day)
        held = _at(day, rng)
        attendance = (
            "gepland" if held > now else rng.choices(["verschenen", "afgemeld", "niet_verschenen"], [8, 1, 1])[0]
        )
        rows.add(
            Conversation, id=ids.take(Conversation), participant_id=pid, held_at=held,
            kind="intake" if n == 0 else rng.choice(CONVERSATION_KINDS[1:]), attendance=attendance,
            cancel_reason="Ziek." if attendance == "afgemeld" else None,
            summary="Gesproken over de voortgang en de volgende stap." if attendance == "verschenen" else None,
            next_action="Volgende week bellen met de werkgever.", coach_id=coach, created_at=held,
        )  # fmt: skip

    # A partner commitment for most participants, with its history.
    org_for_contract = rng.choice(world.partner_orgs)
    if rng.random() < 0.8:
        org_for_contract = org = rng.choice(world.partner_orgs)
        cid = ids.take(Commitment)
        due = start + timedelta(days=rng.randint(30, 300))
        cstatus = rng.choice(["toegezegd", "in_uitvoering", "nagekomen", "nagekomen", "niet_nagekomen", "vervallen"])
        created = _at(start, rng)
        rows.add(
            Commitment, id=cid, organisation_id=org, participant_id=pid, kind=rng.choice(COMMITMENT_KINDS),
            description="Een plek aanbieden die past bij het doel werk en opleiding.", quantity=None, amount=None,
            due_date=due, status=cstatus, created_at=created, realised_quantity=None, realised_amount=None,
            contact_user_id=world.partner_user_of.get(org), created_by_id=coach, updated_at=created,
        )  # fmt: skip
        history = [("toegezegd", None)] + ([(cstatus, "toegezegd")] if cstatus != "toegezegd" else [])
        for new, old in history:
            rows.add(
                CommitmentUpdate, id=ids.take(CommitmentUpdate), commitment_id=cid, on_date=created.date(),
                old_status=old, new_status=new, note="Toezegging vastgelegd." if old is None else "Bijgewerkt.",
                realised_quantity=None, realised_amount=None, actor_id=coach, created_at=created,
            )  # fmt: skip

    # Maatwerk: twenty lines per participant, in the budget year of the expected date.
    recent = now - timedelta(days=30)
    for _ in range(MAATWERK_PER_PARTICIPANT):
        requested = _at(_between(rng, start, min(end, today)), rng)
        expected = min(requested.date() + timedelta(days=rng.randint(0, 30)), date(world.years[-1], 12, 31))
        if requested > recent:
            mstatus = rng.choice(["aangevraagd", "aangevraagd", "goedgekeurd", "afgewezen"])
        else:
            mstatus = rng.choices(["betaald", "goedgekeurd", "afgewezen", "ingetrokken"], [6, 2, 1, 1])[0]
        decided = mstatus in ("goedgekeurd", "afgewezen", "betaald")
        paid = min(requested.date() + timedelta(days=rng.randint(3, 20)), today) if mstatus == "betaald" else None
        rows.add(
            MaatwerkRequest, id=ids.take(MaatwerkRequest), pot_id=world.pots[(expected.year, "maatwerk")],
            participant_id=pid, goal_id=rng.choice(goal_ids), category=rng.choice(CATEGORIES),
            description="Cursus, vervoer of spullen die nodig zijn voor het doel.", supplier=rng.choice(SUPPLIERS),
            amount=Decimal(rng.randint(2000, 30000)) / 100, expected_on=expected,
            justification="De goedkoopste oplossing die goed genoeg is.", status=mstatus, requested_by_id=coach,
            requested_at=requested, decided_by_id=rng.choice(world.finance) if decided else None,
            decided_at=requested + timedelta(days=2) if decided else None,
            rejection_reason="Past niet binnen de regeling." if mstatus == "afgewezen" else None,
            invoice_number=f"F-{requested:%Y%m}-{rng.randint(1000, 9999)}" if paid else None, paid_on=paid,
            paid_by_id=world.finance[0] if paid else None,
        )  # fmt: skip

    # Contracts: an earlier one (ended or declined) and the current one matching the participant's status.
    _seed_contract(rng, world, ids, rows, pid, coach, f"{first} {last}", start, org_for_contract, earlier=True)
    current = {"aangemeld": "concept", "intake": "verzonden", "actief": "actief"}.get(status, "beeindigd")
    _seed_contract(rng, world, ids, rows, pid, coach, f"{first} {last}", start, org_for_contract, status=current)

    # Audit trail: who opened the file when (views are most of a real audit log).
    for _ in range(10):
        at = _at(_between(rng, start, min(end, today)), rng)
        rows.add(
            AuditLog, id=ids.take(AuditLog), at=at, actor_id=coach, actor_label=f"coach@{BENCH_DOMAIN}",
            action="view", object_type="participant", object_id=pid, changes=None, ip="127.0.0.1", result="ok",
        )  # fmt: skip


def _seed_contract(rng, world, ids, rows, pid, coach, name, start, org, *, earlier=False, status="actief") -> None:
    created = _at(start - timedelta(days=40 if earlier else 5), rng)
    if earlier:
        status = rng.choice(["beeindigd", "geweigerd"])
    contract_id = ids.take(Contract)
    rows.add(Contract, id=contract_id, participant_id=pid, status=status, created_at=created, created_by_id=coach)
    # A tenth of the signed contracts got a second version that replaced the first.
    statuses = ["vervangen", status] if status == "actief" and rng.random() < 0.1 else [status]
    for number, vstatus in enumerate(statuses, start=1):
        vid = ids.take(ContractVersion)
        frozen = vstatus != "concept"
        sent = created + timedelta(days=number)
        canonical = f"Inspanningscontract PJ-{contract_id:05d} versie {number}\n{name}\n" if frozen else None
        signed_by_all = vstatus in ("actief", "beeindigd", "vervangen")
        rows.add(
            ContractVersion, id=vid, contract_id=contract_id, number=number, status=vstatus, start_date=start,
            end_date=start + timedelta(days=365), sections=SECTIONS, canonical_text=canonical,
            text_sha256=hashlib.sha256(canonical.encode()).hexdigest() if canonical else None,
            frozen_at=None, created_at=created, created_by_id=coach,
            sent_at=sent if frozen else None, activated_at=sent + timedelta(days=2) if signed_by_all else None,
            closed_at=sent + timedelta(days=3) if vstatus in ("beeindigd", "geweigerd", "vervangen") else None,
            close_reason="Afgerond." if vstatus == "beeindigd" else None,
        )  # fmt: skip
        if frozen:
            rows.freeze.append({"vid": vid, "at": sent})
        parties = [
            ("deelnemer", None, name, None),
            ("gemeente", world.municipality_id, "Gemeente Hengelo", None),
            ("partner", org, f"Partner {org}", world.partner_user_of.get(org)),
        ]
        for position, (kind, org_id, party_name, signer) in enumerate(parties):
            party_id = ids.take(ContractParty)
            rows.add(
                ContractParty, id=party_id, version_id=vid, position=position, kind=kind, organisation_id=org_id,
                name=party_name, signer_user_id=signer,
            )  # fmt: skip
            link_id = None
            if kind == "deelnemer" and frozen:
                link_id = ids.take(ContractSigningLink)
                rows.add(
                    ContractSigningLink, id=link_id, version_id=vid, party_id=party_id,
                    token_hash=hashlib.sha256(f"bench-link-{link_id}".encode()).hexdigest(), created_at=sent,
                    created_by_id=coach, expires_at=sent + timedelta(days=14),
                    used_at=sent + timedelta(days=1) if signed_by_all else None, revoked_at=None,
                    expired_noted_at=None, failed_checks=0,
                )  # fmt: skip
            if signed_by_all or (vstatus == "verzonden" and kind == "gemeente"):
                rows.add(
                    ContractSignature, id=ids.take(ContractSignature), version_id=vid, party_id=party_id,
                    signer_name=party_name, user_id=coach if kind == "gemeente" else signer, link_id=link_id,
                    method="link" if kind == "deelnemer" else "wachtwoord", authentication="bench",
                    signed_at=sent + timedelta(days=1), ip="127.0.0.1", user_agent="bench",
                    intent_text="Ik onderteken dit contract.",
                    version_sha256=hashlib.sha256(canonical.encode()).hexdigest(),
                )  # fmt: skip
        for kind in ("created", "sent") if frozen else ("created",):
            rows.add(
                ContractEvent, id=ids.take(ContractEvent), contract_id=contract_id, version_id=vid, kind=kind,
                at=created if kind == "created" else sent, actor_label=f"coach@{BENCH_DOMAIN}", detail=None,
            )  # fmt: skip


# --------------------------------------------------------------------------- entry points


def _pilot_wide_commitments(world: World, ids: Ids, rows: Rows, orgs: list[int], now: datetime) -> None:
    for org in orgs:
        cid = ids.take(Commitment)
        rows.add(
            Commitment, id=cid, organisation_id=org, participant_id=None, kind="leerwerkplek",
            description="Leerwerkplekken voor deelnemers van de pilot.", quantity=10, amount=None,
            due_date=world.today + timedelta(days=120), status="in_uitvoering", created_at=now, realised_quantity=4,
            realised_amount=None, contact_user_id=world.partner_user_of.get(org), created_by_id=world.coaches[0],
            updated_at=now,
        )  # fmt: skip
        rows.add(
            CommitmentUpdate, id=ids.take(CommitmentUpdate), commitment_id=cid, on_date=now.date(), old_status=None,
            new_status="in_uitvoering", note="Toezegging vastgelegd.", realised_quantity=4, realised_amount=None,
            actor_id=world.coaches[0], created_at=now,
        )  # fmt: skip


def reset_sequences() -> None:
    """PostgreSQL: move every id sequence past the ids we assigned, so the app's own inserts work."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
            )
        )


def analyze() -> None:
    """Bring the database to the state autovacuum keeps it in shortly after a bulk load in production.

    Without ANALYZE PostgreSQL plans the first minutes with the row counts of an empty database. Without
    VACUUM no page is marked all-visible yet, so index-only scans (the finance queue's covering index, the
    audit log's count) still read every table row: measured right after the load, they took 1.5-2x as long.
    """
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        return
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def seed(scale: int, *, quiet: bool = False) -> dict:
    """Bring the database up to `scale` times the pilot. Returns row counts added and the time taken."""
    started = time.perf_counter()
    today = date.today()
    now = datetime.now().replace(microsecond=0)
    ids, rows = Ids(), Rows()
    have_units = units_seeded()
    known_orgs = set(db.session.scalars(select(Organisation.id)))
    world = _build_world(scale, ids, rows, today, now)
    new_orgs = [org for org in world.partner_orgs if org not in known_orgs]
    _pilot_wide_commitments(world, ids, rows, new_orgs, now)
    for unit in range(have_units, scale):
        _seed_unit(unit, world, ids, rows)
        if (unit + 1) % 5 == 0:
            rows.flush()
    rows.flush()
    coach_history.open_first_periods()  # each new file's coach history, as intake would have opened it
    persons.give_persons_to_bulk_rows()  # and its person
    rebuild_totals(db.session)  # the bulk inserts bypassed the ORM listeners that keep these two
    rebuild_assessment_progress(db.session)
    reset_sequences()
    db.session.commit()
    analyze()
    seconds = time.perf_counter() - started
    added = {model.__tablename__: n for model, n in rows.count.items() if n}
    if not quiet:
        total = sum(added.values())
        print(
            f"Seeded scale {have_units or 0}x -> {scale}x: {total:,} rows in {seconds:.1f} s ({db.engine.dialect.name})"
        )
    return {"rows": added, "seconds": seconds}


def bench_users() -> dict[str, User]:
    """The users the benchmarks sign in as: the first of each role (the partner of the first organisation)."""

    def first(role: str) -> User:
        return db.session.scalars(select(User).where(User.role == role).order_by(User.id).limit(1)).one()

    return {role: first(role) for role in ("coach", "financien", "partner", "beheer")}
