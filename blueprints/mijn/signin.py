"""Passwordless sign-in for the participant (not a `User`): a one-time code or a QR token, and the session.

Rules, without HTTP:
- A code goes to the e-mail address or phone number in the file; whoever asks for an unknown
  address gets the same answer and no message (no account enumeration).
- A code lives `CODE_LIFETIME`, is used once and allows `MAX_TRIES` tries; a wrong date of birth
  counts as a try. Each try is a conditional UPDATE (`tries < MAX_TRIES`), and so is the use
  (`used_at IS NULL`), so parallel requests can neither try more often nor sign in twice.
- Only an HMAC of the secret is stored (keyed with SECRET_KEY).
- The session lives in the signed Flask cookie under `portal`, separate from Flask-Login's keys,
  with the participant's `portal_session_version` (bumped on sign-out) and the time of the last
  request: 30 minutes without a request ends it, as does 12 hours in total.

Sign-in methods are pluggable: every method ends in `start_session(participant, method)`; see
`METHODS` and the README ("DigiD aansluiten").
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app, g, session
from sqlalchemy import func, select, update

from core.messaging import queue_email, queue_sms
from models import Participant, ParticipantStatus, PortalCode, db, utcnow

CODE_LIFETIME = timedelta(minutes=10)
MAX_TRIES = 5
MAX_CODES_PER_HOUR = 5
IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=12)
SESSION_KEY = "portal"
# Files that may sign in: running ones (a closed file is handled by the coach, e.g. an inzage request).
OPEN_STATUSES = {ParticipantStatus.AANGEMELD.value, ParticipantStatus.INTAKE.value, ParticipantStatus.ACTIEF.value}


@dataclass(frozen=True)
class SignInMethod:
    """A way to sign in, shown on the sign-in page. `endpoint` starts it; it ends in `start_session`."""

    key: str
    label: str
    endpoint: str
    description: str


# The order is the order on the sign-in page. A DigiD broker (OpenID Connect) is one more entry whose
# endpoint redirects to the broker and whose callback finds the participant and calls start_session.
METHODS: list[SignInMethod] = [
    SignInMethod("code", "Inloggen met een code", "mijn.login", "We sturen je een code per e-mail of sms."),
]


# --------------------------------------------------------------------------- secrets


def _digest(secret: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"portal:" + secret.encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def normalise_phone(value: str) -> str:
    """Digits only, Dutch mobile numbers with +31/0031 as 06...; other digits (Arabic-Indic) are refused."""
    value = unicodedata.normalize("NFKC", value or "")
    if not re.fullmatch(r"[0-9+()\s\-.]*", value):
        return ""
    digits = re.sub(r"\D", "", value)
    if digits.startswith("0031"):
        digits = "0" + digits[4:]
    elif value.strip().startswith("+31") or (digits.startswith("31") and len(digits) == 11):
        digits = "0" + digits[2:]
    return digits


def find_participant(address: str) -> tuple[Participant | None, str]:
    """The participant whose file holds this e-mail address or phone number, and the channel."""
    address = (address or "").strip()
    if "@" in address:
        participant = db.session.scalars(
            select(Participant)
            .where(func.lower(Participant.email) == address.lower(), Participant.status.in_(OPEN_STATUSES))
            .order_by(Participant.id)
        ).first()
        return participant, "email"
    phone = normalise_phone(address)
    if len(phone) < 10:
        return None, "sms"
    # Phone numbers are stored as typed: compare digits (few rows per number, so normalise in Python).
    candidates = db.session.scalars(
        select(Participant).where(Participant.phone.is_not(None), Participant.status.in_(OPEN_STATUSES))
    ).all()
    for participant in candidates:
        if normalise_phone(participant.phone) == phone:
            return participant, "sms"
    return None, "sms"


def request_code(address: str, login_url: str, now=None) -> None:
    """Send a code to a known address; do nothing visible for an unknown one. Always returns None."""
    now = now or utcnow()
    participant, channel = find_participant(address)
    if participant is None:
        return None
    recent = db.session.scalar(
        select(func.count(PortalCode.id)).where(
            PortalCode.participant_id == participant.id,
            PortalCode.created_at > now - timedelta(hours=1),
            PortalCode.method != "qr",
        )
    )
    if recent >= MAX_CODES_PER_HOUR:
        return None
    # A new code replaces older ones: only the latest works.
    db.session.execute(
        update(PortalCode)
        .where(PortalCode.participant_id == participant.id, PortalCode.used_at.is_(None), PortalCode.method != "qr")
        .values(used_at=now)
    )
    code = new_code()
    db.session.add(
        PortalCode(
            participant_id=participant.id,
            method=channel,
            secret_hash=_digest(code),
            tries=0,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    if channel == "email":
        text = (
            f"Hoi {participant.first_name},\n\nJe code voor Mijn Perspectiefjaar is: {{code}}\n\n"
            f"Vul de code in op {login_url} samen met je geboortedatum. De code werkt 10 minuten en één keer.\n\n"
            "Heb je geen code gevraagd? Dan kun je dit bericht negeren.\n\n"
            "Groet,\nPerspectiefjaar 23+, gemeente Hengelo"
        )
        html = (
            f"<p>Hoi {_escape(participant.first_name)},</p><p>Je code voor Mijn Perspectiefjaar is:</p>"
            '<p style="font-size:1.5em;font-weight:bold;letter-spacing:.2em">{code}</p>'
            f'<p>Vul de code in op <a href="{_escape(login_url)}">{_escape(login_url)}</a> samen met je '
            "geboortedatum. De code werkt 10 minuten en één keer.</p>"
            "<p>Heb je geen code gevraagd? Dan kun je dit bericht negeren.</p>"
            "<p>Groet,<br>Perspectiefjaar 23+, gemeente Hengelo</p>"
        )
        queue_email(
            participant.email,
            "Je code voor Mijn Perspectiefjaar",
            text,
            html=html,
            kind="inlogcode",
            participant_id=participant.id,
            secrets={"{code}": code},
        )
    else:
        queue_sms(
            participant.phone,
            "Je code voor Mijn Perspectiefjaar is {code}. De code werkt 10 minuten.",
            kind="inlogcode",
            participant_id=participant.id,
            secrets={"{code}": code},
        )
    return None


def _escape(value: str) -> str:
    from markupsafe import escape

    return str(escape(value))


@dataclass
class CheckResult:
    participant: Participant | None = None
    problem: str | None = None  # a Dutch message for the form


WRONG = "De code of je geboortedatum klopt niet. Probeer het nog eens."
EXPIRED = "Deze code werkt niet meer: hij is verlopen of al gebruikt. Vraag een nieuwe code."
TOO_MANY = "Je hebt te vaak een verkeerde code of geboortedatum ingevuld. Vraag een nieuwe code."


def check_code(address: str, code: str, date_of_birth: date, now=None) -> CheckResult:
    """Check a code with the date of birth; on success the code is used up and the participant returned."""
    now = now or utcnow()
    participant, _ = find_participant(address)
    if participant is None:
        return CheckResult(problem=WRONG)  # the same answer as a wrong code for a known address
    latest = db.session.scalars(
        select(PortalCode)
        .where(PortalCode.participant_id == participant.id, PortalCode.method != "qr")
        .order_by(PortalCode.created_at.desc(), PortalCode.id.desc())
    ).first()
    if latest is None:
        return CheckResult(problem=WRONG)
    if latest.used_at is not None or latest.expires_at <= now:
        return CheckResult(problem=EXPIRED)
    # Count the try first, atomically: only MAX_TRIES requests ever get past this line for one code.
    counted = db.session.execute(
        update(PortalCode)
        .where(
            PortalCode.id == latest.id,
            PortalCode.tries < MAX_TRIES,
            PortalCode.used_at.is_(None),
            PortalCode.expires_at > now,
        )
        .values(tries=PortalCode.tries + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if counted != 1:
        fresh = db.session.get(PortalCode, latest.id, populate_existing=True)
        return CheckResult(problem=TOO_MANY if fresh.tries >= MAX_TRIES and fresh.used_at is None else EXPIRED)
    code = unicodedata.normalize("NFKC", code or "").strip()
    right_code = code.isascii() and hmac.compare_digest(_digest(code), latest.secret_hash)
    if not (right_code and date_of_birth == participant.date_of_birth):
        tries_left = MAX_TRIES - db.session.get(PortalCode, latest.id, populate_existing=True).tries
        return CheckResult(problem=WRONG if tries_left > 0 else TOO_MANY)
    if not _use(latest.id, now):
        return CheckResult(problem=EXPIRED)
    return CheckResult(participant=participant)


def _use(code_id: int, now) -> bool:
    used = db.session.execute(
        update(PortalCode)
        .where(PortalCode.id == code_id, PortalCode.used_at.is_(None), PortalCode.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return used == 1


# --------------------------------------------------------------------------- QR during a visit


def create_qr_token(participant: Participant, coach_id: int, now=None) -> str:
    """A one-time sign-in token for the QR code the coach shows; the token itself is not stored."""
    now = now or utcnow()
    token = secrets.token_urlsafe(24)
    db.session.add(
        PortalCode(
            participant_id=participant.id,
            method="qr",
            secret_hash=_digest(token),
            tries=0,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
            created_by_id=coach_id,
        )
    )
    return token


def qr_code_row(token: str) -> PortalCode | None:
    """The QR row for a token (usable or not), or None for a token that never existed."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalars(select(PortalCode).where(PortalCode.secret_hash == _digest(token))).first()
    return row if row is not None and row.method == "qr" else None


def qr_usable(row: PortalCode | None, now=None) -> bool:
    now = now or utcnow()
    return row is not None and row.used_at is None and row.expires_at > now


def use_qr_token(token: str, now=None) -> Participant | None:
    now = now or utcnow()
    row = qr_code_row(token)
    if not qr_usable(row, now) or not _use(row.id, now):
        return None
    participant = db.session.get(Participant, row.participant_id)
    return participant if participant is not None and participant.status in OPEN_STATUSES else None


# --------------------------------------------------------------------------- the session


def _now_ts() -> float:
    return datetime.now(UTC).timestamp()


def start_session(participant: Participant, method: str) -> None:
    """Sign the participant in: a fresh session (no staff keys survive), bound to the session version."""
    session.clear()
    now = _now_ts()
    session[SESSION_KEY] = {"pid": participant.id, "v": participant.portal_session_version, "at": now, "seen": now}
    session["portal_method"] = method
    session.permanent = True


def end_session(participant: Participant | None) -> None:
    if participant is not None:
        participant.portal_session_version = (participant.portal_session_version or 1) + 1
    session.pop(SESSION_KEY, None)
    session.pop("portal_method", None)


def load_participant() -> None:
    """Before every request: put the signed-in participant in `g.participant` (or None)."""
    g.participant = None
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return
    now = _now_ts()
    try:
        pid, version, started, seen = int(data["pid"]), int(data["v"]), float(data["at"]), float(data["seen"])
    except (KeyError, TypeError, ValueError):
        session.pop(SESSION_KEY, None)
        return
    if now - seen > IDLE_LIMIT.total_seconds() or now - started > ABSOLUTE_LIMIT.total_seconds():
        session.pop(SESSION_KEY, None)
        g.portal_expired = True
        return
    participant = db.session.get(Participant, pid)
    if participant is None or participant.portal_session_version != version or participant.status not in OPEN_STATUSES:
        session.pop(SESSION_KEY, None)
        return
    data["seen"] = now
    session[SESSION_KEY] = data
    g.participant = participant
