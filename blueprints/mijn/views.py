"""Mijn Perspectiefjaar pages: sign-in (code, QR), home, appointments, actions, messages, documents.

Thin views: load the participant's own object (or 404), call one rule in `home.py` or `signin.py`,
respond. Every page the participant opens is logged as a view of their file (the inzage lists it).
"""

import segno
from flask import Response, abort, flash, g, redirect, request, session, url_for
from flask_login import current_user

from blueprints.mijn import bp, home, ics, reminders, signin
from blueprints.mijn.forms import (
    AskCodeForm,
    CancelForm,
    CoachContactForm,
    CodeForm,
    MessageForm,
    ReminderForm,
    TickForm,
)
from blueprints.mijn.inzage_b1 import b1_pdf
from blueprints.privacy.inzage import collect
from core.access import PARTICIPANT, PUBLIC, allow
from core.audit import record, set_anonymous_actor
from core.forms import EmptyForm, form_status
from core.htmx import redirect_after_post, render
from extensions import limiter
from models import Participant, PortalMessage, db

ADDRESS_KEY = "portal_address"
SELF_LABEL = "deelnemer zelf (Mijn Perspectiefjaar)"


def me() -> Participant:
    return g.participant


def _seen(what: str) -> None:
    """Log the participant's own view, as the case file logs a coach's view (AVG: the inzage lists it)."""
    set_anonymous_actor(SELF_LABEL)
    record(db.session, "view", me(), changes={"pagina": (None, what)})
    db.session.commit()


@bp.before_app_request
def _load_participant():
    signin.load_participant()
    if g.participant is not None:
        set_anonymous_actor(SELF_LABEL)


# --------------------------------------------------------------------------- sign-in


@bp.route("/inloggen", methods=["GET"])
@allow(PUBLIC)
def login():
    if g.get("participant") is not None:
        return redirect(url_for("mijn.home"))
    return render(
        "mijn/login.html", form=AskCodeForm(), methods=signin.METHODS, expired=request.args.get("verlopen") == "1"
    )


@bp.route("/inloggen", methods=["POST"])
@allow(PUBLIC)
@limiter.limit("10 per minute; 30 per hour")
def ask_code():
    form = AskCodeForm()
    if not form.validate_on_submit():
        return render("mijn/login.html", form=form, methods=signin.METHODS, expired=False, status=422)
    address = form.address.data.strip()
    signin.request_code(address, url_for("mijn.code", _external=True))
    db.session.commit()
    session[ADDRESS_KEY] = address[:254]
    # The same answer whether or not the address is known: no one can find out who takes part.
    return redirect_after_post(url_for("mijn.code"))


@bp.route("/inloggen/code", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit("20 per minute; 60 per hour", methods=["POST"])
def code():
    address = session.get(ADDRESS_KEY)
    if not address:
        return redirect(url_for("mijn.login"))
    form = CodeForm()
    if form.validate_on_submit():
        result = signin.check_code(address, form.code.data, form.date_of_birth.data)
        if result.participant is not None:
            signin.start_session(result.participant, "code")
            set_anonymous_actor(SELF_LABEL)
            record(db.session, "portal_login", result.participant, changes={"methode": (None, "code")})
            db.session.commit()
            return redirect_after_post(url_for("mijn.home"))
        set_anonymous_actor("deelnemer (inlogpoging)")
        record(db.session, "portal_login", object_type="participant", result="geweigerd")
        db.session.commit()
        form.code.errors.append(result.problem)
    return render("mijn/code.html", form=form, address=address, status=form_status(form))


@bp.route("/qr/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit("20 per minute", methods=["POST"])
def qr(token):
    row = signin.qr_code_row(token)
    if row is None:
        abort(404)
    if request.method == "GET":
        if not signin.qr_usable(row):
            return render("mijn/qr_problem.html", status=410)
        return render("mijn/qr_confirm.html", form=EmptyForm(), token=token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    participant = signin.use_qr_token(token)
    if participant is None:
        return render("mijn/qr_problem.html", status=410)
    signin.start_session(participant, "qr")
    set_anonymous_actor(SELF_LABEL)
    record(db.session, "portal_login", participant, changes={"methode": (None, "qr")})
    db.session.commit()
    return redirect_after_post(url_for("mijn.home"))


@bp.route("/uitloggen", methods=["POST"])
@allow(PARTICIPANT)
def logout():
    if EmptyForm().validate_on_submit():
        signin.end_session(me())
        db.session.commit()
        flash("Je bent uitgelogd.", "success")
    return redirect_after_post(url_for("mijn.login"))


# --------------------------------------------------------------------------- home


def _home_context(**forms):
    data = home.home(me())
    return {
        "h": data,
        "route_link": home.route_link,
        "place": ics.place,
        "tick_form": TickForm(formdata=None),
        "message_form": forms.get("message_form") or MessageForm(formdata=None),
        "reminder_form": forms.get("reminder_form") or ReminderForm(formdata=None, channel=me().reminder_channel),
        "button_form": EmptyForm(formdata=None),
        "plain_goal": home.PLAIN_GOAL_STATUS,
        "plain_request": home.PLAIN_REQUEST_STATUS,
        "plain_commitment": home.PLAIN_COMMITMENT_STATUS,
    }


@bp.route("/", endpoint="home")
@allow(PARTICIPANT)
def home_page():
    _seen("start")
    return render("mijn/home.html", **_home_context())


def _own_conversation(conversation_id: int):
    conversation = home.own_conversation(me(), conversation_id)
    if conversation is None:
        abort(404)
    return conversation


@bp.route("/afspraken/<int:conversation_id>/agenda.ics")
@allow(PARTICIPANT)
def appointment_ics(conversation_id: int):
    conversation = _own_conversation(conversation_id)
    _seen(f"agenda afspraak {conversation.id}")
    method = "CANCEL" if conversation.attendance == "afgemeld" else "PUBLISH"
    data = ics.calendar_bytes(
        conversation, method, cancel_url=url_for("mijn.cancel", conversation_id=conversation.id, _external=True)
    )
    return Response(
        data,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="afspraak-{conversation.id}.ics"'},
    )


@bp.route("/afspraken/<int:conversation_id>/afzeggen", methods=["GET", "POST"])
@allow(PARTICIPANT)
def cancel(conversation_id: int):
    conversation = _own_conversation(conversation_id)
    form = CancelForm()
    if form.validate_on_submit():
        before = reminders.snapshot(conversation)
        try:
            home.cancel_appointment(me(), conversation, form.reason.data)
        except home.RuleError as exc:
            form.reason.errors.append(exc.message)
        else:
            reminders.appointment_changed(conversation, before)  # the calendar CANCEL
            db.session.commit()
            flash("Je afspraak is afgezegd. Je coach ziet je reden en neemt contact met je op.", "success")
            return redirect_after_post(url_for("mijn.home") + "#afspraken")
    elif request.method == "GET":
        _seen(f"afspraak {conversation.id} afzeggen")
    return render(
        "mijn/cancel.html", form=form, c=conversation, place=ics.place, route_link=home.route_link,
        status=form_status(form),
    )  # fmt: skip


@bp.route("/acties/<int:action_id>", methods=["POST"])
@allow(PARTICIPANT)
def tick(action_id: int):
    action = home.own_action(me(), action_id)
    if action is None:
        abort(404)
    form = TickForm()
    if form.validate_on_submit():
        home.tick_action(me(), action, bool(form.done.data))
        db.session.commit()
        done = "Goed zo! Je coach ziet dat je dit gedaan hebt."
        flash(done if action.done else "De actie staat weer open.", "success")
    return redirect_after_post(url_for("mijn.home") + f"#actie-{action.id}")


def _home_form_post(form, field, apply, done: str, anchor: str, form_name: str):
    """A form on the home page: apply the rule, or show the home page again with its message at the field."""
    if form.validate_on_submit():
        try:
            apply(me(), field.data)
        except home.RuleError as exc:
            field.errors.append(exc.message)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect_after_post(url_for("mijn.home") + anchor)
    return render("mijn/home.html", **_home_context(**{form_name: form}), status=422)


@bp.route("/bericht", methods=["POST"])
@allow(PARTICIPANT)
def message():
    form = MessageForm()
    done = "Je bericht is verstuurd. Je coach leest het zo snel mogelijk."
    return _home_form_post(form, form.body, home.send_message, done, "#bericht", "message_form")


@bp.route("/herinneringen", methods=["POST"])
@allow(PARTICIPANT)
def reminder_channel():
    form = ReminderForm()
    done = "Je keuze voor herinneringen is opgeslagen."
    return _home_form_post(form, form.channel, home.set_reminder_channel, done, "#herinneringen", "reminder_form")


@bp.route("/contract/<int:version_id>.pdf")
@allow(PARTICIPANT)
def contract_pdf(version_id: int):
    from blueprints.contracts.pdf import build_pdf  # here: the contracts package imports the case file

    version = home.own_contract_version(me(), version_id)
    if version is None:
        abort(404)
    _seen(f"contract versie {version.id}")
    return Response(
        build_pdf(version),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="contract-{version.contract.reference}.pdf"'},
    )


@bp.route("/mijn-gegevens.pdf")
@allow(PARTICIPANT)
def inzage_pdf():
    _seen("mijn gegevens (pdf)")
    data = collect(db.session, me().id)
    return Response(
        b1_pdf(data),
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="mijn-gegevens.pdf"'},
    )


# --------------------------------------------------------------------------- the coach's side


def is_own_participant(user, participant: Participant) -> bool:
    """Only the participant's own coach signs them in by QR or reads their messages."""
    return participant.coach_id in (None, user.id)


def _coach_participant(participant_id: int) -> Participant:
    from blueprints.youths.queries import get_participant  # here: the case file imports this feature

    participant = get_participant(participant_id)
    if not is_own_participant(current_user, participant):
        abort(404)
    return participant


@bp.route("/coach/deelnemers/<int:participant_id>/qr", methods=["POST"])
@allow("coach", only=is_own_participant)
def coach_qr(participant_id: int):
    """During a visit: a QR code that signs the participant in on their own phone (10 minutes, once)."""
    participant = _coach_participant(participant_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if participant.status not in signin.OPEN_STATUSES:
        flash("Dit dossier is gesloten: de deelnemer kan niet meer inloggen.", "error")
        return redirect_after_post(url_for("youths.show", participant_id=participant.id))
    token = signin.create_qr_token(participant, current_user.id)
    record(db.session, "portal_qr", participant)
    db.session.commit()
    url = url_for("mijn.qr", token=token, _external=True)
    svg = segno.make(url, error="m").svg_inline(scale=6, title="QR-code om in te loggen", dark="#000", light="#fff")
    return render("mijn/coach_qr.html", p=participant, svg=svg, url=url)


@bp.route("/coach/berichten/<int:message_id>/gelezen", methods=["POST"])
@allow("coach")
def message_read(message_id: int):
    message = db.session.get(PortalMessage, message_id)
    if message is None:
        abort(404)
    _coach_participant(message.participant_id)
    if EmptyForm().validate_on_submit():
        home.mark_read(message, current_user.id)
        db.session.commit()
    return redirect_after_post(url_for("home.coach") + "#mijn-perspectiefjaar")


@bp.route("/coach/bereikbaarheid", methods=["GET", "POST"])
@allow("coach")
def coach_contact():
    form = CoachContactForm(obj=current_user if request.method == "GET" else None)
    if form.validate_on_submit():
        current_user.phone = (form.phone.data or "").strip() or None
        current_user.reachable = (form.reachable.data or "").strip() or None
        db.session.commit()
        flash("Uw gegevens voor deelnemers zijn opgeslagen.", "success")
        return redirect_after_post(url_for("home.coach"))
    return render("mijn/coach_contact.html", form=form, status=form_status(form))
