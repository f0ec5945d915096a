"""Hostile input on every contract form (coach, partner, beheer) and on the participant's signing pages.

Reuses the shared crawler and fuzzer: never a 500, a refused form saves nothing, output is escaped.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from blueprints.contracts import links, signing
from demo import load_demo
from models import ContractVersion, User, db
from tests.crawl import crawl
from tests.test_hostile_input import RAW_MARKERS, fuzz_form, hostile_value

ROLES = {
    "coach": ("coach@hengelo.test", "/contracten/"),
    "partner": (None, "/contracten/portaal"),
    "beheer": ("beheer@hengelo.test", "/contracten/sjabloon"),
}


@pytest.fixture
def demo_world(app):
    load_demo("perspectiefjaar-demo")
    return app


def _partner_with_work() -> tuple[User, int]:
    """A partner user whose organisation still has to sign a sent version (the demo has one)."""
    for version in db.session.scalars(select(ContractVersion).where(ContractVersion.status == "verzonden")):
        for party in version.parties:
            if party.kind == "partner" and signing.party_status(party) == "open":
                user = db.session.scalar(select(User).where(User.organisation_id == party.organisation_id))
                if user is not None:
                    return user, version.id
    raise AssertionError("de demo heeft geen partner die nog moet tekenen")


@pytest.mark.parametrize("role", sorted(ROLES))
def test_contract_forms_survive_hostile_input(demo_world, client, login_as, role):
    email, start = ROLES[role]
    if email is None:  # start at a version the partner still has to sign
        user, version_id = _partner_with_work()
        start = f"/contracten/portaal/{version_id}"
    else:
        user = db.session.scalar(select(User).where(User.email == email))
    login_as(user=user)
    forms = [f for f in crawl(client, start).forms if "/contracten" in f["action"]]
    assert forms, f"geen contractformulieren gevonden voor {role}"
    for form in forms:
        fuzz_form(client, role, form)()


def test_participant_signing_forms_survive_hostile_input(demo_world, client):
    version = db.session.scalars(
        select(ContractVersion).where(ContractVersion.status == "verzonden").order_by(ContractVersion.id)
    ).first()
    _, token = links.create_link(version, None)
    db.session.commit()
    dob = version.contract.participant.date_of_birth.isoformat()
    fields = {
        f"/tekenen/{token}": ["date_of_birth"],
        f"/tekenen/{token}/teken": ["signer_name", "intent"],
        f"/tekenen/{token}/weigeren": ["weiger-name", "weiger-reason"],
    }

    @settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def post_hostile(data):
        for action, names in fields.items():
            client.post(f"/tekenen/{token}", data={"date_of_birth": dob})  # stay past the birth-date check
            values = {name: data.draw(hostile_value([])) for name in names}
            response = client.post(action, data=values)
            assert response.status_code < 500, f"POST {action} {values!r}"
            body = response.get_data(as_text=True)
            assert not any(marker in body for marker in RAW_MARKERS), action

    post_hostile()
    party = links.participant_party(db.session.get(ContractVersion, version.id))
    assert signing.party_status(party) in ("open", "getekend", "geweigerd")
