"""Persons and their trajectories: re-entry, linking a new trajectory to a person, the counts for the report.

A `Person` is who someone is; a `Participant` is one trajectory (perspectiefjaar) of that person. Intake
and the referral import link a new trajectory to an existing person only when that person has no open
trajectory (one person is never in two perspectiefjaren at once). A new trajectory without a chosen person
gets a person of its own (the flush listener below), so every way of making a file (demo data, tests,
other features) keeps the rule "every trajectory has a person".
"""

from dataclasses import dataclass

from sqlalchemy import bindparam, case, event, func, insert, select, true
from sqlalchemy.orm import Session, selectinload

from blueprints.youths.workflow import ENDED
from models import Participant, Person, db

IDENTITY_FIELDS = ("first_name", "last_name", "date_of_birth", "email", "phone", "address")


class LinkError(ValueError):
    """A refused link of a new trajectory to a person, with a Dutch message."""


def person_from(participant: Participant) -> Person:
    return Person(**{name: getattr(participant, name) for name in IDENTITY_FIELDS})


@event.listens_for(Session, "before_flush")
def _give_new_trajectories_a_person(session, flush_context, instances):
    for obj in list(session.new):
        if isinstance(obj, Participant) and obj.person is None and obj.person_id is None:
            obj.person = person_from(obj)


def give_persons_to_bulk_rows() -> None:
    """Bulk loads (the benchmark's seed, tests) insert trajectories without the ORM: give each one without a
    person a person of its own, in bulk (ids chosen here, after the highest person id)."""
    columns = ("id", *IDENTITY_FIELDS, "created_at")
    rows = db.session.execute(
        select(*(getattr(Participant, name) for name in columns))
        .where(Participant.person_id.is_(None))
        .order_by(Participant.id)
    ).all()
    if not rows:
        return
    first = (db.session.scalar(select(func.max(Person.id))) or 0) + 1
    persons = [dict(zip(columns, row, strict=True)) | {"id": first + n} for n, row in enumerate(rows)]
    db.session.execute(insert(Person), persons)
    table = Participant.__table__
    db.session.execute(
        table.update().where(table.c.id == bindparam("pid")).values(person_id=bindparam("person")),
        [{"pid": row.id, "person": first + n} for n, row in enumerate(rows)],
    )
    if db.engine.dialect.name == "postgresql":  # the ids were chosen here: move the sequence past them
        db.session.execute(select(func.setval(func.pg_get_serial_sequence("person", "id"), first + len(rows), False)))


def open_trajectory(person: Person) -> Participant | None:
    """The person's trajectory that has not ended, if any."""
    return next((t for t in person.trajectories if t.status not in ENDED), None)


def check_link(person: Person | None) -> None:
    """A new trajectory may be linked to `person` only when it exists and has no open trajectory."""
    if person is None:
        raise LinkError("Deze persoon bestaat niet (meer). Kies opnieuw.")
    current = open_trajectory(person)
    if current is not None:
        raise LinkError(
            f"{person.full_name} heeft al een lopend traject ({current.status_label}). "
            "Open dat dossier in plaats van een nieuw traject te maken."
        )


def update_person(participant: Participant) -> None:
    """After "Gegevens wijzigen": the person's name and contact follow the trajectory's (earlier, closed
    trajectories keep their copy as registered)."""
    person = participant.person
    if person is None:
        return
    for name in IDENTITY_FIELDS:
        if getattr(person, name) != getattr(participant, name):
            setattr(person, name, getattr(participant, name))


@dataclass
class Trajectories:
    """The other trajectories of the person of one file, for the case file."""

    current: Participant
    earlier: list[Participant]
    later: list[Participant]

    @property
    def any(self) -> bool:
        return bool(self.earlier or self.later)

    @property
    def can_reenter(self) -> bool:
        """'Opnieuw aanmelden': this file is closed and the person has no open trajectory."""
        return all(t.status in ENDED for t in (self.current, *self.earlier, *self.later))


def trajectories_of(participant: Participant) -> Trajectories:
    """The trajectories of `participant`'s person before and after it (one query, coaches loaded)."""
    if participant.person_id is None:
        return Trajectories(participant, [], [])
    others = db.session.scalars(
        select(Participant)
        .where(Participant.person_id == participant.person_id, Participant.id != participant.id)
        .options(selectinload(Participant.coach))
        .order_by(Participant.start_date, Participant.id)
    ).all()
    key = (participant.start_date, participant.id)
    earlier = [t for t in others if (t.start_date, t.id) < key]
    later = [t for t in others if (t.start_date, t.id) > key]
    return Trajectories(participant, earlier, later)


def file_context(participant: Participant) -> dict:
    """The case file's overview part (youths/partials/person_trajectories.html)."""
    return {"trajectories": trajectories_of(participant)}


@dataclass(frozen=True)
class PersonCount:
    persons: int
    trajectories: int


def count_persons_and_trajectories(condition=None) -> PersonCount:
    """How many persons and how many trajectories meet `condition` (a SQL condition on Participant, e.g. the
    report's population filter), in one query. A trajectory without a person (only between a bulk insert
    and `give_persons_to_bulk_rows`) counts as a person of its own."""
    query = select(*person_count_columns(true())).where(condition if condition is not None else true())
    persons, trajectories = db.session.execute(query).one()
    return PersonCount(persons, trajectories)


def person_count_columns(condition):
    """The two aggregates of `count_persons_and_trajectories` for the rows meeting `condition`, as columns
    another query over Participant can carry (the report's one pass over participants)."""
    person = func.coalesce(Participant.person_id, -Participant.id)
    return (
        func.count(func.distinct(case((condition, person)))),
        func.count(case((condition, Participant.id))),
    )


def load_person(person_id: int) -> Person | None:
    return db.session.scalar(select(Person).where(Person.id == person_id).options(selectinload(Person.trajectories)))
