"""Test factories for the partners feature: commitments with or without a participant."""

from datetime import date, timedelta

from models import Commitment, Organisation, db


def make_commitment(organisation: Organisation, participant=None, **kw) -> Commitment:
    defaults = {
        "kind": "bbl_plaats",
        "description": "BBL-plaats niveau 2 Metaal",
        "due_date": date.today() + timedelta(days=30),
        "status": "toegezegd",
    }
    defaults.update(kw)
    commitment = Commitment(organisation=organisation, participant=participant, **defaults)
    db.session.add(commitment)
    db.session.commit()
    return commitment
