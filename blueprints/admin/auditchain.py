"""The tamper-evident audit log: a daily seal over each finished UTC day, chained day to day.

Why daily seals and not a hash per row: a per-row chain makes every writer wait for the previous
row's hash (one global lock on every change in the app). A day's rows are hashed only after the day
ended (plus SETTLE, so no transaction of that day can still commit), so writing the audit log stays
as it was. Sealing runs from cron (`flask audit seal`) and, lazily, at `flask audit verify` and the
beheer button; a day's seal is written once.

What a seal covers: every column of every row of the day, in id order. Personal values inside
`changes` (names, notes: the keys the retention purge wipes after RETENTION_YEARS) are covered as
"present or not" only, so that the lawful purge does not look like tampering.

Plain functions without HTTP; the caller commits.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from blueprints.privacy.retention import PERSONAL_AUDIT_KEYS
from core.audit import record
from models import AuditLog, AuditSeal, db, utcnow

GENESIS = "0" * 64
SETTLE = timedelta(minutes=10)
PERSONAL = "[persoonsgegeven]"


def _key() -> bytes:
    secret = current_app.config.get("AUDIT_SEAL_KEY") or current_app.config["SECRET_KEY"]
    return hashlib.sha256(b"perspectiefjaar audit seal\n" + str(secret).encode()).digest()


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min)


# Plain column rows, not ORM objects: a busy day streams through without filling the session.
_COLUMNS = ("id", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "changes", "ip", "result")


def canonical(row) -> bytes:
    """One row as stable bytes: the same on SQLite and PostgreSQL, whatever order JSON keys come back in."""
    changes = None
    if row.changes is not None:
        changes = {
            key: ([None if v is None else PERSONAL for v in values] if key in PERSONAL_AUDIT_KEYS else values)
            for key, values in row.changes.items()
        }
    fields = [
        row.id,
        row.at.isoformat(timespec="microseconds"),
        row.actor_id,
        row.actor_label,
        row.action,
        row.object_type,
        row.object_id,
        changes,
        row.ip,
        row.result,
    ]
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class DayDigest:
    row_count: int = 0
    first_id: int = 0
    last_id: int = 0
    rows_sha256: str = ""


def digest_day(day: date) -> DayDigest:
    """SHA-256 over the day's rows in id order, streamed (a busy day does not sit in memory)."""
    digest, result = hashlib.sha256(), DayDigest()
    columns = [getattr(AuditLog, name) for name in _COLUMNS]
    rows = db.session.execute(
        select(*columns)
        .where(AuditLog.at >= _start(day), AuditLog.at < _start(day + timedelta(days=1)))
        .order_by(AuditLog.id)
        .execution_options(yield_per=2000)
    )
    for row in rows:
        digest.update(canonical(row) + b"\n")
        result.row_count += 1
        result.first_id = result.first_id or row.id
        result.last_id = row.id
    result.rows_sha256 = digest.hexdigest()
    return result


def seal_value(day: date, digest: DayDigest, previous: str) -> str:
    message = f"{day.isoformat()}|{digest.row_count}|{digest.first_id}|{digest.last_id}|{digest.rows_sha256}|{previous}"
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


def _last_seal() -> AuditSeal | None:
    return db.session.scalars(select(AuditSeal).order_by(AuditSeal.day.desc()).limit(1)).first()


def verify_summary() -> str | None:
    """The last seal as one line (day and value), to keep outside the database as well."""
    last = _last_seal()
    return f"{last.day:%d-%m-%Y} {last.seal}" if last else None


def seal_finished_days(now: datetime | None = None) -> list[AuditSeal]:
    """Seal every finished day with audit rows after the last sealed day, oldest first. Caller commits."""
    cutoff = ((now or utcnow()) - SETTLE).date()  # days before this one are finished
    last = _last_seal()
    previous, after = (last.seal, last.day + timedelta(days=1)) if last else (GENESIS, None)
    sealed = []
    while True:
        query = select(func.min(AuditLog.at)).where(AuditLog.at < _start(cutoff))
        if after is not None:
            query = query.where(AuditLog.at >= _start(after))
        first_at = db.session.scalar(query)
        if first_at is None:
            break
        day = first_at.date()
        digest = digest_day(day)
        seal = AuditSeal(
            day=day,
            row_count=digest.row_count,
            first_id=digest.first_id,
            last_id=digest.last_id,
            rows_sha256=digest.rows_sha256,
            previous_seal=previous,
            seal=seal_value(day, digest, previous),
            sealed_at=utcnow(),
        )
        db.session.add(seal)
        db.session.flush()
        record(
            db.session,
            "audit_sealed",
            seal,
            changes={"dag": (None, day), "regels": (None, digest.row_count), "zegel": (None, seal.seal)},
        )
        sealed.append(seal)
        previous, after = seal.seal, day + timedelta(days=1)
    return sealed


@dataclass
class Problem:
    day: date | None
    kind: str  # gewijzigd, verwijderd, toegevoegd, zegel
    text: str


@dataclass
class ChainReport:
    seals: int = 0
    first_day: date | None = None
    last_day: date | None = None
    last_seal: str | None = None
    rows_checked: int = 0
    unsealed_rows: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify() -> ChainReport:
    """Recompute every sealed day and the chain between the seals; read-only."""
    report = ChainReport()
    previous = GENESIS
    seals = db.session.scalars(select(AuditSeal).order_by(AuditSeal.day)).all()
    days = [(s.id, s.day, s.row_count, s.first_id, s.last_id, s.rows_sha256, s.previous_seal, s.seal) for s in seals]
    for _id, day, count, first_id, last_id, rows_sha256, previous_seal, seal in days:
        stored = DayDigest(count, first_id, last_id, rows_sha256)
        if previous_seal != previous or not hmac.compare_digest(seal, seal_value(day, stored, previous_seal)):
            report.problems.append(
                Problem(day, "zegel", "Het zegel van deze dag is veranderd, of een zegel ervoor ontbreekt.")
            )
        actual = digest_day(day)
        report.rows_checked += actual.row_count
        if actual.row_count < count:
            report.problems.append(Problem(day, "verwijderd", f"{count - actual.row_count} regel(s) verwijderd."))
        elif actual.row_count > count:
            report.problems.append(Problem(day, "toegevoegd", f"{actual.row_count - count} regel(s) toegevoegd."))
        elif actual.rows_sha256 != rows_sha256:
            report.problems.append(Problem(day, "gewijzigd", "Een of meer regels zijn veranderd."))
        previous = seal
    report.seals = len(days)
    if days:
        report.first_day, report.last_day, report.last_seal = days[0][1], days[-1][1], days[-1][7]
        end = _start(report.last_day + timedelta(days=1))
        before_end = db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.at < end))
        if before_end > report.rows_checked:
            # Rows dated on a past day that has no seal, although later days are sealed: inserted afterwards.
            unsealed_days = before_end - report.rows_checked
            report.problems.append(
                Problem(None, "toegevoegd", f"{unsealed_days} regel(s) op een dag zonder zegel toegevoegd.")
            )
        report.unsealed_rows = db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.at >= end))
    else:
        report.unsealed_rows = db.session.scalar(select(func.count()).select_from(AuditLog))
    return report
