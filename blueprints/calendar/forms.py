"""Forms of the calendar: choosing a participant to plan a conversation for (a GET form, no change)."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TimeField
from wtforms.validators import InputRequired


class PlanForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only leads to the conversation form, which has its own CSRF

    datum = StringField("Datum")
    tijd = TimeField("Tijd", format="%H:%M", validators=[InputRequired("Vul een tijd in, bijvoorbeeld 10:00.")])
    deelnemer = SelectField("Deelnemer", choices=[], validate_choice=True)
