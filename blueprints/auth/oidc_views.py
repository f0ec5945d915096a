"""Routes of staff single sign-on: send the browser to the municipality's provider and take it back.

The sign-in that results is an ordinary session (`start_session`): same session version, idle and
absolute timeout, audit of sign-in and failed sign-in. Beheer still passes the app's own second factor.
"""

import logging
import re

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from flask import abort, flash, redirect, request, session, url_for
from flask_login import current_user
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError

from blueprints.auth import bp, oidc
from blueprints.auth.signin import begin_pending, start_session
from blueprints.auth.totp import needs_second_factor, prepare_enrolment
from blueprints.auth.views import _record_failure, safe_next
from core.access import PUBLIC, allow
from core.audit import record
from core.forms import EmptyForm
from extensions import limiter
from models import db

log = logging.getLogger(__name__)

NEXT_KEY = "sso_next"

STATE_EXPIRED = "Uw inlogpoging is verlopen of niet meer geldig. Probeer het opnieuw."
PROVIDER_ERROR = "Inloggen met uw gemeenteaccount is afgebroken of niet gelukt. U bent niet ingelogd."
UNREACHABLE = (
    "De inlogdienst van de gemeente is nu niet bereikbaar. Probeer het later opnieuw. "
    "Lukt het niet, neem dan contact op met de functioneel beheerder."
)
ANSWER_EXPIRED = "Het antwoord van de inlogdienst van de gemeente is verlopen. U bent niet ingelogd. Probeer opnieuw."
ANSWER_INVALID = (
    "Het antwoord van de inlogdienst is niet van de gemeente, niet voor Perspectiefjaar bedoeld of hoort niet bij "
    "deze inlogpoging. U bent niet ingelogd. Probeer het opnieuw."
)


@bp.app_context_processor
def inject_sso():
    return {"sso_enabled": oidc.is_configured(), "may_use_sso": oidc.may_use_sso}


@bp.route("/inloggen/gemeente", methods=["POST"])
@allow(PUBLIC)
@limiter.limit("30 per minute")
def sso_start():
    client = oidc.provider()
    if client is None:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("home.index"), code=303)
    if not EmptyForm().validate_on_submit():
        flash(STATE_EXPIRED, "warning")
        return redirect(url_for("auth.login"), code=303)
    next_url = safe_next(request.form.get("next"))
    # Authlib keeps each attempt's state in the session cookie: keep only the newest, or a few abandoned
    # attempts grow the cookie past what a browser stores and every sign-in fails.
    for key in [key for key in session if key.startswith(f"_state_{oidc.CLIENT_NAME}_")]:
        session.pop(key)
    try:
        response = client.authorize_redirect(url_for("auth.sso_callback", _external=True))
    except (requests.RequestException, ValueError, RuntimeError):
        log.warning("sso: provider metadata unavailable", exc_info=True)
        flash(UNREACHABLE, "warning")
        return redirect(url_for("auth.login"), code=303)
    session[NEXT_KEY] = next_url
    response.status_code = 303
    return response


@bp.route("/inloggen/gemeente/terug")
@allow(PUBLIC)  # guarded by the state, nonce and PKCE verifier Authlib keeps in the session
@limiter.limit("30 per minute")
def sso_callback():
    client = oidc.provider()
    if client is None:
        abort(404)
    next_url = safe_next(session.pop(NEXT_KEY, None))
    claims, reason, message = _verified_claims(client)
    if claims is None:
        return _refuse(None, reason, message)
    result = oidc.resolve_account(claims, oidc.settings().role_groups, oidc.settings().groups_claim)
    if result.refused:
        return _refuse(result.user, "sso_" + result.reason, result.message)
    user = result.user
    if needs_second_factor(user):
        # The provider's own second factor is not visible here: beheer passes the app's one as well.
        prepare_enrolment(user)
        begin_pending(user, method=oidc.AUTH_METHOD)
        record(db.session, "login_sso_ok", user, actor=user)
        db.session.commit()
        return redirect(url_for("auth.second_step", next=next_url), code=303)
    start_session(user, method=oidc.AUTH_METHOD)
    record(db.session, "login", user, actor=user, changes={"method": (None, oidc.AUTH_METHOD)})
    db.session.commit()
    return redirect(next_url or url_for("home.index"), code=303)


def _verified_claims(client) -> tuple[dict | None, str, str]:
    """The ID token's claims after Authlib checked signature, issuer, audience, nonce and expiry."""
    config = oidc.settings()
    try:
        token = client.authorize_access_token(claims_options=oidc.claims_options(config), leeway=oidc.LEEWAY_SECONDS)
    except MismatchingStateError:
        return None, "sso_state", STATE_EXPIRED
    except OAuthError as exc:
        return None, "sso_provider_" + _code(exc.error), PROVIDER_ERROR
    except ExpiredTokenError:
        return None, "sso_token_expired", ANSWER_EXPIRED
    except ClaimError as exc:
        return None, "sso_token_" + _code(exc.claim), ANSWER_INVALID
    except JoseError as exc:
        return None, "sso_token_" + _code(exc.error), ANSWER_INVALID
    except requests.RequestException:
        log.warning("sso: provider unreachable during sign-in", exc_info=True)
        return None, "sso_unreachable", UNREACHABLE
    claims = token.get("userinfo")
    if not claims:  # Authlib skips the ID token check when no nonce was kept: never accept that
        return None, "sso_token_missing", ANSWER_INVALID
    return dict(claims), "ok", ""


def _code(value) -> str:
    """Provider-supplied error names go into the audit log: keep them short and plain."""
    return re.sub(r"[^a-z0-9_]", "", str(value or "").lower())[:30] or "unknown"


def _refuse(user, reason: str, message: str):
    db.session.rollback()  # nothing of a refused sign-in is kept, except the audit entry
    _record_failure(user, reason)
    db.session.commit()
    flash(message, "warning")
    return redirect(url_for("auth.login"), code=303)
