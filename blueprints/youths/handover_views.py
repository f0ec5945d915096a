"""The handover page (many files to another coach, with a reason) and "gelezen" on a file's handover summary.

Access: coaches, as every change of coach today (the details form). Beheer, finance and partners do not see
the list of participants. The page works without JavaScript: the coach filter is a GET form, "alles aanvinken"
is a link that renders every box checked, the handover is one POST (PRG).
"""

from flask import flash, request, url_for
from flask_login import current_user

from blueprints.youths import bp, handover, queries
from blueprints.youths.handover_forms import HandoverFilterForm, HandoverForm
from blueprints.youths.sections import section_url
from core.access import allow
from core.forms import choice_values, form_status, select_choices
from core.htmx import redirect_after_post, render
from core.localtime import local_now
from models import User, db

COACH = "coach"


def filter_choices(coaches_with_files) -> list:
    options = [
        (str(user.id), f"{user.name} ({n})" + ("" if user.active else ", uit dienst")) for user, n in coaches_with_files
    ]
    return select_choices([("", "Alle life-coaches"), *options, (handover.NO_COACH, "Zonder life-coach")])


@bp.route("/overdragen", methods=["GET", "POST"])
@allow(COACH)
def handover_page():
    filter_form = HandoverFilterForm(request.args)
    filter_form.van.choices = filter_choices(handover.coaches_with_files())
    if "van" not in request.args:  # most often: my own files, before my holiday (when I have any)
        mine = str(current_user.id)
        filter_form.van.data = mine if mine in choice_values(filter_form.van) else ""
    filter_form.validate()
    coach_filter = "" if filter_form.van.errors else (filter_form.van.data or "")

    form = HandoverForm()
    form.to_coach.choices = select_choices(
        [("", "Kies een life-coach")] + [(str(c.id), c.name) for c in queries.coaches()]
    )
    if form.validate_on_submit():
        to_coach = db.session.get(User, int(form.to_coach.data))
        try:
            result = handover.hand_over(
                request.form.getlist("participants"),
                to_coach,
                form.reason.data,
                form.note.data or "",
                form.until.data,
                current_user,
                local_now().date(),
            )
        except handover.HandoverError as error:
            db.session.rollback()
            form[error.field].errors = [*form[error.field].errors, str(error)]
        else:
            db.session.commit()
            count = len(result.moved)
            flash(f"{count} {'dossier' if count == 1 else 'dossiers'} overgedragen aan {to_coach.name}.", "success")
            if result.skipped:
                flash("Niet overgedragen: " + handover.describe(result.skipped), "warning")
            return redirect_after_post(url_for("youths.handover_page", van=coach_filter))

    files, more = handover.open_files(coach_filter)
    chosen = set(request.form.getlist("participants")) if request.method == "POST" else set()
    if request.method == "GET":
        if request.args.get("alle"):
            chosen = {str(p.id) for p, _ in files}
        elif request.args.get("deelnemer"):
            chosen = {request.args["deelnemer"]}
    return render(
        "youths/handover.html",
        status=form_status(form),
        form=form,
        filter_form=filter_form,
        coach_filter=coach_filter,
        files=files,
        more=more,
        chosen=chosen,
    )


@bp.route("/<int:participant_id>/overdracht-gelezen", methods=["POST"])
@allow(COACH)
def handover_read(participant_id: int):
    participant = queries.get_participant(participant_id)
    if handover.mark_read(participant, current_user):
        db.session.commit()
        flash("De overdracht is gelezen. Dit blok staat niet meer in het overzicht.", "success")
    else:
        flash("Er is geen overdracht aan u om als gelezen te markeren.", "warning")
    return redirect_after_post(section_url(participant.id))
