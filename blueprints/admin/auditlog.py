"""Queries on the audit log: filter and paginate without loading more than one page."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select

from models import AuditLog, db

ACTION_LABELS = {
    "create": "Aangemaakt",
    "update": "Gewijzigd",
    "delete": "Verwijderd",
    "login": "Ingelogd",
    "login_failed": "Inloggen mislukt",
    "logout": "Uitgelogd",
    "access_denied": "Toegang geweigerd",
    "view": "Bekeken",
    "login_password_ok": "Wachtwoord juist, tweede stap gevraagd",
    "totp_enrolled": "Tweede factor ingesteld",
    "totp_reset": "Tweede factor gereset",
    "user_disabled": "Gebruiker uitgezet",
    "user_enabled": "Gebruiker aangezet",
    "password_changed": "Wachtwoord gewijzigd",
    "privacy_export": "Inzage-export gemaakt",
    "privacy_purge": "Dossier geanonimiseerd (bewaartermijn)",
}


@dataclass
class AuditFilter:
    actor: str = ""
    object_type: str = ""
    object_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def audit_page(filters: AuditFilter, page: int, per_page: int = 50):
    query = select(AuditLog)
    if filters.actor:
        query = query.where(func.lower(AuditLog.actor_label).contains(filters.actor.lower(), autoescape=True))
    if filters.object_type:
        query = query.where(AuditLog.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditLog.object_id == filters.object_id)
    if filters.date_from:
        query = query.where(AuditLog.at >= datetime.combine(filters.date_from, time.min))
    if filters.date_to:
        query = query.where(AuditLog.at < datetime.combine(filters.date_to + timedelta(days=1), time.min))
    query = query.order_by(AuditLog.at.desc(), AuditLog.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def object_types() -> list[str]:
    return list(
        db.session.scalars(
            select(AuditLog.object_type)
            .where(or_(AuditLog.object_type.is_not(None)))
            .distinct()
            .order_by(AuditLog.object_type)
        )
    )
