"""`flask backup` and `flask restore`: fill, back up, wipe, restore, and find every row back (SQLite and PostgreSQL)."""

import uuid
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app import create_app
from backup import BackupError, backup, restore
from models import AuditLog, Commitment, Organisation, Participant, User, db
from tests.conftest import make_test_config

TABLES = [Organisation, User, Participant, Commitment, AuditLog]


@contextmanager
def scratch_database(database_url, tmp_path):
    """A database of its own (a file on SQLite, a fresh database on PostgreSQL), dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"{url.database}_backup_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fill() -> dict:
    org = Organisation(name="ROC van Twente", kind="onderwijs")
    db.session.add(org)
    for i in range(5):
        db.session.add(
            User(email=f"u{i}@hengelo.test", name=f"Gebruiker {i}", role="coach", password_hash="$argon2id$x")
        )
    db.session.add(User(email="p@roc.test", name="Partner", role="partner", organisation=org, password_hash="h"))
    for i in range(12):
        person = Participant(
            first_name="Jan",
            last_name=f"de Vries {i} – ë ß 漢",
            date_of_birth=date(1998, 1, 1 + i),
            referral_source="zelfmelder",
            start_date=date(2026, 1, 1),
            end_date=date(2027, 1, 1),
        )
        db.session.add(person)
        db.session.add(
            Commitment(
                organisation=org, participant=person, kind="stage", description="Stageplek", amount=Decimal("1234.56")
            )
        )
    db.session.commit()
    return snapshot()


def snapshot() -> dict:
    result = {}
    for model in TABLES:
        rows = db.session.scalars(select(model).order_by(model.id)).all()
        columns = [c.key for c in model.__table__.columns]
        result[model.__tablename__] = [tuple(getattr(r, c) for c in columns) for r in rows]
    return result


def wipe() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def test_backup_wipe_restore_finds_every_row_back(database_url, tmp_path):
    with scratch_database(database_url, tmp_path) as url:
        app = create_app(make_test_config(url))
        runner = app.test_cli_runner()
        with app.app_context():
            db.create_all()
            before = fill()
            assert len(before["participant"]) == 12 and len(before["audit_log"]) > 30

            target = tmp_path / "backups" / "pj.backup"
            result = runner.invoke(args=["backup", str(target)])
            assert result.exit_code == 0, result.output
            assert target.stat().st_size > 0

            wipe()
            assert db.session.scalar(select(func.count(Participant.id))) == 0

            refused = runner.invoke(args=["restore", str(target)])
            assert refused.exit_code != 0 and "--yes" in refused.output
            assert db.session.scalar(select(func.count(Participant.id))) == 0

            result = runner.invoke(args=["restore", str(target), "--yes"])
            assert result.exit_code == 0, result.output
            db.session.remove()
            after = snapshot()
            assert after == before
            # the restored database keeps working: ids continue after the restored rows
            db.session.add(Organisation(name="Nieuw", kind="werkgever"))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()


def test_backup_without_path_goes_to_instance_backups(database_url, tmp_path):
    with scratch_database(database_url, tmp_path) as url:
        app = create_app(make_test_config(url))
        app.instance_path = str(tmp_path / "instance")
        with app.app_context():
            db.create_all()
            result = app.test_cli_runner().invoke(args=["backup"])
            assert result.exit_code == 0, result.output
            written = list((tmp_path / "instance" / "backups").iterdir())
            assert len(written) == 1 and written[0].name.startswith("perspectiefjaar-")
            db.session.remove()
            db.engine.dispose()


def test_restore_refuses_a_missing_or_broken_file(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["restore", str(tmp_path / "weg.backup"), "--yes"])
    assert result.exit_code != 0 and "bestaat niet" in result.output
    broken = tmp_path / "kapot.backup"
    broken.write_bytes(b"dit is geen back-up")
    result = runner.invoke(args=["restore", str(broken), "--yes"])
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(User.id))) == 0  # still the working (empty) database


def test_unsupported_databases_are_refused(tmp_path):
    with pytest.raises(BackupError):
        backup("mysql://x/y", tmp_path / "b")
    with pytest.raises(BackupError):
        backup("sqlite:///:memory:", tmp_path / "b")
    with pytest.raises(BackupError):
        restore("sqlite:///x.db", tmp_path / "bestaat-niet")
