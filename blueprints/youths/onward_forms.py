"""Forms for onward referrals ("verwezen naar") and the lasting-outcome question. Dutch messages; the rules
themselves (dates inside the trajectory, a partner from the list) live in youths/onward.py and youths/lasting.py."""

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from blueprints.youths.forms import DATE_ERROR, REQUIRED, choices
from core.forms import select_choices
from models import LASTING_SITUATION_LABELS, ONWARD_DESTINATION_LABELS, ONWARD_RESULT_LABELS, Organisation

PARTNER_PREFIX = "partner-"


def destination_choices(organisations: list[Organisation]):
    """The fixed destinations, with 'a partner' replaced by each partner organisation (value partner-<id>)."""
    fixed = [(k, v) for k, v in ONWARD_DESTINATION_LABELS.items() if k != "partner"]
    return [
        *select_choices([("", "Kies waarnaartoe")]),
        *select_choices(fixed[:-1]),
        *select_choices([(f"{PARTNER_PREFIX}{o.id}", o.name) for o in organisations], optgroup="Partnerorganisatie"),
        *select_choices(fixed[-1:]),
    ]


class ResultFields:
    result = SelectField(
        "Uitkomst",
        choices=choices(ONWARD_RESULT_LABELS),
        default="onbekend",
        validate_choice=True,
        validators=[InputRequired("Kies de uitkomst.")],
    )
    result_on = DateField("Datum van de uitkomst", validators=[Optional()])


class OnwardReferralForm(FlaskForm, ResultFields):
    destination = SelectField("Verwezen naar", choices=[], validate_choice=True, validators=[DataRequired(REQUIRED)])
    destination_other = StringField(
        "Anders, namelijk",
        validators=[Optional(), Length(max=200, message="Hoogstens 200 tekens.")],
    )
    referred_on = DateField("Datum van de verwijzing", validators=[InputRequired(DATE_ERROR)])
    reason = TextAreaField(
        "Reden van de verwijzing",
        validators=[
            DataRequired("Vul de reden van de verwijzing in."),
            Length(max=2000, message="Hoogstens 2000 tekens."),
        ],
    )

    def destination_parts(self) -> tuple[str, int | None]:
        """(destination key, organisation id) from the chosen option."""
        value = self.destination.data or ""
        if value.startswith(PARTNER_PREFIX):
            return "partner", int(value.removeprefix(PARTNER_PREFIX))
        return value, None


class OnwardResultForm(FlaskForm, ResultFields):
    """Only the result: the coach records later whether the participant arrived."""


class LastingAnswerForm(FlaskForm):
    situation = RadioField(
        "Waar is de deelnemer nu?",
        choices=choices(LASTING_SITUATION_LABELS),
        validators=[InputRequired("Kies waar de deelnemer nu is.")],
        validate_choice=True,
    )
    note = TextAreaField(
        "Toelichting (niet verplicht)",
        validators=[Optional(), Length(max=1000, message="Hoogstens 1000 tekens.")],
    )
