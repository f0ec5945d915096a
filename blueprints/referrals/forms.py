"""Forms of the bulk referral import: the upload and the column mapping, in Dutch."""

from datetime import date, timedelta

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from blueprints.referrals.rules import FIELDS
from blueprints.youths.forms import DATE_ERROR, EARLIEST, choices, date_between
from models import REFERRAL_LABELS

SPREAD = ""  # coach choice: spread the new people evenly over the active coaches


class UploadForm(FlaskForm):
    source = SelectField(
        "Van wie komt de lijst?",
        choices=choices(REFERRAL_LABELS, "Kies de verwijzer"),
        validators=[InputRequired("Kies van wie de lijst komt.")],
    )
    upload = FileField("Bestand (CSV of Excel, hoogstens 20 MB)", validators=[FileRequired("Kies een bestand.")])
    start_date = DateField(
        "Geplande startdatum",
        validators=[
            InputRequired(DATE_ERROR),
            date_between(
                lambda: EARLIEST,
                lambda: date.today() + timedelta(days=730),
                "Kies een startdatum tussen 2020 en twee jaar vanaf nu.",
            ),
        ],
    )
    referral_date = DateField(
        "Aanmelddatum",
        default=date.today,
        validators=[
            InputRequired(DATE_ERROR),
            date_between(lambda: EARLIEST, date.today, "Kies een aanmelddatum tussen 2020 en vandaag."),
        ],
    )
    coach_id = SelectField("Life-coach", choices=[], validate_choice=True)

    def validate_source(self, field):
        if field.data not in REFERRAL_LABELS:
            field.errors.append("Kies van wie de lijst komt.")


NOT_IN_FILE = ""


def mapping_form(headers: list[str], initial: dict | None = None) -> FlaskForm:
    """One select per field, each offering the file's columns (or 'not in this file')."""

    class MappingForm(FlaskForm):
        pass

    options = [SelectChoice(NOT_IN_FILE, "(staat niet in dit bestand)")] + [SelectChoice(h, h) for h in headers]
    for f in FIELDS:
        label = f.label + (" (verplicht)" if f.required else "")
        setattr(MappingForm, f.name, SelectField(label, choices=options, default=(initial or {}).get(f.name, "")))
    return MappingForm()
