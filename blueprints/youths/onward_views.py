"""Case-file pages for onward referrals ("verwezen naar") and the question 6 and 12 months after the end.

Access: coaches only, like the rest of the case file. Partners never see referrals (the reason is case
content), finance and beheer neither. Every page is a real form (POST-redirect-GET); the case file
shows the list through `onward_context` and templates/youths/partials/onward_referrals.html.
"""

from flask import abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from blueprints.youths import bp, lasting, onward, queries
from blueprints.youths.onward import today
from blueprints.youths.onward_forms import (
    PARTNER_PREFIX,
    LastingAnswerForm,
    OnwardReferralForm,
    OnwardResultForm,
    destination_choices,
)
from blueprints.youths.views import open_file
from core.access import allow
from core.forms import form_status
from core.htmx import redirect_after_post, render
from core.paging import ListPage
from models import db

COACH = "coach"
SECTION = "verwezen-naar"
TASKS_PER_PAGE = 25
# Where an answer given from a task list goes back to: `?terug=` -> (endpoint, link text).
BACK_TO = {
    "start": ("home.coach", "Terug naar de startpagina"),
    "lijst": ("youths.lasting_tasks", "Terug naar de vragen na afloop"),
}


def end_unsaved() -> None:
    """A page shown again: a GET commits its view log entry; a refused POST keeps nothing."""
    if request.method == "GET":
        db.session.commit()
    else:
        db.session.rollback()


def file_url(participant_id: int, anchor: str = SECTION) -> str:
    return url_for("youths.show", participant_id=participant_id) + f"#{anchor}"


def load_file(participant_id: int):
    """The participant or 404; showing a form logs a view of the file (a POST does not: it changes it)."""
    return open_file(participant_id) if request.method == "GET" else queries.get_participant(participant_id)


def load_referral(referral_id: int):
    referral = onward.get_referral(referral_id)
    if referral is None:
        abort(404)
    return referral


def _apply_error(form, error: onward.OnwardError) -> None:
    form[error.field].errors = [*form[error.field].errors, str(error)]


def _referral_page(form, participant, referral, status_code=None):
    return render(
        "youths/onward_form.html",
        form=form,
        p=participant,
        referral=referral,
        status=status_code or form_status(form),
    )


def _save_referral(form, participant, referral=None):
    """Validate the form and the rules together, so every message shows at once; True when saved."""
    valid = form.validate_on_submit()
    if request.method != "POST":
        return False
    destination, organisation_id = form.destination_parts() if not form.destination.errors else ("", None)
    if not form.referred_on.errors and form.referred_on.data:
        try:
            onward.check_referred_on(participant, form.referred_on.data, today())
        except onward.OnwardError as error:
            _apply_error(form, error)
            valid = False
    if not valid:
        return False
    data = onward.ReferralInput(
        destination=destination,
        organisation_id=organisation_id,
        destination_other=form.destination_other.data,
        referred_on=form.referred_on.data,
        reason=form.reason.data,
        result=form.result.data,
        result_on=form.result_on.data,
    )
    try:
        return onward.save(participant, data, current_user, today(), referral)
    except onward.OnwardError as error:
        _apply_error(form, error)
        return False


def _referral_form(participant, referral=None):
    """The add and change pages: one form, prefilled from the referral (or today) on a GET."""
    form = OnwardReferralForm(obj=referral if request.method == "GET" else None)
    form.destination.choices = destination_choices(queries.partner_organisations())
    if request.method == "GET" and referral is None:
        form.referred_on.data = today()
    elif request.method == "GET" and referral.destination == onward.PARTNER:
        form.destination.data = f"{PARTNER_PREFIX}{referral.organisation_id}"
    saved = _save_referral(form, participant, referral)
    if saved:
        db.session.commit()
        flash("De verwijzing is bijgewerkt." if referral else "De verwijzing is opgeslagen.", "success")
        return redirect_after_post(file_url(participant.id, f"verwijzing-{saved.id}"))
    end_unsaved()
    return _referral_page(form, participant, referral)


@bp.route("/<int:participant_id>/verwezen-naar/nieuw", methods=["GET", "POST"])
@allow(COACH)
def new_onward_referral(participant_id: int):
    return _referral_form(load_file(participant_id))


@bp.route("/verwezen-naar/<int:referral_id>/wijzigen", methods=["GET", "POST"])
@allow(COACH)
def edit_onward_referral(referral_id: int):
    referral = load_referral(referral_id)
    return _referral_form(load_file(referral.participant_id), referral)


@bp.route("/verwezen-naar/<int:referral_id>/uitkomst", methods=["GET", "POST"])
@allow(COACH)
def onward_referral_result(referral_id: int):
    referral = load_referral(referral_id)
    participant = load_file(referral.participant_id)
    form = OnwardResultForm(obj=referral if request.method == "GET" else None)
    if request.method == "GET" and referral.result == onward.UNKNOWN:
        form.result_on.data = today()
    if form.validate_on_submit():
        try:
            onward.set_result(referral, form.result.data, form.result_on.data, today())
        except onward.OnwardError as error:
            _apply_error(form, error)
        else:
            db.session.commit()
            flash("De uitkomst van de verwijzing is opgeslagen.", "success")
            return redirect_after_post(file_url(participant.id, f"verwijzing-{referral.id}"))
    end_unsaved()
    return render("youths/onward_result.html", form=form, p=participant, referral=referral, status=form_status(form))


@bp.route("/<int:participant_id>/na-afloop/<int:months>", methods=["GET", "POST"])
@allow(COACH)
def lasting_answer(participant_id: int, months: int):
    """Where is the person now, `months` after the end? Only once the question is due (else 404)."""
    if months not in lasting.MONTHS:
        abort(404)
    participant = load_file(participant_id)
    day = today()
    if not lasting.is_due(participant, months, day):
        abort(404)
    check = lasting.get_check(participant.id, months)
    form = LastingAnswerForm(obj=check if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            lasting.answer(participant, months, form.situation.data, form.note.data, current_user, day)
            db.session.commit()
        except lasting.LastingError as error:
            db.session.rollback()
            form[error.field].errors = [str(error)]
        except IntegrityError:  # another coach answered the same question at the same moment: theirs stands
            db.session.rollback()
            flash("Deze vraag is net door iemand anders beantwoord. Kijk of het antwoord klopt.", "warning")
            return redirect_after_post(file_url(participant.id, "na-afloop"))
        else:
            flash("Dank u. Het antwoord is opgeslagen.", "success")
            back = BACK_TO.get(request.args.get("terug"))
            if back:
                return redirect_after_post(url_for(back[0]) + "#na-afloop-kop")
            return redirect_after_post(file_url(participant.id, "na-afloop"))
    end_unsaved()
    return render(
        "youths/lasting_answer.html",
        form=form,
        p=participant,
        months=months,
        due_on=lasting.due_on(participant.outcome_date, months),
        check=check,
        back=request.args.get("terug") if request.args.get("terug") in BACK_TO else None,
        back_to=BACK_TO,
        status=form_status(form),
    )


@bp.route("/na-afloop")
@allow(COACH)
def lasting_tasks():
    """Every open question after the end for the coach's own participants, oldest due first (the start
    page shows the first few)."""
    tasks = lasting.coach_tasks(current_user.id, today())
    page = ListPage.of(tasks, request.args.get("pagina", 1, type=int), TASKS_PER_PAGE)
    return render("youths/lasting_tasks.html", page=page)
