"""The participant signs through the link: check the date of birth, read, sign or decline.

Step 1 asks the date of birth; only then does the session remember this link (by id) and the
contract text is shown. Signing or declining uses the link up (single use).
"""

from flask import Response, abort, redirect, session, url_for

from blueprints.contracts import delivery, documents, drafting, links, signing
from blueprints.contracts.events import log_event
from blueprints.contracts.evidence import decline_from_request, sign_from_request
from blueprints.contracts.forms import BirthDateForm, LinkSignForm, ParticipantDeclineForm
from blueprints.sign import bp
from core.access import PUBLIC, allow
from core.audit import record, set_anonymous_actor
from core.htmx import redirect_after_post, render
from extensions import limiter
from models import ContractSigningLink, PartyKind, db

SESSION_KEY = "signing_link_ok"
COPY_KEY = "signing_copy_link"  # the link whose signed copy this browser may download (30 days)


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
    used = delivery.copy_link(token)
    if used is not None:  # signed with this link: for 30 days it opens the participant's copy
        if session.get(COPY_KEY) == used.id:
            return redirect(url_for("sign.copy_page"))
        return render("sign/copy_start.html", form=BirthDateForm(), token=token, first_name=_first_name(used))
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
    used = delivery.copy_link(token)
    if used is not None:
        return _check_for_copy(used, token)
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
        # This try's own outcome, read before the commit expires it: a later try may lock the link meanwhile.
        locked = link.revoked_at is not None
        db.session.commit()
        if locked:
            return render("sign/problem.html", problem=links.PROBLEMS["locked"], status=410)
        form.date_of_birth.errors.append("Deze geboortedatum klopt niet. Probeer het nog eens.")
    return render("sign/start.html", form=form, token=token, first_name=_first_name(link), status=422)


def _check_for_copy(link, token):
    """The date of birth again before the copy: the link may sit in a forwarded e-mail."""
    set_anonymous_actor(f"tekenlink {link.id}")
    form = BirthDateForm()
    if form.validate_on_submit():
        if links.check_birth_date(link, form.date_of_birth.data, after_use=True):
            session[COPY_KEY] = link.id
            db.session.commit()
            return redirect_after_post(url_for("sign.copy_page"))
        db.session.commit()
        if not delivery.copy_available(link):
            return render("sign/problem.html", problem=links.PROBLEMS["locked"], status=410)
        form.date_of_birth.errors.append("Deze geboortedatum klopt niet. Probeer het nog eens.")
    return render("sign/copy_start.html", form=form, token=token, first_name=_first_name(link), status=422)


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
    session[COPY_KEY] = link.id
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
    refused = decline_from_request(version, party, form, link=link)
    if refused is not None:
        return render("sign/problem.html", problem=refused, status=409)
    session.pop(SESSION_KEY, None)
    session["signing_done"] = "geweigerd"
    return redirect_after_post(url_for("sign.done"))


@bp.route("/klaar")
@allow(PUBLIC)
def done():
    outcome = session.get("signing_done")
    if outcome not in ("getekend", "geweigerd"):
        abort(404)
    link = _copy_link_of_session()
    return render(
        "sign/done.html",
        outcome=outcome,
        copy_link=link,
        copy_until=delivery.copy_until(link) if link else None,
        email=link.version.contract.participant.email if link else None,
    )


def _copy_link_of_session():
    link_id = session.get(COPY_KEY)
    link = db.session.get(ContractSigningLink, link_id) if isinstance(link_id, int) else None
    return link if link is not None and delivery.copy_available(link) else None


@bp.route("/kopie")
@allow(PUBLIC)
def copy_page():
    """The participant's signed contract, for 30 days after signing, in the browser that proved who it is."""
    link = _copy_link_of_session()
    if link is None:
        abort(404)
    version = link.version
    final = documents.final_document(version)
    return render(
        "sign/copy.html",
        version=version,
        contract=version.contract,
        final=final,
        copy_until=delivery.copy_until(link),
        first_name=_first_name(link),
    )


@bp.route("/kopie.pdf")
@allow(PUBLIC)
def copy_pdf():
    link = _copy_link_of_session()
    if link is None:
        abort(404)
    set_anonymous_actor(f"tekenlink {link.id}")
    version = link.version
    document = documents.document_for(version, documents.FULL)
    record(db.session, "contract_pdf", version.contract, changes={"version": (None, version.number)})
    db.session.commit()
    name = f"inspanningscontract-{version.contract.reference}-v{version.number}.pdf"
    return Response(
        document.pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
