"""Budget forms: each lists its own fields and validates them with Dutch messages."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from blueprints.budget.rules import pot_for
from core.forms import MoneyField, select_choices
from models import MAATWERK_CATEGORY_LABELS, REQUEST_STATUS_LABELS, PotKind

REQUIRED = "Dit veld is verplicht."


class NlDateField(DateField):
    """A date input (`type=date`) with a Dutch message for a bad date."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Vul een geldige datum in, bijvoorbeeld 15-03-2026.") from exc
        if self.data and not date(2000, 1, 1) <= self.data <= date(2100, 12, 31):
            self.data = None
            raise ValueError("Deze datum ligt te ver weg.")


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


CATEGORY_CHOICES = select_choices((c.value, label) for c, label in MAATWERK_CATEGORY_LABELS.items())


class RequestForm(FlaskForm):
    participant_id = SelectField("Deelnemer", coerce=int, validators=[InputRequired(REQUIRED)])
    category = SelectField("Categorie", choices=CATEGORY_CHOICES, validators=[InputRequired(REQUIRED)])
    description = TextAreaField(
        "Waarvoor is het geld?",
        validators=[DataRequired(REQUIRED), Length(5, 2000, "Gebruik 5 tot 2000 tekens.")],
    )
    supplier = StringField(
        "Leverancier", validators=[DataRequired(REQUIRED), Length(2, 200, "Gebruik 2 tot 200 tekens.")]
    )
    amount = MoneyField("Bedrag", validators=[InputRequired(REQUIRED)])
    expected_on = NlDateField("Verwachte datum van de uitgave", validators=[InputRequired(REQUIRED)])
    goal_id = SelectField("Doel waar dit bij hoort (niet verplicht)", coerce=_optional_int, validators=[Optional()])
    justification = TextAreaField(
        "Waarom is dit de goedkoopste oplossing die goed genoeg is?",
        validators=[DataRequired(REQUIRED), Length(10, 2000, "Gebruik 10 tot 2000 tekens.")],
    )

    def validate_expected_on(self, field):
        if field.data and pot_for(field.data.year, PotKind.MAATWERK) is None:
            raise ValidationError(f"Er is geen begrotingsjaar {field.data.year}. Kies een datum in een begrotingsjaar.")

    def validate_goal_id(self, field):
        if field.data is not None and self.goal_owner.get(field.data) != self.participant_id.data:
            raise ValidationError("Dit doel hoort niet bij deze deelnemer.")

    goal_owner: dict = {}


CHECKED_MESSAGE = "Vink eerst aan dat u de aanvraag hebt gecontroleerd."


def _checked_field() -> BooleanField:
    """The "gecontroleerd" tick of approve and reject. The browser asks for it (`required`), but a form
    sent without JavaScript or by hand must not slip through: the server refuses it too."""
    return BooleanField("Ik heb de aanvraag gecontroleerd", validators=[DataRequired(CHECKED_MESSAGE)])


class RejectForm(FlaskForm):
    reason = TextAreaField(
        "Reden van afwijzing",
        validators=[
            DataRequired("Geef een reden voor de afwijzing."),
            Length(max=2000, message="Hoogstens 2000 tekens."),
        ],
    )
    zeker = _checked_field()


class ApproveForm(FlaskForm):
    zeker = _checked_field()
    # The explicit second step for a request of a closed file (`rules.closed_file_needs_confirmation`).
    closed_file_confirmed = BooleanField("Ik weet dat het dossier is afgesloten en keur deze aanvraag toch goed")


class ReverseForm(FlaskForm):
    """Correcting a mistaken approval or rejection: the request waits for a decision again.

    The rule is `rules.reverse_decision`; the field has its own name so it never collides with a reject form's."""

    reverse_reason = TextAreaField(
        "Waarom draait u het besluit terug?",
        validators=[
            DataRequired("Schrijf op waarom het besluit wordt teruggedraaid."),
            Length(max=2000, message="Hoogstens 2000 tekens."),
        ],
    )


class PayForm(FlaskForm):
    invoice_number = StringField(
        "Factuurnummer", validators=[DataRequired(REQUIRED), Length(max=60, message="Hoogstens 60 tekens.")]
    )
    paid_on = NlDateField("Betaaldatum", validators=[InputRequired(REQUIRED)])


class BudgetYearForm(FlaskForm):
    year = IntegerField(
        "Jaar",
        validators=[InputRequired("Vul een jaar in."), NumberRange(2000, 2100, "Kies een jaar tussen 2000 en 2100.")],
    )
    total = MoneyField("Totaalbudget", validators=[InputRequired(REQUIRED)])
    lifecoach = MoneyField("Waarvan inhuur life-coach", allow_zero=True, validators=[InputRequired(REQUIRED)])

    def validate_lifecoach(self, field):
        if field.data is not None and self.total.data is not None and field.data > self.total.data:
            raise ValidationError("Het deel voor de life-coach kan niet groter zijn dan het totaal.")


class SplitForm(FlaskForm):
    total = MoneyField("Totaalbudget", validators=[InputRequired(REQUIRED)])
    lifecoach = MoneyField("Waarvan inhuur life-coach", allow_zero=True, validators=[InputRequired(REQUIRED)])

    def validate_lifecoach(self, field):
        if field.data is not None and self.total.data is not None and field.data > self.total.data:
            raise ValidationError("Het deel voor de life-coach kan niet groter zijn dan het totaal.")


POT_CHOICES = select_choices([(PotKind.MAATWERK.value, "Maatwerk"), (PotKind.LIFECOACH.value, "Inhuur life-coach")])


class ContributionForm(FlaskForm):
    pot = SelectField("Pot", choices=POT_CHOICES)
    organisation_id = SelectField("Organisatie", coerce=int, validators=[InputRequired(REQUIRED)])
    amount = MoneyField("Bedrag", validators=[InputRequired(REQUIRED)])
    booked_on = NlDateField("Datum", validators=[InputRequired(REQUIRED)])
    description = StringField(
        "Omschrijving", validators=[DataRequired(REQUIRED), Length(max=300, message="Hoogstens 300 tekens.")]
    )


class CarryOverForm(FlaskForm):
    amount = MoneyField("Bedrag dat meegaat naar het volgende jaar", validators=[InputRequired(REQUIRED)])
    decided_on = NlDateField("Datum besluit", validators=[InputRequired(REQUIRED)])
    reason = TextAreaField(
        "Reden en besluit",
        validators=[DataRequired(REQUIRED), Length(max=2000, message="Hoogstens 2000 tekens.")],
    )


class InvoiceForm(FlaskForm):
    supplier = StringField(
        "Leverancier (life-coach of bureau)",
        validators=[DataRequired(REQUIRED), Length(max=200, message="Hoogstens 200 tekens.")],
    )
    invoice_number = StringField(
        "Factuurnummer", validators=[DataRequired(REQUIRED), Length(max=60, message="Hoogstens 60 tekens.")]
    )
    invoice_date = NlDateField("Factuurdatum", validators=[InputRequired(REQUIRED)])
    description = StringField(
        "Omschrijving", validators=[DataRequired(REQUIRED), Length(max=300, message="Hoogstens 300 tekens.")]
    )
    amount = MoneyField("Bedrag", validators=[InputRequired(REQUIRED)])
    corrects_id = SelectField(
        "Creditnota op factuur (alleen bij een correctie)", coerce=_optional_int, validators=[Optional()]
    )


class CloseMonthForm(FlaskForm):
    month = SelectField("Maand", validators=[InputRequired("Kies een maand.")])


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    categorie = SelectField(
        "Categorie", choices=[*select_choices([("", "Alle categorieën")]), *CATEGORY_CHOICES], validators=[Optional()]
    )
    status = SelectField(
        "Status",
        choices=select_choices(
            [("", "Alle statussen"), *[(s.value, label) for s, label in REQUEST_STATUS_LABELS.items()]]
        ),
        validators=[Optional()],
    )
