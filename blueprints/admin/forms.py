"""Forms of beheer: the audit log filter (a GET form: filters live in the URL), accounts, confirmation."""

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from core.formatting import number_nl
from core.forms import choice_values, max_length, select_choices
from core.input import INT_MAX
from models import ROLE_LABELS, Role


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a search form: GET, changes nothing

    actor = StringField("Wie (e-mailadres)", validators=[Optional(), max_length(254)])
    object_type = SelectField("Soort gegeven", choices=[], validate_choice=False)
    action = SelectField("Actie", choices=[], validate_choice=False)
    object_id = IntegerField(
        "Nummer",
        validators=[
            Optional(),
            NumberRange(min=1, max=INT_MAX, message=f"Vul een nummer in van 1 tot en met {number_nl(INT_MAX)}."),
        ],
    )
    date_from = DateField("Vanaf", validators=[Optional()])
    date_to = DateField("Tot en met", validators=[Optional()])
    groep = StringField("Actie", validators=[Optional(), max_length(32)])

    def validate_object_id(self, field):
        # int() reads Arabic-Indic and full-width digits too; every other number field of the app refuses them.
        if field.raw_data and field.raw_data[0] and not field.raw_data[0].strip().isascii():
            raise ValidationError("Vul een nummer in met de cijfers 0 tot en met 9.")

    def validate_object_type(self, field):
        if field.data and field.data not in choice_values(field):
            raise ValidationError("Kies een soort gegeven uit de lijst.")

    def validate_action(self, field):
        if field.data and field.data not in choice_values(field):
            raise ValidationError("Kies een actie uit de lijst.")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("Deze datum ligt vóór de datum bij 'Vanaf'.")


def strip(value):
    return value.strip() if isinstance(value, str) else value


class AccountForm(FlaskForm):
    """New or edited account. The checks that need the database live in `accounts.account_problems`."""

    name = StringField(
        "Naam",
        validators=[InputRequired("Vul een naam in."), Length(max=200, message="Hoogstens 200 tekens.")],
        filters=[strip],
    )
    email = EmailField(
        "E-mailadres",
        validators=[InputRequired("Vul een e-mailadres in."), Length(max=254, message="Dit e-mailadres is te lang.")],
        filters=[strip],
    )
    role = SelectField("Rol", choices=select_choices([(r.value, ROLE_LABELS[r]) for r in Role]), validate_choice=False)
    organisation = SelectField("Organisatie (alleen voor partners)", choices=[], validate_choice=False)


class ConfirmForm(FlaskForm):
    """A confirmation step: the page shows what will happen, the button sends `confirmed`."""

    confirmed = HiddenField()
