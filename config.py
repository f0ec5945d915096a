"""Settings read from the environment; one place that knows every knob the app has."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

HTMX_VERSION = "2.0.11"
HTMX_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
HTMX_SRI = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"

INSTANCE_DIR = Path(__file__).resolve().parent / "instance"


def _normalise_db_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants an explicit driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret() -> str:
    # A stable random key per checkout, so dev sessions survive a restart without a secret in code.
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


class ConfigError(RuntimeError):
    pass


def _trusted_proxies(raw: str | None) -> int:
    """How many reverse proxies stand before the app: only their X-Forwarded-* headers are believed."""
    raw = (raw or "").strip()
    if not raw:
        return 0
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 10:
        raise ConfigError(f"TRUSTED_PROXIES moet een getal van 0 tot en met 10 zijn, niet {raw!r}.")
    return int(raw)


def from_environment() -> dict:
    env = os.environ.get("APP_ENV", "production")
    production = env == "production"
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError(
                "SECRET_KEY ontbreekt: in productie start de app niet zonder geheime sleutel. "
                "Zet SECRET_KEY, of APP_ENV=development voor lokaal gebruik."
            )
        secret = _development_secret()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'perspectiefjaar.db'}"
    settings = {
        "APP_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _normalise_db_url(database_url),
        # Secure cookies everywhere except local development over plain http.
        "SESSION_COOKIE_SECURE": env != "development",
        "REDIS_URL": os.environ.get("REDIS_URL"),
        "TRUSTED_PROXIES": _trusted_proxies(os.environ.get("TRUSTED_PROXIES")),
        "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "perspectiefjaar-demo"),
        # Key of the audit log's daily seals; set it once and keep it (SECRET_KEY is used without it).
        "AUDIT_SEAL_KEY": os.environ.get("AUDIT_SEAL_KEY"),
        "SMTP_HOST": os.environ.get("SMTP_HOST"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "587")),
        "SMTP_USER": os.environ.get("SMTP_USER"),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "perspectiefjaar@hengelo.nl"),
        # "package.module:ClassName" of an SMS provider adapter (core/messaging.py); empty: SMS stays in the outbox.
        "SMS_SENDER": os.environ.get("SMS_SENDER", ""),
        # Appointment reminders (flask reminders send): hours before the appointment; the site's address for links.
        "REMINDER_HOURS": float(os.environ.get("REMINDER_HOURS", "24")),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
        # Only where nothing can be sent (local development, the demo): keep sign-in codes readable in the outbox.
        "OUTBOX_KEEPS_SECRETS": env == "development",
        "RETENTION_YEARS": int(os.environ.get("RETENTION_YEARS", "7")),
        "LOG_FORMAT": os.environ.get("LOG_FORMAT"),  # "json" or "text"; json by default in production
        # Staff single sign-on over OpenID Connect (blueprints/auth/oidc.py); off while OIDC_ISSUER is empty.
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER"),
        "OIDC_METADATA_URL": os.environ.get("OIDC_METADATA_URL"),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID"),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET"),
        "OIDC_ROLE_GROUPS": os.environ.get("OIDC_ROLE_GROUPS", ""),
        "OIDC_GROUPS_CLAIM": os.environ.get("OIDC_GROUPS_CLAIM", "groups"),
        # The municipality's seal on fully signed contract PDFs (core/seal.py); PEM files.
        "SEAL_CERT_FILE": os.environ.get("SEAL_CERT_FILE"),
        "SEAL_KEY_FILE": os.environ.get("SEAL_KEY_FILE"),
        "SEAL_KEY_PASSPHRASE": os.environ.get("SEAL_KEY_PASSPHRASE"),
        "SEAL_TSA_URL": os.environ.get("SEAL_TSA_URL"),  # RFC 3161 timestamp server: PAdES B-T
        # e.g. https://perspectiefjaar.hengelo.nl, for links in mails and the QR code in PDFs made outside a request
        # (the demo, cron jobs); in development the address `make run` serves on.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL")
        or (f"http://127.0.0.1:{os.environ.get('PORT', '5000')}" if env == "development" else None),
    }
    if env == "development" and not (settings["SEAL_CERT_FILE"] and settings["SEAL_KEY_FILE"]):
        from core.seal import development_settings

        settings.update(development_settings(INSTANCE_DIR))
    return settings


DEFAULTS = {
    "APP_ENV": "production",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "pj_session",
    # Idle timeout: Flask refuses a permanent session cookie older than this, and refreshes it
    # on every request, so 30 minutes without a request ends the session.
    "PERMANENT_SESSION_LIFETIME": timedelta(minutes=30),
    "SESSION_ABSOLUTE_LIFETIME": timedelta(hours=12),
    "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
    "WTF_CSRF_TIME_LIMIT": None,
    "WTF_I18N_ENABLED": False,  # the token lives as long as the session, which itself expires
    "HTMX_URL": HTMX_URL,
    "HTMX_SRI": HTMX_SRI,
    # Who imports a referral list: "thread" (a background thread of the app server that took the
    # upload), "inline" (inside the request; tests) or "none" (only `flask referrals resume`).
    "REFERRAL_IMPORT_WORKER": "thread",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": False,
    # Redis gone: Flask-Limiter logs a warning and counts in this process's memory until Redis
    # answers again (it retries with a growing pause, at most about half a minute), instead of 500s.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    # Fail fast on an unreachable Redis: a request must not wait long for a counter.
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    "TRUSTED_PROXIES": 0,
    "RETENTION_YEARS": 7,
    "PAGE_SIZE": 25,
    # No request body above this (413, a Dutch page): the largest upload is a 20 MB referral list
    # (blueprints/referrals/parsing.py); documents narrow it to 10 MB for their own routes.
    "MAX_CONTENT_LENGTH": 21 * 1024 * 1024,
    "OIDC_ISSUER": None,
    "OIDC_ROLE_GROUPS": "",
    "OIDC_GROUPS_CLAIM": "groups",
    "OIDC_TIMEOUT_SECONDS": 10,
}
