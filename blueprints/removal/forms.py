"""The removal form: why the item goes (kept with it, shown to beheer and in the audit)."""

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class RemoveForm(FlaskForm):
    reason = TextAreaField(
        "Waarom verwijdert u dit?",
        validators=[
            DataRequired("Schrijf op waarom u dit verwijdert, bijvoorbeeld: bij de verkeerde deelnemer ingevoerd."),
            Length(max=1000, message="Houd de reden korter dan 1000 tekens."),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],  # only spaces is no reason
    )
