"""Forms of the contract pages: each lists its own fields, with Dutch messages."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.contracts.drafting import MAX_SECTION_LENGTH, TEMPLATE_FIELDS
from core.forms import choice_values


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _reasonable_date(form, field):
    if field.data and not (date(2020, 1, 1) <= field.data <= date(2100, 1, 1)):
        raise ValidationError("Kies een datum tussen 2020 en 2100.")


class NewContractForm(FlaskForm):
    participant_id = SelectField("Deelnemer", coerce=int, validators=[InputRequired("Kies een deelnemer.")])
    start_date = DateField(
        "Startdatum van het perspectiefjaar",
        validators=[InputRequired("Vul een geldige startdatum in."), _reasonable_date],
    )
    partners = MultiCheckboxField("Partners die meetekenen", coerce=int)

    def validate_participant_id(self, field):
        if field.data not in choice_values(field):
            raise ValidationError("Kies een deelnemer uit de lijst.")


def concept_form_class(sections: list[dict], partner_parties: list):
    """A form with the concept's fields: start date, partners, a text per section, named signers."""

    class ConceptForm(FlaskForm):
        start_date = DateField(
            "Startdatum van het perspectiefjaar",
            validators=[InputRequired("Vul een geldige startdatum in."), _reasonable_date],
        )
        partners = MultiCheckboxField("Partners die meetekenen", coerce=int)

    for section in sections:
        setattr(
            ConceptForm,
            f"section_{section['key']}",
            TextAreaField(
                section["title"],
                validators=[
                    InputRequired("Deze tekst mag niet leeg zijn."),
                    Length(max=MAX_SECTION_LENGTH, message=f"Hoogstens {MAX_SECTION_LENGTH} tekens."),
                ],
            ),
        )
    for party in partner_parties:
        setattr(
            ConceptForm,
            f"signer_{party.organisation_id}",
            SelectField(f"Wie tekent namens {party.name}?", validate_choice=False),
        )
        setattr(
            ConceptForm,
            f"resign_{party.organisation_id}",
            BooleanField(f"{party.name} toch opnieuw laten tekenen, ook als de tekst niet verandert"),
        )
    return ConceptForm


class SignForm(FlaskForm):
    """Partner or municipality: full name, intent, password, and the app code when 2FA is set up."""

    signer_name = StringField(
        "Uw volledige naam",
        validators=[InputRequired("Vul uw naam in."), Length(max=200, message="Hoogstens 200 tekens.")],
        render_kw={"autocomplete": "name"},
    )
    intent = BooleanField("", validators=[InputRequired("Vink de verklaring aan om te tekenen.")])
    password = PasswordField(
        "Uw wachtwoord",
        validators=[InputRequired("Vul uw wachtwoord in."), Length(max=128, message="Dit wachtwoord is te lang.")],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(
        "Code uit uw authenticator-app",
        validators=[Optional(), Length(max=20, message="Deze code is te lang.")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class DeclineForm(FlaskForm):
    name = StringField(
        "Uw naam",
        validators=[InputRequired("Vul uw naam in."), Length(max=200, message="Hoogstens 200 tekens.")],
        render_kw={"autocomplete": "name"},
    )
    reason = TextAreaField(
        "Waarom tekent u niet?",
        validators=[
            InputRequired("Schrijf kort op waarom u niet tekent."),
            Length(min=3, max=2000, message="Gebruik 3 tot 2000 tekens."),
        ],
    )


class ParticipantDeclineForm(DeclineForm):
    """The participant's pages say "je"."""

    name = StringField(
        "Je naam",
        validators=[InputRequired("Vul je naam in."), Length(max=200, message="Hoogstens 200 tekens.")],
        render_kw={"autocomplete": "name"},
    )
    reason = TextAreaField(
        "Waarom teken je niet?",
        validators=[
            InputRequired("Schrijf kort op waarom je niet tekent."),
            Length(min=3, max=2000, message="Gebruik 3 tot 2000 tekens."),
        ],
    )


class BirthDateForm(FlaskForm):
    date_of_birth = DateField("Je geboortedatum", validators=[InputRequired("Vul je geboortedatum in.")])


class LinkSignForm(FlaskForm):
    signer_name = StringField(
        "Je volledige naam",
        validators=[InputRequired("Vul je naam in."), Length(max=200, message="Hoogstens 200 tekens.")],
        render_kw={"autocomplete": "name"},
    )
    intent = BooleanField("", validators=[InputRequired("Vink de verklaring aan om te tekenen.")])


class InPersonSignForm(LinkSignForm):
    date_of_birth = DateField("Geboortedatum van de deelnemer", validators=[InputRequired("Vul de geboortedatum in.")])


class EndForm(FlaskForm):
    reason = TextAreaField(
        "Reden van beëindigen",
        validators=[InputRequired("Vul de reden in."), Length(min=3, max=2000, message="Gebruik 3 tot 2000 tekens.")],
    )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Waarom trekt u deze versie in?",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired("Vul de reden in."), Length(min=3, max=2000, message="Gebruik 3 tot 2000 tekens.")],
    )


TEMPLATE_LABELS = {
    "preamble": "Waarom dit contract (inleiding)",
    "participant_text": "Wat de deelnemer doet (vaste tekst boven de doelen)",
    "municipality_text": "Wat de gemeente en de life-coach doen",
    "consequences_text": "Niet vrijblijvend: wat er gebeurt als afspraken niet worden nagekomen",
    "privacy_text": "Privacyverklaring",
    "summary_b1": "Korte samenvatting in eenvoudige taal (B1) voor de deelnemer",
}


class TemplateForm(FlaskForm):
    pass


for _field in TEMPLATE_FIELDS:
    setattr(
        TemplateForm,
        _field,
        TextAreaField(
            TEMPLATE_LABELS[_field],
            validators=[
                InputRequired("Deze tekst mag niet leeg zijn."),
                Length(max=5000, message="Hoogstens 5000 tekens."),
            ],
        ),
    )


class DiffForm(FlaskForm):
    class Meta:
        csrf = False

    van = SelectField("Vergelijk versie", coerce=int, validators=[Optional()])
    naar = SelectField("met versie", coerce=int, validators=[Optional()])
