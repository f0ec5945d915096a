"""Forms of the case files. Each form lists its own fields (no mass assignment) and speaks Dutch."""

from datetime import date, timedelta

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import Select, html_params

from blueprints.youths import eligibility
from blueprints.youths.workflow import COMPLETION_OUTCOMES
from core.forms import email_address, max_length, no_control_characters, select_choices
from core.localtime import local_now
from models import (
    ATTENDANCE_LABELS,
    CONVERSATION_KIND_LABELS,
    GOAL_STATUS_LABELS,
    LADDER_LABELS,
    NOT_STARTED_REASON_LABELS,
    PARTICIPANT_STATUS_LABELS,
    REFERRAL_LABELS,
    ZRM_DOMAIN_LABELS,
    ZRM_LEVEL_LABELS,
)

REQUIRED = "Dit veld is verplicht."
DATE_ERROR = "Vul een geldige datum in (dag-maand-jaar)."
EARLIEST = date(2020, 1, 1)


def date_between(earliest, latest, message):
    """Validator: the date lies in [earliest(), latest()] (callables, so 'today' stays current)."""

    def check(form, field):
        if field.data and not (earliest() <= field.data <= latest()):
            raise ValidationError(message)

    return check


def choices(labels: dict, empty: str | None = None) -> list[SelectChoice]:
    options = [(str(k), v) for k, v in labels.items()]
    return select_choices([("", empty), *options] if empty is not None else options)


EDUCATION_CHOICES = select_choices(
    [
        ("", "Kies het hoogste onderwijs"),
        ("geen", "Geen diploma"),
        ("praktijkonderwijs", "Praktijkonderwijs"),
        ("vmbo", "Vmbo"),
        ("mbo1", "Mbo 1 (entree)"),
        ("havo_vwo_zonder", "Havo of vwo zonder diploma"),
        ("mbo2_plus", "Mbo 2 of hoger"),
        ("havo_vwo", "Havo- of vwo-diploma"),
        ("anders", "Anders (buitenlands diploma, ...)"),
    ]
)


# --------------------------------------------------------------------------- list


SORT_CHOICES = select_choices(
    [
        ("naam", "Naam"),
        ("start", "Startdatum (nieuwste eerst)"),
        ("einde", "Einddatum (eerst aflopend)"),
        ("status", "Status"),
    ]
)


class ParticipantFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form: changes nothing

    q = StringField("Zoek op naam", validators=[Optional(), Length(max=100, message="Gebruik hooguit 100 tekens.")])
    status = SelectField("Status", choices=choices(PARTICIPANT_STATUS_LABELS, "Alle statussen"), default="")
    coach = SelectField("Life-coach", choices=[], validate_choice=False, default="")
    opvolging = BooleanField("Alleen opvolging nodig")
    sort = SelectField("Sorteren op", choices=SORT_CHOICES, default="naam")


# --------------------------------------------------------------------------- intake


class IntakeForm(FlaskForm):
    first_name = StringField("Voornaam", validators=[DataRequired(REQUIRED), max_length(100)])
    last_name = StringField("Achternaam", validators=[DataRequired(REQUIRED), max_length(100)])
    date_of_birth = DateField(
        "Geboortedatum",
        validators=[
            InputRequired(DATE_ERROR),
            date_between(lambda: date(1950, 1, 1), date.today, "Vul een geboortedatum in tussen 1950 en vandaag."),
        ],
    )
    email = StringField(
        "E-mailadres",
        validators=[
            Optional(),
            max_length(254),
            email_address("Vul een geldig e-mailadres in."),
        ],
    )
    phone = StringField(
        "Telefoonnummer",
        validators=[
            Optional(),
            max_length(30),
            Regexp(r"^[0-9+() -]{6,30}$", message="Vul een geldig telefoonnummer in."),
        ],
    )
    address = StringField("Adres", validators=[Optional(), max_length(300)])
    highest_education = SelectField(
        "Hoogst gevolgde opleiding", choices=EDUCATION_CHOICES, validators=[InputRequired("Kies een opleiding.")]
    )
    has_startkwalificatie = BooleanField("Heeft een startkwalificatie (havo, vwo of mbo 2 of hoger)")
    referral_source = SelectField(
        "Aangemeld via",
        choices=choices(REFERRAL_LABELS, "Kies hoe de deelnemer binnenkwam"),
        validators=[InputRequired("Kies hoe de deelnemer binnenkwam.")],
    )
    coach_id = SelectField("Life-coach", choices=[], validators=[InputRequired("Kies een life-coach.")])
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
    exception = BooleanField("Uitzondering maken op de toelatingsregels")
    exception_reason = TextAreaField("Reden van de uitzondering", validators=[Optional(), max_length(1000)])
    # The same-person step (youths/same_person.py): "" not asked yet, "nieuw" someone else, or the id of
    # the person this new trajectory belongs to (a re-entry).
    person = HiddenField(
        "Persoon",
        validators=[
            Optional(),
            Regexp(r"^(nieuw|[1-9][0-9]{0,8})$", message="Kies opnieuw of dit dezelfde persoon is."),
        ],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.exception.data and not (self.exception_reason.data or "").strip():
            self.exception_reason.errors.append("Vul de reden van de uitzondering in.")
            valid = False
        dates_valid = not (self.date_of_birth.errors or self.start_date.errors)
        if self.date_of_birth.data and self.start_date.data and dates_valid:
            result = eligibility.check(self.date_of_birth.data, self.has_startkwalificatie.data, self.start_date.data)
            self.eligibility = result
            if not result.eligible and not self.exception.data:
                hint = " Alleen met een uitzondering (met reden) kan deze aanmelding door."
                if result.age_reason:
                    self.date_of_birth.errors = [*self.date_of_birth.errors, result.age_reason + hint]
                if result.qualification_reason:
                    self.has_startkwalificatie.errors = [
                        *self.has_startkwalificatie.errors,
                        result.qualification_reason + hint,
                    ]
                valid = False
        return valid


class DetailsForm(FlaskForm):
    """Correct a participant's name, contact details, education or coach after intake.

    Date of birth, start date and startkwalificatie decide eligibility and stay as registered.
    """

    first_name = IntakeForm.first_name
    last_name = IntakeForm.last_name
    email = IntakeForm.email
    phone = IntakeForm.phone
    address = IntakeForm.address
    highest_education = IntakeForm.highest_education
    coach_id = IntakeForm.coach_id


# --------------------------------------------------------------------------- workflow


class StatusForm(FlaskForm):
    to_status = SelectField("Nieuwe status", choices=choices(PARTICIPANT_STATUS_LABELS))
    on = DateField(
        "Datum",
        default=date.today,
        validators=[
            InputRequired(DATE_ERROR),
            date_between(lambda: EARLIEST, date.today, "Kies een datum tussen 2020 en vandaag."),
        ],
    )
    outcome = SelectField("Uitstroom", choices=choices(COMPLETION_OUTCOMES, "Kies de uitstroom"), default="")
    note = TextAreaField("Toelichting", validators=[Optional(), max_length(2000)])
    reason = TextAreaField("Reden van uitval", validators=[Optional(), max_length(1000)])
    not_started_reason = SelectField(
        "Waarom start het perspectiefjaar niet?",
        choices=choices(NOT_STARTED_REASON_LABELS, "Kies een reden"),
        default="",
    )


def close_form(ends):
    """The status form with one choice per loose end of the file (youths/closing.py): per waiting request
    withdraw or keep (with a reason), per open commitment vervallen or nagekomen."""
    from blueprints.youths import closing

    class CloseForm(StatusForm):
        pass

    for maatwerk in ends.requests:
        setattr(
            CloseForm,
            closing.request_field(maatwerk.id),
            RadioField(
                f"Aanvraag {maatwerk.id}",
                choices=select_choices(closing.REQUEST_CHOICES.items()),
                validators=[InputRequired(f"Kies wat er met aanvraag {maatwerk.id} gebeurt.")],
            ),
        )
        setattr(
            CloseForm,
            closing.reason_field(maatwerk.id),
            TextAreaField(
                f"Waarom blijft aanvraag {maatwerk.id} staan?",
                validators=[Optional(), Length(max=closing.REASON_MAX, message="Hoogstens 1000 tekens.")],
            ),
        )
    for commitment in ends.commitments:
        setattr(
            CloseForm,
            closing.commitment_field(commitment.id),
            RadioField(
                f"Toezegging {commitment.id}",
                choices=select_choices(closing.COMMITMENT_CHOICES.items()),
                validators=[InputRequired("Kies of de toezegging vervalt of is nagekomen.")],
            ),
        )
    return CloseForm()


class FollowupClearForm(FlaskForm):
    reason = TextAreaField(
        "Waarom is de opvolging klaar?",
        validators=[
            DataRequired("Vul in waarom de opvolging klaar is."),
            Length(max=1000, message="Hoogstens 1000 tekens."),
        ],
    )


class OutcomeCorrectionForm(FlaskForm):
    """Correct a closed file's outcome; the view sets the outcome choices (a dropout stays a dropout)."""

    outcome = SelectField("Uitstroom", choices=[], validate_choice=True)
    on = DateField(
        "Datum van de uitstroom",
        validators=[
            InputRequired(DATE_ERROR),
            date_between(lambda: EARLIEST, date.today, "Kies een datum tussen 2020 en vandaag."),
        ],
    )
    note = TextAreaField(
        "Toelichting",
        validators=[Optional(), Length(max=2000, message="Hoogstens 2000 tekens."), no_control_characters],
    )
    reason = TextAreaField(
        "Reden van de correctie",
        validators=[
            DataRequired("Vul de reden van de correctie in."),
            Length(max=1000, message="Hoogstens 1000 tekens."),
            no_control_characters,
        ],
    )


class ExtendForm(FlaskForm):
    new_end = DateField("Nieuwe einddatum", validators=[InputRequired(DATE_ERROR)])
    reason = TextAreaField(
        "Reden van de verlenging", validators=[DataRequired("Vul de reden van de verlenging in."), max_length(1000)]
    )


# --------------------------------------------------------------------------- ZRM and ladder

SCORE_CHOICES = select_choices(
    [("", "Kies een score")]
    + [(str(k), f"{k} – {v}") for k, v in ZRM_LEVEL_LABELS.items()]
    + [("ng", "Niet gescoord (niet van toepassing)")]
)
LADDER_CHOICES = select_choices([("", "Kies een trede")] + [(str(k), f"{k} – {v}") for k, v in LADDER_LABELS.items()])
ASSESSMENT_KINDS = select_choices([("intake", "Intake"), ("tussentijds", "Tussentijds"), ("eind", "Eindmeting")])


class AssessmentForm(FlaskForm):
    assessed_on = DateField(
        "Datum van de meting",
        default=date.today,
        validators=[
            InputRequired(DATE_ERROR),
            date_between(lambda: EARLIEST, date.today, "Kies een datum tussen 2020 en vandaag."),
        ],
    )
    kind = SelectField("Soort meting", choices=ASSESSMENT_KINDS)
    ladder_rung = SelectField(
        "Participatieladder: huidige trede", choices=LADDER_CHOICES, validators=[InputRequired("Kies een trede.")]
    )
    growth_rung = SelectField(
        "Groeipotentieel: haalbare trede binnen een jaar",
        choices=LADDER_CHOICES,
        validators=[InputRequired("Kies een trede.")],
    )
    note = TextAreaField("Toelichting", validators=[Optional(), max_length(4000)])

    def validate_growth_rung(self, field):
        if field.errors or self.ladder_rung.errors:
            return
        rungs = (field.data or "", self.ladder_rung.data or "")
        if all(r.isdigit() for r in rungs) and int(rungs[0]) < int(rungs[1]):
            raise ValidationError("Het groeipotentieel kan niet lager zijn dan de huidige trede.")

    def score_fields(self):
        return [self[f"zrm_{domain}"] for domain in ZRM_DOMAIN_LABELS]

    def scores(self) -> dict[str, int | None]:
        return {
            domain: (None if self[f"zrm_{domain}"].data == "ng" else int(self[f"zrm_{domain}"].data))
            for domain in ZRM_DOMAIN_LABELS
        }


for _domain, _label in ZRM_DOMAIN_LABELS.items():
    setattr(
        AssessmentForm,
        f"zrm_{_domain}",
        SelectField(_label, choices=SCORE_CHOICES, validators=[InputRequired("Kies een score of 'niet gescoord'.")]),
    )


# --------------------------------------------------------------------------- goals and actions


class GoalForm(FlaskForm):
    domain = SelectField(
        "Leefgebied",
        choices=choices(ZRM_DOMAIN_LABELS, "Kies een leefgebied"),
        validators=[InputRequired("Kies een leefgebied.")],
    )
    description = TextAreaField("Doel", validators=[DataRequired("Beschrijf het doel."), max_length(1000)])
    target_date = DateField(
        "Streefdatum",
        validators=[
            Optional(),
            date_between(lambda: EARLIEST, lambda: date(2040, 12, 31), "Kies een streefdatum tussen 2020 en 2040."),
        ],
    )
    confidential = BooleanField("Vertrouwelijk: alleen in de persoonlijke bijlage van het contract")


class GoalStatusForm(FlaskForm):
    status = SelectField("Status van het doel", choices=choices(GOAL_STATUS_LABELS))


class SharedChoices(list):
    """Choices that many forms on one page share; their `<option>` markup is rendered only once."""

    options_html: Markup | None = None


class SharedOptionsSelect(Select):
    """A select that reuses the options markup of `SharedChoices` while nothing is selected.

    The case file has one new-action form per goal, each listing every partner organisation:
    rendering those options once instead of per goal keeps the page fast as partners are added.
    """

    def __call__(self, field, **kwargs):
        shared = field.choices if isinstance(field.choices, SharedChoices) else None
        if shared is None or field.data:
            return super().__call__(field, **kwargs)
        if shared.options_html is None:
            # Public API only: `iter_choices` yields WTForms' Choice, `render_option` draws one option.
            shared.options_html = Markup("").join(self.render_option(choice) for choice in field.iter_choices())
        kwargs.setdefault("id", field.id)
        if field.flags.required and "required" not in kwargs:
            kwargs["required"] = True
        # html_params escapes every value; the options are Markup built by the wtforms Select widget.
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{shared.options_html}</select>")  # noqa: S704


class ActionForm(FlaskForm):
    description = StringField("Actie", validators=[DataRequired("Beschrijf de actie."), max_length(500)])
    who = SelectField(
        "Wie doet het", choices=[], validators=[InputRequired("Kies wie de actie doet.")], widget=SharedOptionsSelect()
    )
    due_date = DateField(
        "Uiterlijk op",
        validators=[
            Optional(),
            date_between(lambda: EARLIEST, lambda: date(2040, 12, 31), "Kies een datum tussen 2020 en 2040."),
        ],
    )


# --------------------------------------------------------------------------- conversations


class ConversationForm(FlaskForm):
    held_at = DateTimeLocalField(
        "Datum en tijd", format="%Y-%m-%dT%H:%M", validators=[InputRequired("Vul een datum en tijd in.")]
    )
    kind = SelectField("Soort gesprek", choices=choices(CONVERSATION_KIND_LABELS))
    attendance = SelectField("Aanwezigheid", choices=choices(ATTENDANCE_LABELS))
    cancel_reason = StringField("Reden van afmelden", validators=[Optional(), max_length(500)])
    summary = TextAreaField("Verslag (vertrouwelijk)", validators=[Optional(), max_length(5000)])
    next_action = StringField("Volgende actie", validators=[Optional(), max_length(500)])
    # Practical information for the participant: shown in Mijn Perspectiefjaar and in the reminder.
    location = StringField(
        "Plaats", validators=[Optional(), Length(max=200, message="Hoogstens 200 tekens."), no_control_characters]
    )
    address = StringField(
        "Adres", validators=[Optional(), Length(max=300, message="Hoogstens 300 tekens."), no_control_characters]
    )
    bring = StringField(
        "Wat neemt de deelnemer mee?",
        validators=[Optional(), Length(max=500, message="Hoogstens 500 tekens."), no_control_characters],
    )

    def validate_held_at(self, field):
        if field.data and not (EARLIEST.year <= field.data.year <= 2040):
            raise ValidationError("Kies een datum tussen 2020 en 2040.")

    def validate_attendance(self, field):
        if (
            field.data in ("verschenen", "niet_verschenen", "afgemeld")
            and self.held_at.data
            and self.held_at.data > local_now()
        ):
            raise ValidationError("Een gesprek in de toekomst is nog 'gepland'.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.attendance.data == "afgemeld" and not (self.cancel_reason.data or "").strip():
            self.cancel_reason.errors = [*self.cancel_reason.errors, "Vul de reden van afmelden in."]
            valid = False
        return valid
