"""Benchmark the key pages at 1x and 100x the pilot, on SQLite and PostgreSQL: `python -m bench.run`.

Per database: a fresh database, the schema, seed 1x, count SQL queries per key page and measure each
page's p95 and worker CPU per request through gunicorn with 1 client, seed up to `--scale`, count again
(the counts must be equal; p95 and CPU within 20% of 1x), compare each htmx fragment's size with its page
(a search or filter result must instead be exactly its page's result region: bench/README.md),
then serve the database with gunicorn (2 workers, 127.0.0.1 only) and measure every key page's
median and p95 latency and its throughput as a ratio to the bare route `/healthz` of the same server,
in the same round; several rounds, medians reported. Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parent.parent
PG_HOST = "127.0.0.1"  # load goes to loopback only
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
# The aims of issue #21: p95 with one client and with `--clients` at once; throughput as a share of the
# bare route's (lists and the case file at least a quarter, dashboards and reports a tenth).
AIM_P95_MS = 50.0
AIM_P95_LOADED_MS = 100.0
AIM_SHARE_LIST = 0.25
AIM_SHARE_DASHBOARD = 0.10
# Held to the tenth: the dashboards, the reports and the contract PDF download (a document, not a list).
DASHBOARDS = {"coach_start", "finance", "finance_queue", "portal", "reports", "reports_year", "reports_coach", "pdf"}
AIM_EXPORT_S = {"xlsx": 2.0, "csv": 1.0}
AIM_FRAGMENT_SHARE = 0.25
STALL_FACTOR = 10.0
AIM_FLAT = 1.2  # p95 and CPU per request at 100x within 20% of 1x (issue #21 point 5)
warnings.filterwarnings("ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support Decimal")


# --------------------------------------------------------------------------- databases


@dataclass
class Database:
    kind: str  # sqlite / postgresql
    url: str
    name: str  # file path or database name

    def drop(self) -> None:
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(self.name + suffix).unlink(missing_ok=True)
        else:
            subprocess.run(
                ["dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists", "--force", self.name],
                check=False,
                capture_output=True,
            )


def fresh_database(kind: str, tag: str = "") -> Database:
    """A new, empty database: an SQLite file under /tmp, or `createdb pj_bench_<ts>` on 127.0.0.1."""
    stamp = datetime.now().strftime("%Y%m%d%H%M%S") + f"_{os.getpid()}{tag}"
    if kind == "sqlite":
        path = f"/tmp/pj_bench_{stamp}.db"  # noqa: S108  (a throw-away benchmark file)
        return Database("sqlite", f"sqlite:///{path}", path)
    name = f"pj_bench_{stamp}"
    subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, name], check=True)
    return Database("postgresql", f"postgresql+psycopg://{PG_USER}@{PG_HOST}:5432/{name}", name)


def bench_config(url: str, secret: str) -> dict:
    """Settings like `APP_ENV=development` from the environment, with our database and key."""
    return {
        "APP_ENV": "development",
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": url,
        "SESSION_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "DEMO_PASSWORD": "bench",
        "RETENTION_YEARS": 7,
    }


def make_app(url: str, secret: str):
    from app import create_app

    return create_app(bench_config(url, secret))


# --------------------------------------------------------------------------- key pages


@dataclass
class Page:
    key: str
    label: str
    role: str
    path: str
    fragment: bool  # the URL answers an htmx request with a fragment
    fragment_path: str | None = None  # the fragment the UI requests, when it is not the page's own URL
    # The htmx request replaces the page's whole result (a search, a filter): the quarter aim is set aside
    # for these by decision (README "Prestaties"); instead the fragment must be exactly that region.
    whole_result: bool = False
    # The most SQL queries the page may send, at any size of the data (declared here, checked by the bench).
    max_queries: int | None = None
    # The count depends on what the page shows (not on how much data there is), always within max_queries.
    bounded: bool = False


PAGE_KEYS = (
    "list,search,file,file_<section>,coach_start,contracts,pdf,finance,finance_queue,portal,partner_list,"
    "reports,reports_year,reports_coach,auditlog,exports"
)
FILE_SECTIONS = ("plan", "metingen", "gesprekken", "contract", "maatwerk", "partners", "tijdlijn")
# Declared from the 100x bench of 2026-12-02. The audit log (9 and 8) varies with the kinds of objects on
# its page (one name query per kind), below its bound; the partner portal is 7 whatever waits (2026-12-03).
# The file's overview is 13 (one for the handover check, one for the onward referrals; more while a
# handover summary shows), the timeline 12 (referrals, lasting-outcome answers and the coach history are
# events too), the coach's start page at most 15 (lasting-outcome tasks and handed-over files) and the finance
# dashboard and queue 12 (measured 2026-12-03, the same at 1x and 100x); since 2026-12-04 the dashboard's money
# figures are kept per version of the budget data: 13 queries when they are built, 8 from memory. A contract
# version's parties load with their signature, decline, signer and organisation in one query since 2026-12-03
# (afternoon): the start page went from 20-27 (more when both contract lists had rows) to 13-15, the contracts
# list from 10 to 6 and the contract PDF from 17 to 9. Since 2026-12-04 the start page's contract lists are two
# queries of plain columns (names, reasons, counts), 13 queries whatever they hold. The participant list and
# search (2026-12-04 evening) keep their rows and coaches per version of the people data: 5 queries when they
# are built (the version read is new), 2 from memory; the contracts list its rows per version of all data:
# 7 when built, 2 from memory. The finance dashboard's filtered part (categories, top ten, a page of requests)
# is kept as HTML per version of the budget and people data: 15 queries when built, 6 from memory. The partner
# portal's cards are kept per organisation, role and day: 9 queries when built, 4 from memory; the coach's start
# page its questions after the end, late commitments and waiting contracts per coach and day: 14 and 10.
SECTION_QUERIES = {
    "plan": 6,
    "metingen": 5,
    "gesprekken": 6,
    "contract": 5,
    "maatwerk": 4,
    "partners": 4,
    "tijdlijn": 12,
}


def key_pages(app) -> list[Page]:
    """The key pages of issues 9 and 21, for the first coach's first participant and the current budget year."""
    from bench.seed import bench_users
    from models import BudgetYear, Commitment, Contract, ContractVersion, Participant, db

    with app.app_context():
        users = bench_users()
        coach_id = users["coach"].id
        participant_id = db.session.scalar(
            select(Participant.id).where(Participant.coach_id == coach_id).order_by(Participant.id).limit(1)
        )
        years = list(db.session.scalars(select(BudgetYear.year).order_by(BudgetYear.year)))
        partner_org = users["partner"].organisation_id
        commitment_id = db.session.scalar(
            select(Commitment.id).where(Commitment.organisation_id == partner_org).order_by(Commitment.id).limit(1)
        )
        frozen_version = db.session.scalar(
            select(ContractVersion.id)
            .join(Contract, Contract.id == ContractVersion.contract_id)
            .join(Participant, Participant.id == Contract.participant_id)
            .where(Participant.coach_id == coach_id, ContractVersion.frozen_at.is_not(None))
            .order_by(ContractVersion.id)
            .limit(1)
        )
    year = date.today().year if date.today().year in years else years[-1]
    file_url = f"/deelnemers/{participant_id}"
    status_form = f"/partners/toezeggingen/{commitment_id}/status?next=/start/partner"
    labels = {"plan": "Plan", "metingen": "Metingen", "gesprekken": "Gesprekken", "contract": "Contract",
              "maatwerk": "Maatwerk", "partners": "Partners", "tijdlijn": "Tijdlijn"}  # fmt: skip
    pages = [
        Page("list", "Deelnemerslijst", "coach", "/deelnemers/", True, whole_result=True, max_queries=5),
        Page("search", "Zoeken op naam", "coach", "/deelnemers/?q=jan", True, whole_result=True, max_queries=5),
        # The file's htmx request is the timeline's "Meer laden" (goal forms post to their own fragment).
        Page("file", "Dossier: overzicht", "coach", file_url, True, f"{file_url}/tijdlijn?pagina=2", max_queries=13),
        *(
            Page(
                f"file_{key}",
                f"Dossier: {labels[key]}",
                "coach",
                f"{file_url}?tab={key}",
                False,
                max_queries=SECTION_QUERIES[key],
            )
            for key in FILE_SECTIONS
        ),
        # 13 since the contract lists are two queries of plain columns (2026-12-04; 13-15 before).
        Page("coach_start", "Startpagina coach", "coach", "/start/coach", False, max_queries=14),
        Page("contracts", "Contractenlijst", "coach", "/contracten/", False, max_queries=7),
        Page(
            "pdf",
            "Contract-PDF (bevroren)",
            "coach",
            f"/contracten/versie/{frozen_version}/inspanningscontract.pdf",
            False,
            max_queries=9,
        ),  # fmt: skip
        # 13 right after a change of budget data (as counted here), 8 while the money figures come from memory.
        Page("finance", "Financieel dashboard", "financien", f"/financien/{year}", True, max_queries=15),
        Page(
            "finance_queue",
            "Financieel: te beoordelen",
            "financien",
            f"/financien/{year}?status=aangevraagd",
            False,
            max_queries=15,
        ),  # fmt: skip
        # The portal's htmx request is a card's inline status form ("Status bijwerken").
        Page("portal", "Partnerportaal (start)", "partner", "/start/partner", True, status_form, max_queries=9),
        Page(
            "partner_list",
            "Partner: toezeggingen",
            "partner",
            "/partners/toezeggingen",
            True,
            whole_result=True,
            max_queries=3,
        ),  # fmt: skip
        Page("reports", "Rapportage", "coach", "/rapportage/", True, whole_result=True, max_queries=17),
        Page(
            "reports_year",
            "Rapportage pilotjaar",
            "coach",
            f"/rapportage/?jaar={year}",
            True,
            whole_result=True,
            max_queries=17,
        ),  # fmt: skip
        Page(
            "reports_coach",
            "Rapportage één coach",
            "coach",
            f"/rapportage/?coach={coach_id}",
            True,
            whole_result=True,
            max_queries=17,
        ),  # fmt: skip
        # One name query per kind of object on the page (users, participants, contracts, ...), at most 9.
        Page("auditlog", "Auditlog", "beheer", "/beheer/auditlog", False, max_queries=9, bounded=True),
    ]
    return pages


def session_data(user) -> dict:
    """What `login_as` (tests/conftest.py) and a real sign-in put in the session."""
    return {
        "_user_id": user.get_id(),
        "_fresh": True,
        "auth_at": datetime.now(UTC).timestamp(),
        "_permanent": True,
    }


def forge_cookie(app, user) -> str:
    """A signed session cookie value for `user`, as the app itself would have issued it."""
    return app.session_interface.get_signing_serializer(app).dumps(session_data(user))


def fresh_cookies(app) -> dict[str, str]:
    """A session cookie per role, signed now, for the bench's people (the same at 1x and 100x: seeding only
    adds rows); the app's connections are closed so gunicorn has the database to itself."""
    from bench.seed import bench_users
    from models import db

    with app.app_context():
        cookies = {role: forge_cookie(app, user) for role, user in bench_users().items()}
        db.session.remove()
        db.engine.dispose()
    return cookies


def csrf_token(app, raw: str) -> str:
    """The form token Flask-WTF expects for a session whose `csrf_token` is `raw`."""
    from itsdangerous import URLSafeTimedSerializer

    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)


@contextmanager
def count_queries(engine):
    """Count SQL statements sent to the database (as tests/conftest.py `count_queries`)."""
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield lambda: len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", before)


def cold_start(app) -> None:
    """A change of the data as a write would make it (core/data_version.py): caches keyed by it start cold."""
    from core import data_version
    from models import db

    with app.app_context():
        data_version.bump(db.session)
        db.session.commit()


def measure_in_process(app, pages: list[Page]) -> dict[str, dict]:
    """Per page: query count, status and size of the page and of its htmx fragment (Flask test client)."""
    from bench.seed import bench_users
    from models import db

    results = {}
    with app.app_context():
        users = bench_users()
        engine = db.engine
        cookies = {role: forge_cookie(app, user) for role, user in users.items()}
    name = app.config.get("SESSION_COOKIE_NAME", "session")
    for page in pages:
        client = app.test_client()
        client.set_cookie(name, cookies[page.role])
        client.get(page.path)  # warm up: first-request work (templates) is not the page's
        cold_start(app)  # but the report cache is: count and time the page as it is right after a change
        started = time.perf_counter()
        with count_queries(engine) as n:
            response = client.get(page.path)
        cold_ms = (time.perf_counter() - started) * 1000
        entry = {"queries": n(), "status": response.status_code, "page_bytes": len(response.data), "cold_ms": cold_ms}
        if page.fragment:
            fragment = client.get(page.fragment_path or page.path, headers={"HX-Request": "true"})
            entry["fragment_bytes"] = len(fragment.data)
            entry["fragment_status"] = fragment.status_code
            entry["fragment_is_region"] = is_region_of(fragment.get_data(as_text=True), response.get_data(as_text=True))
            with count_queries(engine) as n:
                client.get(page.fragment_path or page.path, headers={"HX-Request": "true"})
            entry["fragment_queries"] = n()
        results[page.key] = entry
    return results


LAYOUT_MARKERS = ("<html", "<header", '<nav class="main-nav"', 'role="search"')


def is_region_of(fragment: str, page: str) -> bool:
    """The fragment is a part of the page, word for word, without layout, navigation or filter form."""
    body = fragment.strip()
    return bool(body) and body in page and not any(marker in body for marker in LAYOUT_MARKERS)


# --------------------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    port: int
    pid: int  # gunicorn's master; its children are the workers


@contextmanager
def gunicorn(url: str, secret: str, workers: int = 2, log_path: str | None = None):
    """Serve the app on 127.0.0.1:<free port> with gunicorn; yields a Server; stops the server after."""
    port = free_port()
    env = dict(os.environ, APP_ENV="development", SECRET_KEY=secret, DATABASE_URL=url, PYTHONPATH=str(ROOT))
    env.pop("REDIS_URL", None)
    log = open(log_path or os.devnull, "w")  # noqa: SIM115  (closed below)
    binary = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(binary), "--workers", str(workers), "--no-control-socket", "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "app:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = request("127.0.0.1", port, "GET", "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start (see {log_path or 'its log'})")
            time.sleep(0.2)
        yield Server(port, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def workers_cpu_seconds(master_pid: int) -> float:
    """User + system CPU the gunicorn workers have used so far, from Linux's /proc; NaN when it cannot tell."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return float("nan")
    total = 0.0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
        except (OSError, IndexError, ValueError):
            continue  # a worker that exited just now
    return total


def request(host, port, method, path, headers=None, body=None, conn=None):
    """One HTTP request; returns (status, headers dict, body bytes). Reuses `conn` (keep-alive) if given."""
    own = conn is None
    conn = conn or http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data
    finally:
        if own:
            conn.close()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def hammer(port: int, path: str, headers: dict, seconds: float, clients: int) -> dict:
    """`clients` keep-alive connections request `path` for `seconds`: latencies, errors, requests/s."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                status, _, _ = request("127.0.0.1", port, "GET", path, headers, conn=conn)
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            mine.append(time.perf_counter() - started)
            if status != 200:  # a redirect to the sign-in page is not the page: an expired cookie is an error
                bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "n": len(latencies),
        "errors": errors[0],
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95": percentile(latencies, 0.95) * 1000 if latencies else float("nan"),
        "max": max(latencies) * 1000 if latencies else float("nan"),
        "rps": len(latencies) / elapsed,
    }


def measure_http(server: Server, pages: list[Page], cookies: dict, cookie_name: str, seconds: float, rounds: int,
                 clients: int) -> dict:  # fmt: skip
    """Rounds of: /healthz then each page; latency (and worker CPU per request) with 1 client, throughput
    with `clients` clients; `clients=0` measures the single-client half only (the 1x comparison)."""
    port = server.port
    bare = "/healthz"
    per_page: dict[str, list[dict]] = {p.key: [] for p in pages}
    for page in pages:  # warm up both workers: template compilation and caches are not the page's cost
        hammer(port, page.path, {"Cookie": f"{cookie_name}={cookies[page.role]}"}, 1.0, 2)
    idle = {"p95": float("nan"), "rps": float("nan"), "errors": 0, "n": 0}
    for _ in range(rounds):
        base_lat = hammer(port, bare, {}, seconds / 2, 1)
        base_tp = hammer(port, bare, {}, seconds / 2, clients) if clients else idle
        for page in pages:
            headers = {"Cookie": f"{cookie_name}={cookies[page.role]}"}
            cpu_before = workers_cpu_seconds(server.pid)
            lat = hammer(port, page.path, headers, seconds / 2, 1)
            cpu = workers_cpu_seconds(server.pid) - cpu_before
            tp = hammer(port, page.path, headers, seconds / 2, clients) if clients else idle
            per_page[page.key].append(
                {
                    "cpu_ms": cpu * 1000 / lat["n"] if lat["n"] else float("nan"),
                    "p50": lat["p50"],
                    "p95": lat["p95"],
                    "p95_loaded": tp["p95"],
                    "max": lat["max"],
                    "n_single": lat["n"],
                    "rps": tp["rps"],
                    "base_p50": base_lat["p50"],
                    "base_rps": base_tp["rps"],
                    "ratio_p50": lat["p50"] / base_lat["p50"],
                    "ratio_rps": tp["rps"] / base_tp["rps"],
                    "errors": lat["errors"] + tp["errors"],
                    "n": lat["n"] + tp["n"],
                }
            )
    summary = {}
    for key, runs in per_page.items():
        summary[key] = {name: statistics.median(r[name] for r in runs) for name in runs[0]}
        summary[key]["errors"] = sum(r["errors"] for r in runs)
        summary[key]["n"] = sum(r["n"] for r in runs)
        # Stall aim (issue #21 point 6): no single-client request over STALL_FACTOR x the page's median.
        summary[key]["max"] = max(r["max"] for r in runs)
        summary[key]["n_single"] = sum(r["n_single"] for r in runs)
    return summary


# --------------------------------------------------------------------------- report


def print_counts(pages, small: dict, large: dict, scale: int) -> list[str]:
    misses = []
    print(f"\n  SQL queries per request (1x vs {scale}x; page / htmx fragment)")
    print(f"  {'page':<28}{'1x':>10}{f'{scale}x':>10}  equal  declared  cold ms (in process, {scale}x)")
    for page in pages:
        a, b = small[page.key], large[page.key]
        one = f"{a['queries']}" + (f"/{a['fragment_queries']}" if page.fragment else "")
        big = f"{b['queries']}" + (f"/{b['fragment_queries']}" if page.fragment else "")
        same = one == big
        if not same and not page.bounded:
            misses.append(f"{page.label}: query count {one} at 1x but {big} at {scale}x")
        most = max(a["queries"], b["queries"])
        if page.max_queries is not None and most > page.max_queries:
            misses.append(f"{page.label}: {most} queries, more than the {page.max_queries} it declares")
        if b["status"] != 200:
            misses.append(f"{page.label}: status {b['status']}")
        declared = page.max_queries or "-"
        equal = "ja " if same else ("≤  " if page.bounded else "NEE")
        print(f"  {page.label:<28}{one:>10}{big:>10}  {equal}    {declared:<8}  {b['cold_ms']:.0f}")
    return misses


def print_sizes(pages, large: dict, small: dict, scale: int) -> tuple[list[str], list[str]]:
    """Print the sizes; return the missed aims and the whole-result swaps the quarter aim is set aside for."""
    misses, set_aside = [], []
    print(f"\n  Sizes at {scale}x (page vs htmx fragment; page size at 1x for comparison)")
    print(f"  {'page':<28}{'page 1x':>10}{'page':>10}{'fragment':>10}{'share':>8}  swap")
    for page in pages:
        b = large[page.key]
        frag, share_text, swap = "-", "-", ""
        if page.fragment:
            share = b["fragment_bytes"] / b["page_bytes"]
            frag, share_text = f"{b['fragment_bytes']:,}", f"{share:.0%}"
            if page.whole_result:
                swap = "whole result, exactly its region" if b["fragment_is_region"] else "whole result, NOT its region"
                if not b["fragment_is_region"]:
                    misses.append(f"{page.label}: the fragment is not exactly the page's result region")
                if share > AIM_FRAGMENT_SHARE:
                    set_aside.append(f"{page.label}: fragment is {share:.0%} of the page")
            else:
                swap = "part of the page"
                if share > AIM_FRAGMENT_SHARE:
                    misses.append(f"{page.label}: fragment is {share:.0%} of the page (aim <= 25%)")
        print(
            f"  {page.label:<28}{small[page.key]['page_bytes']:>10,}{b['page_bytes']:>10,}{frag:>10}{share_text:>8}"
            f"  {swap}"
        )
    return misses, set_aside


def print_latency(pages, summary: dict, clients: int) -> list[str]:
    misses = []
    base = statistics.median(s["base_p50"] for s in summary.values())
    base_rps = statistics.median(s["base_rps"] for s in summary.values())
    print(
        f"\n  Latency and throughput via gunicorn (medians of rounds; /healthz p50 {base:.1f} ms, {base_rps:.0f} req/s)"
    )
    print(
        f"  {'page':<28}{'p50 ms':>8}{'p95 ms':>8}{'x bare':>8}{'req/s':>8}{'/ bare':>8}"
        f"{f'p95@{clients}':>9}{'errors':>8}{'max ms':>8}{'max/p50':>8}{'n':>6}"
    )
    stalls = 0
    for page in pages:
        s = summary[page.key]
        if s["p95"] > AIM_P95_MS:
            misses.append(f"{page.label}: p95 {s['p95']:.0f} ms (aim <= {AIM_P95_MS:.0f} ms)")
        if s["p95_loaded"] > AIM_P95_LOADED_MS:
            misses.append(
                f"{page.label}: p95 {s['p95_loaded']:.0f} ms with {clients} clients (aim <= {AIM_P95_LOADED_MS:.0f} ms)"
            )
        aim_share = AIM_SHARE_DASHBOARD if page.key in DASHBOARDS else AIM_SHARE_LIST
        if s["ratio_rps"] < aim_share:
            misses.append(f"{page.label}: {s['ratio_rps']:.0%} of the bare route's req/s (aim >= {aim_share:.0%})")
        if s["errors"]:
            misses.append(f"{page.label}: {s['errors']} errors")
        stall = s["max"] / s["p50"] if s["p50"] else float("nan")
        if stall > STALL_FACTOR:
            stalls += 1
            misses.append(f"{page.label}: one request took {s['max']:.0f} ms, {stall:.0f}x the median (aim <= 10x)")
        print(
            f"  {page.label:<28}{s['p50']:>8.1f}{s['p95']:>8.1f}{s['ratio_p50']:>8.1f}{s['rps']:>8.1f}"
            f"{s['ratio_rps']:>8.2f}{s['p95_loaded']:>9.1f}{s['errors']:>8}{s['max']:>8.1f}{stall:>8.1f}"
            f"{s['n_single']:>6}"
        )
    print(f"  stalls (a single-client request over {STALL_FACTOR:g}x its page's median): {stalls} page(s)")
    return misses


def print_flat(pages, at_one: dict, at_scale: dict, scale: int) -> list[str]:
    """Issue #21 point 5: p95 and worker CPU per request at `scale`x within AIM_FLAT of 1x, page by page."""
    misses = []
    print(f"\n  Cost with the data (1 client; p95 and worker CPU per request, 1x vs {scale}x; aim <= {AIM_FLAT:g}x)")
    print(f"  {'page':<28}{'p95 1x':>8}{f'{scale}x':>8}{'ratio':>7}{'cpu 1x':>8}{f'{scale}x':>8}{'ratio':>7}")
    for page in pages:
        one, big = at_one[page.key], at_scale[page.key]
        figures = (one["p95"], big["p95"], one["cpu_ms"], big["cpu_ms"])
        if one.get("errors") or big.get("errors") or not all(f > 0 for f in figures):  # NaN > 0 is False
            print(f"  {page.label:<28}  not measured (errors, or no figure at 1x or {scale}x)")
            misses.append(f"{page.label}: cost with the data not measured at 1x or {scale}x")
            continue
        p95_ratio = big["p95"] / one["p95"]
        cpu_ratio = big["cpu_ms"] / one["cpu_ms"]
        print(
            f"  {page.label:<28}{one['p95']:>8.1f}{big['p95']:>8.1f}{p95_ratio:>7.2f}"
            f"{one['cpu_ms']:>8.1f}{big['cpu_ms']:>8.1f}{cpu_ratio:>7.2f}"
        )
        if p95_ratio > AIM_FLAT:
            misses.append(
                f"{page.label}: p95 {big['p95']:.0f} ms at {scale}x, {p95_ratio:.1f}x the 1x {one['p95']:.0f} ms"
            )
        if cpu_ratio > AIM_FLAT:
            misses.append(
                f"{page.label}: {big['cpu_ms']:.1f} ms CPU per request at {scale}x, "
                f"{cpu_ratio:.1f}x the 1x {one['cpu_ms']:.1f}"
            )
    return misses


# --------------------------------------------------------------------------- main


def export_paths(app) -> list[tuple[str, str, str]]:
    """(label, kind, path) of finance's exports of the current budget year (issue #21 point 1)."""
    from models import BudgetYear, db

    with app.app_context():
        years = list(db.session.scalars(select(BudgetYear.year).order_by(BudgetYear.year)))
    year = date.today().year if date.today().year in years else years[-1]
    return [
        (f"Financien {year}: Excel", "xlsx", f"/financien/{year}/export.xlsx"),
        (f"Financien {year}: aanvragen CSV", "csv", f"/financien/{year}/export/aanvragen.csv"),
        (f"Financien {year}: betalingen CSV", "csv", f"/financien/{year}/export/betalingen.csv"),
    ]


def _timed_download(port: int, path: str, headers: dict, seconds: list[float]) -> None:
    started = time.perf_counter()
    request("127.0.0.1", port, "GET", path, headers)
    seconds.append(time.perf_counter() - started)


def measure_exports(port: int, exports, cookie: str, rounds: int, clients: int) -> list[str]:
    """Each export downloaded whole, `rounds` times one at a time (median) and once by `clients` at once."""
    misses = []
    print(f"\n  Exports via gunicorn (whole download; median of {rounds}, and the slowest of {clients} at once)")
    print(f"  {'export':<36}{'s':>8}{f'{clients} at once':>12}{'MB':>8}  status")
    headers = {"Cookie": cookie}
    for label, kind, path in exports:
        times, size, status = [], 0, 0
        for _ in range(rounds):
            started = time.perf_counter()
            status, _, body = request("127.0.0.1", port, "GET", path, headers)
            times.append(time.perf_counter() - started)
            size = len(body)
        together: list[float] = []
        threads = [
            threading.Thread(target=_timed_download, args=(port, path, headers, together)) for _ in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = statistics.median(times)
        print(f"  {label:<36}{seconds:>8.2f}{max(together):>12.2f}{size / 1e6:>8.1f}  {status}")
        if status != 200:
            misses.append(f"{label}: status {status}")
        if seconds > AIM_EXPORT_S[kind]:
            misses.append(f"{label}: {seconds:.2f} s (aim <= {AIM_EXPORT_S[kind]:g} s)")
    return misses


def run_one(
    kind: str, scale: int, seconds: float, rounds: int, clients: int, keep: bool, only: str = ""
) -> tuple[list[str], list[str]]:
    """Measure one database; return its missed aims and its whole-result fragments above a quarter."""
    from bench.seed import seed
    from models import db

    secret = secrets.token_hex(32)
    database = fresh_database(kind)
    print(f"\n=== {kind}: {database.name}")
    try:
        app = make_app(database.url, secret)
        with app.app_context():
            db.create_all()
            seed(1)
        pages = [p for p in key_pages(app) if not only or p.key in only.split(",")]
        small = measure_in_process(app, pages)
        cookie_name = app.config["SESSION_COOKIE_NAME"]
        at_one = {}
        if pages:  # the single-client half at 1x: what "flat with data" compares 100x with
            with gunicorn(database.url, secret, log_path=f"/tmp/pj_bench_gunicorn_{kind}_1x.log") as server:  # noqa: S108
                at_one = measure_http(server, pages, fresh_cookies(app), cookie_name, seconds, rounds, clients=0)
        with app.app_context():
            seed(scale)
        large = measure_in_process(app, pages)
        misses = print_counts(pages, small, large, scale)
        size_misses, set_aside = print_sizes(pages, large, small, scale)
        misses += size_misses
        cookies = fresh_cookies(app)  # signed now: a session cookie is refused after its lifetime
        log_path = f"/tmp/pj_bench_gunicorn_{kind}.log"  # noqa: S108
        export_misses: list[str] = []
        with gunicorn(database.url, secret, log_path=log_path) as server:
            summary = measure_http(server, pages, cookies, cookie_name, seconds, rounds, clients)
            if not only or "exports" in only.split(","):
                cookie = f"{cookie_name}={cookies['financien']}"
                export_misses = measure_exports(server.port, export_paths(app), cookie, rounds, clients)
        if pages:
            misses += print_latency(pages, summary, clients)
            misses += print_flat(pages, at_one, summary, scale)
        misses += export_misses
        return [f"{kind}: {m}" for m in misses], [f"{kind}: {m}" for m in set_aside]
    finally:
        if keep:
            print(f"  (kept {database.url})")
        else:
            database.drop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per page per round (default 4)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients for throughput")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--pages", default="", help=f"comma-separated page keys to measure (default all: {PAGE_KEYS})")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    if "postgresql" in kinds and not shutil.which("createdb"):
        print("createdb not found: PostgreSQL client tools are needed for --db postgresql", file=sys.stderr)
        return 2
    print(
        f"Benchmark at {args.scale}x the pilot; {args.rounds} rounds of {args.duration:g} s per page "
        f"(half with 1 client for latency, half with {args.clients} for throughput); gunicorn 2 workers, 127.0.0.1"
    )
    misses, set_aside = [], []
    for kind in kinds:
        kind_misses, kind_set_aside = run_one(
            kind, args.scale, args.duration, args.rounds, args.clients, args.keep, args.pages
        )
        misses += kind_misses
        set_aside += kind_set_aside
    print(
        "\nAims at 100x: p95 <= 50 ms with 1 client and <= 100 ms with 4; req/s >= 25% of the bare route's"
        "\n(lists, case file) or >= 10% (dashboards, reports); equal query counts at 1x and 100x, within"
        "\nwhat the page declares; p95 and worker CPU per request at 100x within 20% of 1x; no request"
        "\nover 10x its page's median; exports XLSX <= 2 s, CSV <= 1 s;"
        "\nfragment <= 1/4 of its page, or exactly its region when it replaces a page's whole result."
    )
    if set_aside:
        print("Quarter aim set aside by decision (README 'Prestaties'); each is exactly its page's result region:")
        for line in set_aside:
            print(f"  - {line}")
    if misses:
        print("Missed:")
        for miss in misses:
            print(f"  - {miss}")
    else:
        print("All aims met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
