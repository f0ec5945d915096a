"""Coach pages for handing a contract over: send the participant's link by e-mail or SMS, remind a party.

The link page shows the link to copy (selectable without JavaScript, a copy button with it), a QR code
the young adult scans with their phone, and these send buttons. The rules are in delivery.py.
"""

from flask import abort, flash, request
from flask_login import current_user

from blueprints.contracts import bp, delivery, links
from blueprints.contracts.queries import contract_or_404, links_of
from blueprints.contracts.views import _link_created_page, _show_url, _sign_url
from core.access import allow
from core.forms import EmptyForm
from core.htmx import redirect_after_post
from core.messaging import can_send
from core.qr import qr_svg
from models import db


@bp.app_template_global()
def link_qr(url: str):
    return qr_svg(url, "QR-code met de persoonlijke tekenlink")


@bp.app_context_processor
def handover_context():
    return {"can_send": can_send, "link_channels": delivery.channels_for}


@bp.route("/<int:contract_id>/link/<int:link_id>/sturen", methods=["POST"])
@allow("coach")
def send_link(contract_id, link_id):
    contract = contract_or_404(contract_id)
    link = next((lk for lk in links_of(contract) if lk.id == link_id), None)
    if link is None:
        abort(404)
    token = (request.form.get("token") or "")[:100]
    if not EmptyForm().validate_on_submit() or links.token_hash(token) != link.token_hash:
        flash("Deze link kan niet meer worden verstuurd. Maak een nieuwe link.", "error")
        return redirect_after_post(_show_url(contract))
    channel = request.form.get("channel", "")
    try:
        delivery.send_link(link, token, _sign_url(token), channel, current_user._get_current_object())
    except delivery.DeliveryError as exc:
        db.session.rollback()
        return _link_created_page(contract, link.version, link, token, status=422, send_error=str(exc))
    db.session.commit()
    sent_now = can_send(channel)
    where = "per e-mail" if channel == "email" else "per sms"
    notice = (
        f"De link is {where} verstuurd."
        if sent_now
        else f"Er is geen {'mailserver' if channel == 'email' else 'sms-dienst'} ingesteld: het bericht staat in de "
        "wachtrij, zonder de link (die wordt niet bewaard). Laat de QR-code scannen of geef de link zelf door."
    )
    return _link_created_page(contract, link.version, link, token, send_notice=notice, send_ok=sent_now)


@bp.route("/<int:contract_id>/herinnering/<int:party_id>", methods=["POST"])
@allow("coach")
def remind(contract_id, party_id):
    contract = contract_or_404(contract_id)
    party = next((p for v in contract.versions for p in v.parties if p.id == party_id), None)
    if party is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            count = delivery.remind_party(party.version, party, current_user._get_current_object())
        except delivery.DeliveryError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect_after_post(_show_url(contract))
        db.session.commit()
        if count:
            how = "verstuurd" if can_send("email") else "klaargezet in de uitgaande berichten (er is geen mailserver)"
            flash(f"Herinnering aan {party.name} {how}: {count} bericht{'en' if count > 1 else ''}.", "success")
        else:
            flash(f"Van {party.name} is geen e-mailadres of telefoonnummer bekend: er is niets verstuurd.", "error")
    return redirect_after_post(_show_url(contract))
