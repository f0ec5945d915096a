"""The benchmark seeder inserts consistent rows, adds up to a larger scale, and the measuring helpers work.

No timing asserts: benchmarks print figures, tests check that the figures are measured on sound data.
"""

from decimal import Decimal

from sqlalchemy import func, select

from bench.run import count_queries, csrf_token, forge_cookie, key_pages, percentile, session_data
from bench.seed import bench_users, organisations_for, seed
from blueprints.youths.progress import progress_rows
from models import (
    Assessment,
    AssessmentProgress,
    BudgetPot,
    Commitment,
    Contract,
    ContractParty,
    ContractVersion,
    Conversation,
    MaatwerkRequest,
    Organisation,
    Participant,
    StatusChange,
    ZrmScore,
    db,
)
from tests.conftest import make_participant


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_scale_one_is_the_pilot(app):
    result = seed(1, quiet=True)

    assert result["rows"]["participant"] == 50
    assert count(Participant) == 50
    assert count(MaatwerkRequest) == 1000
    assert count(Conversation) == 200
    assert count(Contract) == 100
    assert count(Organisation, Organisation.kind != "gemeente") == 10
    with_commitments = db.session.scalar(select(func.count(func.distinct(Commitment.organisation_id))))
    assert with_commitments == 10


def test_rows_are_consistent(app):
    seed(1, quiet=True)

    # Every participant has a status history ending in its current status.
    for participant in db.session.scalars(select(Participant)):
        last = db.session.scalars(
            select(StatusChange.to_status)
            .where(StatusChange.participant_id == participant.id)
            .order_by(StatusChange.changed_on.desc(), StatusChange.id.desc())
        ).first()
        assert last == participant.status
    # Every contract has a first version with three parties; a frozen version has a matching hash.
    assert count(ContractVersion, ContractVersion.number == 1) == count(Contract)
    assert count(ContractParty) == 3 * count(ContractVersion)
    for version in db.session.scalars(select(ContractVersion).where(ContractVersion.frozen_at.is_not(None))):
        assert version.text_sha256 is not None and len(version.text_sha256) == 64
    # Each assessment has one score row per ZRM domain, and its progress row as the listener would keep it.
    assert count(ZrmScore) % 13 == 0
    progress = db.session.execute(select(AssessmentProgress.__table__).order_by("assessment_id")).all()
    assert len(progress) == count(Assessment) > 0
    assert progress == db.session.execute(progress_rows().order_by("assessment_id")).all()
    # Approved + paid maatwerk fits every pot.
    for pot in db.session.scalars(select(BudgetPot).where(BudgetPot.kind == "maatwerk")):
        used = db.session.scalar(
            select(func.coalesce(func.sum(MaatwerkRequest.amount), 0)).where(
                MaatwerkRequest.pot_id == pot.id, MaatwerkRequest.status.in_(["goedgekeurd", "betaald"])
            )
        )
        assert Decimal(str(used)) <= pot.amount


def test_seeding_adds_up_to_a_larger_scale_and_the_app_can_insert_after(app):
    seed(1, quiet=True)
    first = db.session.scalar(select(Participant.id).order_by(Participant.id).limit(1))

    seed(2, quiet=True)

    assert count(Participant) == 100
    assert count(MaatwerkRequest) == 2000
    assert db.session.scalar(select(Participant.id).order_by(Participant.id).limit(1)) == first
    # Ids were assigned by the seeder: the app's own inserts still get fresh ids (PostgreSQL sequences).
    assert make_participant().id > 100


def test_organisations_grow_slower_than_participants():
    assert organisations_for(1) == 10
    assert organisations_for(100) == 50


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.95) == 95
    assert percentile([7.0], 0.95) == 7.0


def test_forged_cookie_signs_in_and_queries_are_counted(app):
    seed(1, quiet=True)
    users = bench_users()
    pages = {page.key: page for page in key_pages(app)}
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], forge_cookie(app, users["coach"]))

    with count_queries(db.engine) as n:
        response = client.get(pages["list"].path)

    assert response.status_code == 200
    assert n() > 0
    assert "_user_id" in session_data(users["coach"])


def test_csrf_token_matches_what_flask_wtf_expects(app):
    from flask_wtf.csrf import validate_csrf

    token = csrf_token(app, "raw-value")
    with app.test_request_context():
        from flask import session

        session["csrf_token"] = "raw-value"
        validate_csrf(token)  # raises if the token does not belong to the session
