"""The report's filter form (GET, no CSRF: it changes nothing): pilot year, coach, referral source."""

from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice

from blueprints.reports.figures import Filters, Option

CHOICE_ERROR = "Kies een waarde uit de lijst."


def _choices(first_label: str, options: list[Option]) -> list[SelectChoice]:
    return [SelectChoice("", first_label)] + [SelectChoice(o.value, o.label) for o in options]


class ReportFilterForm(Form):
    jaar = SelectField("Pilotjaar", choices=_choices("Hele pilot", []), default="")
    coach = SelectField("Life-coach", choices=_choices("Alle coaches", []), default="")
    verwijzer = SelectField("Verwezen door", choices=_choices("Alle verwijzers", []), default="")

    def set_options(self, options: dict[str, list[Option]]) -> "ReportFilterForm":
        self.jaar.choices = _choices("Hele pilot", options["years"])
        self.coach.choices = _choices("Alle coaches", options["coaches"])
        self.verwijzer.choices = _choices("Alle verwijzers", options["referrals"])
        return self

    def check(self) -> bool:
        """Validate; every error is the one Dutch message (instead of WTForms' English 'Not a valid choice')."""
        valid = self.validate()
        for f in (self.jaar, self.coach, self.verwijzer):
            if f.errors:
                f.errors[:] = [CHOICE_ERROR]
        return valid

    def filters(self) -> Filters:
        """Only call after a successful `check()`: every value is one of the choices."""
        return Filters(
            year=int(self.jaar.data) if self.jaar.data else None,
            coach_id=int(self.coach.data) if self.coach.data else None,
            referral=self.verwijzer.data or None,
        )

    def label_of(self, name: str) -> str | None:
        f = getattr(self, name)
        if not f.data:
            return None
        return next((c.label for c in f.choices if c.value == f.data), None)
