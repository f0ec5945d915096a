"""Security headers on every response, the server-side session limits, and secret-free access logs."""

import logging
import re
from collections.abc import Mapping, MutableMapping
from datetime import UTC, datetime

from flask import current_app, request, session
from flask_login import current_user, logout_user

from config import HTMX_URL


def content_security_policy(form_targets: tuple[str, ...] = ()) -> str:
    """`form_targets`: other origins a form may lead to. Chromium applies form-action to the redirect
    after a POST too, so single sign-on's start and sign-out need the identity provider here."""
    cdn = HTMX_URL.split("/npm/")[0]
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {cdn}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            " ".join(("form-action 'self'", *form_targets)),
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


def add_security_headers(response):
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy", content_security_policy(tuple(current_app.config.get("CSP_FORM_TARGETS", ())))
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static":
        # Pages hold personal data: never keep them in a browser or proxy cache.
        headers["Cache-Control"] = "no-store"
    return response


def enforce_session_limits():
    """End a session that passed the absolute lifetime; the idle limit is the cookie's max age."""
    if not current_user.is_authenticated:
        return None
    started = session.get("auth_at")
    limit = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    now = datetime.now(UTC).timestamp()
    if started is None or now - started > limit:
        logout_user()
        session.clear()
    return None


class SigningTokenFilter(logging.Filter):
    """Access logs must not hold the participant's signing token (it works like a password)."""

    # Signing links, the coach's QR sign-in, the set-password link of a new account.
    TOKEN = re.compile(r"(/tekenen/|/mijn/qr/|/wachtwoord-instellen/)[A-Za-z0-9_\-]{16,}")

    def _mask(self, value):
        return self.TOKEN.sub(r"\1***", value) if isinstance(value, str) else value

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):
            # gunicorn logs `format % atoms` with one mapping (its SafeAtoms dict, which answers "-"
            # for a missing atom): mask the values in place and keep that mapping and its type.
            if isinstance(record.args, MutableMapping):
                for key in list(record.args):
                    record.args[key] = self._mask(record.args[key])
            else:
                record.args = {key: self._mask(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(self._mask(a) for a in record.args)
        record.msg = self._mask(record.msg)
        return True


def mask_tokens_in_access_logs() -> None:
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, SigningTokenFilter) for f in logger.filters):
            logger.addFilter(SigningTokenFilter())
