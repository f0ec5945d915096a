"""Load test: 50 simulated users of mixed roles for 60 s against gunicorn on 127.0.0.1: `python -m bench.load`.

A fresh database (SQLite file or `createdb pj_bench_load_<ts>`), seeded at `--scale`, served by gunicorn
(2 workers). Simulated users sign in with a forged session cookie (with a CSRF token, so the real
CSRF check runs), read their pages and write:
- coaches record conversations (form POST, 303 on success);
- finance approves maatwerk requests from the dashboard (htmx POST: 200 approved, 422 refused); each
  finance user has its own requests, and a few requests are approved by two users at once on purpose;
- partners add a status note to their own organisation's commitments (form POST, 303 on success);
- beheer reads the audit log and the organisations.
Every loop is bounded (a deadline and a maximum number of iterations). Afterwards the database is
checked: every write a user saw succeed is there exactly once, nothing else was written, and no
contested request was approved twice. Zero errors means: no 5xx, no connection errors, no timeouts.
"""

from __future__ import annotations

import argparse
import http.client
import random
import secrets
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import select

from bench.run import csrf_token, fresh_database, gunicorn, make_app, percentile, request, session_data
from core.localtime import LOCAL_TZ

MAX_ITERATIONS = 400  # per simulated user: the loop ends by itself even if the clock misbehaves
MIX = {"coach": 25, "financien": 10, "partner": 10, "beheer": 5}


@dataclass
class SimUser:
    index: int
    role: str
    user_id: int
    cookie: str
    token: str
    targets: list = field(default_factory=list)  # participants, requests or commitments to write to
    contested: list = field(default_factory=list)
    ok_writes: list = field(default_factory=list)  # markers (or ids) of writes the server confirmed
    refused: int = 0
    requests: int = 0
    errors: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)
    latencies: dict = field(default_factory=lambda: defaultdict(list))


# --------------------------------------------------------------------------- setup


def create_load_accounts(app) -> list[SimUser]:
    """Accounts for the simulated users (new users, so their writes are easy to find afterwards)."""
    from bench.seed import BENCH_DOMAIN
    from blueprints.auth.passwords import hash_password
    from models import Commitment, MaatwerkRequest, Organisation, Participant, RequestStatus, User, db

    password = hash_password(secrets.token_hex(16))
    partner_orgs = list(
        db.session.scalars(select(Organisation.id).where(Organisation.kind != "gemeente").order_by(Organisation.id))
    )
    users: list[SimUser] = []
    for role, count in MIX.items():
        for n in range(count):
            org = partner_orgs[n % len(partner_orgs)] if role == "partner" else None
            user = User(
                email=f"load-{role}-{n + 1}@{BENCH_DOMAIN}",
                name=f"Load {role} {n + 1}",
                role=role,
                organisation_id=org,
                password_hash=password,
            )
            db.session.add(user)
            db.session.flush()
            raw = secrets.token_hex(20)
            cookie = app.session_interface.get_signing_serializer(app).dumps({**session_data(user), "csrf_token": raw})
            users.append(SimUser(len(users), role, user.id, cookie, csrf_token(app, raw)))
    db.session.commit()

    rng = random.Random(2026)
    participants = list(db.session.scalars(select(Participant.id).where(Participant.status == "actief")))
    pending = list(
        db.session.scalars(
            select(MaatwerkRequest.id)
            .where(MaatwerkRequest.status == RequestStatus.AANGEVRAAGD.value)
            .order_by(MaatwerkRequest.amount)
        )
    )
    rng.shuffle(pending)
    finance = [u for u in users if u.role == "financien"]
    contested, pending = pending[:20], pending[20:]
    for n, user in enumerate(finance):
        user.targets = pending[n :: len(finance)]
        # Every contested request is tried by two finance users at about the same moment.
        user.contested = [rid for i, rid in enumerate(contested) if i % len(finance) in (n, (n + 1) % len(finance))]
    for user in users:
        if user.role == "coach":
            user.targets = rng.sample(participants, min(20, len(participants)))
        elif user.role == "partner":
            org = db.session.scalar(select(User.organisation_id).where(User.id == user.user_id))
            user.targets = list(
                db.session.scalars(
                    select(Commitment.id).where(
                        Commitment.organisation_id == org, Commitment.participant_id.is_not(None)
                    )
                )
            )
    return users


# --------------------------------------------------------------------------- one simulated user


class Client:
    def __init__(self, port: int, user: SimUser, cookie_name: str):
        self.port, self.user = port, user
        self.headers = {"Cookie": f"{cookie_name}={user.cookie}"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, label: str, method: str, path: str, form: dict | None = None, htmx: bool = False):
        headers = dict(self.headers)
        body = None
        if htmx:
            headers["HX-Request"] = "true"
        if form is not None:
            body = urlencode({"csrf_token": self.user.token, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            status, _, _ = request("127.0.0.1", self.port, method, path, headers, body, conn=self.conn)
        except (OSError, http.client.HTTPException) as exc:
            self.user.errors.append(f"{method} {path}: {type(exc).__name__}")
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return None
        finally:
            self.user.requests += 1
        self.user.latencies[label].append(time.perf_counter() - started)
        if status >= 500:
            self.user.errors.append(f"{method} {path}: {status}")
        return status


def expect(user: SimUser, status, allowed: tuple, what: str) -> None:
    if status is not None and status < 500 and status not in allowed:
        user.unexpected.append(f"{what}: {status}")


def run_user(user: SimUser, port: int, cookie_name: str, deadline: float, year: int, seed: int) -> None:
    rng = random.Random(seed)
    client = Client(port, user, cookie_name)
    try:
        for n in range(MAX_ITERATIONS):
            if time.monotonic() >= deadline:
                break
            ROLE_STEPS[user.role](client, user, rng, n, year)
            time.sleep(rng.uniform(0.3, 1.2))  # think time
    finally:
        client.conn.close()


def coach_step(client: Client, user: SimUser, rng, n: int, year: int) -> None:
    pid = rng.choice(user.targets)
    choice = rng.random()
    if choice < 0.3:
        expect(user, client.call("deelnemerslijst", "GET", "/deelnemers/"), (200,), "list")
    elif choice < 0.5:
        query = rng.choice(["jan", "bos", "sanne", "de j"])
        path = "/deelnemers/?" + urlencode({"q": query})
        expect(user, client.call("zoeken", "GET", path, htmx=True), (200,), "search")
    elif choice < 0.75:
        expect(user, client.call("dossier", "GET", f"/deelnemers/{pid}"), (200,), "file")
    else:
        marker = f"load-c{user.index}-{n}"
        held = datetime.now(LOCAL_TZ).replace(tzinfo=None) - timedelta(hours=2)
        form = {
            "held_at": held.strftime("%Y-%m-%dT%H:%M"),
            "kind": "voortgangsgesprek",
            "attendance": "verschenen",
            "summary": marker,
            "next_action": "Volgende week bellen.",
            "cancel_reason": "",
        }
        status = client.call("gesprek opslaan", "POST", f"/deelnemers/{pid}/gesprekken/nieuw", form)
        if status == 303:
            user.ok_writes.append(marker)
        expect(user, status, (303,), "conversation")


def finance_step(client: Client, user: SimUser, rng, n: int, year: int) -> None:
    choice = rng.random()
    if choice < 0.25:
        expect(user, client.call("dashboard", "GET", f"/financien/{year}"), (200,), "dashboard")
    elif choice < 0.4:
        expect(user, client.call("start financien", "GET", "/start/financien"), (200,), "start")
    else:
        queue = user.contested if user.contested else user.targets
        if not queue:
            return
        rid = queue.pop(0)
        path = f"/financien/aanvragen/{rid}/goedkeuren"
        status = client.call("goedkeuren", "POST", path, {"bron": "dashboard"}, htmx=True)
        if status == 200:
            user.ok_writes.append(rid)
        elif status == 422:
            user.refused += 1  # already decided by the other user, or the pot is full: nothing written
        expect(user, status, (200, 422), "approve")


def partner_step(client: Client, user: SimUser, rng, n: int, year: int) -> None:
    choice = rng.random()
    if choice < 0.35:
        expect(user, client.call("partnerportaal", "GET", "/start/partner"), (200,), "portal")
    elif choice < 0.6:
        expect(user, client.call("toezeggingen", "GET", "/partners/toezeggingen", htmx=True), (200,), "commitments")
    elif user.targets:
        cid = rng.choice(user.targets)
        marker = f"load-p{user.index}-{n}"
        form = {"status": "in_uitvoering", "on_date": date.today().isoformat(), "note": marker}
        status = client.call("status toezegging", "POST", f"/partners/toezeggingen/{cid}/status", form)
        if status == 303:
            user.ok_writes.append(marker)
        expect(user, status, (303,), "commitment status")


def beheer_step(client: Client, user: SimUser, rng, n: int, year: int) -> None:
    if rng.random() < 0.5:
        expect(user, client.call("auditlog", "GET", "/beheer/auditlog"), (200,), "auditlog")
    else:
        expect(user, client.call("organisaties", "GET", "/partners/organisaties"), (200,), "organisations")


ROLE_STEPS = {"coach": coach_step, "financien": finance_step, "partner": partner_step, "beheer": beheer_step}


# --------------------------------------------------------------------------- checks


def check_writes(users: list[SimUser], started_at: datetime) -> list[str]:
    """Compare what each simulated user saw succeed with what the database holds."""
    from models import CommitmentUpdate, Conversation, MaatwerkRequest, db

    problems = []
    for user in users:
        if user.role == "coach":
            rows = list(
                db.session.scalars(
                    select(Conversation.summary).where(
                        Conversation.coach_id == user.user_id, Conversation.summary.like(f"load-c{user.index}-%")
                    )
                )
            )
        elif user.role == "partner":
            rows = list(
                db.session.scalars(
                    select(CommitmentUpdate.note).where(
                        CommitmentUpdate.actor_id == user.user_id, CommitmentUpdate.note.like(f"load-p{user.index}-%")
                    )
                )
            )
        elif user.role == "financien":
            rows = list(
                db.session.scalars(
                    select(MaatwerkRequest.id).where(
                        MaatwerkRequest.decided_by_id == user.user_id, MaatwerkRequest.status == "goedgekeurd"
                    )
                )
            )
        else:
            continue
        seen, stored = Counter(user.ok_writes), Counter(rows)
        lost = seen - stored
        extra = stored - seen
        duplicated = [k for k, v in stored.items() if v > 1]
        if lost:
            problems.append(f"{user.role} {user.index}: lost writes {sorted(lost)[:5]}")
        if extra:
            problems.append(f"{user.role} {user.index}: writes nobody saw succeed {sorted(extra)[:5]}")
        if duplicated:
            problems.append(f"{user.role} {user.index}: duplicated writes {duplicated[:5]}")
    # A contested request is approved by at most one user.
    approvals = Counter(rid for u in users if u.role == "financien" for rid in u.ok_writes)
    twice = [rid for rid, n in approvals.items() if n > 1]
    if twice:
        problems.append(f"requests approved twice: {twice}")
    return problems


# --------------------------------------------------------------------------- main


def run(kind: str, scale: int, seconds: float) -> list[str]:
    from bench.seed import seed
    from models import db

    secret = secrets.token_hex(32)
    database = fresh_database(kind, tag="_load")
    print(f"\n=== {kind}: {database.name}")
    try:
        app = make_app(database.url, secret)
        with app.app_context():
            db.create_all()
            seed(scale)
            users = create_load_accounts(app)
            db.session.remove()
            db.engine.dispose()
        cookie_name = app.config["SESSION_COOKIE_NAME"]
        year = date.today().year
        started_at = datetime.utcnow()  # noqa: DTZ003  (the database stores naive UTC)
        with gunicorn(database.url, secret, log_path=f"/tmp/pj_load_gunicorn_{kind}.log") as port:  # noqa: S108
            deadline = time.monotonic() + seconds
            threads = [
                threading.Thread(target=run_user, args=(u, port, cookie_name, deadline, year, 2026 + u.index))
                for u in users
            ]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=seconds + 120)
            elapsed = time.perf_counter() - began
            hanging = sum(t.is_alive() for t in threads)
        with app.app_context():
            problems = check_writes(users, started_at)
            db.session.remove()
            db.engine.dispose()
        return report(kind, users, elapsed, hanging, problems)
    finally:
        database.drop()


def report(kind: str, users: list[SimUser], elapsed: float, hanging: int, problems: list[str]) -> list[str]:
    total = sum(u.requests for u in users)
    errors = [e for u in users for e in u.errors]
    unexpected = [e for u in users for e in u.unexpected]
    by_label: dict[str, list[float]] = defaultdict(list)
    for user in users:
        for label, values in user.latencies.items():
            by_label[label].extend(values)
    roles = Counter(u.role for u in users)
    print(f"  {len(users)} users ({', '.join(f'{n} {r}' for r, n in roles.items())}), {elapsed:.0f} s")
    print(f"  requests: {total:,} ({total / elapsed:.1f}/s); errors (5xx, connection): {len(errors)}; "
          f"unexpected status: {len(unexpected)}")  # fmt: skip
    print(f"  {'action':<22}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for label, values in sorted(by_label.items()):
        ms = [v * 1000 for v in values]
        print(f"  {label:<22}{len(ms):>7}{statistics.median(ms):>9.0f}{percentile(ms, 0.95):>9.0f}{max(ms):>9.0f}")
    writes = {
        role: sum(len(u.ok_writes) for u in users if u.role == role) for role in ("coach", "financien", "partner")
    }
    refused = sum(u.refused for u in users)
    print(
        f"  writes confirmed: {writes['coach']} conversations, {writes['financien']} approvals "
        f"({refused} refused: contested or pot full), {writes['partner']} commitment notes"
    )
    print(f"  database check: {'every confirmed write stored exactly once' if not problems else 'PROBLEMS'}")
    misses = [f"{kind}: {p}" for p in problems]
    misses += [f"{kind}: error {e}" for e in Counter(errors)]
    misses += [f"{kind}: unexpected {e} x{n}" for e, n in Counter(unexpected).items()]
    if hanging:
        misses.append(f"{kind}: {hanging} users did not stop")
    return misses


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60.0)
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(f"Load: {sum(MIX.values())} simulated users for {args.duration:g} s at {args.scale}x, gunicorn 2 workers")
    misses = []
    for kind in kinds:
        misses += run(kind, args.scale, args.duration)
    if misses:
        print("\nFAILED:")
        for miss in misses:
            print(f"  - {miss}")
        return 1
    print("\nZero errors, no lost or duplicated writes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
