"""Staff single sign-on with the municipality's identity provider (OpenID Connect, Entra ID in practice).

Authlib talks to the provider and verifies the ID token; the rules here decide which account a verified
set of claims signs in. They are plain functions, tested without HTTP; the routes are in `oidc_views.py`.

- An account is found by the provider's stable id of the person (`oid` in Entra ID, else `sub`), stored
  in `User.oidc_subject`; never by e-mail alone.
- A linked account keeps the role it has here (assigned by beheer); groups do not change it.
- A person the app does not know yet gets in only when exactly one of their groups maps to a role
  (`OIDC_ROLE_GROUPS`). An unlinked account with the same e-mail address and that same role is then
  linked; otherwise a new account with that role is made. Anything else is refused with a Dutch message.
- Partners never sign in this way: they keep their password and second factor.
"""

import logging
import secrets
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, session, url_for
from sqlalchemy import select

from blueprints.auth.passwords import hash_password
from blueprints.auth.signin import find_user
from config import ConfigError
from core.audit import record
from core.forms import is_email_address
from models import User, db

log = logging.getLogger(__name__)

SSO_ROLES = ("coach", "financien", "beheer")
CLIENT_NAME = "gemeente"
EXTENSION = "perspectiefjaar_oidc"
SCOPES = "openid profile email"
# Clock difference allowed between the provider and this server when checking exp/iat.
LEEWAY_SECONDS = 120
AUTH_METHOD = "sso"

REFUSALS = {
    "no_subject": "Het antwoord van de inlogdienst van de gemeente is niet compleet. U bent niet ingelogd.",
    "no_role": "Uw gemeenteaccount heeft nog geen toegang tot Perspectiefjaar. "
    "Vraag de functioneel beheerder om u toegang te geven.",
    "several_roles": "Uw gemeenteaccount hoort bij meer dan één rol in Perspectiefjaar. "
    "Vraag de functioneel beheerder om dit recht te zetten.",
    "partner": "Partners loggen in met hun e-mailadres en wachtwoord, niet met een gemeenteaccount.",
    "disabled": "Uw account in Perspectiefjaar staat uit. Vraag de functioneel beheerder om het weer aan te zetten.",
    "email_taken": "Er is al een account met uw e-mailadres, met een andere rol of gekoppeld aan een ander "
    "gemeenteaccount. Vraag de functioneel beheerder om uw account te koppelen.",
    "no_email": "Uw gemeenteaccount geeft geen e-mailadres door. Vraag de functioneel beheerder om hulp.",
}


@dataclass
class SsoSettings:
    oauth: OAuth
    issuer: str
    client_id: str
    role_groups: dict[str, str] = field(default_factory=dict)
    groups_claim: str = "groups"


@dataclass
class SsoResult:
    user: User | None
    reason: str  # ok, linked, created, or a key of REFUSALS

    @property
    def refused(self) -> bool:
        return self.reason in REFUSALS

    @property
    def message(self) -> str | None:
        return REFUSALS.get(self.reason)


# --------------------------------------------------------------------------- settings


def parse_role_groups(setting: str | None) -> dict[str, str]:
    """`coach=<group-id>,financien=<group-id>` -> {group id: role}. A role may have several groups."""
    mapping: dict[str, str] = {}
    for part in (setting or "").split(","):
        part = part.strip()
        if not part:
            continue
        role, sep, group = (piece.strip() for piece in part.partition("="))
        if not sep or not group or role not in SSO_ROLES:
            raise ConfigError(
                f"OIDC_ROLE_GROUPS: '{part}' klopt niet. Schrijf rol=groep-id, met als rol "
                f"{', '.join(SSO_ROLES)} (partners loggen niet in met single sign-on)."
            )
        if mapping.get(group, role) != role:
            raise ConfigError(f"OIDC_ROLE_GROUPS: groep '{group}' staat bij twee rollen.")
        mapping[group] = role
    return mapping


def init_app(app: Flask) -> None:
    """Register the provider with Authlib when OIDC_ISSUER is set; a wrong setting stops the start."""
    role_groups = parse_role_groups(app.config.get("OIDC_ROLE_GROUPS"))
    issuer = (app.config.get("OIDC_ISSUER") or "").strip()
    if not issuer:
        return
    client_id = (app.config.get("OIDC_CLIENT_ID") or "").strip()
    if not client_id:
        raise ConfigError("OIDC_CLIENT_ID ontbreekt: single sign-on heeft de client-id van de app nodig.")
    metadata_url = app.config.get("OIDC_METADATA_URL") or issuer.rstrip("/") + "/.well-known/openid-configuration"
    # The sign-in button and the sign-out form end in a redirect to the provider (core/security.py).
    app.config["CSP_FORM_TARGETS"] = (_origin(issuer),)
    oauth = OAuth(app)
    oauth.register(
        CLIENT_NAME,
        client_id=client_id,
        client_secret=app.config.get("OIDC_CLIENT_SECRET") or None,
        server_metadata_url=metadata_url,
        client_kwargs={
            "scope": SCOPES,
            # PKCE on top of the client secret: a stolen authorization code is useless on its own.
            "code_challenge_method": "S256",
            "default_timeout": app.config.get("OIDC_TIMEOUT_SECONDS", 10),
        },
    )
    app.extensions[EXTENSION] = SsoSettings(
        oauth=oauth,
        issuer=issuer,
        client_id=client_id,
        role_groups=role_groups,
        groups_claim=app.config.get("OIDC_GROUPS_CLAIM") or "groups",
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"OIDC_ISSUER '{url}' is geen https-adres.")
    return f"{parts.scheme}://{parts.netloc}"


def settings() -> SsoSettings | None:
    return current_app.extensions.get(EXTENSION)


def is_configured() -> bool:
    return settings() is not None


def provider():
    """The Authlib client of the municipality's provider (None when single sign-on is off)."""
    config = settings()
    return config.oauth.create_client(CLIENT_NAME) if config else None


def claims_options(config: SsoSettings) -> dict:
    """What the ID token must say. Authlib checks only iss by default and aud only through azp,
    so both are required explicitly: a token for another app or from another issuer is refused."""
    return {
        "iss": {"essential": True, "value": config.issuer},
        "aud": {"essential": True, "value": config.client_id},
        "exp": {"essential": True},
        "sub": {"essential": True},
    }


# --------------------------------------------------------------------------- rules


def _clean(value, limit: int) -> str | None:
    """A claim as text without control characters, or None."""
    if not isinstance(value, str):
        return None
    text = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C").strip()
    return text[:limit] or None


def subject_of(claims: dict) -> str | None:
    """Entra ID's `oid` is the same for one person in every app of the tenant; `sub` elsewhere."""
    for name in ("oid", "sub"):
        value = claims.get(name)
        if isinstance(value, str) and value and len(value) <= 255 and value == _clean(value, 255):
            return value
    return None


def email_of(claims: dict) -> str | None:
    """Entra ID puts the sign-in name (UPN) in preferred_username; other providers use email."""
    for name in ("preferred_username", "email", "upn"):
        value = _clean(claims.get(name), 254)
        if value and is_email_address(value):
            return value.lower()
    return None


def name_of(claims: dict, email: str) -> str:
    name = _clean(claims.get("name"), 200)
    if not name:
        parts = [_clean(claims.get(key), 100) for key in ("given_name", "family_name")]
        name = " ".join(part for part in parts if part)
    return name or email


def roles_from_groups(claims: dict, role_groups: dict[str, str], groups_claim: str = "groups") -> set[str]:
    groups = claims.get(groups_claim)
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list):
        if "_claim_names" in claims:
            log.warning("sso: the provider left the groups out of the token (too many groups); map fewer groups")
        return set()
    return {role_groups[group] for group in groups if isinstance(group, str) and group in role_groups}


def resolve_account(claims: dict, role_groups: dict[str, str], groups_claim: str = "groups") -> SsoResult:
    """Which account verified claims sign in; links or creates one when a group allows it. Caller commits."""
    subject = subject_of(claims)
    if subject is None:
        return SsoResult(None, "no_subject")
    user = db.session.scalar(select(User).where(User.oidc_subject == subject))
    if user is not None:
        return _check_account(user) or SsoResult(user, "ok")

    roles = roles_from_groups(claims, role_groups, groups_claim)
    if len(roles) > 1:
        return SsoResult(None, "several_roles")
    if not roles:
        return SsoResult(None, "no_role")
    role = roles.pop()
    email = email_of(claims)
    if email is None:
        return SsoResult(None, "no_email")

    existing = find_user(email)
    if existing is not None:
        if refusal := _check_account(existing):
            return refusal
        # Same e-mail and a group granting that same role: linking gives nobody a role they lack.
        if existing.oidc_subject is not None or existing.role != role:
            return SsoResult(existing, "email_taken")
        existing.oidc_subject = subject
        record(db.session, "sso_linked", existing, actor=existing)
        return SsoResult(existing, "linked")

    user = User(
        email=email,
        name=name_of(claims, email),
        role=role,
        # Nobody knows this password: the account signs in through the provider only.
        password_hash=hash_password(secrets.token_urlsafe(32)),
        oidc_subject=subject,
    )
    db.session.add(user)
    db.session.flush()
    record(db.session, "sso_account_created", user, actor=user, changes={"role": (None, role)})
    return SsoResult(user, "created")


def may_use_sso(user: User) -> bool:
    """Staff sign in with the municipality's account; partners never do."""
    return user.role in SSO_ROLES


def _check_account(user: User) -> SsoResult | None:
    if user.role == "partner":
        return SsoResult(user, "partner")
    if not user.active:
        return SsoResult(user, "disabled")
    return None


def link_subject(user: User, subject: str) -> None:
    """Beheer links an account to a person at the provider by hand (`flask users link-sso`)."""
    if user.role not in SSO_ROLES:
        raise ValueError("Partners loggen niet in met single sign-on.")
    subject = subject.strip()
    if not subject or subject != _clean(subject, 255):
        raise ValueError("Deze id klopt niet.")
    other = db.session.scalar(select(User).where(User.oidc_subject == subject, User.id != user.id))
    if other is not None:
        raise ValueError(f"Deze id hoort al bij {other.email}.")
    user.oidc_subject = subject
    record(db.session, "sso_linked", user)


# --------------------------------------------------------------------------- sign-out


def signed_in_with_sso() -> bool:
    return session.get("auth_method") == AUTH_METHOD


def end_session_url() -> str | None:
    """Where to send the browser so the provider ends its session too (RP-initiated logout).

    None when this session did not come from single sign-on, or the provider offers no
    end_session_endpoint or cannot be reached: the local session ends either way.
    """
    client = provider()
    if client is None or not signed_in_with_sso():
        return None
    try:
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        return client.create_logout_url(
            post_logout_redirect_uri=url_for("auth.login", _external=True), client_id=settings().client_id
        )["url"]
    except Exception:  # noqa: BLE001 - a provider that is down must not keep anyone signed in here
        log.warning("sso: could not reach the provider for sign-out", exc_info=True)
        return None
