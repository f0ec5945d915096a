"""The database: every table of Perspectiefjaar as a typed SQLAlchemy 2.0 model.

Sections per feature (foundation, case files, budget, partners, contracts). Money is always
NUMERIC(12,2) read as Decimal (see `Money`). Times are stored in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    event,
    false,
    text,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    mapped_column,
    relationship,
    with_loader_criteria,
)

# Explicit constraint names keep migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)

Money = Numeric(12, 2, asdecimal=True)

# PostgreSQL-only objects created by DDL next to their feature (e.g. the trigram search index in
# blueprints/youths/queries.py); autogenerate must not try to drop them.
DDL_ONLY_INDEXES = {"ix_participant_name_trgm"}


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "index" and name in DDL_ONLY_INDEXES)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --------------------------------------------------------------------------- removal (undo a mistake)


class Removable:
    """A row the coach can remove with a reason and beheer can restore: it is never deleted.

    Every ORM SELECT leaves removed rows out (`_hide_removed` below), so lists, figures, the portal,
    reminders and the calendar need no filter of their own. Pages that must see them (beheer's restore
    page, the audit) ask with `.execution_options(**INCLUDE_REMOVED)`.
    """

    removed_at: Mapped[datetime | None] = mapped_column(DateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    removed_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


INCLUDE_REMOVED = {"include_removed": True}


def _not_removed(cls):
    return cls.removed_at.is_(None)


@event.listens_for(Session, "do_orm_execute")
def _hide_removed(state: ORMExecuteState) -> None:
    """SQLAlchemy's documented global-criteria pattern: relationship loads inherit the option from
    the statement that loaded their parent; refreshing a removed object's columns still works."""
    if (
        state.is_select
        and not state.is_column_load
        and not state.is_relationship_load
        and not state.execution_options.get("include_removed", False)
    ):
        state.statement = state.statement.options(with_loader_criteria(Removable, _not_removed, include_aliases=True))


# --------------------------------------------------------------------------- foundation


class Role(StrEnum):
    COACH = "coach"
    FINANCIEN = "financien"
    PARTNER = "partner"
    BEHEER = "beheer"


ROLE_LABELS = {
    Role.COACH: "Life-coach",
    Role.FINANCIEN: "Financiën",
    Role.PARTNER: "Partner",
    Role.BEHEER: "Beheer",
}


class OrganisationKind(StrEnum):
    GEMEENTE = "gemeente"
    ONDERWIJS = "onderwijs"
    LEERWERKLOKET = "leerwerkloket"
    OVERHEID = "overheid"
    WERKGEVER = "werkgever"


ORGANISATION_KIND_LABELS = {
    OrganisationKind.GEMEENTE: "Gemeente",
    OrganisationKind.ONDERWIJS: "Onderwijs",
    OrganisationKind.LEERWERKLOKET: "Leerwerkloket",
    OrganisationKind.OVERHEID: "Overheid",
    OrganisationKind.WERKGEVER: "Werkgever",
}


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    contact_phone: Mapped[str | None] = mapped_column(String(30))  # partners

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    @property
    def kind_label(self) -> str:
        return ORGANISATION_KIND_LABELS.get(OrganisationKind(self.kind), self.kind)

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Bumped on sign-out, disable and password change: every cookie carrying the old number dies.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The last TOTP time step accepted: a code is never accepted twice (auth feature).
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The municipality's identity provider's stable id of this person (Entra `oid`, else `sub`):
    # single sign-on finds the account by this, never by e-mail alone (auth feature, oidc.py).
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Shown to the coach's participants in Mijn Perspectiefjaar (blueprints/mijn).
    phone: Mapped[str | None] = mapped_column(String(30))
    reachable: Mapped[str | None] = mapped_column(String(200))  # "ma t/m do 9-17 uur"

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(Role(self.role), self.role)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class CalendarFeed(db.Model):
    """A coach's personal iCalendar feed URL (blueprints/calendar/feed.py): only the token's SHA-256 is
    stored; revoking it kills the URL, and a new feed gets a new token."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


class PasswordSetLink(db.Model):
    """A one-time link to set a password (invitation of a new account, break-glass password for SSO users).

    Only the SHA-256 of the token is stored; valid for 48 hours and used at most once (admin feature).
    """

    __tablename__ = "password_set_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class AuditLog(db.Model):
    """Append-only record of every change, sign-in and sensitive view. Never holds secrets."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_object", "object_type", "object_id"),
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor_id", "actor_id"),
        Index("ix_audit_log_group_key", "group_key"),
        Index("ix_audit_log_action", "action"),  # the filter's list of actions (admin/auditlog.distinct_values)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)  # no FK: the log outlives accounts
    actor_label: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(50))
    object_type: Mapped[str | None] = mapped_column(String(50))
    object_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))
    result: Mapped[str] = mapped_column(String(20), default="ok")
    # The rows of one action (one request; outside a request one transaction) share this key, so the
    # readable log shows them as one entry. Not sealed: it arranges the display, it records nothing.
    group_key: Mapped[str | None] = mapped_column(String(32))


class AuditSeal(db.Model):
    """The seal over one finished UTC day of audit rows, chained to the seal of the day before.

    `seal` is an HMAC-SHA256 (key AUDIT_SEAL_KEY, else SECRET_KEY) over the day, its row count, id
    range, the SHA-256 of its rows and the previous seal: a changed, removed or inserted audit row,
    or a changed or removed seal, no longer matches (admin/auditchain.py). One row per day, written
    once after the day ended, so writers of the audit log never wait for it.
    """

    __tablename__ = "audit_seal"
    __audit__ = False  # each sealing run is recorded as an audit event instead

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    row_count: Mapped[int] = mapped_column(Integer)
    first_id: Mapped[int] = mapped_column(Integer)
    last_id: Mapped[int] = mapped_column(Integer)
    rows_sha256: Mapped[str] = mapped_column(String(64))
    previous_seal: Mapped[str] = mapped_column(String(64))
    seal: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --------------------------------------------------------------------------- auth (second factor)


class RecoveryCode(db.Model):
    """A one-time recovery code for the second factor, stored only as a salted SHA-256 hash."""

    __tablename__ = "recovery_code"
    __audit__ = False  # enrolment, use and reset are recorded as semantic events instead

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    salt: Mapped[str] = mapped_column(String(32))
    secret_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SignInThrottle(db.Model):
    """Failed sign-in tries of one (account, address) pair, or of one account from everywhere.

    The key is a SHA-256 of the submitted e-mail address and the address (or "*"), so neither is
    stored in plain text and unknown accounts are throttled exactly like real ones. `version`
    makes concurrent claims on one row an optimistic compare-and-set (auth/throttle.py).
    """

    __tablename__ = "sign_in_throttle"
    __audit__ = False  # bookkeeping: each failure itself is audited as a login_failed event

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # Until when this address counts as the account's own (a sign-in succeeded from it).
    trusted_until: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


# --------------------------------------------------------------------------- case files


class ParticipantStatus(StrEnum):
    AANGEMELD = "aangemeld"
    INTAKE = "intake"
    ACTIEF = "actief"
    AFGEROND = "afgerond"
    UITGEVALLEN = "uitgevallen"
    # The registration ended before the year started (issue #17): its own end, never a dropout.
    NIET_GESTART = "niet_gestart"


PARTICIPANT_STATUS_LABELS = {
    ParticipantStatus.AANGEMELD: "Aangemeld",
    ParticipantStatus.INTAKE: "Intake",
    ParticipantStatus.ACTIEF: "Actief",
    ParticipantStatus.AFGEROND: "Afgerond",
    ParticipantStatus.UITGEVALLEN: "Uitgevallen",
    ParticipantStatus.NIET_GESTART: "Niet gestart",
}

# Why a registration ended as 'niet gestart' (Participant.not_started_reason).
NOT_STARTED_REASON_LABELS = {
    "wil_niet": "Wil niet",
    "niet_bereikbaar": "Niet bereikbaar",
    "twee_keer_niet_verschenen": "Twee keer niet verschenen op de intake",
    "verhuisd": "Verhuisd",
    "niet_doelgroep": "Hoort niet bij de doelgroep",
}


class Person(db.Model):
    """The stable identity of a young adult: who they are, whatever trajectory they are in.

    A person can have more than one trajectory (re-entry); each trajectory is a `Participant` (the name
    stayed, to keep the codebase as it was). The trajectory keeps its own copy of name and contact as
    registered; "Gegevens wijzigen" updates both (youths/persons.py). No BSN: this pilot does not need it.
    """

    __tablename__ = "person"
    # The same-person rule (youths/same_person.py) looks people up by date of birth.
    __table_args__ = (Index("ix_person_date_of_birth", "date_of_birth"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    trajectories: Mapped[list[Participant]] = relationship(
        back_populates="person", order_by="(Participant.start_date, Participant.id)"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Participant(db.Model):
    """One trajectory (perspectiefjaar) of a person (`person`) in the pilot, and the core of its case file.

    Called "deelnemer" in the app. A person who comes back gets a second Participant with the same person.
    """

    __tablename__ = "participant"
    __table_args__ = (
        Index("ix_participant_status", "status"),
        Index("ix_participant_coach_id", "coach_id"),
        Index("ix_participant_last_name", "last_name"),
        # The same-person rule (youths/same_person.py) looks people up by date of birth.
        Index("ix_participant_date_of_birth", "date_of_birth"),
        Index("ix_participant_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set for every trajectory: a flush listener (youths/persons.py) gives a new one without a person its own.
    # Nullable only so that bulk inserts outside the ORM can add the persons right after (persons.py).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(300))
    highest_education: Mapped[str | None] = mapped_column(String(100))
    has_startkwalificatie: Mapped[bool] = mapped_column(Boolean, default=False)
    referral_source: Mapped[str] = mapped_column(String(30))
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ParticipantStatus.AANGEMELD.value)
    eligibility_exception: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Two "niet verschenen" in a row set this until a later conversation is attended (youths/followup.py).
    needs_followup: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # The coach cleared the flag by hand (or closed the file): the no-show row counts again from here.
    followup_cleared_at: Mapped[datetime | None] = mapped_column(DateTime)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(30))  # OutcomeCategory value, set on closing
    outcome_date: Mapped[date | None] = mapped_column(Date)
    outcome_note: Mapped[str | None] = mapped_column(Text)
    dropout_reason: Mapped[str | None] = mapped_column(Text)
    not_started_reason: Mapped[str | None] = mapped_column(String(30))  # NOT_STARTED_REASON_LABELS key
    # Mijn Perspectiefjaar: bumped on sign-out, so an old participant cookie dies (blueprints/mijn).
    portal_session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Appointment reminders: "email", "sms", "beide" or "geen" (the participant chooses, or opts out).
    reminder_channel: Mapped[str] = mapped_column(String(10), default="email")

    coach: Mapped[User | None] = relationship()
    person: Mapped[Person | None] = relationship(back_populates="trajectories")
    goals: Mapped[list[Goal]] = relationship(back_populates="participant", order_by="Goal.id")

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome or "")

    @property
    def not_started_label(self) -> str:
        return NOT_STARTED_REASON_LABELS.get(self.not_started_reason, self.not_started_reason or "")

    @property
    def referral_label(self) -> str:
        return REFERRAL_LABELS.get(self.referral_source, self.referral_source)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def status_label(self) -> str:
        return PARTICIPANT_STATUS_LABELS.get(ParticipantStatus(self.status), self.status)


class CoachAssignment(db.Model):
    """Who was a participant's life-coach when: one row per period (youths/coach_history.py).

    The periods of one participant follow each other without a gap: a row ends (`ends_at`) at the moment
    the next one starts, and exactly one row is open (`ends_at` NULL; a partial unique index guards it).
    `Participant.coach_id` is the coach of the open row; `coach_history.assign_coach` keeps both in step.
    `coach_id` NULL is a period without a coach.
    """

    __tablename__ = "coach_assignment"
    __table_args__ = (
        Index("ix_coach_assignment_participant_starts", "participant_id", "starts_at"),
        Index(
            "uq_coach_assignment_open",
            "participant_id",
            unique=True,
            sqlite_where=text("ends_at IS NULL"),
            postgresql_where=text("ends_at IS NULL"),
        ),
        Index("ix_coach_assignment_coach_id", "coach_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    starts_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)  # UTC; NULL: the coach now
    reason: Mapped[str] = mapped_column(Text)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # NULL: the system
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A handover (youths/handover.py): the note for the new coach, "tijdelijk tot" (shown, nothing moves back
    # by itself) and when the new coach read the handover summary. A first period is read from the start.
    note: Mapped[str | None] = mapped_column(Text)
    until: Mapped[date | None] = mapped_column(Date)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    coach: Mapped[User | None] = relationship(foreign_keys=[coach_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])


class ReferralImportStatus(StrEnum):
    MAPPING = "koppelen"  # uploaded; the columns still have to be mapped to fields
    DRY_RUN = "proef"  # every row has a verdict; nothing is imported yet
    RUNNING = "bezig"  # a worker imports the rows in committed batches
    DONE = "klaar"


class ReferralMapping(db.Model):
    """Which column of a referral list holds which field, remembered per referral source."""

    __tablename__ = "referral_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(30), unique=True)  # a REFERRAL_LABELS key
    columns: Mapped[dict] = mapped_column(JSON)  # field name -> column header
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ReferralImport(db.Model):
    """One uploaded referral list (RMC, Werkplein, ...) and the job that imports it (referrals feature).

    The rows live in referral_import_row. A worker holds the job by a lease (`claimed_until`): when it
    dies, any app server or `flask referrals resume` takes over after the lease has run out.
    """

    __tablename__ = "referral_import"
    __audit__ = False  # counters change every batch; the import is audited as one semantic event

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    headers: Mapped[list] = mapped_column(JSON)
    mapping: Mapped[dict | None] = mapped_column(JSON)  # frozen at the dry run
    start_date: Mapped[date] = mapped_column(Date)  # planned start when the row has none
    referral_date: Mapped[date] = mapped_column(Date)  # referral date when the row has none
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: spread evenly
    coach_ids: Mapped[list | None] = mapped_column(JSON)  # the coaches to spread over, fixed at the start
    status: Mapped[str] = mapped_column(String(20), default=ReferralImportStatus.MAPPING.value)
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_rows: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    coach: Mapped[User | None] = relationship(foreign_keys=[coach_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def source_label(self) -> str:
        return REFERRAL_LABELS.get(self.source, self.source)


class ReferralImportRow(db.Model):
    """One row of an uploaded list: its cells, the dry run's verdict and the import's result.

    `imported_hash` is set only on the row that created a participant; its unique constraint makes
    importing the same row twice (same file again, or two workers racing) impossible.
    """

    __tablename__ = "referral_import_row"
    __audit__ = False  # the upload is staging data; created participants are audited themselves
    __table_args__ = (
        Index("ix_referral_import_row_import_number", "import_id", "row_number", unique=True),
        Index("ix_referral_import_row_import_result", "import_id", "result", "row_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("referral_import.id", ondelete="CASCADE"))
    row_number: Mapped[int] = mapped_column(Integer)  # line in the file, the header being line 1
    cells: Mapped[list] = mapped_column(JSON)
    row_hash: Mapped[str | None] = mapped_column(String(64))
    planned: Mapped[str | None] = mapped_column(String(20))  # verdict of the dry run
    result: Mapped[str | None] = mapped_column(String(20))  # None until the import handled the row
    message: Mapped[str | None] = mapped_column(Text)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    imported_hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class Goal(Removable, db.Model):
    """A Krachtwerk goal of a participant, in one leefgebied (a ZRM domain)."""

    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    domain: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    # The coach marks a goal confidential: it goes into the contract's personal annex, never to partners.
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    participant: Mapped[Participant] = relationship(back_populates="goals")
    actions: Mapped[list[Action]] = relationship(back_populates="goal", order_by="Action.id")

    @property
    def domain_label(self) -> str:
        return ZRM_DOMAIN_LABELS.get(self.domain, self.domain)

    @property
    def status_label(self) -> str:
        return GOAL_STATUS_LABELS.get(self.status, self.status)


# Labels of the case-file choices: stored values (keys) are English-free Dutch slugs shown via these dicts.
REFERRAL_LABELS = {
    "rmc": "RMC",
    "werkplein": "Werkplein / bijstand",
    "zelfmelder": "Zelfmelder",
    "partner": "Via een partner",
}

ZRM_DOMAIN_LABELS = {
    "financien": "Financiën",
    "werk_opleiding": "Werk & opleiding",
    "tijdsbesteding": "Tijdsbesteding",
    "huisvesting": "Huisvesting",
    "huiselijke_relaties": "Huiselijke relaties",
    "geestelijke_gezondheid": "Geestelijke gezondheid",
    "lichamelijke_gezondheid": "Lichamelijke gezondheid",
    "middelengebruik": "Middelengebruik",
    "basale_adl": "Basale ADL",
    "instrumentele_adl": "Instrumentele ADL",
    "sociaal_netwerk": "Sociaal netwerk",
    "maatschappelijke_participatie": "Maatschappelijke participatie",
    "justitie": "Justitie",
}
ZRM_DOMAINS = list(ZRM_DOMAIN_LABELS)

ZRM_LEVEL_LABELS = {
    1: "Acute problematiek",
    2: "Niet zelfredzaam",
    3: "Beperkt zelfredzaam",
    4: "Voldoende zelfredzaam",
    5: "Volledig zelfredzaam",
}

LADDER_LABELS = {
    1: "Geïsoleerd",
    2: "Sociale contacten buiten de deur",
    3: "Deelname aan georganiseerde activiteiten",
    4: "Onbetaald werk (vrijwilligerswerk, stage)",
    5: "Betaald werk met ondersteuning (ook BBL)",
    6: "Betaald werk zonder ondersteuning",
}

ASSESSMENT_KIND_LABELS = {"intake": "Intake", "tussentijds": "Tussentijds", "eind": "Eindmeting"}

GOAL_STATUS_LABELS = {"open": "Open", "bezig": "Bezig", "behaald": "Behaald", "gestopt": "Gestopt"}
OPEN_GOAL_STATUSES = ("open", "bezig")  # still to work on: in a new contract, in a handover summary

ACTION_WHO_LABELS = {"deelnemer": "Deelnemer", "coach": "Life-coach", "partner": "Partner"}

CONVERSATION_KIND_LABELS = {
    "intake": "Intake",
    "voortgangsgesprek": "Voortgangsgesprek",
    "huisbezoek": "Huisbezoek",
    "driegesprek": "Driegesprek met partner",
    "evaluatie": "Evaluatie",
}

ATTENDANCE_LABELS = {
    "gepland": "Gepland",
    "verschenen": "Verschenen",
    "afgemeld": "Afgemeld",
    "niet_verschenen": "Niet verschenen",
}

OUTCOME_LABELS = {
    "betaald_werk": "Betaald werk",
    "opleiding": "Opleiding (naar een startkwalificatie)",
    "leerwerktraject": "Leer-werktraject (BBL)",
    "vrijwilligerswerk": "Vrijwilligerswerk / onbetaald werk",
    "dagbesteding": "Dagbesteding",
    "zorg": "Zorg (doorverwezen)",
    "verhuisd": "Verhuisd",
    "uitgevallen": "Uitgevallen / gestopt",
}


# "Verwezen naar" (issue #17): where the coach sends a participant on, a separate fact from the outcome.
# Not to be confused with REFERRAL_LABELS above, which say who referred the participant *in* ("verwezen door").
ONWARD_DESTINATION_LABELS = {
    "zorg_klantmanager": "Zorg via de klantmanager",
    "participatiecoach": "Participatiecoach / sociale activering",
    "werkbedrijf": "WerkBedrijf",
    "schuldhulp": "Schuldhulp",
    "ggz": "GGZ",
    "partner": "Een partnerorganisatie",
    "anders": "Anders",
}

ONWARD_RESULT_LABELS = {
    "onbekend": "Nog onbekend",
    "aangekomen": "Aangekomen",
    "niet_aangekomen": "Niet aangekomen",
}

# Where a person is 6 and 12 months after the end of the trajectory (LastingOutcomeCheck.situation).
LASTING_SITUATION_LABELS = {
    "werk": "Werkt",
    "school": "Gaat naar school of volgt een opleiding",
    "werk_en_school": "Werkt en leert (bijvoorbeeld BBL)",
    "uitkering": "Heeft een uitkering",
    "anders": "Iets anders",
    "onbekend": "Niet bereikbaar / weet ik niet",
}


class OnwardReferral(db.Model):
    """One "verwezen naar" of a trajectory: to whom, when, why, and whether the participant arrived."""

    __tablename__ = "onward_referral"
    __table_args__ = (Index("ix_onward_referral_participant_on", "participant_id", "referred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    destination: Mapped[str] = mapped_column(String(30))  # ONWARD_DESTINATION_LABELS key
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))  # destination "partner"
    destination_other: Mapped[str | None] = mapped_column(String(200))  # destination "anders"
    referred_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)  # case content: coaches only
    result: Mapped[str] = mapped_column(String(20), default="onbekend")  # ONWARD_RESULT_LABELS key
    result_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def destination_label(self) -> str:
        if self.destination == "partner" and self.organisation is not None:
            return self.organisation.name
        if self.destination == "anders" and self.destination_other:
            return f"Anders: {self.destination_other}"
        return ONWARD_DESTINATION_LABELS.get(self.destination, self.destination)

    @property
    def result_label(self) -> str:
        return ONWARD_RESULT_LABELS.get(self.result, self.result)


class LastingOutcomeCheck(db.Model):
    """The answer to "where is the person now?", 6 or 12 months after the end of the trajectory.

    A row exists only once the coach answered; which checks are due follows from the outcome date
    (youths/lasting.py), so a corrected outcome date moves the question with it.
    """

    __tablename__ = "lasting_outcome_check"
    __table_args__ = (Index("uq_lasting_outcome_check_participant_months", "participant_id", "months", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    months: Mapped[int] = mapped_column(Integer)  # 6 or 12
    situation: Mapped[str] = mapped_column(String(20))  # LASTING_SITUATION_LABELS key; "onbekend" counts as unknown
    note: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # UTC: the day asked, in Dutch time
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    answered_by: Mapped[User | None] = relationship()

    @property
    def situation_label(self) -> str:
        return LASTING_SITUATION_LABELS.get(self.situation, self.situation)


class StatusChange(db.Model):
    """One move in a participant's status workflow: dated and attributed (youths/workflow.py)."""

    __tablename__ = "status_change"
    # The report looks up each participant's latest change by a year's end: one step down this index.
    # It also serves every lookup by participant alone, so participant_id needs no index of its own.
    __table_args__ = (Index("ix_status_change_participant_on", "participant_id", "changed_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_on: Mapped[date] = mapped_column(Date)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    changed_by: Mapped[User | None] = relationship()

    @property
    def to_label(self) -> str:
        return PARTICIPANT_STATUS_LABELS.get(ParticipantStatus(self.to_status), self.to_status)

    @property
    def from_label(self) -> str:
        if not self.from_status:
            return ""
        return PARTICIPANT_STATUS_LABELS.get(ParticipantStatus(self.from_status), self.from_status)


class Assessment(db.Model):
    """A ZRM 2017 scoring plus the Participatieladder rung and groeipotentieel on one date."""

    __tablename__ = "assessment"
    __table_args__ = (Index("ix_assessment_participant_on", "participant_id", "assessed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    assessed_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default="tussentijds")  # intake / tussentijds / eind
    ladder_rung: Mapped[int] = mapped_column(Integer)
    growth_rung: Mapped[int] = mapped_column(Integer)  # groeipotentieel: the rung within reach in a year
    note: Mapped[str | None] = mapped_column(Text)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    assessed_by: Mapped[User | None] = relationship()
    scores: Mapped[list[ZrmScore]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="ZrmScore.id"
    )

    @property
    def kind_label(self) -> str:
        return ASSESSMENT_KIND_LABELS.get(self.kind, self.kind)

    def score_map(self) -> dict[str, int | None]:
        """Domain -> score; None means explicitly 'niet gescoord'."""
        return {s.domain: s.score for s in self.scores}


class ZrmScore(db.Model):
    """One ZRM domain in one assessment: 1-5, or NULL for an explicit 'niet gescoord'."""

    __tablename__ = "zrm_score"
    __table_args__ = (Index("uq_zrm_score_assessment_domain", "assessment_id", "domain", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"))
    domain: Mapped[str] = mapped_column(String(40))
    score: Mapped[int | None] = mapped_column(Integer)

    assessment: Mapped[Assessment] = relationship(back_populates="scores")


class AssessmentProgress(db.Model):
    """Per assessment: the change since the participant's first assessment, in the ladder and in each ZRM domain.

    Derived data for the report: comparing every participant's first and latest assessment through
    zrm_score took most of the report's time at 100x the pilot, while here the latest assessment's row
    already holds the changes. Kept in the same transaction as every change of an assessment or a score
    (blueprints/youths/progress.py); `rebuild_assessment_progress()` recomputes it after bulk loads.
    A change is NULL on the first assessment and when either score is missing or 'niet gescoord'.
    `assessed_on` and `next_assessed_on` (the participant's following assessment) tell which row was the
    latest by a year's end without looking up each participant's assessments.
    """

    __tablename__ = "assessment_progress"

    # CASCADE: deleting an assessment must not trip over its row; the listener then redoes the others.
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    is_first: Mapped[bool] = mapped_column(Boolean)  # the first by (assessed_on, id)
    rung_change: Mapped[int | None] = mapped_column(Integer)
    change_financien: Mapped[int | None] = mapped_column(Integer)
    change_werk_opleiding: Mapped[int | None] = mapped_column(Integer)
    change_tijdsbesteding: Mapped[int | None] = mapped_column(Integer)
    change_huisvesting: Mapped[int | None] = mapped_column(Integer)
    change_huiselijke_relaties: Mapped[int | None] = mapped_column(Integer)
    change_geestelijke_gezondheid: Mapped[int | None] = mapped_column(Integer)
    change_lichamelijke_gezondheid: Mapped[int | None] = mapped_column(Integer)
    change_middelengebruik: Mapped[int | None] = mapped_column(Integer)
    change_basale_adl: Mapped[int | None] = mapped_column(Integer)
    change_instrumentele_adl: Mapped[int | None] = mapped_column(Integer)
    change_sociaal_netwerk: Mapped[int | None] = mapped_column(Integer)
    change_maatschappelijke_participatie: Mapped[int | None] = mapped_column(Integer)
    change_justitie: Mapped[int | None] = mapped_column(Integer)
    assessed_on: Mapped[date] = mapped_column(Date)
    next_assessed_on: Mapped[date | None] = mapped_column(Date)  # None: the participant's latest assessment


class Action(Removable, db.Model):
    """A Krachtwerk action under a goal: who does what by when (participant, coach or a partner)."""

    __tablename__ = "goal_action"
    __table_args__ = (Index("ix_goal_action_open_due", "done", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(20))  # deelnemer / coach / partner
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    due_date: Mapped[date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by: Mapped[str | None] = mapped_column(String(20))  # "deelnemer" when ticked in Mijn Perspectiefjaar
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="actions")
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def who_label(self) -> str:
        if self.who == "partner" and self.organisation is not None:
            return self.organisation.name
        return ACTION_WHO_LABELS.get(self.who, self.who)


class Conversation(Removable, db.Model):
    """A contactmoment: when, what kind, whether the participant came, and the confidential summary."""

    __tablename__ = "conversation"
    __table_args__ = (
        Index("ix_conversation_participant_at", "participant_id", "held_at"),
        Index("ix_conversation_held_at", "held_at"),
        # The report counts participants with two or more no-shows from this index alone.
        Index("ix_conversation_attendance_participant", "attendance", "participant_id", "held_at"),
        # The coach's start page: cancellations by participants in the last two weeks.
        Index("ix_conversation_cancelled", "cancelled_by", "cancelled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    held_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    kind: Mapped[str] = mapped_column(String(30))
    attendance: Mapped[str] = mapped_column(String(20), default="gepland")
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)  # confidential: coaches only
    next_action: Mapped[str | None] = mapped_column(String(500))
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # What the participant needs to come: shown in Mijn Perspectiefjaar and in the reminder.
    location: Mapped[str | None] = mapped_column(String(200))  # "Stadhuis, kamer 2.14"
    address: Mapped[str | None] = mapped_column(String(300))  # street, number, town (for the route link)
    bring: Mapped[str | None] = mapped_column(String(500))  # what to bring
    cancelled_by: Mapped[str | None] = mapped_column(String(20))  # "deelnemer" when cancelled in the portal
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    # iCalendar SEQUENCE: bumped when time or place changes, so calendars update the same event.
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Reminders (blueprints/mijn/reminders.py): claimed atomically by one job run, then sent.
    # The messages themselves are outbox rows with this conversation_id and kind "herinnering".
    reminder_claimed_at: Mapped[datetime | None] = mapped_column(DateTime)

    participant: Mapped[Participant] = relationship()  # read-only use: the calendar and its feed
    coach: Mapped[User | None] = relationship(foreign_keys=[coach_id])

    @property
    def kind_label(self) -> str:
        return CONVERSATION_KIND_LABELS.get(self.kind, self.kind)

    @property
    def attendance_label(self) -> str:
        return ATTENDANCE_LABELS.get(self.attendance, self.attendance)


class PortalCode(db.Model):
    """A one-time sign-in secret for Mijn Perspectiefjaar: a code by e-mail/SMS, or a QR token.

    Only a hash is stored. A code lives 10 minutes, is used once and allows a few tries; every
    try and the use are conditional UPDATEs, so parallel requests cannot exceed them.
    """

    __tablename__ = "portal_code"
    __table_args__ = (Index("ix_portal_code_participant_created", "participant_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    method: Mapped[str] = mapped_column(String(10))  # email / sms / qr
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # the coach, for a QR


class PortalMessage(db.Model):
    """ "Stuur je coach een bericht": a short message from the participant, on the coach's start page."""

    __tablename__ = "portal_message"
    __table_args__ = (Index("ix_portal_message_participant_created", "participant_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


# --------------------------------------------------------------------------- budget


class PotKind(StrEnum):
    LIFECOACH = "lifecoach"
    MAATWERK = "maatwerk"


POT_KIND_LABELS = {PotKind.LIFECOACH: "Inhuur life-coach", PotKind.MAATWERK: "Maatwerk"}


class MaatwerkCategory(StrEnum):
    OPLEIDING = "opleiding"
    HUISVESTING = "huisvesting"
    SCHULDEN = "schulden"
    VERVOER = "vervoer"
    KINDEROPVANG = "kinderopvang"
    WERKKLEDING = "werkkleding"
    GEZONDHEID = "gezondheid"
    OVERIG = "overig"


MAATWERK_CATEGORY_LABELS = {
    MaatwerkCategory.OPLEIDING: "Opleiding/cursus",
    MaatwerkCategory.HUISVESTING: "Huisvesting",
    MaatwerkCategory.SCHULDEN: "Schulden",
    MaatwerkCategory.VERVOER: "Vervoer",
    MaatwerkCategory.KINDEROPVANG: "Kinderopvang",
    MaatwerkCategory.WERKKLEDING: "Werkkleding/gereedschap",
    MaatwerkCategory.GEZONDHEID: "Gezondheid",
    MaatwerkCategory.OVERIG: "Overig",
}


class RequestStatus(StrEnum):
    AANGEVRAAGD = "aangevraagd"
    GOEDGEKEURD = "goedgekeurd"
    AFGEWEZEN = "afgewezen"
    INGETROKKEN = "ingetrokken"
    BETAALD = "betaald"


REQUEST_STATUS_LABELS = {
    RequestStatus.AANGEVRAAGD: "Aangevraagd",
    RequestStatus.GOEDGEKEURD: "Goedgekeurd",
    RequestStatus.AFGEWEZEN: "Afgewezen",
    RequestStatus.INGETROKKEN: "Ingetrokken",
    RequestStatus.BETAALD: "Betaald",
}


class BudgetYear(db.Model):
    """A begrotingsjaar: the total the council makes available, split into pots."""

    __tablename__ = "budget_year"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("150000.00"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    pots: Mapped[list[BudgetPot]] = relationship(back_populates="budget_year", order_by="BudgetPot.kind")


class BudgetPot(db.Model):
    """A pot of a budget year ("Inhuur life-coach" or "Maatwerk"). Its row is the lock for spending."""

    __tablename__ = "budget_pot"
    __table_args__ = (Index("ix_budget_pot_year_kind", "budget_year_id", "kind", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_year_id: Mapped[int] = mapped_column(ForeignKey("budget_year.id"))
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Money)  # the share of the year's total

    budget_year: Mapped[BudgetYear] = relationship(back_populates="pots")

    @property
    def label(self) -> str:
        return POT_KIND_LABELS.get(PotKind(self.kind), self.kind)


class BudgetContribution(db.Model):
    """Money an organisation adds to a pot (e.g. co-financing by Provincie Overijssel)."""

    __tablename__ = "budget_contribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("budget_pot.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    booked_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    pot: Mapped[BudgetPot] = relationship()
    organisation: Mapped[Organisation] = relationship()


class CarryOver(db.Model):
    """An explicit finance decision to move unspent money from one year's pot to the next year's."""

    __tablename__ = "budget_carry_over"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_pot_id: Mapped[int] = mapped_column(ForeignKey("budget_pot.id"), index=True)
    to_pot_id: Mapped[int] = mapped_column(ForeignKey("budget_pot.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    decided_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    from_pot: Mapped[BudgetPot] = relationship(foreign_keys=[from_pot_id])
    to_pot: Mapped[BudgetPot] = relationship(foreign_keys=[to_pot_id])
    decided_by: Mapped[User] = relationship()


class MaatwerkRequest(db.Model):
    """A coach's request to pay tailored support for one participant from the maatwerk pot."""

    __tablename__ = "maatwerk_request"
    __table_args__ = (
        # Covers the pot figures and the filtered dashboard aggregates (no table lookups).
        Index("ix_maatwerk_request_pot_status_cover", "pot_id", "status", "category", "participant_id", "amount"),
        Index("ix_maatwerk_request_pot_requested", "pot_id", "requested_at"),  # the dashboard's newest-first list
        Index("ix_maatwerk_request_pot_status_requested", "pot_id", "status", "requested_at"),  # the approval queue
        Index("ix_maatwerk_request_participant_id", "participant_id"),
        Index("ix_maatwerk_request_requested_by_id", "requested_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("budget_pot.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id"))
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    supplier: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Money)
    expected_on: Mapped[date] = mapped_column(Date)
    justification: Mapped[str] = mapped_column(Text)  # why this is the cheapest adequate solution
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.AANGEVRAAGD.value)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    invoice_number: Mapped[str | None] = mapped_column(String(60))
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Set when the coach closed the file and kept this request waiting: why (finance must confirm).
    kept_on_closing_reason: Mapped[str | None] = mapped_column(Text)

    pot: Mapped[BudgetPot] = relationship()
    participant: Mapped[Participant] = relationship()
    goal: Mapped[Goal | None] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def status_label(self) -> str:
        return REQUEST_STATUS_LABELS.get(RequestStatus(self.status), self.status)

    @property
    def category_label(self) -> str:
        return MAATWERK_CATEGORY_LABELS.get(MaatwerkCategory(self.category), self.category)


class LifeCoachInvoice(db.Model):
    """An invoice of the hired life-coach, booked against the life-coach pot.

    A correction of a booked invoice is a new entry (a credit note has a negative amount).
    """

    __tablename__ = "lifecoach_invoice"

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("budget_pot.id"), index=True)
    supplier: Mapped[str] = mapped_column(String(200))
    invoice_number: Mapped[str] = mapped_column(String(60))
    invoice_date: Mapped[date] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Money)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("lifecoach_invoice.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    pot: Mapped[BudgetPot] = relationship()


class ClosedMonth(db.Model):
    """A month finance has closed: entries dated in it can no longer change."""

    __tablename__ = "closed_month"
    __table_args__ = (Index("ix_closed_month_year_month", "year", "month", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    closed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    closed_by: Mapped[User] = relationship()


class MaatwerkTotal(db.Model):
    """Running totals of maatwerk requests per pot, category, status and month paid (0: not paid).

    Kept in the same transaction as every change of a request (blueprints/budget/totals.py), so the
    dashboard and the report read a few hundred rows instead of every request. Whole cents (integers)
    keep the sums exact on SQLite too. `rebuild_totals()` recomputes them from the requests.
    """

    __tablename__ = "maatwerk_total"
    __table_args__ = (Index("uq_maatwerk_total_key", "pot_id", "category", "status", "paid_month", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("budget_pot.id"))
    category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    paid_month: Mapped[int] = mapped_column(Integer, default=0)  # yyyymm of paid_on, 0 when unpaid
    requests: Mapped[int] = mapped_column(Integer, default=0)
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)


class MaatwerkParticipantTotal(db.Model):
    """Running totals per pot and participant of approved and paid requests (for 'highest spend')."""

    __tablename__ = "maatwerk_participant_total"
    __table_args__ = (
        Index("uq_maatwerk_participant_total_key", "pot_id", "participant_id", unique=True),
        Index("ix_maatwerk_participant_total_rank", "pot_id", "amount_cents"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pot_id: Mapped[int] = mapped_column(ForeignKey("budget_pot.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    requests: Mapped[int] = mapped_column(Integer, default=0)
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)


# --------------------------------------------------------------------------- partners


class CommitmentStatus(StrEnum):
    TOEGEZEGD = "toegezegd"
    IN_UITVOERING = "in_uitvoering"
    NAGEKOMEN = "nagekomen"
    NIET_NAGEKOMEN = "niet_nagekomen"
    VERVALLEN = "vervallen"


COMMITMENT_STATUS_LABELS = {
    CommitmentStatus.TOEGEZEGD: "Toegezegd",
    CommitmentStatus.IN_UITVOERING: "In uitvoering",
    CommitmentStatus.NAGEKOMEN: "Nagekomen",
    CommitmentStatus.NIET_NAGEKOMEN: "Niet nagekomen",
    CommitmentStatus.VERVALLEN: "Vervallen",
}


class CommitmentKind(StrEnum):
    OPLEIDINGSPLAATS = "opleidingsplaats"
    BBL_PLAATS = "bbl_plaats"
    LEERWERKPLEK = "leerwerkplek"
    BAAN = "baan"
    LOOPBAANADVIES = "loopbaanadvies"
    COFINANCIERING = "cofinanciering"
    OVERIG = "overig"


COMMITMENT_KIND_LABELS = {
    CommitmentKind.OPLEIDINGSPLAATS: "Opleidingsplaats",
    CommitmentKind.BBL_PLAATS: "BBL-plaats",
    CommitmentKind.LEERWERKPLEK: "Leerwerkplek of stage",
    CommitmentKind.BAAN: "Baan",
    CommitmentKind.LOOPBAANADVIES: "Loopbaanadvies of EVC",
    CommitmentKind.COFINANCIERING: "Cofinanciering",
    CommitmentKind.OVERIG: "Overig",
}


class Commitment(db.Model):
    """A partner's toezegging: for one participant, or (participant_id empty) for the whole pilot.

    Status values and their rules live in `blueprints/partners/commitments.py`; every status change
    is a `CommitmentUpdate` with a dated note.
    """

    __tablename__ = "commitment"
    __table_args__ = (
        Index("ix_commitment_org_status", "organisation_id", "status"),
        Index("ix_commitment_status_due", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="toegezegd")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Progress of a pilot-wide commitment: "6 van 10 plaatsen ingevuld", "EUR 15.000 van EUR 25.000".
    realised_quantity: Mapped[int | None] = mapped_column(Integer)
    realised_amount: Mapped[Decimal | None] = mapped_column(Money)
    contact_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # named partner contact
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    participant: Mapped[Participant | None] = relationship()
    contact_user: Mapped[User | None] = relationship(foreign_keys=[contact_user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updates: Mapped[list[CommitmentUpdate]] = relationship(
        back_populates="commitment", order_by="(CommitmentUpdate.on_date.desc(), CommitmentUpdate.id.desc())"
    )

    @property
    def is_pilot_wide(self) -> bool:
        return self.participant_id is None

    @property
    def status_label(self) -> str:
        return COMMITMENT_STATUS_LABELS.get(self.status, self.status)

    @property
    def kind_label(self) -> str:
        return COMMITMENT_KIND_LABELS.get(self.kind, self.kind)


class CommitmentUpdate(db.Model):
    """One dated note in a commitment's history: a status change (or progress) and who made it."""

    __tablename__ = "commitment_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id"), index=True)
    on_date: Mapped[date] = mapped_column(Date)
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    realised_quantity: Mapped[int | None] = mapped_column(Integer)
    realised_amount: Mapped[Decimal | None] = mapped_column(Money)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="updates")
    actor: Mapped[User | None] = relationship()

    @property
    def new_status_label(self) -> str:
        return COMMITMENT_STATUS_LABELS.get(self.new_status, self.new_status)


# --------------------------------------------------------------------------- contracts


class ContractStatus(StrEnum):
    """Status of a contract version, and of the contract (see `blueprints/contracts/rules.py`).

    ACTIEF is the version in force ("geldend"); at most one per contract. A new version of a contract
    with a version in force is VOORGESTELD (a proposal) until everyone signed it; only then is the
    old one VERVANGEN. A declined (GEWEIGERD) or withdrawn (INGETROKKEN) proposal leaves the old
    version in force.
    """

    CONCEPT = "concept"
    VERZONDEN = "verzonden"
    VOORGESTELD = "voorgesteld"
    GEWEIGERD = "geweigerd"
    INGETROKKEN = "ingetrokken"
    ACTIEF = "actief"
    BEEINDIGD = "beeindigd"
    VERVANGEN = "vervangen"


CONTRACT_STATUS_LABELS = {
    ContractStatus.CONCEPT: "Concept",
    ContractStatus.VERZONDEN: "Wacht op handtekeningen",
    ContractStatus.VOORGESTELD: "Voorgesteld (wacht op handtekeningen)",
    ContractStatus.GEWEIGERD: "Geweigerd",
    ContractStatus.INGETROKKEN: "Ingetrokken",
    ContractStatus.ACTIEF: "Geldend (getekend)",
    ContractStatus.BEEINDIGD: "Beëindigd",
    ContractStatus.VERVANGEN: "Vervangen door nieuwe versie",
}


class PartyKind(StrEnum):
    DEELNEMER = "deelnemer"
    GEMEENTE = "gemeente"
    PARTNER = "partner"


PARTY_KIND_LABELS = {
    PartyKind.DEELNEMER: "Deelnemer",
    PartyKind.GEMEENTE: "Gemeente",
    PartyKind.PARTNER: "Partner",
}


class ContractTemplate(db.Model):
    """The standard contract texts beheer edits. One row; drafting falls back to built-in texts."""

    __tablename__ = "contract_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    preamble: Mapped[str] = mapped_column(Text)
    participant_text: Mapped[str] = mapped_column(Text)
    municipality_text: Mapped[str] = mapped_column(Text)
    consequences_text: Mapped[str] = mapped_column(Text)
    privacy_text: Mapped[str] = mapped_column(Text)
    summary_b1: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


def contract_reference(contract_id: int) -> str:
    """How people name a contract: PJ-00011."""
    return f"PJ-{contract_id:05d}"


class Contract(db.Model):
    """The inspanningscontract of one participant; its text lives in numbered versions."""

    __tablename__ = "contract"
    __table_args__ = (Index("ix_contract_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ContractStatus.CONCEPT.value)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)

    participant: Mapped[Participant] = relationship()
    created_by: Mapped[User | None] = relationship()
    versions: Mapped[list[ContractVersion]] = relationship(
        back_populates="contract", order_by="ContractVersion.number", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return CONTRACT_STATUS_LABELS[ContractStatus(self.status)]

    @property
    def reference(self) -> str:
        return contract_reference(self.id)


# Columns of a version that never change once it is frozen (sent for signing).
FROZEN_VERSION_COLUMNS = (
    "contract_id",
    "number",
    "start_date",
    "end_date",
    "sections",
    "canonical_text",
    "text_sha256",
    "frozen_at",
)


class ContractVersion(db.Model):
    """One version of a contract: editable as concept, frozen (text + SHA-256) once sent."""

    __tablename__ = "contract_version"
    __table_args__ = (
        Index("ix_contract_version_contract_number", "contract_id", "number", unique=True),
        Index("ix_contract_version_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=ContractStatus.CONCEPT.value)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    sections: Mapped[list] = mapped_column(JSON)  # [{"key", "title", "body"}], the editable text
    canonical_text: Mapped[str | None] = mapped_column(Text)
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    frozen_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)  # ended, declined or superseded
    close_reason: Mapped[str | None] = mapped_column(Text)
    # A declined version is an alert on the coach's start page until this is set (the file was closed).
    alert_cleared_at: Mapped[datetime | None] = mapped_column(DateTime)

    contract: Mapped[Contract] = relationship(back_populates="versions")
    parties: Mapped[list[ContractParty]] = relationship(
        back_populates="version", order_by="ContractParty.position", cascade="all, delete-orphan"
    )
    signatures: Mapped[list[ContractSignature]] = relationship(back_populates="version")
    declines: Mapped[list[ContractDecline]] = relationship(back_populates="version")

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def status_label(self) -> str:
        return CONTRACT_STATUS_LABELS[ContractStatus(self.status)]


class ContractParty(db.Model):
    """A party to one version: the participant, the municipality or a partner organisation."""

    __tablename__ = "contract_party"
    __table_args__ = (Index("ix_contract_party_org", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_version.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    name: Mapped[str] = mapped_column(String(200))  # as written in the contract
    signer_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # only this user may sign
    # The coach asks this partner to sign again although its text did not change (no carry-over).
    resign_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    version: Mapped[ContractVersion] = relationship(back_populates="parties")
    organisation: Mapped[Organisation | None] = relationship()
    signer_user: Mapped[User | None] = relationship()
    signature: Mapped[ContractSignature | None] = relationship(back_populates="party", uselist=False)
    decline: Mapped[ContractDecline | None] = relationship(back_populates="party", uselist=False)

    @property
    def kind_label(self) -> str:
        return PARTY_KIND_LABELS[PartyKind(self.kind)]


class ContractSignature(db.Model):
    """Evidence of one signature (eIDAS simple electronic signature). Append-only."""

    __tablename__ = "contract_signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_version.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("contract_party.id"), unique=True)  # a party signs once
    signer_name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("contract_signing_link.id"))
    method: Mapped[str] = mapped_column(String(40))  # wachtwoord, link, ter_plaatse
    authentication: Mapped[str] = mapped_column(String(300))  # what was checked, in words
    signed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(500))
    intent_text: Mapped[str] = mapped_column(Text)
    version_sha256: Mapped[str] = mapped_column(String(64))
    # What this signature covers: the parts (in words) and the SHA-256 of exactly that text. Before
    # covered texts existed a signature covered the whole version (NULL: see version_sha256).
    covers: Mapped[str | None] = mapped_column(String(200))
    covered_sha256: Mapped[str | None] = mapped_column(String(64))
    factors: Mapped[str | None] = mapped_column(String(200))  # the checks made, e.g. "wachtwoord, app-code"
    witness_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # signing in person
    # Carried over from an earlier version whose covered text is byte-identical: the original signature.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("contract_signature.id"))

    version: Mapped[ContractVersion] = relationship(back_populates="signatures")
    party: Mapped[ContractParty] = relationship(back_populates="signature")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    witness: Mapped[User | None] = relationship(foreign_keys=[witness_user_id])
    carried_from: Mapped[ContractSignature | None] = relationship(remote_side=[id])


class ContractDecline(db.Model):
    """A party's refusal to sign a version, with its reason."""

    __tablename__ = "contract_decline"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_version.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("contract_party.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("contract_signing_link.id"))
    reason: Mapped[str] = mapped_column(Text)
    declined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(500))

    version: Mapped[ContractVersion] = relationship(back_populates="declines")
    party: Mapped[ContractParty] = relationship(back_populates="decline")


class ContractSigningLink(db.Model):
    """The participant's one-time signing link. Only the SHA-256 of the token is stored."""

    __tablename__ = "contract_signing_link"
    __table_args__ = (Index("ix_contract_signing_link_expires", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_version.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("contract_party.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    expired_noted_at: Mapped[datetime | None] = mapped_column(DateTime)
    failed_checks: Mapped[int] = mapped_column(Integer, default=0)

    version: Mapped[ContractVersion] = relationship()
    party: Mapped[ContractParty] = relationship()


class ContractDocument(db.Model):
    """A contract version's PDF, made once and stored, so every download is the same bytes.

    The fully signed PDF is sealed (PAdES) and carries `verification_code`, printed in it with a QR
    code to the public verify page. A PDF of a version that still waits for signatures is stored per
    `state` (which signatures it shows) and is never sealed. `audience` "partner" is the variant
    without the personal annex. Append-only, like the signatures it shows.
    """

    __tablename__ = "contract_document"
    __table_args__ = (Index("ix_contract_document_version_state", "version_id", "audience", "state", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_version.id"))
    audience: Mapped[str] = mapped_column(String(20), default="volledig")  # volledig, partner
    state: Mapped[str] = mapped_column(String(64))  # fingerprint of the evidence the PDF shows
    final: Mapped[bool] = mapped_column(Boolean, default=False)  # every party signed
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    timestamped: Mapped[bool] = mapped_column(Boolean, default=False)
    verification_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    version: Mapped[ContractVersion] = relationship()


class ContractEvent(db.Model):
    """The readable trail of a contract: created, sent, opened, signed, declined, reminded, ..."""

    __tablename__ = "contract_event"
    __table_args__ = (Index("ix_contract_event_contract_at", "contract_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("contract_version.id"))
    kind: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_label: Mapped[str | None] = mapped_column(String(254))
    detail: Mapped[str | None] = mapped_column(Text)

    version: Mapped[ContractVersion | None] = relationship()


class OutboxStatus(StrEnum):
    QUEUED = "queued"  # waiting for a transport (or none is configured)
    SENDING = "sending"  # claimed by one process (core/messaging.py), briefly
    SENT = "sent"
    BOUNCED = "bounced"  # refused for good by the receiving side: not retried
    FAILED = "failed"  # temporary failure: retried by the next run


OUTBOX_STATUS_LABELS = {
    OutboxStatus.QUEUED: "In de wachtrij",
    OutboxStatus.SENDING: "Wordt verstuurd",
    OutboxStatus.SENT: "Verstuurd",
    OutboxStatus.BOUNCED: "Niet aangekomen",
    OutboxStatus.FAILED: "Mislukt",
}


class OutboxMessage(db.Model):
    """An e-mail or SMS waiting to be sent (or sent, bounced, failed). Beheer can read the outbox.

    Every outgoing message goes through here (core/messaging.py). Secrets (signing links, sign-in
    codes) are never stored: the body holds a placeholder.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_sent_created", "sent_at", "created_at"),
        Index("ix_outbox_message_status", "status", "channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), default="email")  # email / sms
    to_address: Mapped[str] = mapped_column(String(254))  # e-mail address or phone number
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30), default="bericht")
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), index=True)
    # An appointment's reminder or calendar invitation (the coach sees per appointment what went out).
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", order_by="OutboxAttachment.id", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return OUTBOX_STATUS_LABELS.get(self.status, self.status)


class OutboxAttachment(db.Model):
    """A file sent with an outbox e-mail (a calendar invitation, a PDF)."""

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")


# --------------------------------------------------------------------------- documents


DOCUMENT_KIND_LABELS = {
    "offerte": "Offerte",
    "factuur": "Factuur",
    "handtekening": "Scan van een getekend contract",
    "diploma": "Diploma of certificaat",
    "brief": "Brief of verklaring",
    "overig": "Overig",
}


class Document(Removable, db.Model):
    """A file the coach (or finance, on a maatwerk request) uploaded: a quote, an invoice, a diploma, a scan.

    It always belongs to a participant, and maybe to one of their maatwerk requests or contracts. The
    bytes live in `document_content`, so lists never load them; the type comes from the content
    (blueprints/documents/files.py), never from the name.
    """

    __tablename__ = "document"
    __table_args__ = (
        Index("ix_document_participant_id", "participant_id"),
        Index("ix_document_maatwerk_request_id", "maatwerk_request_id"),
        Index("ix_document_contract_id", "contract_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    maatwerk_request_id: Mapped[int | None] = mapped_column(ForeignKey("maatwerk_request.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    kind: Mapped[str] = mapped_column(String(20))  # DOCUMENT_KIND_LABELS key
    filename: Mapped[str] = mapped_column(String(200))  # made safe on upload
    content_type: Mapped[str] = mapped_column(String(100))  # as detected from the content
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    participant: Mapped[Participant] = relationship()
    maatwerk_request: Mapped[MaatwerkRequest | None] = relationship()
    contract: Mapped[Contract | None] = relationship()
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys="Document.removed_by_id")

    @property
    def kind_label(self) -> str:
        return DOCUMENT_KIND_LABELS.get(self.kind, self.kind)


class DocumentContent(db.Model):
    """The bytes of one document, apart from its row so lists and the audit never carry them."""

    __tablename__ = "document_content"
    # The document's own row is audited (name, type, size, SHA-256); the bytes are not audit material.
    __audit__ = False

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


# --------------------------------------------------------------------------- privacy


class ParticipantPurge(db.Model):
    """A case file anonymised after its retention period (blueprints/privacy/retention.py)."""

    __tablename__ = "participant_purge"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), unique=True)
    destruction_date: Mapped[date] = mapped_column(Date)
    purged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    purged_by: Mapped[str] = mapped_column(String(254))


class DataVersion(db.Model):
    """One row: the version of all data, bumped by every committing transaction that changes data
    (core/data_version.py). Caches are keyed by it, so they can never show a page older than the data."""

    __tablename__ = "data_version"
    __audit__ = False  # bookkeeping of the transactions that are audited themselves

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))  # new with each new row: an emptied database reuses no key
    n: Mapped[int] = mapped_column(BigInteger)


data_version = DataVersion.__table__
