"""Sign-in throttling that cannot be turned against the user: wrong tries are limited per
(account, address) pair with growing delays, plus a generous ceiling per account.

Why pairs and not the account alone: a lock per account lets anyone lock anyone out with five
wrong passwords. Per pair, the guesser's address slows down (30 s after 5 failures, then 1, 2, 4
... minutes, at most 15) while the real user from another address signs in as usual. Against
guessing from many addresses at once, an account with more than ACCOUNT_FREE failures in an hour
gets a short pause between tries (ACCOUNT_DELAY), never a hard lock; an address the account
signed in from before (TRUST_FOR) skips that pause, so the real user gets in even then.

Each try is claimed before the password is checked, as an optimistic compare-and-set on the
row's `version`: concurrent tries on one pair are counted one by one, none slips through.
Plain functions without HTTP; the rows live in the database, so every process shares them and
they need no Redis.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from models import SignInThrottle, db, utcnow

PAIR_FREE = 5
PAIR_BASE_DELAY = timedelta(seconds=30)
PAIR_MAX_DELAY = timedelta(minutes=15)
PAIR_FORGET_AFTER = timedelta(hours=24)
ACCOUNT_FREE = 100
ACCOUNT_WINDOW = timedelta(hours=1)
ACCOUNT_DELAY = timedelta(seconds=10)
TRUST_FOR = timedelta(days=90)
_CLAIM_ATTEMPTS = 20


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    wait: timedelta = timedelta(0)

    @property
    def message(self) -> str:
        return f"U heeft te vaak iets verkeerds ingevuld. Wacht {wait_text(self.wait)} en probeer het dan opnieuw."


def wait_text(wait: timedelta) -> str:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    if seconds < 90:
        return f"{seconds} seconden"
    return f"{(seconds + 59) // 60} minuten"


def pair_delay(failures: int) -> timedelta | None:
    """The pause after `failures` wrong tries from one address: none for the first few, then doubling."""
    if failures < PAIR_FREE:
        return None
    return min(PAIR_BASE_DELAY * 2 ** (failures - PAIR_FREE), PAIR_MAX_DELAY)


def account_delay(failures: int) -> timedelta | None:
    return ACCOUNT_DELAY if failures >= ACCOUNT_FREE else None


def _key(email: str, scope: str) -> str:
    account = (email or "").strip().lower()[:254]
    return hashlib.sha256(f"{account}\n{scope}".encode()).hexdigest()


def _row(key: str) -> SignInThrottle:
    row = db.session.get(SignInThrottle, key, populate_existing=True)
    if row is None:
        row = SignInThrottle(key=key, failures=0)
        db.session.add(row)
        db.session.flush()  # a concurrent insert of the same key raises IntegrityError: claim again
    return row


def _count(row: SignInThrottle, now: datetime, forget_after: timedelta, delay) -> None:
    recent = row.last_failure_at is not None and row.last_failure_at > now - forget_after
    row.failures = (row.failures if recent else 0) + 1
    row.last_failure_at = now
    pause = delay(row.failures)
    row.blocked_until = now + pause if pause else None


def _blocked(row: SignInThrottle, now: datetime) -> Verdict | None:
    if row.blocked_until is not None and row.blocked_until > now:
        return Verdict(False, row.blocked_until - now)
    return None


def _claim_once(email: str, address: str, now: datetime) -> Verdict:
    pair = _row(_key(email, address))
    if refused := _blocked(pair, now):
        return refused
    if not (pair.trusted_until is not None and pair.trusted_until > now):
        account = _row(_key(email, "*"))
        if refused := _blocked(account, now):
            return refused
        _count(account, now, ACCOUNT_WINDOW, account_delay)
    _count(pair, now, PAIR_FORGET_AFTER, pair_delay)
    db.session.flush()  # the version check: StaleDataError when another request changed a row meanwhile
    return Verdict(True)


def claim(email: str, address: str | None, now: datetime | None = None) -> Verdict:
    """Take one try for this account from this address, counted as a failure until `succeeded`.

    Commits (the session must hold nothing else yet), so the row locks are released before the
    slow password check.
    """
    now = now or utcnow()
    address = address or "onbekend"
    for _ in range(_CLAIM_ATTEMPTS):
        try:
            verdict = _claim_once(email, address, now)
            db.session.commit()
            return verdict
        except (StaleDataError, IntegrityError):
            db.session.rollback()
    # Many tries on one pair at the very same moment: that is guessing, refuse this one.
    return Verdict(False, PAIR_BASE_DELAY)


def succeeded(email: str, address: str | None, now: datetime | None = None) -> None:
    """The try was right: forget this address's failures and trust it for the account. Caller commits."""
    now = now or utcnow()
    db.session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.key == _key(email, address or "onbekend"))
        .values(
            failures=0,
            blocked_until=None,
            trusted_until=now + TRUST_FOR,
            version=SignInThrottle.version + 1,
        )
        .execution_options(synchronize_session=False)
    )


def forget_stale(now: datetime | None = None) -> int:
    """Delete rows that no longer hold anything: no recent failure, no pause, no trust. Caller commits."""
    now = now or utcnow()
    table = SignInThrottle
    result = db.session.execute(
        delete(table)
        .where(
            or_(table.last_failure_at.is_(None), table.last_failure_at < now - PAIR_FORGET_AFTER),
            or_(table.blocked_until.is_(None), table.blocked_until < now),
            or_(table.trusted_until.is_(None), table.trusted_until < now),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
