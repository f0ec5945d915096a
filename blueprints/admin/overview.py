"""What beheer sees first: accounts, organisations, mail and sign-in trouble, in one query."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func, select

from models import AuditLog, Organisation, OutboxMessage, User, db, utcnow

SECOND_FACTOR_ROLES = ("partner", "beheer")


@dataclass
class BeheerOverview:
    active_users: int
    without_second_factor: int
    active_organisations: int
    unsent_messages: int
    failed_logins_24h: int


def beheer_overview() -> BeheerOverview:
    since = utcnow() - timedelta(hours=24)
    row = db.session.execute(
        select(
            select(func.count(User.id)).where(User.active.is_(True)).scalar_subquery(),
            select(func.count(User.id))
            .where(and_(User.active.is_(True), User.role.in_(SECOND_FACTOR_ROLES), User.totp_enabled_at.is_(None)))
            .scalar_subquery(),
            select(func.count(Organisation.id)).where(Organisation.active.is_(True)).scalar_subquery(),
            select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None)).scalar_subquery(),
            select(func.count(AuditLog.id))
            .where(AuditLog.action == "login_failed", AuditLog.at >= since)
            .scalar_subquery(),
        )
    ).one()
    return BeheerOverview(*(int(value or 0) for value in row))
