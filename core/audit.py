"""The audit log: every create, update and delete is recorded in the same transaction.

An `after_flush` listener turns the flush's changes into audit rows, so no view can forget
to log. Semantic events (sign-in, approve, sign, view of a case file) use `record()`.
"""

import enum
import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from models import AuditLog

SECRET_FIELD = re.compile(r"password|token|secret|recovery", re.IGNORECASE)
# Bookkeeping of the sign-in machinery: logged as sign-in events, not as field changes.
QUIET_FIELDS = {"last_login_at", "session_version", "totp_last_step"}
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def _plain(value):
    if value is None or isinstance(value, bool | int | str):
        return CONTROL_CHARS.sub(" ", value) if isinstance(value, str) else value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):  # a stored file (a PDF): its size, not its content
        return f"{len(value)} bytes"
    return str(value)


# Work done outside a request on someone's behalf (a background import): who it is done for.
_background_actor: ContextVar[tuple[int, str] | None] = ContextVar("audit_background_actor", default=None)


@contextmanager
def acting_for(user_id: int | None, label: str):
    """Attribute the audit rows written inside the block (outside a request) to this user."""
    token = _background_actor.set((user_id, label))
    try:
        yield
    finally:
        _background_actor.reset(token)


def _actor():
    """(id, label) of who acts: the signed-in user, a named actor set in `g`, or the system."""
    if not has_request_context() and _background_actor.get() is not None:
        return _background_actor.get()
    if has_request_context():
        label = g.get("audit_actor_label")
        if current_user and current_user.is_authenticated:
            return current_user.id, current_user.email
        return None, label or "anoniem"
    return None, "systeem"


def _ip():
    return request.remote_addr if has_request_context() else None


GROUP_KEY = "audit_group_key"


def _group_key(session) -> str:
    """One key per action: per request, or (outside a request: CLI, background import) per transaction."""
    if has_request_context():
        if GROUP_KEY not in g:
            g.audit_group_key = uuid.uuid4().hex
        return g.audit_group_key
    return session.info.setdefault(GROUP_KEY, uuid.uuid4().hex) if session is not None else uuid.uuid4().hex


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _end_group(session):
    session.info.pop(GROUP_KEY, None)


def entry(action, object_type=None, object_id=None, changes=None, result="ok", actor=None, session=None) -> dict:
    actor_id, actor_label = (actor.id, actor.email) if actor is not None else _actor()
    return {
        "group_key": _group_key(session),
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "changes": {k: [_plain(b), _plain(a)] for k, (b, a) in (changes or {}).items()} or None,
        "actor_id": actor_id,
        "actor_label": CONTROL_CHARS.sub(" ", actor_label) if actor_label else None,
        "ip": _ip(),
        "result": result,
    }


def record(session, action, obj=None, *, object_type=None, object_id=None, changes=None, result="ok", actor=None):
    """Add a semantic audit entry to `session`; it is committed with the change it describes."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id or obj.id
    session.add(AuditLog(**entry(action, object_type, object_id, changes, result, actor, session)))


def _column_changes(obj, new=False, deleted=False) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in QUIET_FIELDS:
            continue
        history = state.attrs[key].history
        if new:
            value = getattr(obj, key)
            if value is None:
                continue
            before, after = None, value
        elif deleted:
            before, after = getattr(obj, key), None
        elif history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before == after:
                continue
        else:
            continue
        if SECRET_FIELD.search(key):
            before, after = ("***" if before is not None else None), ("***" if after is not None else None)
        changes[key] = (before, after)
    return changes


@event.listens_for(Session, "after_flush")
def _audit_flush(session, flush_context):
    rows = []
    groups = (("create", session.new, True, False), ("update", session.dirty, False, False))
    for action, objects, new, deleted in (*groups, ("delete", session.deleted, False, True)):
        for obj in objects:
            if isinstance(obj, AuditLog) or getattr(obj, "__audit__", True) is False:
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _column_changes(obj, new=new, deleted=deleted)
            if action == "update" and not changes:
                continue
            object_id = inspect(obj).mapper.primary_key_from_instance(obj)[0]
            rows.append(entry(action, obj.__tablename__, object_id, changes, session=session))
    if rows:
        session.connection().execute(AuditLog.__table__.insert(), rows)


def set_anonymous_actor(label: str) -> None:
    """Name the actor of a request without an account (e.g. a participant's signing link)."""
    g.audit_actor_label = label
