"""Forms of the partners feature: organisations, partner users, commitments and status updates.

Each form lists its fields; views copy only those fields onto objects (no mass assignment).
"""

from datetime import date, timedelta

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from blueprints.partners.commitments import NOTE_MAX, QUANTITY_MAX
from core.forms import MoneyField, email_address, phone_number, select_choices
from models import (
    COMMITMENT_KIND_LABELS,
    COMMITMENT_STATUS_LABELS,
    ORGANISATION_KIND_LABELS,
    Organisation,
    db,
)

EARLIEST = date(2020, 1, 1)


class DutchForm(FlaskForm):
    """WTForms' own Dutch messages for what the fields check themselves (bad number, date or choice)."""

    class Meta:
        locales = ["nl_NL", "nl"]

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _coerce_optional_int(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # never a valid choice: pre_validate reports it


class OrganisationForm(DutchForm):
    name = StringField(
        "Naam",
        filters=[_strip],
        validators=[
            InputRequired("Vul de naam van de organisatie in."),
            Length(max=200, message="Hoogstens 200 tekens."),
        ],
    )
    kind = SelectField(
        "Soort organisatie",
        choices=select_choices((k.value, label) for k, label in ORGANISATION_KIND_LABELS.items()),
        validate_choice=True,
    )
    contact_name = StringField(
        "Contactpersoon", filters=[_strip], validators=[Optional(), Length(max=200, message="Hoogstens 200 tekens.")]
    )
    contact_email = EmailField(
        "E-mailadres contactpersoon",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=254, message="Dit e-mailadres is te lang."),
            email_address(),
        ],
    )
    contact_phone = StringField(
        "Telefoonnummer contactpersoon",
        filters=[_strip],
        validators=[Optional(), Length(max=30, message="Hoogstens 30 tekens."), phone_number],
    )
    active = BooleanField("Actief: de organisatie doet mee in de pilot", default=True)

    def __init__(self, *args, organisation_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id

    def validate_name(self, field):
        query = select(Organisation.id).where(func.lower(Organisation.name) == (field.data or "").lower())
        existing = db.session.scalar(query)
        if existing is not None and existing != self.organisation_id:
            raise ValidationError("Er is al een organisatie met deze naam.")


class PartnerUserForm(DutchForm):
    name = StringField(
        "Naam",
        filters=[_strip],
        validators=[InputRequired("Vul de naam in."), Length(max=200, message="Hoogstens 200 tekens.")],
    )
    email = EmailField(
        "E-mailadres",
        filters=[_strip],
        validators=[
            InputRequired("Vul het e-mailadres in."),
            Length(max=254, message="Dit e-mailadres is te lang."),
            email_address(),
        ],
        render_kw={"autocomplete": "off"},
    )
    # No password here: the new partner chooses one through the set-password e-mail (blueprints/auth/accounts.py),
    # and whether the address is free is checked there too (`account_problems`), for every kind of account.


class CommitmentForm(DutchForm):
    organisation_id = SelectField("Partner", coerce=_coerce_optional_int)
    participant_id = SelectField(
        "Voor wie",
        coerce=_coerce_optional_int,
        description="Kies een deelnemer, of 'Hele pilot' voor een toezegging aan de pilot als geheel.",
    )
    kind = SelectField(
        "Soort toezegging", choices=select_choices((k.value, label) for k, label in COMMITMENT_KIND_LABELS.items())
    )
    description = TextAreaField(
        "Wat is er toegezegd",
        filters=[_strip],
        validators=[
            InputRequired("Beschrijf wat de partner toezegt."),
            Length(max=2000, message="Hoogstens 2000 tekens."),
        ],
    )
    quantity = IntegerField(
        "Aantal",
        validators=[
            Optional(),
            NumberRange(min=1, max=QUANTITY_MAX, message=f"Vul een aantal van 1 tot {QUANTITY_MAX} in."),
        ],
    )
    amount = MoneyField("Bedrag")
    due_date = DateField("Uiterlijk klaar op", validators=[Optional()])
    contact_user_id = SelectField("Contactpersoon bij de partner", coerce=_coerce_optional_int)

    def __init__(self, *args, organisations, participants, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = select_choices([(None, "Kies een partner"), *organisations])
        self.participant_id.choices = select_choices([(None, "Hele pilot"), *participants])
        self.contact_user_id.choices = select_choices(
            [(None, "Geen vaste contactpersoon")] + [(uid, label) for uid, label, _ in contacts]
        )
        self._contact_orgs = {uid: org_id for uid, _, org_id in contacts}

    def validate_organisation_id(self, field):
        if field.data is None:
            raise ValidationError("Kies de partner die de toezegging doet.")

    def validate(self, extra_validators=None) -> bool:
        """Field checks first, then the cross-field rule (Optional() would skip an inline validator)."""
        valid = super().validate(extra_validators)
        if self.quantity.data is not None and self.amount.data is not None:
            self.quantity.errors = [*self.quantity.errors, "Vul een aantal óf een bedrag in, niet allebei."]
            valid = False
        elif (
            self.participant_id.data is None
            and self.quantity.data is None
            and self.amount.data is None
            and not self.quantity.errors
            and not self.amount.errors
        ):
            self.quantity.errors = [
                *self.quantity.errors,
                "Een toezegging voor de hele pilot heeft een aantal of een bedrag.",
            ]
            valid = False
        return valid

    def validate_due_date(self, field):
        if field.data and not EARLIEST <= field.data <= date.today() + timedelta(days=5 * 366):
            raise ValidationError("Kies een datum tussen 2020 en vijf jaar vanaf nu.")

    def validate_contact_user_id(self, field):
        if field.data is not None and self._contact_orgs.get(field.data) != self.organisation_id.data:
            raise ValidationError("Deze contactpersoon werkt niet bij de gekozen partner.")


class StatusForm(DutchForm):
    status = SelectField(
        "Nieuwe status", choices=select_choices((s.value, label) for s, label in COMMITMENT_STATUS_LABELS.items())
    )
    on_date = DateField("Datum", validators=[InputRequired("Vul de datum in.")])
    note = TextAreaField(
        "Notitie",
        filters=[_strip],
        description="Wat is er gebeurd? Deze notitie is zichtbaar voor de partner en de coach.",
        validators=[
            InputRequired("Schrijf kort op wat er is gebeurd. Een notitie is verplicht bij elke wijziging."),
            Length(max=NOTE_MAX, message=f"Hoogstens {NOTE_MAX} tekens."),
        ],
    )
    realised_quantity = IntegerField(
        "Aantal ingevuld",
        validators=[
            Optional(),
            NumberRange(min=0, max=QUANTITY_MAX, message=f"Vul een aantal van 0 tot {QUANTITY_MAX} in."),
        ],
    )
    realised_amount = MoneyField("Bedrag ontvangen", allow_zero=True)

    def validate_on_date(self, field):
        if field.data and field.data > date.today():
            raise ValidationError("De datum kan niet in de toekomst liggen.")
        if field.data and field.data < EARLIEST:
            raise ValidationError("Kies een datum vanaf 2020.")
