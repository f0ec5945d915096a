"""Demo contracts in every state: concept, waiting (partly signed), declined, in force, ended; one
contract with an open proposal (version 2) while its version 1 stays in force, and personal annexes
for goals in sensitive leefgebieden. Every demo partner has a contract waiting for its signature.
Runs after youths and partners."""

import random
from datetime import datetime, timedelta

from blueprints.contracts import drafting, links, outbox, signing
from blueprints.contracts.events import log_event
from models import Commitment, Contract, Organisation, PartyKind, db, utcnow

PARTNER_ACCOUNTS = {
    "ROC van Twente": "roc@roc-twente.test",
    "Leerwerkloket Twente": "leerwerkloket@leerwerkloket-twente.test",
    "Provincie Overijssel": "provincie@overijssel.test",
    "Bouwbedrijf Hengelo": "werkgever@bouwbedrijf-hengelo.test",
}
AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
]


def _partners_for(participant, organisations) -> list[Organisation]:
    ids = {c.organisation_id for c in db.session.query(Commitment).filter(Commitment.participant_id == participant.id)}
    chosen = [o for o in organisations.values() if o.id in ids and o.kind != "gemeente"]
    return sorted(chosen or [organisations["ROC van Twente"]], key=lambda o: o.name)[:3]


def load(world: dict) -> None:
    rng = random.Random(2026)
    organisations, users = world["organisations"], world["users"]
    participants = world.get("participants") or []
    coach = users["coach@hengelo.test"]
    now = utcnow()

    def draft(participant, days_ago, partners=None):
        partners = partners or _partners_for(participant, organisations)
        contract = drafting.new_contract(participant, partners, participant.start_date, coach)
        contract.created_at = now - timedelta(days=days_ago)
        contract.versions[0].created_at = contract.created_at
        db.session.flush()
        log_event(contract, "created", contract.versions[0], coach, detail="versie 1 (concept)", at=contract.created_at)
        return contract

    def send(version, at: datetime):
        signing.send_version(version, coach, now=at)
        db.session.flush()
        links.create_link(version, coach, now=at)
        outbox.queue_invitations(version, None)

    def sign_party(version, party, at: datetime):
        ip = f"145.{rng.randint(2, 250)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if party.kind == PartyKind.DEELNEMER:
            link = links.open_links(version, at)
            kw = {
                "method": "link",
                "link": link[0] if link else None,
                "authentication": "persoonlijke link (alleen bekend bij de deelnemer); gecontroleerd: "
                "persoonlijke link en geboortedatum",
                "factors": ["persoonlijke link", "geboortedatum"],
            }
            name = party.name
        elif party.kind == PartyKind.GEMEENTE:
            kw = {
                "method": "wachtwoord",
                "user": coach,
                "authentication": f"ingelogd als {coach.email} (coach); bij het tekenen gecontroleerd: wachtwoord",
                "factors": ["wachtwoord"],
            }
            name = coach.name
        else:
            user = users.get(PARTNER_ACCOUNTS.get(party.name, ""))
            kw = {
                "method": "wachtwoord",
                "user": user,
                "authentication": f"ingelogd als {user.email if user else 'partner'} (partner); bij het tekenen "
                "gecontroleerd: wachtwoord en code uit de authenticator-app",
                "factors": ["wachtwoord", "code uit de authenticator-app"],
            }
            name = user.name if user else f"Medewerker {party.name}"
        return signing.sign_version(
            version,
            party,
            signer_name=name,
            intent=signing.intent_text(version, party),
            ip=ip,
            user_agent=rng.choice(AGENTS),
            now=at,
            **kw,
        )

    def sign_all(version, start: datetime):
        for step, party in enumerate(version.parties):
            sign_party(version, party, start + timedelta(hours=5 + 20 * step))

    by_status = {}
    for participant in participants:
        by_status.setdefault(participant.status, []).append(participant)
    active = by_status.get("actief", [])
    intake = by_status.get("intake", []) + by_status.get("aangemeld", [])
    finished = by_status.get("afgerond", [])

    # Active participants: fully signed contracts (the first one later got a second version).
    for index, participant in enumerate(active[:8]):
        contract = draft(participant, 200 - index * 10)
        version = contract.versions[0]
        sent = contract.created_at + timedelta(days=1)
        send(version, sent)
        sign_all(version, sent)
    if active:
        # Version 2 is a proposal: a new goal in the common text, so every party signs again; the
        # participant and the municipality have, the partners not yet. Version 1 stays in force.
        contract = db.session.query(Contract).filter_by(participant_id=active[0].id).one()
        v2 = drafting.next_version(contract, coach)
        db.session.flush()
        log_event(contract, "new_version", v2, coach, detail="versie 2 (concept)", at=now - timedelta(days=9))
        sections = [dict(s) for s in v2.sections]
        for section in sections:
            if section["key"] == "deelnemer":
                section["body"] += "\n- Werk & opleiding: het rijbewijs B halen voor werk in de bouw."
        v2.sections = sections
        send(v2, now - timedelta(days=8))
        for party in v2.parties[:2]:
            sign_party(v2, party, now - timedelta(days=7))

    # Intake: a concept, one waiting (partly signed, sent 6 days ago: due for a reminder), one declined.
    if len(intake) >= 1:
        draft(intake[0], 2)
    if len(intake) >= 2:
        # Every demo partner (ROC van Twente included) waits to sign this one.
        everyone = sorted((organisations[name] for name in PARTNER_ACCOUNTS), key=lambda o: o.name)
        contract = draft(intake[1], 8, everyone)
        version = contract.versions[0]
        send(version, now - timedelta(days=6))
        gemeente = next(p for p in version.parties if p.kind == PartyKind.GEMEENTE)
        sign_party(version, gemeente, now - timedelta(days=6, hours=-2))
    if len(intake) >= 3:
        contract = draft(intake[2], 5)
        version = contract.versions[0]
        send(version, now - timedelta(days=4))
        participant_party = next(p for p in version.parties if p.kind == PartyKind.DEELNEMER)
        link = links.open_links(version, now)[0]
        signing.decline_version(
            version,
            participant_party,
            name=participant_party.name,
            link=link,
            ip="145.53.12.9",
            user_agent=AGENTS[0],
            now=now - timedelta(days=1),
            reason="Ik wil eerst met mijn moeder bespreken of de BBL-plek in Enschede haalbaar is met de bus.",
        )

    # Finished participants: the contract was signed and has ended.
    for index, participant in enumerate(finished[:2]):
        contract = draft(participant, 400 + index * 20)
        version = contract.versions[0]
        sent = contract.created_at + timedelta(days=1)
        send(version, sent)
        sign_all(version, sent)
        signing.end_contract(contract, "Het perspectiefjaar is afgerond.", coach, now=now - timedelta(days=20))
    db.session.flush()
