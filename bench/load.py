"""Load test: simulated users of mixed roles against several app servers behind nginx: `python -m bench.load`.

By default (`make load`): a fresh PostgreSQL database (`createdb pj_bench_<ts>_load`) seeded at 100x,
Redis (`REDIS_URL`, database 13) for the shared rate limits, two gunicorn app servers (2 workers each)
behind Debian's nginx (bench/cluster.py), all on 127.0.0.1. 100 simulated users sign in with a forged
session cookie (with a CSRF token, so the real CSRF check runs), read their pages and write, with 1-3 s
think time, for `--duration` seconds (300). Halfway one app server is killed (SIGKILL to its master and
workers) and started again on the same port. Writes:
- coaches record conversations (form POST, 303 on success);
- finance approves maatwerk requests from the dashboard (htmx POST: 200 approved, 422 refused); each
  finance user has its own requests, and a few requests are approved by two users at once on purpose;
- partners add a status note to their own organisation's commitments (form POST, 303 on success);
- beheer reads the audit log and the organisations.
Every loop is bounded (a deadline and a maximum number of iterations). Afterwards:
- errors: no 5xx, no connection error or timeout, except a request that was in flight on the killed
  server at the moment it died (nginx names the server that answered in `X-Upstream`);
- the database holds every write a user saw succeed exactly once, nothing nobody saw succeed (a write
  in flight on the killed server may or may not be stored: it was never acknowledged), and no contested
  request was approved twice;
- sessions are shared: the same cookie was answered by both servers;
- rate limits are shared: 31 failed sign-ins, spread over both servers by nginx, get the 31st refused
  (429), which neither server alone would do with 15 or 16 of them.
`--servers 1 --db sqlite` runs the older single-server test without nginx.
"""

from __future__ import annotations

import argparse
import http.client
import os
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

from bench.run import ROOT, csrf_token, fresh_database, gunicorn, make_app, percentile, request, session_data
from core.localtime import LOCAL_TZ

MAX_ITERATIONS = 400  # per simulated user: the loop ends by itself even if the clock misbehaves
SHARES = {"coach": 0.5, "financien": 0.2, "partner": 0.2, "beheer": 0.1}
THINK_SECONDS = (1.0, 3.0)
LOAD_REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own: its counters are removed afterwards


def role_mix(users: int) -> dict[str, int]:
    mix = {role: max(1, round(users * share)) for role, share in SHARES.items()}
    mix["coach"] += users - sum(mix.values())
    return mix


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
    errors: list = field(default_factory=list)  # (what, started, ended, upstream)
    uncertain: list = field(default_factory=list)  # writes whose answer never came: stored or not
    upstreams: Counter = field(default_factory=Counter)  # which server answered, for shared sessions
    unexpected: list = field(default_factory=list)
    latencies: dict = field(default_factory=lambda: defaultdict(list))


# --------------------------------------------------------------------------- setup


def create_load_accounts(app, mix: dict[str, int]) -> list[SimUser]:
    """Accounts for the simulated users (new users, so their writes are easy to find afterwards)."""
    from bench.seed import BENCH_DOMAIN
    from blueprints.auth.passwords import hash_password
    from models import Commitment, MaatwerkRequest, Organisation, Participant, RequestStatus, User, db

    password = hash_password(secrets.token_hex(16))
    partner_orgs = list(
        db.session.scalars(select(Organisation.id).where(Organisation.kind != "gemeente").order_by(Organisation.id))
    )
    users: list[SimUser] = []
    for role, count in mix.items():
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
            status, response_headers, _ = request("127.0.0.1", self.port, method, path, headers, body, conn=self.conn)
        except (OSError, http.client.HTTPException) as exc:
            self.user.errors.append((f"{method} {path}: {type(exc).__name__}", started, time.perf_counter(), ""))
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return None
        finally:
            self.user.requests += 1
        upstream = response_headers.get("X-Upstream", "")
        self.user.latencies[label].append(time.perf_counter() - started)
        if status >= 500:
            self.user.errors.append((f"{method} {path}: {status}", started, time.perf_counter(), upstream))
        elif upstream:
            self.user.upstreams[upstream] += 1
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
            time.sleep(rng.uniform(*THINK_SECONDS))  # think time
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
        elif status is None or status >= 500:
            user.uncertain.append(marker)
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
        status = client.call("goedkeuren", "POST", path, {"bron": "dashboard", "zeker": "ja"}, htmx=True)
        if status == 200:
            user.ok_writes.append(rid)
        elif status is None or status >= 500:
            user.uncertain.append(rid)
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
        elif status is None or status >= 500:
            user.uncertain.append(marker)
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
        extra = stored - seen - Counter(user.uncertain)  # never acknowledged: stored or not, both are fine
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


def run(kind: str, scale: int, seconds: float, users_count: int = 100, servers: int = 2) -> list[str]:
    from bench.seed import seed
    from models import db

    secret = secrets.token_hex(32)
    database = fresh_database(kind, tag="_load")
    print(f"\n=== {kind}: {database.name}, {servers} app server(s)" + (" behind nginx" if servers > 1 else ""))
    try:
        app = make_app(database.url, secret)
        with app.app_context():
            db.create_all()
            seed(scale)
            users = create_load_accounts(app, role_mix(users_count))
            db.session.remove()
            db.engine.dispose()
        cookie_name = app.config["SESSION_COOKIE_NAME"]
        year = date.today().year
        started_at = datetime.utcnow()  # noqa: DTZ003  (the database stores naive UTC)
        if servers > 1:
            elapsed, hanging, cluster = run_cluster(database.url, secret, users, cookie_name, year, seconds, servers)
        else:
            with gunicorn(database.url, secret, log_path=f"/tmp/pj_load_gunicorn_{kind}.log") as server:  # noqa: S108
                elapsed, hanging = run_users(users, server.port, cookie_name, year, seconds)
            cluster = None
        with app.app_context():
            problems = check_writes(users, started_at)
            db.session.remove()
            db.engine.dispose()
        return report(kind, users, elapsed, hanging, problems, cluster)
    finally:
        database.drop()


def run_users(users, port, cookie_name, year, seconds, during=None) -> tuple[float, int]:
    """Every simulated user in its own thread until the deadline; `during()` runs meanwhile (the kill)."""
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=run_user, args=(u, port, cookie_name, deadline, year, 2026 + u.index)) for u in users
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    if during is not None:
        during()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return time.perf_counter() - began, sum(t.is_alive() for t in threads)


def run_cluster(url, secret, users, cookie_name, year, seconds, count) -> tuple[float, int, dict]:
    import redis

    from bench.cluster import AppServer, Nginx, nginx_available

    if not nginx_available():
        raise SystemExit("nginx ontbreekt: apt-get install -y nginx")
    store = redis.Redis.from_url(LOAD_REDIS_URL)
    store.ping()  # Redis must run: the rate limits are shared through it
    env = dict(
        os.environ, APP_ENV="development", SECRET_KEY=secret, DATABASE_URL=url, REDIS_URL=LOAD_REDIS_URL,
        TRUSTED_PROXIES="1", PYTHONPATH=str(ROOT),
    )  # fmt: skip
    servers = [
        AppServer(chr(65 + n), env, log_path=f"/tmp/pj_load_gunicorn_{chr(65 + n)}.log")  # noqa: S108
        for n in range(count)
    ]
    info: dict = {"servers": {s.address: s.name for s in servers}}
    nginx = Nginx(servers)
    try:
        for server in servers:
            server.start()
        nginx.start()
        victim = servers[0]

        def kill_and_restart():
            time.sleep(seconds / 2)
            info["killed_at"] = time.perf_counter()
            victim.kill()
            time.sleep(5)  # down for a while: nginx must send everything to the others meanwhile
            info["restart_at"] = time.perf_counter()
            victim.start()
            info["back_at"] = time.perf_counter()

        info["began"] = time.perf_counter()
        elapsed, hanging = run_users(users, nginx.port, cookie_name, year, seconds, kill_and_restart)
        info["victim"] = victim.address
        info["rate_limit"] = check_shared_rate_limit(nginx.port)
    finally:
        nginx.stop()
        for server in servers:
            server.stop()
        for key in store.scan_iter("LIMITS*"):
            store.delete(key)
    return elapsed, hanging, info


def check_shared_rate_limit(port: int) -> dict:
    """31 wrong sign-ins from one address through nginx: the limit is 30 a minute for the address."""
    import re

    status, headers, body = request("127.0.0.1", port, "GET", "/inloggen")
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body)
    if status != 200 or not cookie or token is None:
        return {"codes": [], "upstreams": set(), "problem": f"sign-in page: {status}"}
    codes, upstreams = [], Counter()
    for n in range(31):
        form = urlencode({"csrf_token": token.group(1).decode(), "email": f"raden{n}@bench.test", "password": "fout"})
        form_headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        status, headers, _ = request("127.0.0.1", port, "POST", "/inloggen", form_headers, form)
        codes.append(status)
        upstreams[headers.get("X-Upstream", "")] += 1
    return {"codes": codes, "upstreams": upstreams}


def allowed_error(error, info) -> bool:
    """A request in flight on the killed server when it died: sent before, answered (502) after."""
    what, started, ended, upstream = error
    if not info or "killed_at" not in info:
        return False
    return info["victim"] in upstream and started <= info["killed_at"] + 0.05 and ended >= info["killed_at"]


def report(kind, users, elapsed, hanging, problems, cluster=None) -> list[str]:
    total = sum(u.requests for u in users)
    errors = [e for u in users for e in u.errors]
    in_flight = [e for e in errors if allowed_error(e, cluster)]
    errors = [e for e in errors if not allowed_error(e, cluster)]
    unexpected = [e for u in users for e in u.unexpected]
    by_label: dict[str, list[float]] = defaultdict(list)
    for user in users:
        for label, values in user.latencies.items():
            by_label[label].extend(values)
    roles = Counter(u.role for u in users)
    print(f"  {len(users)} users ({', '.join(f'{n} {r}' for r, n in roles.items())}), {elapsed:.0f} s, "
          f"think time {THINK_SECONDS[0]:g}-{THINK_SECONDS[1]:g} s")  # fmt: skip
    print(f"  requests: {total:,} ({total / elapsed:.1f}/s); errors (5xx, connection): {len(errors)}; "
          f"in flight on the killed server: {len(in_flight)}; unexpected status: {len(unexpected)}")  # fmt: skip
    misses = []
    if cluster:
        t0 = cluster["began"]
        print(f"  server {cluster['servers'][cluster['victim']]} ({cluster['victim']}) killed at "
              f"{cluster['killed_at'] - t0:.0f} s, restarted at {cluster['restart_at'] - t0:.0f} s, "
              f"answering again at {cluster['back_at'] - t0:.0f} s")  # fmt: skip
        answered = Counter()
        for user in users:
            for upstream, n in user.upstreams.items():
                for address in upstream.split(", "):
                    answered[cluster["servers"].get(address, address)] += n
        both = sum(1 for u in users if len({a for up in u.upstreams for a in up.split(", ")}) >= 2)
        print(f"  answered per server: {dict(sorted(answered.items()))}; "
              f"users whose one session cookie both servers accepted: {both} of {len(users)}")  # fmt: skip
        if both < len(users) * 0.9:
            misses.append(f"{kind}: sessions not shared ({both} of {len(users)} users seen by both servers)")
        limit = cluster["rate_limit"]
        codes = limit["codes"]
        spread = {cluster["servers"].get(a, a): n for a, n in limit["upstreams"].items()}
        print(f"  shared rate limit: 31 wrong sign-ins over {spread}: 1-30 -> {sorted(set(codes[:30]))}, "
              f"31st -> {codes[30] if len(codes) > 30 else '-'}")  # fmt: skip
        if len(codes) != 31 or set(codes[:30]) != {422} or codes[30] != 429 or len(spread) < 2:
            misses.append(f"{kind}: rate limit not shared through Redis ({codes}, {spread})")
    print(f"  {'action':<22}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for label, values in sorted(by_label.items()):
        ms = [v * 1000 for v in values]
        print(f"  {label:<22}{len(ms):>7}{statistics.median(ms):>9.0f}{percentile(ms, 0.95):>9.0f}{max(ms):>9.0f}")
    writes = {
        role: sum(len(u.ok_writes) for u in users if u.role == role) for role in ("coach", "financien", "partner")
    }
    refused = sum(u.refused for u in users)
    uncertain = sum(len(u.uncertain) for u in users)
    print(
        f"  writes confirmed: {writes['coach']} conversations, {writes['financien']} approvals "
        f"({refused} refused: contested or pot full), {writes['partner']} commitment notes; "
        f"{uncertain} unanswered (in flight on the killed server)"
    )
    print(f"  database check: {'every confirmed write stored exactly once' if not problems else 'PROBLEMS'}")
    misses += [f"{kind}: {p}" for p in problems]
    misses += [f"{kind}: error {e}" for e in Counter(e[0] for e in errors)]
    misses += [f"{kind}: unexpected {e} x{n}" for e, n in Counter(unexpected).items()]
    if hanging:
        misses.append(f"{kind}: {hanging} users did not stop")
    return misses


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="postgresql")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=float, default=float(os.environ.get("LOAD_SECONDS", "300")))
    parser.add_argument("--servers", type=int, default=2, help="app servers; more than 1: behind nginx")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(f"Load: {args.users} simulated users for {args.duration:g} s at {args.scale}x, "
          f"{args.servers} gunicorn app server(s) with 2 workers")  # fmt: skip
    misses = []
    for kind in kinds:
        misses += run(kind, args.scale, args.duration, args.users, args.servers)
    if misses:
        print("\nFAILED:")
        for miss in misses:
            print(f"  - {miss}")
        return 1
    print("\nZero errors apart from requests in flight on the killed server, no lost or duplicated writes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
