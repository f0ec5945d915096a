"""Forms of the handover page: the coach filter (GET) and the handover itself (POST). Dutch messages; the rules
(which files may move, the reason, "tijdelijk tot") live in youths/handover.py."""

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from blueprints.youths import handover
from blueprints.youths.forms import DATE_ERROR
from core.forms import select_choices


class HandoverFilterForm(FlaskForm):
    """Which files the list shows: one coach's, those without a coach, or all. A GET form (no CSRF)."""

    class Meta:
        csrf = False

    van = SelectField("Dossiers van", choices=[], validate_choice=True, validators=[Optional()])


class HandoverForm(FlaskForm):
    # The checkboxes of the list: not a choice check here, because a file that does not exist or is closed is
    # skipped with a reason (handover.hand_over), not refused as a whole.
    participants = SelectMultipleField("Dossiers", choices=[], validate_choice=False)
    to_coach = SelectField(
        "Naar life-coach", choices=[], validate_choice=True, validators=[DataRequired("Kies de nieuwe life-coach.")]
    )
    reason = RadioField(
        "Reden",
        choices=select_choices(list(handover.REASONS.items())),
        validators=[InputRequired("Kies een reden.")],
    )
    note = TextAreaField(
        "Toelichting voor de nieuwe life-coach",
        validators=[Optional(), Length(max=handover.NOTE_MAX, message=f"Gebruik hooguit {handover.NOTE_MAX} tekens.")],
    )
    until = DateField("Tijdelijk, tot en met", validators=[Optional()])

    def validate_until(self, field):
        if field.process_errors:  # not a date at all: one clear message instead of WTForms' own
            field.process_errors[:] = []
            field.errors[:] = []
            raise ValidationError(DATE_ERROR)
