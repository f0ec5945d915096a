"""Form pieces every feature shares: the CSRF-only form for buttons and a Dutch money field."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import StopValidation

from core.money import MoneyError, format_money_input, parse_money

# Every form speaks Dutch: WTForms ships Dutch messages for its built-in validators and choices
# (used because config sets WTF_I18N_ENABLED=False, so Flask-WTF does not ask Flask-Babel).
FlaskForm.Meta.locales = ("nl",)


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
        if not self.raw.strip():
            self.data = None
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
