"""Attribute history for flush listeners that keep derived data (running totals, ZRM progress)."""

from sqlalchemy import event


def _unchanged(target, value, oldvalue, initiator):
    return value


def keep_old_values(*attributes) -> None:
    """Make the ORM load an attribute's old value before it is set, even when it was not loaded yet.

    Without this, `inspect(obj).attrs[key].history.deleted` is empty for an unloaded attribute, and a
    listener could not subtract or revisit what the row held before the change.
    """
    for attribute in attributes:
        event.listen(attribute, "set", _unchanged, active_history=True, retval=True)
