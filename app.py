"""The application factory: settings, extensions, blueprints, error pages and CLI commands."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from blueprints import register_blueprints
from cli import register_cli
from core import access, audit, data_version, database, formatting, nav, seal, security  # noqa: F401  (listeners)
from core import input as input_guard
from core.errors import register_error_handlers
from core.logs import configure_logging
from extensions import csrf, limiter, login_manager, migrate
from models import db

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(config.DEFAULTS)
    if test_config is None:
        app.config.update(config.from_environment())
    else:
        app.config.update(test_config)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    if proxies := int(app.config.get("TRUSTED_PROXIES") or 0):
        # Believe exactly that many X-Forwarded-For/-Proto hops: the client address in the audit and
        # in the per-address limits is then the one the outermost trusted proxy saw. With 0 the
        # headers are ignored, so a client cannot forge its address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    configure_logging(app.config.get("LOG_FORMAT") or ("json" if is_production(app) else "text"))
    security.mask_tokens_in_access_logs()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), compare_type=True, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    app.url_map.converters["int"] = input_guard.IdConverter  # before the routes: every <int:...> is an id
    register_blueprints(app)
    access.register(app)
    nav.register(app)
    formatting.register(app)
    register_error_handlers(app)
    seal.warn_when_unsealed(app)

    app.before_request(security.enforce_session_limits)
    app.before_request(access.enforce_access)
    input_guard.register(app)
    app.after_request(security.add_security_headers)

    @app.context_processor
    def inject_settings():
        return {"htmx_url": app.config["HTMX_URL"], "htmx_sri": app.config["HTMX_SRI"]}

    register_cli(app)
    return app


def is_production(app: Flask) -> bool:
    return app.config.get("APP_ENV", "production") == "production"
