"""Test factories for contracts: a drafted contract, a sent version with its participant link."""

from datetime import date

from blueprints.contracts import drafting, links, signing
from models import Goal, db
from tests.conftest import make_org, make_participant, make_user


def make_world(partner_names=("ROC van Twente",), participant_kw=None):
    """Gemeente Hengelo, partner organisations with one partner user each, a coach and a participant."""
    gemeente = make_org("Gemeente Hengelo", "gemeente")
    partners = [make_org(name, "onderwijs") for name in partner_names]
    # Real-looking names: signing checks the typed name against the account and the case file.
    partner_users = [make_user("partner", organisation=org, name="Marloes ten Hove") for org in partners]
    coach = make_user("coach", name="Lotte Jansen")
    kw = {"status": "intake", "coach_id": coach.id, "email": "sanne@example.test", "last_name": "de Jong"}
    kw.update(participant_kw or {})
    participant = make_participant(**kw)
    db.session.add(Goal(participant_id=participant.id, domain="werk_opleiding", description="Een BBL-plek vinden"))
    db.session.commit()
    return {
        "gemeente": gemeente,
        "partners": partners,
        "partner_users": partner_users,
        "coach": coach,
        "participant": participant,
    }


def make_contract(world, start=date(2026, 9, 1)):
    contract = drafting.new_contract(world["participant"], world["partners"], start, world["coach"])
    db.session.commit()
    return contract


def make_sent(world):
    """A contract with version 1 sent; returns (contract, version, token)."""
    contract = make_contract(world)
    version = contract.versions[0]
    signing.send_version(version, world["coach"])
    db.session.flush()
    _link, token = links.create_link(version, world["coach"])
    db.session.commit()
    return contract, version, token


def party(version, kind, organisation=None):
    return next(
        p for p in version.parties if p.kind == kind and (organisation is None or p.organisation_id == organisation.id)
    )


def sign(version, p, name="Iemand", user=None, link=None):
    return signing.sign_version(
        version,
        p,
        signer_name=name,
        method="wachtwoord" if user else "link",
        authentication="test",
        intent=signing.intent_text(version, p),
        user=user,
        link=link,
        ip="127.0.0.1",
        user_agent="pytest",
    )
