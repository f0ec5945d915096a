"""Backups and restores of the whole database: `flask backup [PATH]` and `flask restore PATH --yes`.

SQLite uses its online backup API (a consistent copy while the app keeps running); PostgreSQL uses
`pg_dump --format=custom` and `pg_restore --clean --if-exists`, with the parts of DATABASE_URL.
"""

import os
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from models import db


class BackupError(RuntimeError):
    pass


def _dialect(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Back-ups van database-soort {name} worden niet ondersteund.")
    return name


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Een SQLite-database in het geheugen kan niet worden geback-upt.")
    return Path(database)


def _pg_command(url: str) -> tuple[list[str], dict]:
    """Connection options and environment for pg_dump/pg_restore; the password goes via PGPASSWORD."""
    parts = make_url(url)
    args = ["--host", parts.host or "localhost", "--port", str(parts.port or 5432)]
    if parts.username:
        args += ["--username", parts.username]
    args += ["--dbname", parts.database or ""]
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return args, env


def default_path(url: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if _dialect(url) == "sqlite" else "dump"
    return Path(current_app.instance_path) / "backups" / f"perspectiefjaar-{stamp}.{suffix}"


def backup(url: str, path: Path) -> Path:
    """Write a full, consistent copy of the database at `url` to `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if _dialect(url) == "sqlite":
        source = sqlite3.connect(_sqlite_file(url))
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        args, env = _pg_command(url)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path), *args], env)
    return path


def restore(url: str, path: Path) -> None:
    """Replace the contents of the database at `url` by the backup at `path`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Back-upbestand {path} bestaat niet.")
    if _dialect(url) == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is geen geldige SQLite-back-up.")
            target = sqlite3.connect(_sqlite_file(url))
            try:
                with target:
                    source.backup(target)
            finally:
                target.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is geen geldige SQLite-back-up.") from exc
        finally:
            source.close()
    else:
        args, env = _pg_command(url)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(path)], env)


def _run(command: list[str], env: dict) -> None:
    # A fixed program with arguments as a list (no shell); the values come from our own settings.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} mislukte: {result.stderr.strip()[:2000]}")


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path):
    """Maak een back-up van de hele database (standaard in instance/backups/)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        written = backup(url, path or default_path(url))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Back-up geschreven naar {written}.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Ja, overschrijf de huidige database met deze back-up.")
@with_appcontext
def restore_command(path, yes):
    """Zet een back-up terug. Dit overschrijft alle huidige gegevens; bevestig met --yes."""
    if not yes:
        raise click.ClickException(
            "Terugzetten overschrijft alle huidige gegevens in de database. Herhaal het commando met --yes."
        )
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()
    db.engine.dispose()  # no open connections may hold locks on the tables being replaced
    try:
        restore(url, path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Back-up {path} is teruggezet.")
