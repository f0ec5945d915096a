"""Sign-in form."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length


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
