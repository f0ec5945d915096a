"""Account actions used by the beheer users page and the CLI: create, edit, disable, enable, reset the second
factor, and the one-time link to set a password.

Plain functions without HTTP; each records its semantic audit event, the caller commits.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from blueprints.auth.passwords import hash_password
from blueprints.auth.signin import end_all_sessions, find_user
from blueprints.auth.totp import reset_second_factor
from core.audit import record
from core.forms import CONTROL_CHARACTERS, EMAIL_MESSAGE, is_email_address
from core.messaging import queue_email
from models import Organisation, OrganisationKind, PasswordSetLink, Role, User, db, utcnow


def disable_user(user: User) -> None:
    """Switch the account off and end every session it has, at once."""
    user.active = False
    end_all_sessions(user)
    record(db.session, "user_disabled", user)


def enable_user(user: User) -> None:
    user.active = True
    record(db.session, "user_enabled", user)


def reset_user_second_factor(user: User) -> None:
    """Forget the authenticator and recovery codes; sessions end; enrolment again at next sign-in."""
    reset_second_factor(user)
    end_all_sessions(user)
    record(db.session, "totp_reset", user)


# --------------------------------------------------------------------------- creating and editing

PASSWORD_LINK_VALID_FOR = timedelta(hours=48)
PARTNER_NEEDS_ORGANISATION = "Een partner hoort bij precies één organisatie: kies de organisatie."
ONLY_PARTNERS_HAVE_ORGANISATION = "Alleen partners horen bij een organisatie."
MUNICIPALITY_IS_NO_PARTNER = (
    "De gemeente is geen partnerorganisatie. Geef medewerkers van de gemeente de rol life-coach, financiën of beheer."
)
PLAIN_EMAIL = "Gebruik in het e-mailadres geen accenten, brede of bijzondere tekens."
BAD_CHARACTERS = "Er staan tekens in die we niet kunnen opslaan. Typ de tekst opnieuw."


def account_problems(
    email: str, name: str, role: str, organisation: Organisation | None, user: User | None = None
) -> dict[str, str]:
    """Dutch messages per field (email, name, role, organisation) for a new or edited account; empty when fine.

    The one rule for the beheer page and `flask users create`; `user` is the account being edited.
    """
    problems: dict[str, str] = {}
    if any(c in CONTROL_CHARACTERS for c in email) or not is_email_address(email) or len(email) > 254:
        problems["email"] = EMAIL_MESSAGE
    elif not email.isascii():  # a full-width or accented look-alike of an address would be a second account
        problems["email"] = PLAIN_EMAIL
    else:
        other = find_user(email)
        if other is not None and (user is None or other.id != user.id):
            problems["email"] = f"Er bestaat al een gebruiker met e-mailadres {email}."
    if any(c in CONTROL_CHARACTERS for c in name):
        problems["name"] = BAD_CHARACTERS
    elif not name.strip() or len(name) > 200:
        problems["name"] = "Vul een naam in van hoogstens 200 tekens."
    if role not in {r.value for r in Role}:
        problems["role"] = "Kies een rol."
    elif role == Role.PARTNER and organisation is None:
        problems["organisation"] = PARTNER_NEEDS_ORGANISATION
    elif role == Role.PARTNER and organisation.kind == OrganisationKind.GEMEENTE:
        problems["organisation"] = MUNICIPALITY_IS_NO_PARTNER
    elif role != Role.PARTNER and organisation is not None:
        problems["organisation"] = ONLY_PARTNERS_HAVE_ORGANISATION
    return problems


def create_account(
    email: str, name: str, role: str, organisation: Organisation | None, password: str | None = None
) -> User:
    """A new account (checked with `account_problems` first). Without a password the account gets an
    unguessable one nobody knows: it signs in after the set-password link, or by SSO."""
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        role=role,
        organisation=organisation if role == Role.PARTNER else None,
        password_hash=hash_password(password if password is not None else secrets.token_urlsafe(32)),
    )
    db.session.add(user)
    return user


def update_account(user: User, email: str, name: str, role: str, organisation: Organisation | None) -> None:
    """Change name, e-mail, role, organisation. A new role or organisation ends the user's sessions, so
    no open browser keeps the old rights."""
    email = email.strip().lower()
    organisation = organisation if role == Role.PARTNER else None
    rights_change = role != user.role or (organisation.id if organisation else None) != user.organisation_id
    user.email, user.name, user.role, user.organisation = email, name.strip(), role, organisation
    if rights_change:
        end_all_sessions(user)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_password_link(user: User, actor: User | None, now: datetime | None = None) -> str:
    """A fresh set-password link for `user`; earlier open links stop working. Returns the token (never stored)."""
    now = now or utcnow()
    db.session.execute(
        update(PasswordSetLink)
        .where(PasswordSetLink.user_id == user.id, PasswordSetLink.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordSetLink(
            user_id=user.id,
            token_hash=_token_hash(token),
            created_at=now,
            created_by_id=actor.id if actor else None,
            expires_at=now + PASSWORD_LINK_VALID_FOR,
        )
    )
    return token


def send_password_link(user: User, actor: User | None, new_account: bool) -> None:
    """E-mail the user a link to set a password, valid 48 hours and used once."""
    # Imported here: contracts imports partners, which imports this module (a cycle at import time).
    from blueprints.contracts.documents import external_url

    db.session.flush()
    token = create_password_link(user, actor)
    url = external_url("auth.set_password", link_token=token)
    greeting = f"Beste {user.name},"
    if new_account:
        intro = f"Er is een account voor u gemaakt op Perspectiefjaar, als {user.role_label}."
    else:
        intro = "U kunt een (nieuw) wachtwoord instellen voor uw account op Perspectiefjaar."
    steps = "Kies via deze link een wachtwoord. De link werkt 48 uur en maar één keer:"
    after = "Partners en beheerders stellen daarna bij de eerste keer inloggen een authenticator-app in."
    unexpected = "Heeft u dit niet verwacht? Dan kunt u deze mail negeren."
    text = f"{greeting}\n\n{intro}\n{steps}\n\n{{link}}\n\n{after}\n\n{unexpected}"
    subject = "Stel uw wachtwoord in voor Perspectiefjaar"
    queue_email(user.email, subject, text, kind="wachtwoord", secrets={"{link}": url})
    record(db.session, "password_link_sent", user)


def open_password_link(token: str, now: datetime | None = None) -> PasswordSetLink | None:
    """The link for this token when it still works (not used, not expired), else None."""
    now = now or utcnow()
    if not token or len(token) > 100:
        return None
    link = db.session.scalar(select(PasswordSetLink).where(PasswordSetLink.token_hash == _token_hash(token)))
    if link is None or link.used_at is not None or link.expires_at <= now or not link.user.active:
        return None
    return link


def set_password_with_link(link: PasswordSetLink, password: str, now: datetime | None = None) -> bool:
    """Use the link once (a conditional UPDATE, so two tabs cannot both use it) and set the password.

    The caller checked `password_problem` first. False when the link was used meanwhile.
    """
    now = now or utcnow()
    claimed = db.session.execute(
        update(PasswordSetLink)
        .where(PasswordSetLink.id == link.id, PasswordSetLink.used_at.is_(None), PasswordSetLink.expires_at > now)
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        return False
    user = link.user
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    record(db.session, "password_set_by_link", user)
    return True
