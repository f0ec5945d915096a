"""Factories for budget tests: a budget year with pots, and maatwerk requests in any state."""

from datetime import date
from decimal import Decimal

from blueprints.budget.rules import create_budget_year, pot_for
from models import MaatwerkRequest, PotKind, RequestStatus, db, utcnow
from tests.conftest import make_participant, make_user


def make_year(year: int = 2026, total: str = "150000.00", lifecoach: str | None = None):
    budget_year = create_budget_year(year, Decimal(total), Decimal(lifecoach) if lifecoach is not None else None)
    db.session.commit()
    return budget_year


def maatwerk_pot(year: int = 2026):
    return pot_for(year, PotKind.MAATWERK)


def make_request(amount="100.00", status=RequestStatus.AANGEVRAAGD, participant=None, coach=None, year=2026, **kw):
    participant = participant or make_participant()
    coach = coach or make_user("coach")
    fields = {
        "pot_id": maatwerk_pot(year).id,
        "participant_id": participant.id,
        "category": "vervoer",
        "description": "Tweedehands fiets",
        "supplier": "Twents Fietsenhuis",
        "amount": Decimal(amount),
        "expected_on": date(year, 3, 1),
        "justification": "Goedkoper dan een OV-abonnement.",
        "status": status.value if hasattr(status, "value") else status,
        "requested_by_id": coach.id,
        "requested_at": utcnow(),
    }
    fields.update(kw)
    request = MaatwerkRequest(**fields)
    db.session.add(request)
    db.session.commit()
    return request
