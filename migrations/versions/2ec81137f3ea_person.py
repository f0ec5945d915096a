"""person: the stable identity of a young adult; a participant becomes one trajectory of a person

One person per existing participant (the same id), with its name, date of birth and contact; nothing is
merged, so every count stays what it was. Linking later re-entries is the intake's job (youths/persons.py).

Revision ID: 2ec81137f3ea
Revises: a1f4c8e2d930
Create Date: 2026-12-02 17:35:00

"""
import sqlalchemy as sa
from alembic import op


revision = "2ec81137f3ea"
down_revision = "a1f4c8e2d930"
branch_labels = None
depends_on = None

FIELDS = ("id", "first_name", "last_name", "date_of_birth", "email", "phone", "address", "created_at")


def upgrade():
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    with op.batch_alter_table("person") as batch_op:
        batch_op.create_index("ix_person_date_of_birth", ["date_of_birth"], unique=False)
    with op.batch_alter_table("participant") as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_participant_person_id_person"), "person", ["person_id"], ["id"])
        batch_op.create_index("ix_participant_person_id", ["person_id"], unique=False)

    columns = ", ".join(FIELDS)
    op.execute(f"INSERT INTO person ({columns}) SELECT {columns} FROM participant")
    op.execute("UPDATE participant SET person_id = id")
    if op.get_bind().dialect.name == "postgresql":  # the ids came from participant: move the sequence past them
        op.execute(
            "SELECT setval(pg_get_serial_sequence('person', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM person), false)"
        )


def downgrade():
    with op.batch_alter_table("participant") as batch_op:
        batch_op.drop_index("ix_participant_person_id")
        batch_op.drop_constraint(op.f("fk_participant_person_id_person"), type_="foreignkey")
        batch_op.drop_column("person_id")
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_index("ix_person_date_of_birth")
    op.drop_table("person")
