"""Contract pages for the coach and beheer, the partner portal, the template and the outbox."""

from flask import Response, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select

from blueprints.contracts import bp, delivery, documents, drafting, links, outbox, rules, signing
from blueprints.contracts.diff import compare_versions
from blueprints.contracts.events import EVENT_LABELS, log_event
from blueprints.contracts.evidence import decline_from_request, sign_from_request
from blueprints.contracts.forms import (
    DeclineForm,
    DiffForm,
    EndForm,
    InPersonSignForm,
    NewContractForm,
    SignForm,
    TemplateForm,
    WithdrawForm,
    concept_form_class,
)
from blueprints.contracts.pdf import build_pdf
from blueprints.contracts.queries import (
    any_version_or_404,
    contract_or_404,
    contracts_page,
    events_of,
    links_of,
    outbox_page,
    partner_parties,
    partner_party_or_404,
)
from core.access import allow
from core.audit import record
from core.forms import EmptyForm, choice_values, form_status, select_choices
from core.htmx import redirect_after_post, render
from core.versioned_cache import rendered, version_key
from models import (
    CONTRACT_STATUS_LABELS,
    ContractStatus,
    Organisation,
    Participant,
    ParticipantPurge,
    PartyKind,
    User,
    db,
)

S = ContractStatus
# The list's rows per version of all data (core/versioned_cache.py): they read contracts, versions, parties,
# signatures, declines, participants and organisations, so every change renders them again.
LIST_STORE = "pj_contract_list"


def _user() -> User:
    return current_user._get_current_object()


def _show_url(contract) -> str:
    return url_for("contracts.show", contract_id=contract.id)


# --------------------------------------------------------------------------- list and create


@bp.route("/")
@allow("coach", "beheer")
def index():
    status = request.args.get("status", "")
    search = (request.args.get("zoek", "") or "")[:100].strip()
    page = max(request.args.get("pagina", 1, type=int) or 1, 1)
    args = {k: v for k, v in (("status", status), ("zoek", search)) if v}
    body = rendered(
        LIST_STORE,
        version_key(current_user.role, status, search, page),
        "contracts/partials/list.html",
        lambda: {
            "pager": contracts_page(status, search, page),
            "args": args,
            "current_version": signing.current_version,
        },
    )
    return render(
        "contracts/index.html",
        "cached_region.html",
        body=body,
        status_filter=status,
        search=search,
        status_labels=CONTRACT_STATUS_LABELS,
    )


def _partner_choices():
    orgs = db.session.scalars(
        select(Organisation)
        .where(Organisation.active.is_(True), Organisation.kind != "gemeente")
        .order_by(Organisation.name)
    ).all()
    return select_choices((o.id, o.name) for o in orgs)


def _orgs(ids) -> list[Organisation]:
    if not ids:
        return []
    wanted = set(ids)
    orgs = db.session.scalars(select(Organisation).where(Organisation.id.in_(wanted))).all()
    return sorted(orgs, key=lambda o: o.name)


def _no_running_contract(form) -> bool:
    """One contract per participant (`rules.running_contract_id`); the message goes to the field."""
    if rules.running_contract_id(form.participant_id.data) is not None:
        form.participant_id.errors.append(rules.NO_SECOND_CONTRACT)
        return False
    return True


@bp.route("/nieuw", methods=["GET", "POST"])
@allow("coach")
def new():
    form = NewContractForm()
    participants = db.session.scalars(
        select(Participant)
        .where(Participant.status.in_(("aangemeld", "intake", "actief")))
        .order_by(Participant.last_name, Participant.first_name)
    ).all()
    form.participant_id.choices = select_choices((p.id, f"{p.full_name} ({p.status_label})") for p in participants)
    form.partners.choices = _partner_choices()
    if request.method == "GET":
        chosen = request.args.get("deelnemer", type=int)
        participant = db.session.get(Participant, chosen) if chosen else None
        if participant is not None:
            form.participant_id.data = participant.id
            form.start_date.data = participant.start_date
            form.partners.data = drafting.suggested_partner_ids(participant.id)
    if form.validate_on_submit() and _no_running_contract(form):
        participant = db.session.get(Participant, form.participant_id.data)
        allowed = choice_values(form.partners)
        partners = _orgs([i for i in form.partners.data or [] if i in allowed])
        contract = drafting.new_contract(participant, partners, form.start_date.data, _user())
        log_event(contract, "created", contract.versions[0], _user(), detail="versie 1 (concept)")
        db.session.commit()
        flash("Het concept is gemaakt. Controleer de tekst en verstuur het daarna.", "success")
        return redirect_after_post(url_for("contracts.edit", contract_id=contract.id))
    return render("contracts/new.html", form=form, status=form_status(form))


# --------------------------------------------------------------------------- contract page


def _contract_context(contract, withdraw_form=None):
    version = signing.current_version(contract)
    concept = signing.concept_version(contract)
    return {
        "contract": contract,
        "version": version,
        "concept": concept,
        "in_force": rules.version_in_force(contract),
        "open_version": rules.open_version(contract),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "events": events_of(contract),
        "links": links_of(contract),
        "event_labels": EVENT_LABELS,
        "party_status": signing.party_status,
        "link_status": links.status_of,
        "method_labels": signing.METHOD_LABELS,
        "smtp": outbox.smtp_configured(),
        "button_form": EmptyForm(),
        "end_form": EndForm(),
        "reminders": delivery.reminders_by_party(version) if version is not None else {},
    }


@bp.route("/<int:contract_id>")
@allow("coach", "beheer")
def show(contract_id):
    contract = contract_or_404(contract_id)
    record(db.session, "view", contract.participant)
    db.session.commit()
    return render("contracts/show.html", "contracts/partials/status.html", **_contract_context(contract))


# --------------------------------------------------------------------------- concept


def _concept_or_404(contract):
    concept = signing.concept_version(contract)
    if concept is None:
        abort(404)
    return concept


def _org_users(org_ids):
    if not org_ids:
        return {}
    users = db.session.scalars(
        select(User)
        .where(User.organisation_id.in_(org_ids), User.role == "partner", User.active.is_(True))
        .order_by(User.name)
    ).all()
    result = {}
    for user in users:
        result.setdefault(user.organisation_id, []).append(user)
    return result


@bp.route("/<int:contract_id>/concept", methods=["GET", "POST"])
@allow("coach")
def edit(contract_id):
    contract = contract_or_404(contract_id)
    concept = _concept_or_404(contract)
    partner_parties_ = [p for p in concept.parties if p.kind == PartyKind.PARTNER]
    form_class = concept_form_class(concept.sections, partner_parties_)
    form = form_class()
    form.partners.choices = _partner_choices()
    users = _org_users([p.organisation_id for p in partner_parties_])
    for party in partner_parties_:
        field = form[f"signer_{party.organisation_id}"]
        field.choices = select_choices(
            [("", "Iedere actieve medewerker van de organisatie")]
            + [(str(u.id), f"{u.name} ({u.email})") for u in users.get(party.organisation_id, [])]
        )
    if request.method == "GET":
        form.start_date.data = concept.start_date
        form.partners.data = [p.organisation_id for p in partner_parties_]
        for section in concept.sections:
            form[f"section_{section['key']}"].data = section["body"]
        for party in partner_parties_:
            form[f"signer_{party.organisation_id}"].data = str(party.signer_user_id or "")
            form[f"resign_{party.organisation_id}"].data = party.resign_requested
    if form.validate_on_submit():
        allowed = choice_values(form.partners)
        partners = _orgs([i for i in form.partners.data or [] if i in allowed])
        signers = {}
        for party in partner_parties_:
            raw = form[f"signer_{party.organisation_id}"].data or ""
            valid = {str(u.id) for u in users.get(party.organisation_id, [])}
            if raw in valid:
                signers[party.organisation_id] = int(raw)
        gemeente = next((p for p in concept.parties if p.kind == PartyKind.GEMEENTE), None)
        if gemeente is not None and gemeente.signer_user_id:
            signers["gemeente"] = gemeente.signer_user_id
        concept.sections = rules.normalised_sections(
            concept.sections, {s["key"]: form[f"section_{s['key']}"].data for s in concept.sections}
        )
        concept.start_date = form.start_date.data
        concept.end_date = drafting.period_end(form.start_date.data)
        resign = {p.organisation_id for p in partner_parties_ if form[f"resign_{p.organisation_id}"].data}
        drafting.set_parties(concept, contract.participant, partners, signers, resign)
        drafting.sync_partner_sections(concept, contract.participant, partners)
        log_event(contract, "edited", concept, _user())
        db.session.commit()
        flash("Het concept is opgeslagen.", "success")
        return redirect_after_post(url_for("contracts.edit", contract_id=contract.id))
    preview = drafting.render_text(concept)
    return render(
        "contracts/edit.html",
        contract=contract,
        concept=concept,
        form=form,
        partner_parties=partner_parties_,
        preview=preview,
        carry_plan={item.party.organisation_id: item for item in signing.carry_over_plan(concept)},
        in_force=rules.version_in_force(contract),
        button_form=EmptyForm(),
        status=form_status(form),
    )


@bp.route("/<int:contract_id>/concept/opnieuw-opbouwen", methods=["POST"])
@allow("coach")
def rebuild(contract_id):
    contract = contract_or_404(contract_id)
    concept = _concept_or_404(contract)
    if EmptyForm().validate_on_submit():
        partners = [p.organisation for p in concept.parties if p.kind == PartyKind.PARTNER]
        concept.sections = drafting.build_sections(contract.participant, partners)
        log_event(contract, "edited", concept, _user(), detail="tekst opnieuw opgebouwd uit het plan")
        db.session.commit()
        flash("De tekst is opnieuw opgebouwd uit de doelen, toezeggingen en de standaardtekst.", "success")
    return redirect_after_post(url_for("contracts.edit", contract_id=contract.id))


@bp.route("/<int:contract_id>/versturen", methods=["POST"])
@allow("coach")
def send(contract_id):
    contract = contract_or_404(contract_id)
    concept = _concept_or_404(contract)
    if not EmptyForm().validate_on_submit():
        abort(400)
    signing.send_version(concept, _user())
    db.session.flush()
    link, token = links.create_link(concept, _user())
    outbox.queue_invitations(concept, _sign_url(token))
    db.session.commit()
    return _link_created_page(contract, concept, link, token, sent=True)


def _sign_url(token: str) -> str:
    return url_for("sign.start", token=token, _external=True)


def _link_created_page(contract, version, link, token, sent=False, status=200, **extra):
    """The only moment the participant's link is visible: it is not stored (handover.py sends it on)."""
    return render(
        "contracts/link_created.html",
        contract=contract,
        version=version,
        link=link,
        url=_sign_url(token),
        token=token,
        sent=sent,
        smtp=outbox.smtp_configured(),
        has_email=bool(contract.participant.email),
        button_form=EmptyForm(),
        status=status,
        **extra,
    )


@bp.route("/<int:contract_id>/nieuwe-versie", methods=["POST"])
@allow("coach")
def new_version(contract_id):
    contract = contract_or_404(contract_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if signing.concept_version(contract) is None:
        if contract.status == S.BEEINDIGD:
            flash("Een beëindigd contract krijgt geen nieuwe versie.", "error")
            return redirect_after_post(_show_url(contract))
        version = drafting.next_version(contract, _user())
        log_event(contract, "new_version", version, _user(), detail=f"versie {version.number} (concept)")
        db.session.commit()
        in_force = rules.version_in_force(contract)
        flash(
            f"Er is een nieuwe versie gemaakt. Versie {in_force.number} blijft gelden tot iedereen de nieuwe "
            "versie heeft getekend."
            if in_force is not None
            else "Er is een nieuwe versie gemaakt. Als u die verstuurt, vervangt hij de versie die nog openstaat.",
            "info",
        )
    return redirect_after_post(url_for("contracts.edit", contract_id=contract.id))


# --------------------------------------------------------------------------- links


@bp.route("/<int:contract_id>/link", methods=["POST"])
@allow("coach")
def create_link(contract_id):
    contract = contract_or_404(contract_id)
    version = signing.current_version(contract)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if version is None or not rules.is_open(version):
        flash("Er is geen versie die wacht op handtekeningen.", "error")
        return redirect_after_post(_show_url(contract))
    participant_party = links.participant_party(version)
    if participant_party.signature is not None or participant_party.decline is not None:
        flash("De deelnemer heeft deze versie al getekend of geweigerd.", "error")
        return redirect_after_post(_show_url(contract))
    link, token = links.create_link(version, _user())
    outbox.queue_participant_invitation(version, _sign_url(token))
    db.session.commit()
    return _link_created_page(contract, version, link, token)


@bp.route("/<int:contract_id>/link/<int:link_id>/intrekken", methods=["POST"])
@allow("coach")
def revoke_link(contract_id, link_id):
    contract = contract_or_404(contract_id)
    link = next((lk for lk in links_of(contract) if lk.id == link_id), None)
    if link is None:
        abort(404)
    if EmptyForm().validate_on_submit() and links.revoke(link, _user(), reason="door de life-coach"):
        db.session.commit()
        flash("De link is ingetrokken. Hij werkt niet meer.", "success")
    return redirect_after_post(_show_url(contract))


# --------------------------------------------------------------------------- municipality and in person


def _open_party(version, kind):
    party = next((p for p in version.parties if p.kind == kind), None) if version else None
    if party is None:
        abort(404)
    return party


@bp.route("/<int:contract_id>/tekenen/gemeente", methods=["GET", "POST"])
@allow("coach", "beheer")
def municipality_sign(contract_id):
    contract = contract_or_404(contract_id)
    version = signing.current_version(contract)
    party = _open_party(version, PartyKind.GEMEENTE)
    form, decline_form = SignForm(prefix="teken"), DeclineForm(prefix="weiger")
    intent = signing.intent_text(version, party)
    form.intent.label.text = intent
    if request.method == "GET":
        form.signer_name.data = current_user.name
        decline_form.name.data = current_user.name
    if not signing.may_sign_for(_user(), party):
        flash(
            f"Alleen {party.signer_user.name if party.signer_user else 'de aangewezen persoon'} kan hier tekenen.",
            "error",
        )
        return redirect_after_post(_show_url(contract))
    if form.validate_on_submit():
        result = sign_from_request(
            version, party, form, signing.MUNICIPALITY, user=_user(), password=form.password.data, code=form.code.data
        )
        if result is not None:
            return _signed_response(contract, party, result)
    return render(
        "contracts/municipality_sign.html",
        contract=contract,
        version=version,
        party=party,
        form=form,
        decline_form=decline_form,
        summary=drafting.summary_b1(version),
        status=form_status(form),
    )


def _signed_response(contract, party, result):
    if not result.created:
        flash(f"{party.name} had deze versie al getekend; de handtekening telt één keer.", "info")
    elif result.completed:
        flash("Getekend. Iedereen heeft nu getekend: het contract is actief en deze versie geldt nu.", "success")
    else:
        flash(f"Getekend namens {party.name}.", "success")
    return redirect_after_post(_show_url(contract))


@bp.route("/<int:contract_id>/weigeren/gemeente", methods=["POST"])
@allow("coach", "beheer")
def municipality_decline(contract_id):
    contract = contract_or_404(contract_id)
    version = signing.current_version(contract)
    party = _open_party(version, PartyKind.GEMEENTE)
    if not signing.may_sign_for(_user(), party):
        abort(403)
    form = DeclineForm(prefix="weiger")
    if not form.validate_on_submit():
        sign_form = SignForm(prefix="teken", formdata=None)
        sign_form.intent.label.text = signing.intent_text(version, party)
        return render(
            "contracts/municipality_sign.html",
            contract=contract,
            version=version,
            party=party,
            form=sign_form,
            decline_form=form,
            summary=drafting.summary_b1(version),
            status=422,
        )
    return _decline_and_respond(contract, version, party, form, _show_url(contract))


def _decline_and_respond(contract, version, party, form, target):
    refused = decline_from_request(version, party, form, user=_user())
    if refused is not None:
        flash(refused, "error")
        return redirect_after_post(target)
    flash(f"Vastgelegd: {party.name} tekent deze versie niet. De life-coach ziet dit direct.", "info")
    return redirect_after_post(target)


@bp.route("/<int:contract_id>/tekenen/ter-plaatse", methods=["GET", "POST"])
@allow("coach")
def in_person(contract_id):
    """The participant signs on the coach's device, with the coach present."""
    contract = contract_or_404(contract_id)
    version = signing.current_version(contract)
    party = _open_party(version, PartyKind.DEELNEMER)
    form = InPersonSignForm()
    intent = signing.intent_text(version, party)
    form.intent.label.text = intent
    if form.validate_on_submit():
        result = sign_from_request(
            version, party, form, signing.IN_PERSON, user=_user(), date_of_birth=form.date_of_birth.data
        )
        if result is not None:
            return _signed_response(contract, party, result)
    return render(
        "contracts/in_person.html",
        contract=contract,
        version=version,
        party=party,
        form=form,
        summary=drafting.personal_summary(version),
        status=form_status(form),
    )


@bp.route("/<int:contract_id>/intrekken", methods=["POST"])
@allow("coach")
def withdraw(contract_id):
    """The coach takes back the version that waits for signatures; the version in force keeps holding."""
    contract = contract_or_404(contract_id)
    version = rules.open_version(contract)
    if version is None:
        flash("Er is geen versie die op handtekeningen wacht.", "error")
        return redirect_after_post(_show_url(contract))
    form = WithdrawForm()
    if form.validate_on_submit():
        signing.withdraw_version(version, form.reason.data, _user())
        db.session.commit()
        in_force = rules.version_in_force(contract)
        flash(
            f"Versie {version.number} is ingetrokken. Versie {in_force.number} blijft gelden."
            if in_force is not None
            else f"Versie {version.number} is ingetrokken.",
            "success",
        )
        return redirect_after_post(_show_url(contract))
    return render(
        "contracts/show.html", "contracts/partials/status.html", status=422, **_contract_context(contract, form)
    )


@bp.route("/<int:contract_id>/beeindigen", methods=["POST"])
@allow("coach")
def end(contract_id):
    contract = contract_or_404(contract_id)
    form = EndForm()
    if form.validate_on_submit():
        try:
            signing.end_contract(contract, form.reason.data, _user())
        except signing.SigningError as exc:
            flash(str(exc), "error")
            return redirect_after_post(_show_url(contract))
        db.session.commit()
        flash("Het contract is beëindigd.", "success")
        return redirect_after_post(_show_url(contract))
    context = _contract_context(contract)
    context["end_form"] = form
    return render("contracts/show.html", "contracts/partials/status.html", status=422, **context)


# --------------------------------------------------------------------------- diff, verify, PDF


@bp.route("/<int:contract_id>/verschil")
@allow("coach", "beheer")
def diff(contract_id):
    contract = contract_or_404(contract_id)
    if len(contract.versions) < 2:
        flash("Er is maar één versie; er is niets te vergelijken.", "info")
        return redirect_after_post(_show_url(contract))
    form = DiffForm(request.args)
    choices = [(v.number, f"Versie {v.number} ({v.status_label})") for v in contract.versions]
    form.van.choices = form.naar.choices = select_choices(choices)
    numbers = [v.number for v in contract.versions]
    old_n = form.van.data if form.validate() and form.van.data in numbers else numbers[-2]
    new_n = form.naar.data if form.naar.data in numbers else numbers[-1]
    form.van.data, form.naar.data = old_n, new_n
    old = next(v for v in contract.versions if v.number == old_n)
    new = next(v for v in contract.versions if v.number == new_n)
    rows = compare_versions(old, new)
    return render(
        "contracts/diff.html",
        "contracts/partials/diff_table.html",
        contract=contract,
        form=form,
        old=old,
        new=new,
        rows=rows,
    )


@bp.route("/versie/<int:version_id>/controle")
@allow("coach", "beheer", "partner")
def verify(version_id):
    version = any_version_or_404(version_id, _user())
    if not version.is_frozen:
        abort(404)
    recomputed = drafting.sha256_hex(version.canonical_text)
    purge = db.session.scalar(
        select(ParticipantPurge).where(ParticipantPurge.participant_id == version.contract.participant_id)
    )
    return render(
        "contracts/verify.html",
        version=version,
        contract=version.contract,
        shown_text=drafting.partner_view_text(version) if current_user.role == "partner" else version.canonical_text,
        recomputed=recomputed,
        match=recomputed == version.text_sha256,
        purge=purge,
    )


@bp.route("/versie/<int:version_id>/inspanningscontract.pdf")
@allow("coach", "beheer", "partner")
def pdf(version_id):
    version = any_version_or_404(version_id, _user())
    if version.is_frozen:  # the stored bytes: the same PDF every time, sealed once fully signed
        audience = documents.PARTNER if current_user.role == "partner" else documents.FULL
        data = documents.document_for(version, audience).pdf
    else:
        data = build_pdf(version)
    record(db.session, "contract_pdf", version.contract, changes={"version": (None, version.number)})
    db.session.commit()
    name = f"inspanningscontract-{version.contract.reference}-v{version.number}.pdf"
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --------------------------------------------------------------------------- partner portal


@bp.route("/portaal")
@allow("partner")
def portal_index():
    page = max(request.args.get("pagina", 1, type=int) or 1, 1)
    pager = partner_parties(_user(), page)
    return render(
        "contracts/portal_index.html",
        "contracts/partials/portal_list.html",
        pager=pager,
        party_status=signing.party_status,
    )


def _portal_context(version, party, form=None, decline_form=None):
    form = form or SignForm(prefix="teken", formdata=None)
    decline_form = decline_form or DeclineForm(prefix="weiger", formdata=None)
    form.intent.label.text = signing.intent_text(version, party)
    if not form.signer_name.data:
        form.signer_name.data = current_user.name
    if not decline_form.name.data:
        decline_form.name.data = current_user.name
    return {
        "version": version,
        "contract": version.contract,
        "party": party,
        "form": form,
        "decline_form": decline_form,
        "may_sign": signing.may_sign_for(_user(), party),
        # Partners never see the personal annex; their signature covers the common part and their own.
        "partner_text": drafting.partner_view_text(version),
        "covers": drafting.coverage(version, party)[0],
        "party_status": signing.party_status,
        "method_labels": signing.METHOD_LABELS,
    }


@bp.route("/portaal/<int:version_id>")
@allow("partner")
def portal_show(version_id):
    version, party = partner_party_or_404(version_id, _user())
    record(db.session, "view", version.contract, changes={"version": (None, version.number)})
    db.session.commit()
    return render("contracts/portal_show.html", **_portal_context(version, party))


@bp.route("/portaal/<int:version_id>/tekenen", methods=["POST"])
@allow("partner")
def portal_sign(version_id):
    version, party = partner_party_or_404(version_id, _user())
    form = SignForm(prefix="teken")
    target = url_for("contracts.portal_show", version_id=version.id)
    if not signing.may_sign_for(_user(), party):
        abort(403)
    if form.validate_on_submit():
        result = sign_from_request(
            version, party, form, signing.PORTAL, user=_user(), password=form.password.data, code=form.code.data
        )
        if result is not None:
            flash(
                "U heeft getekend." if result.created else "U had deze versie al getekend; dat telt één keer.",
                "success" if result.created else "info",
            )
            return redirect_after_post(target)
    return render("contracts/portal_show.html", status=422, **_portal_context(version, party, form=form))


@bp.route("/portaal/<int:version_id>/weigeren", methods=["POST"])
@allow("partner")
def portal_decline(version_id):
    version, party = partner_party_or_404(version_id, _user())
    if not signing.may_sign_for(_user(), party):
        abort(403)
    form = DeclineForm(prefix="weiger")
    target = url_for("contracts.portal_show", version_id=version.id)
    if form.validate_on_submit():
        return _decline_and_respond(version.contract, version, party, form, target)
    return render("contracts/portal_show.html", status=422, **_portal_context(version, party, decline_form=form))


# --------------------------------------------------------------------------- beheer


@bp.route("/sjabloon", methods=["GET", "POST"])
@allow("beheer")
def template_edit():
    form = TemplateForm()
    if request.method == "GET":
        for field, text in drafting.template_texts().items():
            form[field].data = text
    if form.validate_on_submit():
        drafting.save_template({f: form[f].data for f in drafting.TEMPLATE_FIELDS}, _user())
        db.session.commit()
        flash("De contracttekst is opgeslagen. Nieuwe concepten gebruiken deze tekst.", "success")
        return redirect_after_post(url_for("contracts.template_edit"))
    return render("contracts/template.html", form=form, status=form_status(form))


@bp.route("/uitgaand")
@allow("beheer")
def outbox_list():
    page = max(request.args.get("pagina", 1, type=int) or 1, 1)
    return render(
        "contracts/outbox.html",
        "contracts/partials/outbox_table.html",
        pager=outbox_page(page),
        smtp=outbox.smtp_configured(),
        button_form=EmptyForm(),
    )


@bp.route("/uitgaand/versturen", methods=["POST"])
@allow("beheer")
def outbox_send():
    if EmptyForm().validate_on_submit():
        if not outbox.smtp_configured():
            flash("Er is geen mailserver ingesteld (SMTP_HOST). De berichten blijven in de wachtrij.", "error")
        else:
            sent = outbox.deliver_pending()
            db.session.commit()
            flash(f"{sent} bericht(en) verstuurd.", "success")
    return redirect_after_post(url_for("contracts.outbox_list"))
