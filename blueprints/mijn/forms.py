"""Forms of Mijn Perspectiefjaar (plain Dutch, B1) and the coach's pieces of it."""

import unicodedata
from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from blueprints.mijn.home import MAX_MESSAGE, MAX_REASON
from core.forms import no_control_characters, phone_number, select_choices


def not_only_spaces(form, field):
    if field.data is not None and not field.data.strip():
        raise ValidationError("Vul dit in.")


def reasonable_birth_date(form, field):
    if field.data is not None and not (date(1900, 1, 1) <= field.data <= date.today()):
        raise ValidationError("Deze datum kan niet kloppen. Vul je geboortedatum in, bijvoorbeeld 17-05-2001.")


class AskCodeForm(FlaskForm):
    address = StringField(
        "Je e-mailadres of mobiele nummer",
        validators=[
            InputRequired("Vul je e-mailadres of mobiele nummer in."),
            Length(max=254, message="Dit is te lang."),
            no_control_characters,
            not_only_spaces,
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )


class CodeForm(FlaskForm):
    code = StringField(
        "De code uit je e-mail of sms",
        validators=[InputRequired("Vul de code in."), Length(max=20, message="Een code heeft 6 cijfers.")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    date_of_birth = DateField(
        "Je geboortedatum",
        validators=[InputRequired("Vul je geboortedatum in."), reasonable_birth_date],
        render_kw={"autocomplete": "bday"},
    )

    def validate_code(self, field):
        value = unicodedata.normalize("NFKC", field.data or "").replace(" ", "")
        if not (value.isascii() and value.isdigit() and len(value) == 6):
            raise ValidationError("Een code heeft 6 cijfers, bijvoorbeeld 123456.")
        field.data = value


class CancelForm(FlaskForm):
    reason = TextAreaField(
        "Waarom kun je niet?",
        validators=[
            InputRequired("Schrijf kort waarom je niet kunt."),
            Length(max=MAX_REASON, message=f"Gebruik hoogstens {MAX_REASON} tekens."),
            no_control_characters,
            not_only_spaces,
        ],
    )


class TickForm(FlaskForm):
    done = BooleanField("Gedaan")


class MessageForm(FlaskForm):
    body = TextAreaField(
        "Je bericht",
        validators=[
            InputRequired("Schrijf je bericht."),
            Length(max=MAX_MESSAGE, message=f"Gebruik hoogstens {MAX_MESSAGE} tekens."),
            no_control_characters,
            not_only_spaces,
        ],
    )


class ReminderForm(FlaskForm):
    channel = RadioField(
        "Hoe wil je een herinnering krijgen?",
        choices=select_choices(
            [
                ("email", "Per e-mail"),
                ("sms", "Per sms"),
                ("beide", "Per e-mail en sms"),
                ("geen", "Ik wil geen herinnering"),
            ]
        ),
        validators=[InputRequired("Kies hoe je een herinnering wilt krijgen.")],
    )


class CoachContactForm(FlaskForm):
    phone = StringField(
        "Telefoonnummer voor deelnemers",
        validators=[Optional(), Length(max=30, message="Hoogstens 30 tekens."), no_control_characters, phone_number],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    reachable = StringField(
        "Wanneer bent u bereikbaar?",
        validators=[Optional(), Length(max=200, message="Hoogstens 200 tekens."), no_control_characters],
    )
