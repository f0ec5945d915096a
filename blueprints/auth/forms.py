"""Forms of signing in: password, second factor, enrolment and changing the password."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(
        "E-mailadres",
        validators=[InputRequired("Vul uw e-mailadres in."), Length(max=254, message="Dit e-mailadres is te lang.")],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Wachtwoord",
        validators=[InputRequired("Vul uw wachtwoord in."), Length(max=128, message="Dit wachtwoord is te lang.")],
        render_kw={"autocomplete": "current-password"},
    )


class SecondFactorForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[InputRequired("Vul de code in."), Length(max=40, message="Deze code is te lang.")],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )


class EnrolForm(FlaskForm):
    code = StringField(
        "Code uit de app (6 cijfers)",
        validators=[InputRequired("Vul de code uit de app in."), Length(max=10, message="Deze code is te lang.")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Huidig wachtwoord",
        validators=[InputRequired("Vul uw huidige wachtwoord in."), Length(max=128, message="Te lang.")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "Nieuw wachtwoord",
        validators=[InputRequired("Kies een nieuw wachtwoord."), Length(max=128, message="Te lang.")],
        render_kw={"autocomplete": "new-password"},
    )
    new_password_again = PasswordField(
        "Nieuw wachtwoord nog een keer",
        validators=[
            InputRequired("Vul het nieuwe wachtwoord nog een keer in."),
            EqualTo("new_password", message="De twee nieuwe wachtwoorden zijn niet gelijk."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class SetPasswordForm(FlaskForm):
    """The page behind the set-password link (invitation or break-glass password)."""

    new_password = PasswordField(
        "Nieuw wachtwoord",
        validators=[InputRequired("Kies een wachtwoord."), Length(max=128, message="Te lang.")],
        render_kw={"autocomplete": "new-password"},
    )
    new_password_again = PasswordField(
        "Wachtwoord nog een keer",
        validators=[
            InputRequired("Vul het wachtwoord nog een keer in."),
            EqualTo("new_password", message="De twee wachtwoorden zijn niet gelijk."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
