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
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


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
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

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


class AuditLog(db.Model):
    """Append-only record of every change, sign-in and sensitive view. Never holds secrets."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_object", "object_type", "object_id"),
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor_id", "actor_id"),
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


# --------------------------------------------------------------------------- case files


class ParticipantStatus(StrEnum):
    AANGEMELD = "aangemeld"
    INTAKE = "intake"
    ACTIEF = "actief"
    AFGEROND = "afgerond"
    UITGEVALLEN = "uitgevallen"


PARTICIPANT_STATUS_LABELS = {
    ParticipantStatus.AANGEMELD: "Aangemeld",
    ParticipantStatus.INTAKE: "Intake",
    ParticipantStatus.ACTIEF: "Actief",
    ParticipantStatus.AFGEROND: "Afgerond",
    ParticipantStatus.UITGEVALLEN: "Uitgevallen",
}


class Participant(db.Model):
    """A young adult (deelnemer) in the pilot and the core of their case file."""

    __tablename__ = "participant"
    __table_args__ = (
        Index("ix_participant_status", "status"),
        Index("ix_participant_coach_id", "coach_id"),
        Index("ix_participant_last_name", "last_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
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

    coach: Mapped[User | None] = relationship()
    goals: Mapped[list[Goal]] = relationship(back_populates="participant", order_by="Goal.id")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def status_label(self) -> str:
        return PARTICIPANT_STATUS_LABELS.get(ParticipantStatus(self.status), self.status)


class Goal(db.Model):
    """A Krachtwerk goal of a participant, in one leefgebied (a ZRM domain)."""

    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    domain: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    participant: Mapped[Participant] = relationship(back_populates="goals")


# --------------------------------------------------------------------------- partners


class Commitment(db.Model):
    """A partner's toezegging: for one participant, or (participant_id empty) for the whole pilot."""

    __tablename__ = "commitment"
    __table_args__ = (Index("ix_commitment_org_status", "organisation_id", "status"),)

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

    organisation: Mapped[Organisation] = relationship()
    participant: Mapped[Participant | None] = relationship()
