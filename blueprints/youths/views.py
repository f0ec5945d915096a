"""Case-file pages for life-coaches: list, intake, the file, workflow, ZRM, goals, conversations, timeline.

Access: coaches only. Case content (assessments, notes, conversations) is not for finance, partners
or beheer; beheer sees who opened which file in the audit log. Every view of a file is logged.
"""

from datetime import date, datetime

from flask import abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from blueprints.mijn import reminders
from blueprints.youths import (
    bp,
    closing,
    coach_history,
    followup,
    list_cache,
    persons,
    queries,
    same_person,
    timeline,
    workflow,
)
from blueprints.youths.forms import (
    ActionForm,
    AssessmentForm,
    ConversationForm,
    DetailsForm,
    ExtendForm,
    FollowupClearForm,
    GoalForm,
    GoalStatusForm,
    IntakeForm,
    OutcomeCorrectionForm,
    ParticipantFilterForm,
    StatusForm,
    close_form,
)
from blueprints.youths.sections import SECTIONS, goal_forms, section_context, section_url, who_choices
from core.access import allow
from core.audit import record
from core.errors import error_page
from core.forms import EmptyForm, form_status, select_choices
from core.htmx import is_partial_request, redirect_after_post, render
from core.localtime import local_now, to_local, to_utc
from core.versioned_cache import sub_key
from models import (
    Action,
    Assessment,
    Conversation,
    Goal,
    Participant,
    ParticipantStatus,
    Person,
    ZrmScore,
    db,
)

COACH = "coach"


def open_file(participant_id: int) -> Participant:
    """Load a participant or 404, and log that the signed-in coach looked at this file."""
    participant = queries.get_participant(participant_id)
    record(db.session, "view", participant)
    return participant


def commit_view_entry() -> None:
    """Commit the view log entry, keeping what this request already loaded.

    The entry changes nothing the page shows; a normal commit would expire the participant and the
    signed-in user, and the template would load them again. Commit before loading the file: the page
    then reads one consistent state and nothing is loaded twice.
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


# --------------------------------------------------------------------------- list and intake


@bp.route("/")
@allow(COACH)
def index():
    form = ParticipantFilterForm(request.args)
    today = date.today()
    key = list_cache.people_key(current_user.role, today)  # the days left change with the day
    coach_list = list_cache.coach_choices(key)
    form.coach.choices = select_choices([("", "Alle life-coaches")] + [(str(id_), name) for id_, name in coach_list])
    form.validate()  # invalid values are shown at the field and simply not used as a filter
    filters = queries.ListFilter(
        q="" if form.q.errors else (form.q.data or "").strip(),
        status="" if form.status.errors else form.status.data or "",
        coach_id=int(form.coach.data) if (form.coach.data or "").isdigit() else None,
        followup_only=bool(form.opvolging.data),
        sort="naam" if form.sort.errors else form.sort.data or "naam",
    )
    page = max(request.args.get("pagina", 1, type=int), 1)
    args = {k: v for k, v in request.args.items() if k != "pagina" and v}

    body = list_cache.results_body(
        sub_key(key, filters, page, tuple(sorted(args.items()))),
        lambda: {"pager": queries.participant_page(filters, page), "args": args, "today": today},
    )
    if is_partial_request():  # a search or filter: only the results
        return render("youths/index.html", "cached_region.html", body=body, status=form_status(form))
    # The form shows the URL's values and messages, and its coach choices: kept per both.
    filters_html = list_cache.filter_form(
        sub_key(key, tuple(sorted(request.args.items(multi=True)))), lambda: {"form": form}
    )
    return render("youths/index.html", filter_form=filters_html, body=body, status=form_status(form))


@bp.route("/nieuw", methods=["GET", "POST"])
@allow(COACH)
def new():
    form = IntakeForm()
    form.coach_id.choices = select_choices(
        [("", "Kies een life-coach")] + [(str(c.id), c.name) for c in queries.coaches()]
    )
    again = None
    if request.method == "GET":
        form.coach_id.data = str(current_user.id)
        again = prefill_reentry(form, request.args.get("opnieuw", type=int))
    if form.validate_on_submit():
        person, matches = None, []
        full_name = f"{form.first_name.data.strip()} {form.last_name.data.strip()}"
        if (form.person.data or "").isdigit():
            person = persons.load_person(int(form.person.data))
            try:
                persons.check_link(person)
            except persons.LinkError as error:
                form.form_errors.append(str(error))
                return render("youths/new.html", form=form, again=None, status=form_status(form))
        else:
            matches = same_person.same_people(full_name, form.date_of_birth.data)
            if matches and form.person.data != "nieuw":
                # The second step: the coach says whether this is the same person (a real form, no JavaScript).
                carried = [(k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token", "person")]
                return render(
                    "youths/same_person.html",
                    form=form,
                    matches=matches,
                    carried=carried,
                    open_trajectory=persons.open_trajectory,
                )
        details = {
            "first_name": form.first_name.data.strip(),
            "last_name": form.last_name.data.strip(),
            "date_of_birth": form.date_of_birth.data,
            "email": (form.email.data or "").strip() or None,
            "phone": (form.phone.data or "").strip() or None,
            "address": (form.address.data or "").strip() or None,
            "highest_education": form.highest_education.data,
            "has_startkwalificatie": bool(form.has_startkwalificatie.data),
            "referral_source": form.referral_source.data,
            "coach_id": int(form.coach_id.data),
            "start_date": form.start_date.data,
        }
        participant = workflow.admit(details, current_user, date.today(), form.exception_reason.data, person=person)
        if person is not None:
            earlier = ", ".join(str(t.id) for t in person.trajectories if t.id != participant.id)
            changes = {"persoon": (None, person.id), "eerdere trajecten": (None, earlier)}
            record(db.session, "same_person_linked", participant, changes=changes)
        elif matches:
            changes = {"niet dezelfde als persoon": (None, ", ".join(str(m.id) for m in matches))}
            record(db.session, "same_person_other", participant, changes=changes)
        db.session.commit()
        flash(f"{participant.full_name} is aangemeld.", "success")
        return redirect_after_post(section_url(participant.id))
    if (form.person.data or "").isdigit() and not form.person.errors and again is None:
        again = persons.load_person(int(form.person.data))
    return render("youths/new.html", form=form, again=again, status=form_status(form))


def prefill_reentry(form: IntakeForm, participant_id: int | None) -> Person | None:
    """'Opnieuw aanmelden' from a closed file: the intake form with the person's details filled in and the
    new trajectory linked to that person. Returns the person, or None for a plain intake."""
    if participant_id is None:
        return None
    earlier = queries.get_participant(participant_id)
    if earlier.status not in workflow.ENDED or earlier.person is None:
        return None
    person = earlier.person
    for name in ("first_name", "last_name", "date_of_birth", "email", "phone", "address"):
        getattr(form, name).data = getattr(person, name)
    form.highest_education.data = earlier.highest_education
    form.has_startkwalificatie.data = earlier.has_startkwalificatie
    form.person.data = str(person.id)
    return person


# --------------------------------------------------------------------------- the file


UNKNOWN_SECTION = "Dit onderdeel van het dossier bestaat niet. Kies een onderdeel in het menu van het dossier."


@bp.route("/<int:participant_id>")
@allow(COACH)
def show(participant_id: int):
    """One section of the file (`?tab=`, the overview without): as a page, or for htmx only the section."""
    section = SECTIONS.get(request.args.get("tab") or "overzicht")
    participant = open_file(participant_id)
    if section is None:
        db.session.rollback()  # nothing was shown: no view entry
        return error_page(404, message=UNKNOWN_SECTION)
    commit_view_entry()
    context = section_context(participant, section)
    return render("youths/show.html", "youths/partials/section_fragment.html", **context)


@bp.route("/<int:participant_id>/gegevens", methods=["GET", "POST"])
@allow(COACH)
def edit_details(participant_id: int):
    participant = open_file(participant_id)
    form = DetailsForm(obj=participant)
    form.coach_id.choices = select_choices(
        [("", "Kies een life-coach")] + [(str(c.id), c.name) for c in queries.coaches()]
    )
    if request.method == "GET":
        form.coach_id.data = str(participant.coach_id or "")
    if form.validate_on_submit():
        participant.first_name = form.first_name.data.strip()
        participant.last_name = form.last_name.data.strip()
        participant.email = (form.email.data or "").strip() or None
        participant.phone = (form.phone.data or "").strip() or None
        participant.address = (form.address.data or "").strip() or None
        participant.highest_education = form.highest_education.data
        persons.update_person(participant)
        coach_history.assign_coach(participant, int(form.coach_id.data), "Gewijzigd bij de gegevens", current_user)
        db.session.commit()
        flash("De gegevens zijn opgeslagen.", "success")
        return redirect_after_post(section_url(participant.id))
    db.session.commit()  # the view entry
    status = form_status(form)
    return render("youths/edit_details.html", status=status, form=form, p=participant)


@bp.route("/<int:participant_id>/tijdlijn")
@allow(COACH)
def timeline_page(participant_id: int):
    participant = open_file(participant_id)
    commit_view_entry()
    number = max(request.args.get("pagina", 1, type=int), 1)
    items, more = timeline.page(queries.load_case_file(participant), number)
    return render(
        "youths/timeline.html",
        "youths/partials/timeline_items.html",
        p=participant,
        timeline_items=items,
        timeline_more=more,
        timeline_page=number,
    )


# --------------------------------------------------------------------------- workflow


@bp.route("/<int:participant_id>/status", methods=["GET", "POST"])
@allow(COACH)
def status(participant_id: int):
    participant = open_file(participant_id) if request.method == "GET" else queries.get_participant(participant_id)
    target = request.values.get("naar") or request.form.get("to_status")
    closing_file = target in workflow.ENDED and target in workflow.allowed_moves(participant.status)
    ends = closing.loose_ends(participant) if closing_file else None
    form = close_form(ends) if closing_file else StatusForm()
    if request.method == "GET":
        form.to_status.data = target
    if form.validate_on_submit():
        try:
            if closing_file:
                closing.close_file(
                    participant, current_user, form.to_status.data, form.on.data, **close_choices(form, ends)
                )
            else:
                workflow.change_status(
                    participant, form.to_status.data, current_user, form.on.data, note=form.note.data
                )
        except (workflow.WorkflowError, closing.ClosingError) as error:
            db.session.rollback()  # nothing of a half close-out stays
            target_field = form._fields.get(error.field, form.to_status)
            target_field.errors = [str(error)]
            ends = closing.loose_ends(participant) if closing_file else None
        else:
            db.session.commit()
            if participant.status in workflow.CLOSED:
                flash("Het dossier is afgesloten. Leg nu de eindmeting vast: ZRM en participatieladder.", "warning")
                return redirect_after_post(
                    url_for("youths.new_assessment", participant_id=participant.id, soort="eind")
                )
            flash(f"De status is nu: {participant.status_label}.", "success")
            return redirect_after_post(section_url(participant.id, anchor="status"))
    db.session.commit()  # the view log entry
    target = target if target in workflow.allowed_moves(participant.status) else None
    return render(
        "youths/status.html",
        p=participant,
        form=form,
        loose_ends=ends,
        closing=closing,
        target=target,
        moves=workflow.allowed_moves(participant.status),
        move_labels=workflow.MOVE_LABELS,
        status=form_status(form),
    )


def close_choices(form, ends: closing.LooseEnds) -> dict:
    """The close-out form's answers as the arguments of `closing.close_file`."""
    requests = {
        r.id: closing.RequestChoice(form[closing.request_field(r.id)].data, form[closing.reason_field(r.id)].data or "")
        for r in ends.requests
    }
    commitments = {c.id: form[closing.commitment_field(c.id)].data for c in ends.commitments}
    return {
        "requests": requests,
        "commitments": commitments,
        "outcome": form.outcome.data or None,
        "note": form.note.data,
        "reason": form.reason.data,
        "not_started_reason": form.not_started_reason.data or None,
    }


@bp.route("/<int:participant_id>/opvolging", methods=["GET", "POST"])
@allow(COACH)
def clear_followup(participant_id: int):
    """The coach clears 'opvolging nodig' with a reason (the same rule closing a file uses)."""
    participant = queries.get_participant(participant_id)
    form = FollowupClearForm()
    if form.validate_on_submit():
        try:
            followup.clear_followup(participant, form.reason.data)
        except followup.FollowupError as error:
            form.reason.errors = [str(error)]
        else:
            db.session.commit()
            flash("De opvolging is afgerond.", "success")
            return redirect_after_post(url_for("youths.show", participant_id=participant.id))
    return render("youths/followup_clear.html", p=participant, form=form, status=form_status(form))


def valid_correction(form: OutcomeCorrectionForm, participant: Participant, today: date) -> bool:
    """The form's own checks and the date's place in the trajectory together, so every message shows at once."""
    valid = form.validate_on_submit()
    if valid or request.method != "POST" or not form.on.data or form.on.errors:
        return valid
    try:
        workflow.check_outcome_date(participant, form.on.data, today)
    except workflow.WorkflowError as error:
        form.on.errors = [str(error)]
    return False


@bp.route("/<int:participant_id>/uitstroom/corrigeren", methods=["GET", "POST"])
@allow(COACH, "beheer")
def correct_outcome(participant_id: int):
    """Correct the outcome of a closed file. Beheer may too (after 90 days only beheer): this page shows
    the outcome alone, no case content."""
    participant = queries.get_participant(participant_id)
    today = date.today()
    refusal = workflow.correction_refusal(participant, current_user, today)
    form = OutcomeCorrectionForm()
    form.outcome.choices = select_choices(workflow.correction_outcomes(participant).items())
    if request.method == "GET":
        form.outcome.data = participant.outcome
        form.on.data = participant.outcome_date
        form.note.data = participant.outcome_note
    if refusal is None and valid_correction(form, participant, today):
        try:
            workflow.correct_outcome(
                participant,
                current_user,
                outcome=form.outcome.data,
                on=form.on.data,
                note=form.note.data,
                reason=form.reason.data,
                today=today,
            )
        except workflow.WorkflowError as error:
            form[error.field].errors = [str(error)]
        else:
            db.session.commit()
            flash("De uitstroom is gecorrigeerd. De correctie en de reden staan in het auditlog.", "success")
            if current_user.role == COACH:
                return redirect_after_post(section_url(participant.id, anchor="status"))
            return redirect_after_post(url_for("youths.correct_outcome", participant_id=participant.id))
    status = form_status(form)
    if refusal is not None and request.method == "POST":
        status = 403
    return render(
        "youths/correct_outcome.html",
        p=participant,
        form=form,
        refusal=refusal,
        correction_days=workflow.CORRECTION_DAYS,
        status=status,
    )


@bp.route("/<int:participant_id>/verlengen", methods=["GET", "POST"])
@allow(COACH)
def extend(participant_id: int):
    participant = queries.get_participant(participant_id)
    form = ExtendForm()
    if request.method == "GET":
        form.new_end.data = workflow.add_months(participant.end_date, 3)
    if form.validate_on_submit():
        try:
            workflow.extend(participant, form.new_end.data, form.reason.data, current_user)
        except workflow.WorkflowError as error:
            form[error.field].errors = [str(error)]
        else:
            db.session.commit()
            flash("Het perspectiefjaar is verlengd.", "success")
            return redirect_after_post(section_url(participant.id, anchor="status"))
    return render("youths/extend.html", p=participant, form=form, status=form_status(form))


# --------------------------------------------------------------------------- ZRM and ladder


@bp.route("/<int:participant_id>/metingen/nieuw", methods=["GET", "POST"])
@allow(COACH)
def new_assessment(participant_id: int):
    participant = queries.get_participant(participant_id)
    form = AssessmentForm()
    if request.method == "GET":
        has_any = db.session.scalar(select(Assessment.id).where(Assessment.participant_id == participant.id).limit(1))
        closed = participant.status in (ParticipantStatus.AFGEROND, ParticipantStatus.UITGEVALLEN)
        wanted = request.args.get("soort")
        form.kind.data = (
            wanted
            if wanted in ("intake", "tussentijds", "eind")
            else ("eind" if closed else "tussentijds" if has_any else "intake")
        )
    if form.validate_on_submit():
        assessment = Assessment(
            participant_id=participant.id,
            assessed_on=form.assessed_on.data,
            kind=form.kind.data,
            ladder_rung=int(form.ladder_rung.data),
            growth_rung=int(form.growth_rung.data),
            note=(form.note.data or "").strip() or None,
            assessed_by_id=current_user.id,
            scores=[ZrmScore(domain=d, score=s) for d, s in form.scores().items()],
        )
        db.session.add(assessment)
        db.session.commit()
        flash("De meting is opgeslagen.", "success")
        return redirect_after_post(section_url(participant.id, "metingen", "zrm"))
    return render("youths/assessment_form.html", p=participant, form=form, status=form_status(form))


# --------------------------------------------------------------------------- goals and actions


def load_goal(goal_id: int) -> Goal:
    goal = db.session.scalar(
        select(Goal)
        .where(Goal.id == goal_id)
        .options(joinedload(Goal.participant), selectinload(Goal.actions).joinedload(Action.organisation))
    )
    if goal is None:
        abort(404)
    return goal


def render_goal(goal: Goal, forms: dict | None = None, status: int = 200, added_action: str | None = None):
    """The goal card. After an action was added (htmx) the form stays open with a confirmation, so keyboard
    focus, which htmx puts back on the "Actie opslaan" button by its id, lands next to what just happened."""
    organisations = queries.partner_organisations()
    all_forms = goal_forms([goal], organisations, {goal.id: forms or {}})
    return render(
        "youths/goal.html",
        "youths/partials/goal.html",
        goal=goal,
        p=goal.participant,
        forms=all_forms[goal.id],
        today=date.today(),
        button_form=EmptyForm(formdata=None),
        added_action=added_action,
        status=status,
    )


@bp.route("/<int:participant_id>/doelen/nieuw", methods=["GET", "POST"])
@allow(COACH)
def new_goal(participant_id: int):
    participant = queries.get_participant(participant_id)
    form = GoalForm()
    if form.validate_on_submit():
        goal = Goal(
            participant_id=participant.id,
            domain=form.domain.data,
            description=form.description.data.strip(),
            target_date=form.target_date.data,
            status="open",
            confidential=bool(form.confidential.data),
            created_by_id=current_user.id,
        )
        db.session.add(goal)
        db.session.commit()
        flash("Het doel is toegevoegd.", "success")
        return redirect_after_post(section_url(participant.id, "plan", f"doel-{goal.id}"))
    return render("youths/goal_form.html", p=participant, form=form, status=form_status(form))


@bp.route("/doelen/<int:goal_id>/status", methods=["POST"])
@allow(COACH)
def goal_status(goal_id: int):
    goal = load_goal(goal_id)
    form = GoalStatusForm(prefix=f"doel{goal.id}")
    if form.validate_on_submit():
        goal.status = form.status.data
        db.session.commit()
        if not is_partial_request():
            flash("De status van het doel is opgeslagen.", "success")
            return redirect_after_post(section_url(goal.participant_id, "plan", f"doel-{goal.id}"))
        return render_goal(load_goal(goal_id))
    return render_goal(goal, {"status": form}, status=422)


@bp.route("/doelen/<int:goal_id>/acties", methods=["POST"])
@allow(COACH)
def new_action(goal_id: int):
    goal = load_goal(goal_id)
    organisations = queries.partner_organisations()
    form = ActionForm(prefix=f"actie{goal.id}")
    form.who.choices = who_choices(organisations)
    if form.validate_on_submit():
        who, _, org_id = form.who.data.partition("-")
        db.session.add(
            Action(
                goal_id=goal.id,
                description=form.description.data.strip(),
                who=who,
                organisation_id=int(org_id) if who == "partner" else None,
                due_date=form.due_date.data,
            )
        )
        db.session.commit()
        if not is_partial_request():
            flash("De actie is toegevoegd.", "success")
            return redirect_after_post(section_url(goal.participant_id, "plan", f"doel-{goal.id}"))
        return render_goal(load_goal(goal_id), added_action=form.description.data.strip())
    return render_goal(goal, {"action": form}, status=422)


@bp.route("/acties/<int:action_id>/klaar", methods=["POST"])
@allow(COACH)
def toggle_action(action_id: int):
    action = queries.get_action(action_id)
    form = EmptyForm()
    if form.validate_on_submit():
        action.done = not action.done
        action.done_on = date.today() if action.done else None
        db.session.commit()
    if not is_partial_request():
        return redirect_after_post(section_url(action.goal.participant_id, "plan", f"doel-{action.goal_id}"))
    return render_goal(load_goal(action.goal_id))


# --------------------------------------------------------------------------- conversations


def save_conversation(conversation: Conversation, form: ConversationForm) -> None:
    conversation.held_at = to_utc(form.held_at.data)
    conversation.kind = form.kind.data
    conversation.attendance = form.attendance.data
    conversation.cancel_reason = (
        (form.cancel_reason.data or "").strip() or None if form.attendance.data == "afgemeld" else None
    )
    conversation.summary = (form.summary.data or "").strip() or None
    conversation.next_action = (form.next_action.data or "").strip() or None
    conversation.location = (form.location.data or "").strip() or None
    conversation.address = (form.address.data or "").strip() or None
    conversation.bring = (form.bring.data or "").strip() or None


def planned_start(text: str | None):
    """`?op=2026-12-07T10:00` from the calendar (Dutch time); anything else is ignored."""
    try:
        start = datetime.strptime(text or "", "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return start if 2020 <= start.year <= 2040 else None


@bp.route("/<int:participant_id>/gesprekken/nieuw", methods=["GET", "POST"])
@allow(COACH)
def new_conversation(participant_id: int):
    participant = queries.get_participant(participant_id)
    form = ConversationForm()
    if request.method == "GET":
        form.held_at.data = planned_start(request.args.get("op")) or local_now()  # ?op=: planned from the calendar
        form.kind.data = "voortgangsgesprek"
        form.attendance.data = "gepland"
    if form.validate_on_submit():
        conversation = Conversation(participant_id=participant.id, coach_id=current_user.id)
        save_conversation(conversation, form)
        db.session.add(conversation)
        db.session.flush()
        reminders.appointment_changed(conversation, None)  # calendar invitation for the participant
        followup.refresh_followup(participant)
        db.session.commit()
        flash("Het gesprek is opgeslagen.", "success")
        return redirect_after_post(section_url(participant.id, "gesprekken", "gesprekken"))
    return render(
        "youths/conversation_form.html", p=participant, form=form, conversation=None, status=form_status(form)
    )


@bp.route("/gesprekken/<int:conversation_id>/bewerken", methods=["GET", "POST"])
@allow(COACH)
def edit_conversation(conversation_id: int):
    conversation = queries.get_conversation(conversation_id)
    participant = queries.get_participant(conversation.participant_id)
    form = ConversationForm(obj=conversation if request.method == "GET" else None)
    if request.method == "GET":
        form.held_at.data = to_local(conversation.held_at)
        record(db.session, "view", participant)
        db.session.commit()
    if form.validate_on_submit():
        before = reminders.snapshot(conversation)
        save_conversation(conversation, form)
        reminders.appointment_changed(conversation, before)  # moved or cancelled: update the calendar
        followup.refresh_followup(participant)
        db.session.commit()
        flash("Het gesprek is bijgewerkt.", "success")
        return redirect_after_post(section_url(participant.id, "gesprekken", f"gesprek-{conversation.id}"))
    return render(
        "youths/conversation_form.html", p=participant, form=form, conversation=conversation, status=form_status(form)
    )
