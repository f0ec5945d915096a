"""Who may join the Perspectiefjaar: 23 to 27 years old on the start date and no startkwalificatie.

Plain rules without HTTP. An explicit exception (with a reason) is decided by the coach, not here.
"""

from dataclasses import dataclass
from datetime import date

MIN_AGE = 23
MAX_AGE = 27


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on `day` (a birthday on 29 February counts from 1 March in other years)."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


@dataclass
class Eligibility:
    age: int
    age_reason: str | None = None  # Dutch explanation when the age rule is not met
    qualification_reason: str | None = None  # ... when the participant already has a startkwalificatie

    @property
    def reasons(self) -> list[str]:
        return [r for r in (self.age_reason, self.qualification_reason) if r]

    @property
    def eligible(self) -> bool:
        return not self.reasons


def check(date_of_birth: date, has_startkwalificatie: bool, start_date: date) -> Eligibility:
    age = age_on(date_of_birth, start_date)
    result = Eligibility(age=age)
    if age < MIN_AGE:
        result.age_reason = (
            f"Op de startdatum is de deelnemer {age} jaar. Het Perspectiefjaar is voor 23 tot en met 27 jaar; "
            "jongeren onder de 23 horen bij het RMC."
        )
    elif age > MAX_AGE:
        result.age_reason = (
            f"Op de startdatum is de deelnemer {age} jaar. Het Perspectiefjaar is voor 23 tot en met 27 jaar."
        )
    if has_startkwalificatie:
        result.qualification_reason = (
            "De deelnemer heeft al een startkwalificatie (havo, vwo of mbo 2 of hoger). "
            "Het Perspectiefjaar is voor jongeren zonder startkwalificatie."
        )
    return result
