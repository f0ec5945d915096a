"""Is this the same person as someone already registered? Same date of birth and a similar name.

One rule for every way a person comes in: the bulk referral import (over the trajectories it meets) and
intake (`same_people`, over persons, before registering someone twice; issue 17). "Similar" means the whole
name (first name, tussenvoegsel, last name) is equal once accents, case, spacing and punctuation are
ignored: "Zoë  van der Berg" and "zoe Van-der-berg" match, "Zoë Berg" does not.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Participant, Person, db


def name_key(name: str) -> str:
    """The name with accents, case, spaces and punctuation removed: 'Zoë van der Berg' -> 'zoevanderberg'."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(ch for ch in decomposed.casefold() if ch.isalpha() and not unicodedata.combining(ch))


def same_name(a: str, b: str) -> bool:
    key = name_key(a)
    return bool(key) and key == name_key(b)


def same_person_among(name: str, birth_date: date, people: Iterable[Participant]) -> Participant | None:
    """The first of `people` with this date of birth and a similar full name (a plain rule, no database)."""
    key = name_key(name)
    if not key:
        return None
    for person in people:
        if person.date_of_birth == birth_date and name_key(person.full_name) == key:
            return person
    return None


def all_same_among(name: str, birth_date: date, people: Iterable[Participant]) -> list[Participant]:
    """Every one of `people` with this date of birth and a similar full name (the same rule)."""
    key = name_key(name)
    if not key:
        return []
    return [p for p in people if p.date_of_birth == birth_date and name_key(p.full_name) == key]


def people_born_on(dates: Iterable[date]) -> dict[date, list[Participant]]:
    """Every participant born on one of `dates`, grouped by date of birth (one query per 500 dates)."""
    wanted = sorted(set(dates))
    found: dict[date, list[Participant]] = defaultdict(list)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(Participant).where(Participant.date_of_birth.in_(chunk)).order_by(Participant.id)
        for person in db.session.scalars(query):
            found[person.date_of_birth].append(person)
    return found


def find_same_person(name: str, birth_date: date) -> Participant | None:
    """The registered participant who is probably this person, or None."""
    return same_person_among(name, birth_date, people_born_on([birth_date]).get(birth_date, []))


def same_people(name: str, birth_date: date) -> list[Person]:
    """Every registered person who is probably this person (the same rule), with their trajectories and
    those trajectories' coaches loaded (two queries). A person matches by its own name or the name of
    one of its trajectories (a name corrected later still finds the earlier file)."""
    key = name_key(name)
    if not key:
        return []
    candidates = db.session.scalars(
        select(Person)
        .where(Person.date_of_birth == birth_date)
        .options(selectinload(Person.trajectories).selectinload(Participant.coach))
        .order_by(Person.id)
    ).all()
    return [
        person
        for person in candidates
        if name_key(person.full_name) == key or any(name_key(t.full_name) == key for t in person.trajectories)
    ]
