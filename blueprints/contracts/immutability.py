"""A frozen contract version never changes: an application rule and, on PostgreSQL, database triggers.

The application rule is a `before_flush` listener (unit-of-work changes) plus a `do_orm_execute`
listener (bulk ORM `update()`/`delete()` statements). The database guard catches everything else,
including raw SQL. `CONTRACT_IMMUTABILITY_DDL` holds the same SQL for the migration.
"""

from sqlalchemy import DDL, event, func, inspect, select
from sqlalchemy.orm import Session

from models import FROZEN_VERSION_COLUMNS, ContractParty, ContractSignature, ContractVersion


class FrozenContractError(RuntimeError):
    """Someone tried to change a contract version that was sent for signing, or a signature."""


# The one controlled exception: the privacy purge (blueprints/privacy/retention.py) anonymises frozen
# versions of a file past its retention date. It sets this session flag and, on PostgreSQL,
# `SET LOCAL perspectiefjaar.purge = 'on'` inside its own transaction. Nothing else may set either.
PURGE_SESSION_FLAG = "privacy_purge"
PURGE_SETTING = "perspectiefjaar.purge"


# --------------------------------------------------------------------------- PostgreSQL guard

_VERSION_CHANGED = " OR ".join(
    f"NEW.{c}::text IS DISTINCT FROM OLD.{c}::text" if c == "sections" else f"NEW.{c} IS DISTINCT FROM OLD.{c}"
    for c in FROZEN_VERSION_COLUMNS
)

VERSION_GUARD_DDL = f"""
CREATE OR REPLACE FUNCTION contract_version_frozen_guard() RETURNS trigger AS $$
BEGIN
  IF current_setting('perspectiefjaar.purge', true) = 'on' THEN  -- privacy purge only (SET LOCAL)
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' THEN
    IF OLD.frozen_at IS NOT NULL THEN
      RAISE EXCEPTION 'contract_version is frozen: a sent or signed version cannot be deleted'
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.frozen_at IS NOT NULL AND ({_VERSION_CHANGED}) THEN
    RAISE EXCEPTION 'contract_version is frozen: a sent or signed version cannot change'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW.frozen_at IS NOT NULL AND (NEW.canonical_text IS NULL OR NEW.text_sha256 IS DISTINCT FROM
      encode(sha256(convert_to(NEW.canonical_text, 'UTF8')), 'hex')) THEN
    RAISE EXCEPTION 'contract_version: text_sha256 does not match canonical_text'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS contract_version_frozen_guard ON contract_version;
CREATE TRIGGER contract_version_frozen_guard BEFORE INSERT OR UPDATE OR DELETE ON contract_version
  FOR EACH ROW EXECUTE FUNCTION contract_version_frozen_guard();
"""

PARTY_GUARD_DDL = """
CREATE OR REPLACE FUNCTION contract_party_frozen_guard() RETURNS trigger AS $$
DECLARE
  checked_version integer;
BEGIN
  IF current_setting('perspectiefjaar.purge', true) = 'on' THEN  -- privacy purge only (SET LOCAL)
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    checked_version := NEW.version_id;
  ELSE
    checked_version := OLD.version_id;
  END IF;
  IF (SELECT frozen_at FROM contract_version WHERE id = checked_version) IS NOT NULL THEN
    RAISE EXCEPTION 'contract_party belongs to a frozen contract version and cannot change'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS contract_party_frozen_guard ON contract_party;
CREATE TRIGGER contract_party_frozen_guard BEFORE INSERT OR UPDATE OR DELETE ON contract_party
  FOR EACH ROW EXECUTE FUNCTION contract_party_frozen_guard();
"""

SIGNATURE_GUARD_DDL = """
CREATE OR REPLACE FUNCTION contract_signature_append_only() RETURNS trigger AS $$
BEGIN
  IF current_setting('perspectiefjaar.purge', true) = 'on' THEN  -- privacy purge only (SET LOCAL)
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'contract_signature is append-only: evidence cannot change'
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS contract_signature_append_only ON contract_signature;
CREATE TRIGGER contract_signature_append_only BEFORE UPDATE OR DELETE ON contract_signature
  FOR EACH ROW EXECUTE FUNCTION contract_signature_append_only();
"""

# For the migration: op.execute(CONTRACT_IMMUTABILITY_DDL) after the contract tables are created.
CONTRACT_IMMUTABILITY_DDL = VERSION_GUARD_DDL + PARTY_GUARD_DDL + SIGNATURE_GUARD_DDL

for _table, _ddl in (
    (ContractVersion.__table__, VERSION_GUARD_DDL),
    (ContractParty.__table__, PARTY_GUARD_DDL),
    (ContractSignature.__table__, SIGNATURE_GUARD_DDL),
):
    event.listen(_table, "after_create", DDL(_ddl).execute_if(dialect="postgresql"))


# --------------------------------------------------------------------------- application rule


def _was_frozen(version: ContractVersion) -> bool:
    history = inspect(version).attrs.frozen_at.history
    before = history.deleted[0] if history.deleted else history.unchanged[0] if history.unchanged else None
    return before is not None


def _columns_changed(obj) -> bool:
    state = inspect(obj)
    return any(state.attrs[attr.key].history.has_changes() for attr in state.mapper.column_attrs)


def _version_is_frozen(session: Session, version_id: int | None) -> bool:
    if version_id is None:
        return False
    with session.no_autoflush:
        frozen_at = session.scalar(select(ContractVersion.frozen_at).where(ContractVersion.id == version_id))
    return frozen_at is not None


@event.listens_for(Session, "before_flush")
def _guard_frozen(session: Session, flush_context, instances) -> None:
    if session.info.get(PURGE_SESSION_FLAG):
        return
    for obj in session.dirty:
        if isinstance(obj, ContractVersion) and _was_frozen(obj):
            state = inspect(obj)
            changed = [c for c in FROZEN_VERSION_COLUMNS if state.attrs[c].history.has_changes()]
            if changed:
                raise FrozenContractError(f"Contractversie {obj.id} is bevroren; gewijzigd: {', '.join(changed)}")
        elif isinstance(obj, ContractSignature) and _columns_changed(obj):
            raise FrozenContractError("Een handtekening kan niet worden gewijzigd.")
        elif isinstance(obj, ContractParty) and _columns_changed(obj) and _version_is_frozen(session, obj.version_id):
            raise FrozenContractError("De partijen van een verzonden contractversie liggen vast.")
    for obj in session.deleted:
        if isinstance(obj, ContractVersion) and _was_frozen(obj):
            raise FrozenContractError(f"Contractversie {obj.id} is bevroren en kan niet worden verwijderd.")
        if isinstance(obj, ContractSignature):
            raise FrozenContractError("Een handtekening kan niet worden verwijderd.")
        if isinstance(obj, ContractParty) and _version_is_frozen(session, obj.version_id):
            raise FrozenContractError("De partijen van een verzonden contractversie liggen vast.")
    for obj in session.new:
        if isinstance(obj, ContractParty) and _version_is_frozen(session, obj.version_id):
            raise FrozenContractError("Aan een verzonden contractversie kunnen geen partijen worden toegevoegd.")


@event.listens_for(Session, "do_orm_execute")
def _guard_bulk_statements(state) -> None:
    """Bulk `update(ContractVersion)` / `delete(...)` bypass the unit of work; check them here."""
    if not (state.is_update or state.is_delete) or state.session.info.get(PURGE_SESSION_FLAG):
        return
    mapper = state.bind_mapper
    entity = mapper.class_ if mapper is not None else None
    if entity is ContractSignature:
        raise FrozenContractError("Een handtekening kan niet worden gewijzigd of verwijderd.")
    if entity is ContractVersion:
        where = state.statement.whereclause
        query = select(func.count()).select_from(ContractVersion).where(ContractVersion.frozen_at.is_not(None))
        if where is not None:
            query = query.where(where)
        if state.is_update:
            touched = {getattr(k, "key", str(k)) for k in getattr(state.statement, "_values", None) or {}}
            if touched and not touched & set(FROZEN_VERSION_COLUMNS):
                return  # only status/bookkeeping columns: allowed
        if state.session.scalar(query):
            raise FrozenContractError("Een verzonden contractversie kan niet worden gewijzigd.")
