"""The migrations build the schema on a fresh database, agree with models.py and fill derived tables."""

import uuid
from datetime import date, datetime

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import column, create_engine, insert, select, text
from sqlalchemy import table as core_table
from sqlalchemy.engine import make_url

from app import create_app
from blueprints.youths.progress import progress_rows
from models import Assessment, AssessmentProgress, ZrmScore, db, include_in_autogenerate
from tests.conftest import make_test_config


@pytest.fixture
def fresh_database_url(database_url, tmp_path):
    """An empty database of the same kind as the test database."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"pj_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def insert_old_participants(rows: list[dict]) -> None:
    """Insert participants into an older schema, naming only these columns: a Core insert of the model
    would also name the model's later columns (they have defaults) and fail on the old table."""
    required = {"status": "aangemeld", "has_startkwalificatie": False, "needs_followup": False}
    rows = [required | {"created_at": datetime(2025, 1, 1)} | row for row in rows]
    db.session.execute(insert(core_table("participant", *(column(name) for name in rows[0]))), rows)


def test_upgrade_builds_a_schema_identical_to_the_models(fresh_database_url):
    app = create_app(make_test_config(fresh_database_url))
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_in_autogenerate}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models.py en migrations/ verschillen: {differences}"
        if db.engine.dialect.name == "postgresql":  # the contract guards are PostgreSQL triggers
            triggers = set(db.session.scalars(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))
            assert {
                "contract_version_frozen_guard",
                "contract_party_frozen_guard",
                "contract_signature_append_only",
            } <= triggers
            db.session.remove()
        db.engine.dispose()


def test_downgrade_to_base_and_up_again(fresh_database_url):
    app = create_app(make_test_config(fresh_database_url))
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        flask_migrate.upgrade()
        db.engine.dispose()


def test_progress_migrations_fill_the_table_from_existing_assessments(fresh_database_url):
    """Assessments made before assessment_progress existed get their rows, the same as a rebuild's, when the
    table is created (b7d2f4a9c615) and again when it gains the assessment dates (c4e8a2d6f1b3)."""
    revision = "b7d2f4a9c615"
    app = create_app(make_test_config(fresh_database_url))
    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        flask_migrate.upgrade(revision=ScriptDirectory.from_config(config).get_revision(revision).down_revision)
        # Core inserts: the ORM listener would write to the table this revision creates.
        person = {"last_name": "Jong", "date_of_birth": date(2000, 1, 1), "referral_source": "rmc"}
        person |= {"start_date": date(2025, 1, 1), "end_date": date(2026, 1, 1)}
        insert_old_participants([{"id": 1, "first_name": "Sanne"} | person, {"id": 2, "first_name": "Daan"} | person])
        assessments = [(10, 1, date(2025, 9, 1), 4), (11, 1, date(2025, 2, 1), 2), (12, 2, date(2025, 3, 1), 3)]
        db.session.execute(
            insert(Assessment),
            [
                {"id": i, "participant_id": p, "assessed_on": on, "ladder_rung": rung, "growth_rung": rung}
                for i, p, on, rung in assessments
            ],
        )
        scores = [(10, "financien", 4), (10, "justitie", 3), (11, "financien", 1), (11, "justitie", None)]
        db.session.execute(
            insert(ZrmScore),
            [{"assessment_id": a, "domain": d, "score": s} for a, d, s in scores + [(12, "financien", 2)]],
        )
        db.session.commit()

        table = AssessmentProgress.__table__
        rebuilt = progress_rows().subquery()

        def stored_and_rebuilt(names):
            stored = select(*(table.c[n] for n in names)).order_by(table.c.assessment_id)
            return db.session.execute(stored).all(), db.session.execute(
                select(*(rebuilt.c[n] for n in names)).order_by(rebuilt.c.assessment_id)
            ).all()

        flask_migrate.upgrade(revision=revision)
        first_columns = [c.key for c in table.c if c.key not in ("assessed_on", "next_assessed_on")]
        stored, expected = stored_and_rebuilt(first_columns)
        assert len(stored) == 3 and stored == expected
        db.session.rollback()  # end the read transaction: the next revision alters the table

        flask_migrate.upgrade()
        stored, expected = stored_and_rebuilt([c.key for c in table.c])
        assert stored == expected
        later = db.session.get(AssessmentProgress, 10)  # September against the February intake
        assert (later.is_first, later.rung_change, later.change_financien, later.change_justitie) == (False, 2, 3, None)
        assert (later.assessed_on, later.next_assessed_on) == (date(2025, 9, 1), None)
        intake = db.session.get(AssessmentProgress, 11)
        assert intake.is_first and intake.next_assessed_on == date(2025, 9, 1)
        assert db.session.get(AssessmentProgress, 12).is_first
        db.session.remove()
        db.engine.dispose()


def test_contract_proposal_migration_puts_the_signed_version_back_in_force(fresh_database_url):
    """Before e5a7c3b1d902 sending version 2 replaced a signed version 1 at once; the migration makes
    version 1 hold again and version 2 a proposal, and downgrading restores the old statuses."""
    import hashlib
    from datetime import datetime

    from models import Contract, ContractVersion

    revision = "e5a7c3b1d902"
    app = create_app(make_test_config(fresh_database_url))
    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        flask_migrate.upgrade(revision=ScriptDirectory.from_config(config).get_revision(revision).down_revision)
        person = {"id": 1, "first_name": "Sanne", "last_name": "Jong", "date_of_birth": date(2000, 1, 1)}
        person |= {"referral_source": "rmc", "start_date": date(2025, 1, 1), "end_date": date(2026, 1, 1)}
        insert_old_participants([person])
        db.session.execute(insert(Contract), [{"id": 1, "participant_id": 1, "status": "verzonden"}])
        at = datetime(2025, 1, 2, 9)

        def frozen(vid, number, status, activated=None):
            body = f"versie {number}\n"
            return {
                "id": vid, "contract_id": 1, "number": number, "status": status, "start_date": date(2025, 1, 1),
                "end_date": date(2026, 1, 1), "sections": [], "canonical_text": body,
                "text_sha256": hashlib.sha256(body.encode()).hexdigest(), "frozen_at": at, "sent_at": at,
                "activated_at": activated, "closed_at": at if status == "vervangen" else None,
                "close_reason": "Vervangen door versie 2" if status == "vervangen" else None,
            }  # fmt: skip

        db.session.execute(insert(ContractVersion), [frozen(1, 1, "vervangen", at), frozen(2, 2, "verzonden")])
        db.session.commit()
        flask_migrate.upgrade(revision=revision)
        statuses = dict(db.session.execute(select(ContractVersion.number, ContractVersion.status)).all())
        assert statuses == {1: "actief", 2: "voorgesteld"}
        assert db.session.scalar(select(Contract.status)) == "actief"
        assert db.session.scalar(select(ContractVersion.closed_at).where(ContractVersion.number == 1)) is None
        db.session.rollback()
        flask_migrate.downgrade(revision=ScriptDirectory.from_config(config).get_revision(revision).down_revision)
        statuses = dict(db.session.execute(select(ContractVersion.number, ContractVersion.status)).all())
        assert statuses == {1: "vervangen", 2: "verzonden"}
        db.session.remove()
        db.engine.dispose()
