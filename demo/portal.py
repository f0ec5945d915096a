"""Demo data for Mijn Perspectiefjaar: coaches' phone and hours, and for every running participant
(e-mail address in the file) planned appointments with place, address and what to bring.

Sign in as a participant in the demo: /mijn/inloggen with the participant's e-mail address; the code
lands in "Uitgaande berichten" (beheer), because the demo has no mail server.
"""

from datetime import datetime, time, timedelta

from core.localtime import local_now, to_utc
from models import Conversation, PortalMessage, db

PLACES = [
    ("Stadhuis Hengelo, balie Werk en Inkomen", "Hazenweg 120, Hengelo", "je identiteitsbewijs"),
    ("Wijkcentrum De Veldkamp, kamer 2", "Gieterij 200, Hengelo", "je cv (op papier of op je telefoon)"),
    ("ROC van Twente, locatie Hengelo", "Gieterij 191, Hengelo", "je laatste diploma of cijferlijst"),
    ("Bij jou thuis", None, "post van instanties die je nog niet hebt geopend"),
]
RUNNING = ("aangemeld", "intake", "actief")


def load(world: dict) -> None:
    coaches = [world["users"]["coach@hengelo.test"], world["users"]["coach2@hengelo.test"]]
    coaches[0].phone, coaches[0].reachable = "074 245 98 10", "maandag tot en met donderdag, 9.00 tot 17.00 uur"
    coaches[1].phone, coaches[1].reachable = "074 245 98 11", "dinsdag, woensdag en vrijdag, 8.30 tot 16.30 uur"
    now = local_now()
    for index, participant in enumerate(world["participants"]):
        if participant.status not in RUNNING:
            continue
        planned = [c for c in participant_conversations(participant) if c.attendance == "gepland"]
        # Every running participant has two appointments ahead: the next one in a few days, one later.
        for days in (2 + index % 5, 16 + index % 7)[len(planned) :]:
            day = (now + timedelta(days=days)).date()
            while day.weekday() >= 5:
                day += timedelta(days=1)
            planned.append(
                Conversation(
                    participant_id=participant.id,
                    held_at=to_utc(datetime.combine(day, time(10 + index % 5, 0 if index % 2 else 30))),
                    kind="intake" if participant.status == "aangemeld" else "voortgangsgesprek",
                    attendance="gepland",
                    coach=participant.coach,
                )
            )
        for number, talk in enumerate(planned):
            location, address, bring = PLACES[(index + number) % len(PLACES)]
            talk.location = location
            talk.address = address or participant.address
            talk.bring = bring
            db.session.add(talk)
        if index % 6 == 1:
            db.session.add(
                PortalMessage(
                    participant_id=participant.id,
                    body="Hoi, kan mijn volgende afspraak ook op een middag? Ik heb 's ochtends werk.",
                    created_at=to_utc(now - timedelta(hours=3 + index)),
                )
            )
    db.session.flush()


def participant_conversations(participant) -> list[Conversation]:
    return list(
        db.session.scalars(
            db.select(Conversation).where(Conversation.participant_id == participant.id).order_by(Conversation.held_at)
        )
    )
