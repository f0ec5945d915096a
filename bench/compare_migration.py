"""Does migrating an existing database keep every report figure identical? (issue #17, quality)

    .venv/bin/python bench/compare_migration.py [--before REV] [--data demo|bench] [--scale N] [--db FILE] [--keep]

1. A temporary git worktree at REV (default: the last commit before the first migration of issue #17,
   'niet gestart'; pass the parent of the person/trajectory commit to test only that migration) builds
   a fresh SQLite file with its own `flask db upgrade` and its own data: `flask demo load` (--data demo)
   or its own benchmark seed at --scale (--data bench, bench/seed.py: 100 = the 100x benchmark data).
2. That code exports the report CSV for every filter it offers (whole pilot, each year, each coach,
   each referral source), signed in as finance.
3. The current code (this checkout) runs `flask db upgrade` on the same file and exports again.
4. Every figure that exists in both exports is compared: a figure is (table, row, column) -> value; a
   table or row the old code did not have (new figures) is listed, not compared.

The 'Gemaakt op' line is the day of export and is skipped; a column renamed since REV is compared
under its new name (RENAMED). Exit status 1 when a shared figure differs.
Both runs use this checkout's virtualenv (its packages are a superset of the older ones).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
DEFAULT_BEFORE = "fa263b0^"  # 'Niet gestart' (#17 point 2) added the wave's first migration
# (table, old column) -> new column: the same figure under a new name (#17 point 8: the budget is the
# whole pilot's, also under a coach filter, and the column says so).
RENAMED = {("Geld per pot", "Budget"): "Budget (hele pilot)"}
SEED = (
    "from app import create_app\nfrom bench.seed import seed\n"
    "with create_app().app_context():\n    seed(%d, quiet=True)\n"
)

# Runs inside the checkout under test (old or new code): signs in as finance without the form and prints
# {query string: CSV text} as JSON. Only routes and the filter form's own options, no internals.
EXPORT = r"""
import json, re, sys
from datetime import UTC, datetime
from app import create_app
from models import User, db

app = create_app()
out = {}
with app.app_context():
    user = db.session.scalar(db.select(User).where(User.role == "financien").order_by(User.id).limit(1))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["auth_at"] = datetime.now(UTC).timestamp()
    page = client.get("/rapportage/").get_data(as_text=True)
    assert "Rapportage" in page, page[:500]
    queries = [""]
    for name in ("jaar", "coach", "verwijzer"):
        select = re.search(r'<select[^>]*name="%s".*?</select>' % name, page, re.S)
        for value in re.findall(r'<option[^>]*value="([^"]+)"', select.group(0)) if select else []:
            queries.append(f"{name}={value}")
    for query in queries:
        response = client.get("/rapportage/export.csv?" + query)
        assert response.status_code == 200, (query, response.status_code)
        out[query] = response.get_data(as_text=True)
print(json.dumps(out))
"""


def run(cmd: list[str], cwd: Path, env: dict) -> str:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"{' '.join(cmd)} in {cwd} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def figures(text: str) -> dict[tuple[str, str, str], str]:
    """(table title, row label, column) -> value, from a CSV with a title line above each table."""
    found: dict[tuple[str, str, str], str] = {}
    blocks, block = [], []
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"):
        if not any(cell.strip() for cell in row):
            if block:
                blocks.append(block)
            block = []
        else:
            block.append(row)
    if block:
        blocks.append(block)
    for block in blocks:
        title = block[0][0] if len(block[0]) == 1 else ""
        rows = block[1:] if title else block
        if not rows:
            continue
        header, *body = rows
        if not body:  # a key/value table without a header row
            body, header = [header], [""] * len(header)
        for row in body:
            for column, value in zip(header[1:], row[1:], strict=False):
                found[title, row[0], RENAMED.get((title, column), column)] = value
    return found


def export(checkout: Path, db_file: Path, python: str) -> dict[str, str]:
    env = os.environ | {"APP_ENV": "development", "DATABASE_URL": f"sqlite:///{db_file}", "FLASK_APP": "app"}
    env.pop("TEST_DATABASE_URL", None)
    run([python, "-m", "flask", "db", "upgrade"], checkout, env)
    return json.loads(run([python, "-c", EXPORT], checkout, env))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=DEFAULT_BEFORE, help="git revision of the old code")
    parser.add_argument("--db", help="SQLite file to use (default: a temporary one)")
    parser.add_argument("--data", choices=["demo", "bench"], default="demo", help="demo data or the bench seed")
    parser.add_argument("--scale", type=int, default=100, help="bench seed scale (with --data bench)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary worktree and file")
    args = parser.parse_args()
    python = sys.executable
    rev = run(["git", "rev-parse", "--short", args.before], HERE, os.environ.copy()).strip()
    scratch = Path(tempfile.mkdtemp(prefix="pj-compare-"))
    old = scratch / "before"
    db_file = Path(args.db).resolve() if args.db else scratch / "report.db"
    run(["git", "worktree", "add", "--detach", str(old), rev], HERE, os.environ.copy())
    try:
        env = os.environ | {"APP_ENV": "development", "DATABASE_URL": f"sqlite:///{db_file}", "FLASK_APP": "app"}
        env.pop("TEST_DATABASE_URL", None)
        run([python, "-m", "flask", "db", "upgrade"], old, env)
        if args.data == "demo":
            run([python, "-m", "flask", "demo", "load"], old, env)
        else:
            run([python, "-c", SEED % args.scale], old, env)
        before = export(old, db_file, python)
        after = export(HERE, db_file, python)
    finally:
        if not args.keep:
            run(["git", "worktree", "remove", "--force", str(old)], HERE, os.environ.copy())
            shutil.rmtree(scratch, ignore_errors=True)
    compared = differ = 0
    only_after: set[tuple[str, str]] = set()
    for query, text in before.items():
        old_figures, new_figures = figures(text), figures(after.get(query, ""))
        for key, value in old_figures.items():
            if key[1] == "Gemaakt op":
                continue
            if key not in new_figures:
                print(f"  [{query or 'hele pilot'}] gone in the new export: {key} = {value!r}")
                continue
            compared += 1
            if new_figures[key] != value:
                differ += 1
                print(f"  [{query or 'hele pilot'}] DIFFERS {key}: before {value!r}, after {new_figures[key]!r}")
                row = {k[2]: (v, new_figures.get(k)) for k, v in old_figures.items() if k[:2] == key[:2]}
                print(f"      the row before and after: {row}")
        only_after |= {(k[0], k[1]) for k in new_figures.keys() - old_figures.keys()}
    print(f"old code {rev}, {args.data} data: {len(before)} exports; {compared} figures in both; {differ} differ")
    print(f"rows only in the new export (new figures, not compared): {len(only_after)}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
