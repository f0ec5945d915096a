"""The import job: store an upload, run the dry run, and import its rows in committed batches.

The upload and its rows live in the database (referral_import, referral_import_row), so any app server
can show the progress and take over. A worker holds a job by a lease: `claim` is one atomic UPDATE, each
batch is one transaction that also extends the lease and only commits while the lease is still this
worker's. A worker that dies loses at most its open batch; the next worker starts at the first row
without a result. `imported_hash` (unique) makes a created participant impossible to create twice.
"""

import hashlib
import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from blueprints.referrals import rules
from blueprints.referrals.parsing import Table
from blueprints.youths import persons, workflow
from blueprints.youths.same_person import people_born_on
from core.audit import acting_for, record
from models import (
    Participant,
    ReferralImport,
    ReferralImportRow,
    ReferralImportStatus,
    ReferralMapping,
    Role,
    User,
    db,
    utcnow,
)

S = ReferralImportStatus
BATCH_SIZE = 250
LEASE = timedelta(seconds=30)
log = logging.getLogger(__name__)


class ImportError_(ValueError):  # noqa: N801  (a refused step, with a Dutch message)
    pass


# --------------------------------------------------------------------------- upload and mapping


def store_upload(
    table: Table,
    data: bytes,
    filename: str,
    source: str,
    start_date: date,
    referral_date: date,
    coach_id: int | None,
    user: User,
) -> ReferralImport:
    """Keep the upload and its rows (no participant is made). The caller commits."""
    job = ReferralImport(
        source=source,
        filename=(filename or "lijst")[-255:],
        file_sha256=hashlib.sha256(data).hexdigest(),
        headers=table.headers,
        start_date=start_date,
        referral_date=referral_date,
        coach_id=coach_id,
        total_rows=len(table.rows),
        created_by_id=user.id,
    )
    db.session.add(job)
    db.session.flush()
    db.session.execute(
        ReferralImportRow.__table__.insert(),
        [{"import_id": job.id, "row_number": n, "cells": cells} for n, cells in enumerate(table.rows, start=2)],
    )
    return job


def remembered_mapping(source: str) -> dict | None:
    found = db.session.scalar(select(ReferralMapping).where(ReferralMapping.source == source))
    return dict(found.columns) if found else None


def remember_mapping(source: str, mapping: dict, user: User) -> None:
    found = db.session.scalar(select(ReferralMapping).where(ReferralMapping.source == source))
    if found is None:
        db.session.add(ReferralMapping(source=source, columns=mapping, updated_by_id=user.id))
    elif found.columns != mapping:
        found.columns, found.updated_by_id = mapping, user.id


def defaults_of(job: ReferralImport, today: date | None = None) -> rules.Defaults:
    return rules.Defaults(job.source, job.start_date, job.referral_date, today or date.today())


# --------------------------------------------------------------------------- the dry run


def _imported_hashes(hashes) -> dict[str, int]:
    wanted = [h for h in set(hashes) if h]
    found = {}
    for start in range(0, len(wanted), 500):
        query = select(ReferralImportRow.imported_hash, ReferralImportRow.participant_id).where(
            ReferralImportRow.imported_hash.in_(wanted[start : start + 500])
        )
        found.update({h: p for h, p in db.session.execute(query)})
    return found


def _parse_all(job: ReferralImport, rows, today=None):
    defaults = defaults_of(job, today)
    parsed = [(row, rules.read_row(row.cells, job.headers, job.mapping, defaults)) for row in rows]
    hashes = [rules.row_hash(job.source, v) for _, v in parsed if not v.errors]
    births = [v.values["date_of_birth"] for _, v in parsed if not v.errors]
    seen = rules.Seen(_imported_hashes(hashes), people_born_on(births))
    return defaults, parsed, seen


def dry_run(job: ReferralImport, mapping: dict, today: date | None = None) -> dict[str, int]:
    """Give every row its verdict. Writes only the verdicts on the upload's own rows. The caller commits."""
    job.mapping = mapping
    rows = db.session.scalars(
        select(ReferralImportRow).where(ReferralImportRow.import_id == job.id).order_by(ReferralImportRow.row_number)
    ).all()
    defaults, parsed, seen = _parse_all(job, rows, today)
    counts = dict.fromkeys(rules.VERDICT_LABELS, 0)
    for row, values in parsed:
        verdict = rules.classify(row.row_number, values, defaults, seen)
        row.planned, row.message, row.participant_id = verdict.kind, verdict.message, verdict.participant_id
        row.row_hash = verdict.hash
        counts[verdict.kind] += 1
    job.status = S.DRY_RUN.value
    return counts


def verdict_counts(job_id: int, column=ReferralImportRow.planned) -> dict[str, int]:
    query = select(column, func.count()).where(ReferralImportRow.import_id == job_id).group_by(column)
    counts = dict.fromkeys(rules.VERDICT_LABELS, 0)
    counts.update({k: n for k, n in db.session.execute(query) if k})
    return counts


# --------------------------------------------------------------------------- starting and claiming


def active_coach_ids() -> list[int]:
    query = select(User.id).where(User.role == Role.COACH.value, User.active.is_(True)).order_by(User.id)
    return list(db.session.scalars(query))


def start(job: ReferralImport, user: User) -> None:
    """Move a dry-run job to 'bezig' and audit the start. Raises ImportError_. The caller commits."""
    if job.status != S.DRY_RUN:
        raise ImportError_("Deze lijst wordt al geïmporteerd of is al klaar.")
    coach_ids = [job.coach_id] if job.coach_id else active_coach_ids()
    if not coach_ids:
        raise ImportError_("Er is geen actieve life-coach om de nieuwe deelnemers aan te geven.")
    job.coach_ids = coach_ids
    job.status = S.RUNNING.value
    job.started_at = utcnow()
    record(
        db.session,
        "referral_import_start",
        job,
        changes={"bron": (None, job.source), "bestand": (None, job.filename), "regels": (None, job.total_rows)},
    )


def claim(job_id: int, worker: str, now: datetime | None = None) -> bool:
    """Take the job for `worker` if it is running and nobody holds a live lease. One atomic UPDATE; commits."""
    now = now or utcnow()
    result = db.session.execute(
        update(ReferralImport)
        .where(
            ReferralImport.id == job_id,
            ReferralImport.status == S.RUNNING.value,
            or_(
                ReferralImport.claimed_until.is_(None),
                ReferralImport.claimed_until < now,
                ReferralImport.claimed_by == worker,
            ),
        )
        .values(claimed_by=worker, claimed_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def lease_expired(job: ReferralImport, now: datetime | None = None) -> bool:
    return job.status == S.RUNNING and (job.claimed_until is None or job.claimed_until < (now or utcnow()))


# --------------------------------------------------------------------------- the worker


@dataclass
class BatchResult:
    done: bool
    processed: int


class LeaseLost(RuntimeError):
    pass


def process_batch(job_id: int, worker: str, size: int = BATCH_SIZE, today: date | None = None) -> BatchResult:
    """Import the next `size` rows without a result in one transaction; commits, or rolls back and raises."""
    session = db.session
    job = session.get(ReferralImport, job_id)
    if job is None or job.status != S.RUNNING:
        session.rollback()
        return BatchResult(True, 0)
    rows = session.scalars(
        select(ReferralImportRow)
        .where(ReferralImportRow.import_id == job_id, ReferralImportRow.result.is_(None))
        .order_by(ReferralImportRow.row_number)
        .limit(size)
    ).all()
    if not rows:
        return _finish(job, worker)
    defaults, parsed, seen = _parse_all(job, rows, today)
    created = 0
    creator = session.get(User, job.created_by_id) if job.created_by_id else None
    for row, values in parsed:
        verdict = rules.classify(row.row_number, values, defaults, seen)
        row.result, row.message, row.row_hash = verdict.kind, verdict.message, verdict.hash
        row.participant_id = verdict.participant_id
        if verdict.kind == rules.REENTRY:
            try:
                persons.check_link(session.get(Participant, verdict.participant_id).person)
            except persons.LinkError as error:  # a running trajectory under another name
                row.result, row.message = rules.KNOWN, str(error)
                continue
        if verdict.kind in rules.CREATES:
            person = _create(job, verdict, creator, job.created_rows + created)
            row.result, row.participant_id, row.imported_hash = rules.CREATED, person.id, verdict.hash
            row.message = (
                "Aangemeld als nieuw traject van dezelfde persoon." if verdict.kind == rules.REENTRY else "Aangemeld."
            )
            seen.people.setdefault(person.date_of_birth, []).append(person)
            seen.imported[verdict.hash] = person.id
            created += 1
    # The lease check and the counters in the same transaction: a worker that lost its lease commits nothing.
    moved = session.execute(
        update(ReferralImport)
        .where(ReferralImport.id == job_id, ReferralImport.claimed_by == worker)
        .values(
            processed_rows=ReferralImport.processed_rows + len(rows),
            created_rows=ReferralImport.created_rows + created,
            claimed_until=utcnow() + LEASE,
        )
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        session.rollback()
        raise LeaseLost(f"referral import {job_id}: lease lost by {worker}")
    session.commit()
    return BatchResult(False, len(rows))


def _create(job: ReferralImport, verdict: rules.Verdict, creator: User | None, created_so_far: int) -> Participant:
    """The intake's own rule (workflow.admit) makes the file: status 'aangemeld' on the referral date."""
    values = verdict.values.values
    details = {
        "first_name": values["first_name"],
        "last_name": " ".join(p for p in (values.get("infix"), values["last_name"]) if p),
        "date_of_birth": values["date_of_birth"],
        "email": values.get("email"),
        "phone": values.get("phone"),
        "address": values.get("address"),
        "highest_education": values.get("highest_education"),
        "has_startkwalificatie": bool(values.get("has_startkwalificatie", False)),
        "referral_source": job.source,
        "coach_id": rules.spread_coach(job.coach_ids, created_so_far),
        "start_date": verdict.start_date,
    }
    if verdict.kind != rules.REENTRY:
        return workflow.admit(details, creator, verdict.referral_date)
    # The same person as a closed file: the new trajectory is theirs (the intake's rule, youths/persons.py).
    person = db.session.get(Participant, verdict.participant_id).person
    participant = workflow.admit(details, creator, verdict.referral_date, person=person)
    earlier = ", ".join(str(t.id) for t in person.trajectories if t.id != participant.id)
    changes = {"persoon": (None, person.id), "eerdere trajecten": (None, earlier), "aanmeldlijst": (None, job.id)}
    record(db.session, "same_person_linked", participant, changes=changes)
    return participant


def _finish(job: ReferralImport, worker: str) -> BatchResult:
    counts = verdict_counts(job.id, ReferralImportRow.result)
    rows = db.session.execute(
        select(ReferralImportRow.result, ReferralImportRow.row_number)
        .where(ReferralImportRow.import_id == job.id)
        .order_by(ReferralImportRow.row_number)
    ).all()
    by_result: dict[str, list[str]] = {}
    for result, number in rows:
        by_result.setdefault(result, []).append(str(number))
    moved = db.session.execute(
        update(ReferralImport)
        .where(
            ReferralImport.id == job.id, ReferralImport.claimed_by == worker, ReferralImport.status == S.RUNNING.value
        )
        .values(status=S.DONE.value, finished_at=utcnow(), claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.rollback()
        return BatchResult(True, 0)
    changes = {"bron": (None, job.source), "bestand": (None, job.filename)}
    changes.update({rules.VERDICT_LABELS[k]: (None, n) for k, n in counts.items() if n})
    # Every row's result in the audit, as row numbers per result (one audit row for the whole import).
    changes.update({f"regels {rules.VERDICT_LABELS[k]}": (None, ", ".join(v)) for k, v in by_result.items() if k})
    record(db.session, "referral_import", job, changes=changes)
    db.session.commit()
    return BatchResult(True, 0)


def run(job_id: int, worker: str | None = None, max_batches: int | None = None, size: int | None = None) -> bool:
    """Claim the job and import batch after batch until done (True) or `max_batches` ran (False)."""
    worker = worker or new_worker_id()
    size = size or current_app.config.get("REFERRAL_IMPORT_BATCH", BATCH_SIZE)
    if not claim(job_id, worker):
        return False
    job = db.session.get(ReferralImport, job_id)
    creator = db.session.get(User, job.created_by_id) if job and job.created_by_id else None
    actor = (creator.id, creator.email) if creator else (None, "systeem")
    batches = 0
    with acting_for(*actor):
        while max_batches is None or batches < max_batches:
            try:
                result = process_batch(job_id, worker, size)
            except LeaseLost:
                log.warning("referral import %s: another worker took over", job_id)
                return False
            except IntegrityError:
                # Another worker created the same row at the same moment: start the batch again, the
                # rows it made now count as imported.
                db.session.rollback()
                if not claim(job_id, worker):
                    return False
                continue
            if result.done:
                return True
            batches += 1
    return False


def new_worker_id() -> str:
    return f"{threading.get_native_id()}-{uuid.uuid4().hex[:12]}"


def start_worker(job_id: int) -> bool:
    """Import in the background of this app server; the browser only watches (REFERRAL_IMPORT_WORKER).

    The lease is taken here, before the thread starts, so a second click or a second app server that
    asks at the same moment gets False and starts nothing.
    """
    mode = current_app.config.get("REFERRAL_IMPORT_WORKER", "thread")
    if mode == "none":
        return False  # a separate process (`flask referrals resume`) does the work
    worker = new_worker_id()
    if not claim(job_id, worker):
        return False
    if mode == "inline":
        run(job_id, worker)
        return True
    app = current_app._get_current_object()

    def work():
        with app.app_context():
            try:
                run(job_id, worker)
            except Exception:  # the lease runs out and another worker resumes; never a silent loss
                log.exception("referral import %s: worker stopped", job_id)
            finally:
                db.session.remove()

    threading.Thread(target=work, name=f"referral-import-{job_id}", daemon=True).start()
    return True


def resumable_jobs(now: datetime | None = None) -> list[int]:
    now = now or utcnow()
    query = select(ReferralImport.id).where(
        ReferralImport.status == S.RUNNING.value,
        or_(ReferralImport.claimed_until.is_(None), ReferralImport.claimed_until < now),
    )
    return list(db.session.scalars(query.order_by(ReferralImport.id)))


# --------------------------------------------------------------------------- keeping little


KEEP_CELLS_DAYS = 90


def forget_cells(older_than_days: int = KEEP_CELLS_DAYS, now: datetime | None = None) -> int:
    """Empty the uploaded cells of imports finished more than `older_than_days` ago (AVG: keep little).

    A created person lives on in their case file; the row keeps its number, result, message and link,
    so the audit and the result file still say what happened to each row. Returns the imports emptied.
    """
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    ids = list(
        db.session.scalars(
            select(ReferralImport.id).where(ReferralImport.status == S.DONE.value, ReferralImport.finished_at < cutoff)
        )
    )
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        db.session.execute(
            update(ReferralImportRow)
            .where(ReferralImportRow.import_id.in_(chunk))
            .values(cells=[])
            .execution_options(synchronize_session=False)
        )
    if ids:
        record(
            db.session,
            "referral_import_forget_cells",
            object_type="referral_import",
            changes={"imports": (None, len(ids))},
        )
    db.session.commit()
    return len(ids)
