"""Is this the same person as someone already registered? Same date of birth and a similar name.

One rule for every way a person comes in: the bulk referral import uses it today, intake can call
`find_same_person` to warn before registering someone twice (issue 17). "Similar" means the whole
name (first name, tussenvoegsel, last name) is equal once accents, case, spacing and punctuation are
ignored: "Zoë  van der Berg" and "zoe Van-der-berg" match, "Zoë Berg" does not.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from models import Participant, db


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
