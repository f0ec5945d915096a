"""The migrations build the schema on a fresh database, and they agree with models.py."""

import uuid

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from models import db, include_in_autogenerate
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
