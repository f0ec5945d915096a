"""The participant signs through the link: check the date of birth, read, sign or decline.

Step 1 asks the date of birth; only then does the session remember this link (by id) and the
contract text is shown. Signing or declining uses the link up (single use).
"""

from flask import abort, redirect, session, url_for

from blueprints.contracts import drafting, links, signing
from blueprints.contracts.events import log_event
from blueprints.contracts.evidence import client_evidence, sign_from_request
from blueprints.contracts.forms import BirthDateForm, LinkSignForm, ParticipantDeclineForm
from blueprints.sign import bp
from core.access import PUBLIC, allow
from core.audit import set_anonymous_actor
from core.htmx import redirect_after_post, render
from extensions import limiter
from models import PartyKind, db

SESSION_KEY = "signing_link_ok"


def _link_or_problem(token: str):
    """(link, None) when usable, else (None, rendered problem page with 410/404)."""
    check = links.verify_token(token)
    if not check.ok:
        status = 404 if check.link is None else 410
        return None, render("sign/problem.html", problem=check.problem, status=status)
    set_anonymous_actor(f"tekenlink {check.link.id}")
    return check.link, None


def _checked(link) -> bool:
    return session.get(SESSION_KEY) == link.id


@bp.route("/<token>", methods=["GET"])
@allow(PUBLIC)
def start(token):
    link, problem = _link_or_problem(token)
    if problem:
        return problem
    if _checked(link):
        return redirect(url_for("sign.contract", token=token))
    return render("sign/start.html", form=BirthDateForm(), token=token, first_name=_first_name(link))


def _first_name(link) -> str:
    return link.version.contract.participant.first_name


@bp.route("/<token>", methods=["POST"])
@allow(PUBLIC)
@limiter.limit("10 per minute; 30 per hour")
def check(token):
    link, problem = _link_or_problem(token)
    if problem:
        return problem
    form = BirthDateForm()
    if form.validate_on_submit():
        if links.check_birth_date(link, form.date_of_birth.data):
            session[SESSION_KEY] = link.id
            log_event(link.version.contract, "opened", link.version, None, label=f"tekenlink {link.id}")
            db.session.commit()
            return redirect_after_post(url_for("sign.contract", token=token))
        db.session.commit()
        if link.revoked_at is not None:
            return render("sign/problem.html", problem=links.PROBLEMS["locked"], status=410)
        form.date_of_birth.errors.append("Deze geboortedatum klopt niet. Probeer het nog eens.")
    return render("sign/start.html", form=form, token=token, first_name=_first_name(link), status=422)


def _page(link, token, form=None, decline_form=None, status=200):
    version = link.version
    party = links.participant_party(version)
    form = form or LinkSignForm(formdata=None)
    form.intent.label.text = signing.intent_text(version, party)
    return render(
        "sign/contract.html",
        token=token,
        version=version,
        contract=version.contract,
        party=party,
        summary=drafting.personal_summary(version),
        form=form,
        decline_form=decline_form or ParticipantDeclineForm(prefix="weiger", formdata=None),
        status=status,
    )


def _checked_link_or_redirect(token):
    link, problem = _link_or_problem(token)
    if problem:
        return None, problem
    if not _checked(link):
        return None, redirect_after_post(url_for("sign.start", token=token))
    return link, None


@bp.route("/<token>/contract")
@allow(PUBLIC)
def contract(token):
    link, response = _checked_link_or_redirect(token)
    if response:
        return response
    return _page(link, token)


@bp.route("/<token>/teken", methods=["POST"])
@allow(PUBLIC)
@limiter.limit("20 per minute")
def sign(token):
    link, response = _checked_link_or_redirect(token)
    if response:
        return response
    version = link.version
    party = links.participant_party(version)
    form = LinkSignForm()
    if not form.validate_on_submit():
        return _page(link, token, form=form, status=422)
    if sign_from_request(version, party, form, signing.LINK, link=link) is None:
        return _page(link, token, form=form, status=422)
    session.pop(SESSION_KEY, None)
    session["signing_done"] = "getekend"
    return redirect_after_post(url_for("sign.done"))


@bp.route("/<token>/weigeren", methods=["POST"])
@allow(PUBLIC)
@limiter.limit("20 per minute")
def decline(token):
    link, response = _checked_link_or_redirect(token)
    if response:
        return response
    version = link.version
    party = next(p for p in version.parties if p.kind == PartyKind.DEELNEMER)
    form = ParticipantDeclineForm(prefix="weiger")
    if not form.validate_on_submit():
        return _page(link, token, decline_form=form, status=422)
    ip, agent = client_evidence()
    try:
        signing.decline_version(
            version, party, name=form.name.data, reason=form.reason.data, link=link, ip=ip, user_agent=agent
        )
    except signing.SigningError as exc:
        db.session.rollback()
        return render("sign/problem.html", problem=str(exc), status=409)
    db.session.commit()
    session.pop(SESSION_KEY, None)
    session["signing_done"] = "geweigerd"
    return redirect_after_post(url_for("sign.done"))


@bp.route("/klaar")
@allow(PUBLIC)
def done():
    outcome = session.get("signing_done")
    if outcome not in ("getekend", "geweigerd"):
        abort(404)
    return render("sign/done.html", outcome=outcome)
