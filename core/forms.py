"""Form pieces every feature shares: the CSRF-only form for buttons, a Dutch money field, a phone check,
and the guard every field of every form gets (control characters, huge numbers, far dates; see core/input.py).
"""

import email_validator
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, Length, StopValidation, ValidationError
from wtforms.widgets import Select

from core.input import (
    CONTROL_MESSAGE,
    DATE_MESSAGE,
    INT_MAX,
    NUMBER_MESSAGE,
    PHONE_MESSAGE,
    has_control_characters,
    in_date_range,
    is_phone_number,
    normalise_multi_line,
)
from core.money import MoneyError, format_money_input, parse_money

# Every form speaks Dutch: WTForms ships Dutch messages for its built-in validators and choices
# (used because config sets WTF_I18N_ENABLED=False, so Flask-WTF does not ask Flask-Babel).
FlaskForm.Meta.locales = ("nl",)


def _guard(form, field):
    """Runs first for every field: no control characters."""
    multi_line = isinstance(field, TextAreaField)
    for raw in field.raw_data or ():
        if isinstance(raw, str) and has_control_characters(raw, multi_line=multi_line):
            field.errors.clear()  # the field's own "not a number/date/choice" would only confuse
            raise StopValidation(CONTROL_MESSAGE)


def _range_guard(form, field):
    """Runs last for every field: no number beyond the database, no far date (unless the field already said so)."""
    if field.errors:
        return
    if isinstance(field, IntegerField) and isinstance(field.data, int) and abs(field.data) > INT_MAX:
        raise StopValidation(NUMBER_MESSAGE)
    if isinstance(field, DateField | DateTimeLocalField) and not in_date_range(field.data):
        raise StopValidation(DATE_MESSAGE)


def _bind_field(meta, form, unbound_field, options):
    """Every field of every FlaskForm gets `_guard` first and `_range_guard` last; textareas normalise soft breaks."""
    field = unbound_field.bind(form=form, **options)
    field.validators = [_guard, *field.validators, _range_guard]
    if isinstance(field, TextAreaField):
        field.filters = [normalise_multi_line, *field.filters]
    return field


FlaskForm.Meta.bind_field = _bind_field


def phone_number(form, field):
    """Validator: a real phone number (libphonenumber), e.g. 074 245 98 76; "31-02-2026" is a date, not a phone."""
    if field.data and not is_phone_number(field.data):
        raise ValidationError(PHONE_MESSAGE)


CONTROL_CHARACTERS = ({chr(c) for c in range(32)} - {"\n", "\t"}) | {"\x7f"}


def no_control_characters(form, field):
    """Validator: refuse NUL and other control characters (pasted garbage) with a Dutch message."""
    if field.data and any(c in CONTROL_CHARACTERS for c in field.data):
        raise ValidationError("Er staan tekens in die we niet kunnen opslaan. Typ de tekst opnieuw.")


def select_choices(pairs, optgroup: str | None = None) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' `SelectChoice`: tuple choices are deprecated and go in WTForms 3.4."""
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


class FastSelect(Select):
    """WTForms' select widget, writing each plain option directly: the same HTML, byte for byte.

    Profiled at 100x (bench/README.md): the participant list's coach filter offers 125 coaches and
    WTForms' `html_params` plus `Markup.format` per option took 0.13 ms each, about a third of the
    list page's time. An option with extra attributes still goes through WTForms.
    """

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = choice.value
        if isinstance(value, bool):
            value = str(value)
        # As html_params: attributes in name order ("selected" before "value"), the value escaped.
        selected = "selected " if choice.selected else ""
        value = escape(value).replace(Markup('"'), Markup("&quot;"))
        label = escape(choice.label or choice.value)
        # Both parts are escaped just above (Markup.format, the safe spelling, is what cost the time).
        return Markup(f'<option {selected}value="{value}">{label}</option>')  # noqa: S704


# Every select of every form (a field given its own widget keeps it).
SelectField.widget = FastSelect()
SelectMultipleField.widget = FastSelect(multiple=True)


def choice_values(field) -> set:
    """The values a select field offers (for checks that go beyond `validate_choice`)."""
    return {choice.value for choice in field.choices}


class EmptyForm(FlaskForm):
    """Only a CSRF token: for action buttons (approve, sign out, mark done)."""


class MoneyField(StringField):
    """A text field that accepts Dutch amounts and yields a Decimal in `.data`."""

    def __init__(self, label=None, validators=None, allow_zero=False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.allow_zero = allow_zero
        self.parse_error = None

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.parse_error = None
        if has_control_characters(self.raw):
            self.data, self.parse_error = None, CONTROL_MESSAGE
            return
        if not self.raw.strip():
            self.data = None
            if self.raw:  # only spaces: InputRequired would let it through, and there is no amount
                self.parse_error = "Vul een bedrag in."
            return
        try:
            self.data = parse_money(self.raw, allow_zero=self.allow_zero)
        except MoneyError as exc:
            self.data = None
            self.parse_error = str(exc)

    def pre_validate(self, form):
        if self.parse_error:
            raise StopValidation(self.parse_error)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_money_input(self.data) if self.data is not None else ""


def form_status(form) -> int:
    """The status a form page answers with: 422 when the form has errors (htmx is configured to
    swap 422 responses, so the messages show at the fields), else 200."""
    return 422 if form.errors else 200


def max_length(limit: int) -> Length:
    """The length check with the house message ("Hoogstens 500 tekens."), not WTForms' default wording."""
    return Length(max=limit, message=f"Hoogstens {limit} tekens.")


# E-mail addresses are checked by email-validator (WTForms' `Email`), never by a hand-written pattern.
# `test_environment` lets the reserved `.test` domain through (RFC 2606): the demo and test accounts use
# it; no real address can end in it. Deliverability (DNS) is not checked: intranet forms must not hang.
EMAIL_MESSAGE = "Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."
_EMAIL_OPTIONS = {"check_deliverability": False, "test_environment": True}


def email_address(message: str = EMAIL_MESSAGE) -> Email:
    """The WTForms validator for an e-mail field, with a Dutch message."""
    return Email(message=message, **_EMAIL_OPTIONS)


def is_email_address(text: str) -> bool:
    """The same check outside a form (the CLI)."""
    try:
        email_validator.validate_email(text, **_EMAIL_OPTIONS)
    except email_validator.EmailNotValidError:
        return False
    return True
