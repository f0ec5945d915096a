"""The HTTP side of the one signing path: the request's evidence in, refusals out at their form fields.

Every door (partner portal, municipality, in person, participant link) calls `sign_from_request`
and `decline_from_request`; the checks themselves are `signing.sign_through` and
`signing.decline_version`, without HTTP.
"""

from flask import request

from blueprints.contracts import signing
from core.audit import record
from models import ContractParty, ContractVersion, db


def client_evidence() -> tuple[str | None, str | None]:
    """The client's IP (as seen through the configured proxies) and user agent, trimmed."""
    ip = (request.remote_addr or "")[:45] or None
    agent = (request.headers.get("User-Agent") or "")[:500] or None
    return ip, agent


def sign_from_request(
    version: ContractVersion, party: ContractParty, form, door: str, **attempt
) -> signing.SignResult | None:
    """Sign through `door` and commit; on a refusal roll back, log it, put each message at its field
    (or the form's own errors) and return None, so the view answers 422 with the form."""
    ip, agent = client_evidence()
    try:
        result = signing.sign_through(
            version,
            party,
            signing.Attempt(door=door, typed_name=form.signer_name.data or "", ip=ip, user_agent=agent, **attempt),
        )
    except signing.SigningError as exc:
        db.session.rollback()
        record(db.session, "contract_sign_failed", version.contract, result="denied")
        db.session.commit()
        errors = exc.errors or {None: str(exc)}
        for name, message in errors.items():
            field = form._fields.get(name) if name else None
            (field.errors if field is not None else form.form_errors).append(message)
        return None
    db.session.commit()
    return result


def decline_from_request(version: ContractVersion, party: ContractParty, form, *, user=None, link=None) -> str | None:
    """Record a refusal to sign with the request's evidence and commit; the refusal's own refusal
    (a closed version, a party that already signed) comes back as its Dutch message."""
    ip, agent = client_evidence()
    try:
        signing.decline_version(
            version,
            party,
            name=form.name.data,
            reason=form.reason.data,
            user=user,
            link=link,
            ip=ip,
            user_agent=agent,
            actor=user,
        )
    except signing.SigningError as exc:
        db.session.rollback()
        return str(exc)
    db.session.commit()
    return None
