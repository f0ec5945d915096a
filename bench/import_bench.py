"""Benchmark the bulk referral import: a 5,000-row list, dry run and import: `python -m bench.import_bench`.

Per database (a fresh SQLite file under /tmp, or `createdb` on 127.0.0.1): the schema, coaches and
`--existing` participants already registered (so the same-person rule has something to look through,
and some rows of the list are such people), then with the real code of the feature:

1. read the file (CSV, and the same rows as XLSX), 2. store the upload, 3. the dry run,
4. the import in committed batches (as the background worker does), 5. the result file,
6. the same file again: upload and dry run (every row 'al geïmporteerd'; the import creates nothing).

Times are printed, never asserted; rows per second and SQL statements per row are the figures to compare.
"""

from __future__ import annotations

import argparse
import io
import secrets
import statistics
import time
import warnings
from datetime import date

from sqlalchemy import event, func, insert, select

from bench.run import fresh_database, make_app

warnings.filterwarnings("ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support Decimal")
HEADER = ["Voornaam", "Tussenvoegsel", "Achternaam", "Geboortedatum", "E-mail", "Opleiding", "Telefoon"]


def letters(n: int) -> str:
    text = ""
    while True:
        n, digit = divmod(n, 26)
        text = "abcdefghijklmnopqrstuvwxyz"[digit] + text
        if n == 0:
            return text
        n -= 1


def person(n: int) -> list[str]:
    """The n-th young adult of the list: mostly 23-27 on 1 September 2026, some too young, a few wrong."""
    born = date(1999 + n % 4, 1 + n % 12, 1 + n % 28)
    if n % 50 == 7:
        born = date(2006, 3, 3)  # too young: not in the target group
    birth = born.strftime("%d-%m-%Y") if n % 3 else born.isoformat()
    if n % 200 == 13:
        birth = "31-02-2001"  # wrong
    infix = "van" if n % 5 == 0 else ""
    return [
        f"Jongere {letters(n).capitalize()}",
        infix,
        f"Achter{letters(n * 7 + 3)}",
        birth,
        f"j{n}@example.test",
        "Vmbo",
        "06 1234 5678",
    ]


def csv_file(rows: int) -> bytes:
    lines = [";".join(HEADER)] + [";".join(person(n)) for n in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def xlsx_file(rows: int) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for n in range(rows):
        sheet.append(person(n))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class Counter:
    def __init__(self, engine):
        self.n = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.n += 1


def timed(label: str, results: dict, counter: Counter, fn):
    before, start = counter.n, time.perf_counter()
    value = fn()
    results[label] = (time.perf_counter() - start, counter.n - before)
    return value


def seed(app, existing: int) -> None:
    from models import Participant, User, db

    db.create_all()
    coaches = [User(email=f"coach{i}@bench.test", name=f"Coach {i}", role="coach", password_hash="x") for i in range(4)]
    db.session.add_all(coaches)
    db.session.commit()
    # Every 10th person of the list is already registered (the same person, written differently).
    rows = []
    for n in range(0, existing * 10, 10):
        first, infix, last, *_ = person(n)
        born = date(1999 + n % 4, 1 + n % 12, 1 + n % 28)
        rows.append(
            {
                "first_name": first.upper(),
                "last_name": f"{infix} {last}".strip(),
                "date_of_birth": born,
                "referral_source": "werkplein",
                "coach_id": coaches[0].id,
                "start_date": date(2026, 1, 1),
                "end_date": date(2027, 1, 1),
                "status": "actief",
            }
        )
    if rows:
        db.session.execute(insert(Participant), rows)
    db.session.commit()


def run_one(kind: str, rows: int, existing: int) -> dict:
    from blueprints.referrals import jobs, rules
    from blueprints.referrals.parsing import read_table
    from blueprints.referrals.results import result_sheet
    from core.spreadsheet import write_xlsx
    from models import Participant, ReferralImportRow, User, db

    database = fresh_database(kind, "_import")
    try:
        app = make_app(database.url, secrets.token_hex(16))
        app.config["REFERRAL_IMPORT_WORKER"] = "inline"
        results: dict[str, tuple[float, int]] = {}
        with app.app_context():
            seed(app, existing)
            counter = Counter(db.engine)
            user = db.session.scalar(select(User).order_by(User.id))
            data = csv_file(rows)
            xlsx = xlsx_file(rows)
            table = timed("read CSV", results, counter, lambda: read_table(data, "lijst.csv"))
            timed("read XLSX", results, counter, lambda: read_table(xlsx, "lijst.xlsx"))

            def upload(source_table):
                job = jobs.store_upload(
                    source_table, data, "lijst.csv", "rmc", date(2026, 9, 1), date(2026, 8, 1), None, user
                )
                db.session.commit()
                return job.id

            job_id = timed("store upload", results, counter, lambda: upload(table))
            job = db.session.get(jobs.ReferralImport, job_id)
            mapping = rules.guess_mapping(table.headers)

            def dry_run(job):
                counts = jobs.dry_run(job, mapping)
                db.session.commit()
                return counts

            counts = timed("dry run", results, counter, lambda: dry_run(job))
            before = db.session.scalar(select(func.count()).select_from(Participant))
            jobs.start(db.session.get(jobs.ReferralImport, job_id), user)
            db.session.commit()
            timed("import", results, counter, lambda: jobs.run(job_id))
            created = db.session.scalar(select(func.count()).select_from(Participant)) - before

            def result_file():
                job = db.session.get(jobs.ReferralImport, job_id)
                rows_ = db.session.scalars(
                    select(ReferralImportRow)
                    .where(ReferralImportRow.import_id == job_id)
                    .order_by(ReferralImportRow.row_number)
                )
                buffer = io.BytesIO()
                write_xlsx([result_sheet(job, rows_)], buffer)
                return len(buffer.getvalue())

            size = timed("result file", results, counter, result_file)
            again = timed("same file: upload", results, counter, lambda: upload(table))
            again_counts = timed(
                "same file: dry run", results, counter, lambda: dry_run(db.session.get(jobs.ReferralImport, again))
            )
            db.session.remove()
            db.engine.dispose()
        return {"results": results, "counts": counts, "created": created, "again": again_counts, "size": size}
    finally:
        database.drop()


def report(kind: str, rows: int, existing: int, runs: list[dict]) -> None:
    first = runs[0]
    print(f"\n{kind}: {rows:,} rows, {existing:,} participants already registered, {len(runs)} run(s), medians")
    counts = {k: v for k, v in first["counts"].items() if v}
    print(f"  dry run verdicts: {counts}; created by the import: {first['created']:,}")
    print(f"  same file again: { ({k: v for k, v in first['again'].items() if v}) }")
    print(f"  result file: {first['size'] / 1024:.0f} KiB")
    print(f"  {'step':<22}{'seconds':>9}{'rows/s':>9}{'SQL':>8}{'SQL/row':>9}")
    for label in first["results"]:
        seconds = statistics.median(r["results"][label][0] for r in runs)
        statements = first["results"][label][1]
        print(f"  {label:<22}{seconds:>9.2f}{rows / seconds:>9,.0f}{statements:>8,}{statements / rows:>9.2f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--existing", type=int, default=250, help="people of the list already registered")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    for kind in kinds:
        runs = [run_one(kind, args.rows, args.existing) for _ in range(args.runs)]
        report(kind, args.rows, args.existing, runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
