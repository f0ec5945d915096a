"""Undo a mistake: the coach removes a conversation, goal, action or document with a reason; beheer restores it.

Nothing is deleted. `models.Removable` rows with `removed_at` set are left out of every ORM query (the
`do_orm_execute` listener in models.py), so lists, figures, the portal, reminders and the calendar drop
them without a filter of their own. A goal goes with its actions and comes back with them (the actions
that were removed at that same moment, not ones removed earlier on their own). A conversation's removal or
restore recomputes the no-show follow-up flag. Every removal and restore is audited with the reason;
the flush listener records the column changes too. Plain functions, no HTTP.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, joinedload

from blueprints.youths.followup import refresh_followup
from core.audit import record
from models import (
    CONVERSATION_KIND_LABELS,
    INCLUDE_REMOVED,
    ZRM_DOMAIN_LABELS,
    Action,
    Conversation,
    Document,
    Goal,
    Participant,
    Role,
    User,
    utcnow,
)

# URL word -> model; the Dutch words also name the kind on the pages.
KINDS = {"gesprek": Conversation, "doel": Goal, "actie": Action, "document": Document}
KIND_LABELS = {"gesprek": "Gesprek", "doel": "Doel", "actie": "Actie", "document": "Document"}
REMOVE, RESTORE = "remove", "restore"


class NotRestorable(ValueError):
    """The item cannot come back on its own; the message is Dutch."""


def kind_of(obj) -> str:
    return next(kind for kind, model in KINDS.items() if isinstance(obj, model))


def participant_id_of(session: Session, obj) -> int:
    if isinstance(obj, Action):
        goal = session.get(Goal, obj.goal_id, execution_options=INCLUDE_REMOVED)
        return goal.participant_id
    return obj.participant_id


def load(session: Session, kind: str, object_id: int, removed: bool):
    """The item of this kind and id, removed (for restore) or not (for removal); None when there is none."""
    model = KINDS.get(kind)
    if model is None:
        return None
    query = select(model).where(model.id == object_id).execution_options(**INCLUDE_REMOVED)
    obj = session.scalar(query)
    if obj is None or obj.is_removed != removed:
        return None
    return obj


def may_remove(user: User, obj) -> bool:
    """Coaches remove case-file items; a document also its uploader (finance, on a maatwerk request)."""
    if user.role == Role.COACH.value:
        return True
    return isinstance(obj, Document) and obj.uploaded_by_id == user.id


def _mark(obj, user: User | None, reason: str | None, at: datetime | None) -> None:
    obj.removed_at, obj.removed_by_id, obj.removed_reason = at, (user.id if user else None), reason


def remove(session: Session, obj, user: User, reason: str) -> None:
    """Remove `obj` with the coach's reason; the caller commits."""
    now = utcnow()
    _mark(obj, user, reason, now)
    changes = {"reason": (None, reason)}
    if isinstance(obj, Goal):
        actions = session.scalars(select(Action).where(Action.goal_id == obj.id)).all()  # the ones still shown
        for action in actions:
            _mark(action, user, reason, now)
        changes["actions"] = (None, len(actions))
    record(session, REMOVE, obj, changes=changes)
    _after(session, obj)


def restore(session: Session, obj, user: User) -> None:
    """Bring `obj` back (a goal with the actions removed together with it); the caller commits."""
    if isinstance(obj, Action):
        goal = session.get(Goal, obj.goal_id, execution_options=INCLUDE_REMOVED)
        if goal.is_removed:
            raise NotRestorable("Deze actie hoort bij een verwijderd doel. Zet het doel terug; de actie komt mee.")
    changes = {"reason": (obj.removed_reason, None)}
    if isinstance(obj, Goal):
        actions = session.scalars(
            select(Action)
            .where(Action.goal_id == obj.id, Action.removed_at == obj.removed_at)
            .execution_options(**INCLUDE_REMOVED)
        ).all()
        for action in actions:
            _mark(action, None, None, None)
        changes["actions"] = (None, len(actions))
    _mark(obj, None, None, None)
    record(session, RESTORE, obj, changes=changes)
    _after(session, obj)


def _after(session: Session, obj) -> None:
    if isinstance(obj, Conversation):
        refresh_followup(session.get(Participant, obj.participant_id))


# --------------------------------------------------------------------------- beheer's list


@dataclass
class RemovedItem:
    kind: str
    obj: object
    participant: Participant
    what: str  # a neutral label: no case content for beheer (no summary, no goal text)
    removed_at: datetime
    removed_by: User | None
    reason: str


def _what(kind: str, obj) -> str:
    if kind == "gesprek":
        label = CONVERSATION_KIND_LABELS.get(obj.kind, obj.kind)
        return f"{label} van {obj.held_at:%d-%m-%Y}"
    if kind == "doel":
        return f"Doel in {ZRM_DOMAIN_LABELS.get(obj.domain, obj.domain)}"
    if kind == "actie":
        return f"Actie bij een doel in {ZRM_DOMAIN_LABELS.get(obj.goal.domain, obj.goal.domain)}"
    return obj.filename


def _participant_id(kind: str, obj) -> int:
    return obj.goal.participant_id if kind == "actie" else obj.participant_id


def removed_items(session: Session) -> list[RemovedItem]:
    """Everything removed and not restored, newest first: one query per kind, the users and the participants."""
    found = []
    for kind, model in KINDS.items():
        query = select(model).where(model.removed_at.is_not(None)).execution_options(**INCLUDE_REMOVED)
        if model is Action:
            goal = aliased(Goal)
            # An action removed with its goal comes back with that goal: only the goal is listed.
            query = (
                query.join(goal, goal.id == Action.goal_id)
                .where(goal.removed_at.is_(None))
                .options(joinedload(Action.goal))
            )
        for obj in session.scalars(query):
            found.append((kind, obj))
    user_ids = {obj.removed_by_id for _kind, obj in found if obj.removed_by_id}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(user_ids or [-1])))}
    pids = {_participant_id(kind, obj) for kind, obj in found}
    people = {p.id: p for p in session.scalars(select(Participant).where(Participant.id.in_(pids or [-1])))}
    items = [
        RemovedItem(
            kind=kind,
            obj=obj,
            participant=people[_participant_id(kind, obj)],
            what=_what(kind, obj),
            removed_at=obj.removed_at,
            removed_by=users.get(obj.removed_by_id),
            reason=obj.removed_reason or "",
        )
        for kind, obj in found
    ]
    return sorted(items, key=lambda item: (item.removed_at, item.kind, item.obj.id), reverse=True)
