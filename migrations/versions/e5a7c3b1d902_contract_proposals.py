"""contract proposals: a signed version stays in force until its successor is fully signed

Until this revision, sending version 2 of a signed contract marked version 1 'vervangen' at once, so
a declined or unsigned version 2 left nobody with a valid contract. From now on version 2 is
'voorgesteld' and version 1 stays 'actief' (in force) until every party signed version 2.
This migration repairs existing data: a fully signed version that was replaced by a version that
was never fully signed is in force again, and that open successor becomes a proposal.
Only status, closed_at and close_reason change: none of them is frozen, so the contract guards allow it.

Revision ID: e5a7c3b1d902
Revises: e1a7c3b5d902
Create Date: 2026-12-01 22:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "e5a7c3b1d902"
down_revision = "e1a7c3b5d902"
branch_labels = None
depends_on = None

version = sa.table(
    "contract_version",
    sa.column("id", sa.Integer),
    sa.column("contract_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("status", sa.String),
    sa.column("activated_at", sa.DateTime),
    sa.column("closed_at", sa.DateTime),
    sa.column("close_reason", sa.Text),
)
contract = sa.table("contract", sa.column("id", sa.Integer), sa.column("status", sa.String))


def _versions_by_contract(bind):
    rows = bind.execute(
        sa.select(version.c.id, version.c.contract_id, version.c.number, version.c.status, version.c.activated_at)
        .order_by(version.c.contract_id, version.c.number)
    ).all()
    result = {}
    for row in rows:
        result.setdefault(row.contract_id, []).append(row)
    return result


def upgrade():
    bind = op.get_bind()
    for contract_id, rows in _versions_by_contract(bind).items():
        if any(r.status in ("actief", "beeindigd") for r in rows):
            continue  # a version holds (or held until the end): nothing to repair
        signed = [r for r in rows if r.status == "vervangen" and r.activated_at is not None]
        if not signed:
            continue
        holding = signed[-1]
        bind.execute(
            version.update()
            .where(version.c.id == holding.id)
            .values(status="actief", closed_at=None, close_reason=None)
        )
        for later in rows:
            if later.number > holding.number and later.status == "verzonden":
                bind.execute(version.update().where(version.c.id == later.id).values(status="voorgesteld"))
        bind.execute(contract.update().where(contract.c.id == contract_id).values(status="actief"))


def downgrade():
    """Back to the old meaning: an open proposal replaced the version in force at once."""
    bind = op.get_bind()
    for contract_id, rows in _versions_by_contract(bind).items():
        proposals = [r for r in rows if r.status == "voorgesteld"]
        if proposals:
            for row in rows:
                if row.status == "actief":
                    bind.execute(
                        version.update()
                        .where(version.c.id == row.id)
                        .values(status="vervangen", close_reason=f"Vervangen door versie {proposals[-1].number}")
                    )
            bind.execute(version.update().where(version.c.id == proposals[-1].id).values(status="verzonden"))
            bind.execute(contract.update().where(contract.c.id == contract_id).values(status="verzonden"))
        bind.execute(
            version.update()
            .where(version.c.contract_id == contract_id, version.c.status == "ingetrokken")
            .values(status="vervangen")
        )
