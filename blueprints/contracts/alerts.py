"""Decline alerts: a declined contract version stays on the coach's start page until it is dealt with.

It is dealt with when a newer version is sent, or when the alert is cleared because the file was closed
(`youths/closing.py`). The start page (`queries.coach_attention`) and the close-out ask the same condition.
"""

from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from blueprints.contracts.events import log_event
from models import Contract, ContractStatus, ContractVersion, User, db, utcnow

# Made once: SQLAlchemy works out each column of a new alias on first use (about 1 ms a statement here).
_LATER = aliased(ContractVersion)


def decline_alert():
    """The SQL condition of a version that is still a decline alert."""
    later = _LATER
    newest_sent = ~exists().where(
        later.contract_id == ContractVersion.contract_id,
        later.number > ContractVersion.number,
        later.frozen_at.is_not(None),
    )
    declined = ContractVersion.status == ContractStatus.GEWEIGERD.value
    return and_(declined, ContractVersion.alert_cleared_at.is_(None), newest_sent)


def decline_alerts(participant_id: int) -> list[ContractVersion]:
    """The participant's declined versions that are still an alert (one query)."""
    return list(
        db.session.scalars(
            select(ContractVersion)
            .join(ContractVersion.contract)
            .where(Contract.participant_id == participant_id, decline_alert())
            .order_by(ContractVersion.id)
        )
    )


def clear_decline_alert(version: ContractVersion, actor: User | None, reason: str, now: datetime | None = None) -> bool:
    """Take a declined version off the coach's start page, with a trail entry; False if it was no alert."""
    if version.status != ContractStatus.GEWEIGERD.value or version.alert_cleared_at is not None:
        return False
    now = now or utcnow()
    version.alert_cleared_at = now
    log_event(version.contract, "alert_cleared", version, actor, detail=reason[:500], at=now)
    return True
