"""Filter form for the audit log (a GET form: filters live in the URL)."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a search form: GET, changes nothing

    actor = StringField("Gebruiker (e-mail)", validators=[Optional(), Length(max=254)])
    object_type = SelectField("Soort gegeven", choices=[], validate_choice=False)
    object_id = IntegerField(
        "Nummer", validators=[Optional(), NumberRange(min=1, message="Vul een nummer van 1 of hoger in.")]
    )
    date_from = DateField("Vanaf", validators=[Optional()])
    date_to = DateField("Tot en met", validators=[Optional()])
