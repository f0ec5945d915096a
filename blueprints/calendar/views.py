"""Calendar pages for coaches: week and month views (mine or everyone's), planning from a day, the feed.

The feed URL itself is public but token-gated (`feed.py`): a calendar app cannot sign in.
"""

from datetime import date, datetime, time, timedelta

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from blueprints.calendar import agenda, bp, feed
from blueprints.calendar.forms import PlanForm
from core.access import PUBLIC, allow
from core.forms import EmptyForm, form_status, select_choices
from core.htmx import redirect_after_post, render
from core.localtime import local_now
from models import Participant, db

COACH = "coach"
OPEN_STATUSES = ("aangemeld", "intake", "actief")


def _view_args() -> tuple[date, str]:
    today = local_now().date()
    who = request.args.get("wie", agenda.MINE)
    asked = request.args.get("datum")
    day = agenda.parse_day(asked, today)
    if asked and day == today and asked != today.isoformat():  # say so, instead of silently showing today
        flash("Die datum kunnen we niet tonen (kies een dag tussen 2020 en 2040). U ziet nu vandaag.", "warning")
    return day, who if who in agenda.WHO_LABELS else agenda.MINE


def _coach_filter(who: str) -> int | None:
    return current_user.id if who == agenda.MINE else None


@bp.route("/")
@allow(COACH)
def index():
    return redirect(url_for("calendar.week"))


@bp.route("/week")
@allow(COACH)
def week():
    day, who = _view_args()
    days = agenda.week_days(day)
    return render(
        "calendar/week.html",
        days=agenda.days_with_conversations(days, _coach_filter(who)),
        who=who,
        who_labels=agenda.WHO_LABELS,
        today=local_now().date(),
        previous=days[0] - timedelta(days=7),
        following=days[0] + timedelta(days=7),
        first=days[0],
        last=days[-1],
        agenda=agenda,
    )


@bp.route("/maand")
@allow(COACH)
def month():
    day, who = _view_args()
    first_of_month = day.replace(day=1)
    return render(
        "calendar/month.html",
        days=agenda.days_with_conversations(agenda.month_days(day), _coach_filter(who), month=day.month),
        who=who,
        who_labels=agenda.WHO_LABELS,
        today=local_now().date(),
        previous=(first_of_month - timedelta(days=1)).replace(day=1),
        following=(first_of_month + timedelta(days=32)).replace(day=1),
        month_label=agenda.month_label(day),
        day_names=agenda.DAY_NAMES,
        agenda=agenda,
    )


@bp.route("/plannen")
@allow(COACH)
def plan():
    """Pick the participant, then the case file's own conversation form opens with this date and time."""
    form = PlanForm(request.args)
    day = agenda.parse_day(request.args.get("datum"), local_now().date())
    participants = db.session.scalars(
        select(Participant)
        .where(
            Participant.status.in_(OPEN_STATUSES),
            or_(Participant.coach_id == current_user.id, Participant.coach_id.is_(None)),
        )
        .order_by(Participant.last_name, Participant.first_name, Participant.id)
    ).all()
    form.deelnemer.choices = select_choices(
        [("", "Kies een deelnemer")] + [(str(p.id), p.full_name) for p in participants]
    )
    if "deelnemer" in request.args and form.validate():
        if form.deelnemer.data:
            start = datetime.combine(day, form.tijd.data).strftime("%Y-%m-%dT%H:%M")
            return redirect(url_for("youths.new_conversation", participant_id=int(form.deelnemer.data), op=start))
        form.deelnemer.errors = ["Kies een deelnemer."]
    if "tijd" not in request.args:
        form.tijd.data = time(10, 0)
    return render("calendar/plan.html", form=form, day=day, agenda=agenda, status=form_status(form))


# --------------------------------------------------------------------------- the feed


@bp.route("/koppeling")
@allow(COACH)
def feed_page():
    return render("calendar/feed.html", active=feed.active_feed(current_user), token=None, form=EmptyForm())


@bp.route("/koppeling/nieuw", methods=["POST"])
@allow(COACH)
def feed_create():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    token = feed.new_feed(current_user)
    db.session.commit()
    # Shown once, in this response (never stored, never in a redirect URL); the page is no-store.
    return render("calendar/feed.html", active=feed.active_feed(current_user), token=token, form=EmptyForm())


@bp.route("/koppeling/intrekken", methods=["POST"])
@allow(COACH)
def feed_revoke():
    form = EmptyForm()
    if form.validate_on_submit():
        feed.revoke_feed(current_user)
        db.session.commit()
    return redirect_after_post(url_for("calendar.feed_page"))


@bp.route("/feed/<feed_token>.ics")
@allow(PUBLIC)
def feed_ics(feed_token: str):
    user = feed.user_for_token(feed_token)
    if user is None:
        abort(404)
    response = Response(feed.feed_bytes(user), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="perspectiefjaar.ics"'
    response.headers["Cache-Control"] = "no-store"
    return response
