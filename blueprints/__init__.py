"""Feature blueprints, one package each. `register_blueprints` is the single list of features."""

from importlib import import_module

FEATURES = [
    "auth",
    "home",
    "admin",
    "system",
    "youths",
    "partners",
    "budget",
    "contracts",
    "sign",
    "verify",
    "reports",
    "privacy",
    "referrals",
    "documents",
    "removal",
    "mijn",
    "calendar",
]


def register_blueprints(app) -> None:
    for name in FEATURES:
        module = import_module(f"blueprints.{name}")
        app.register_blueprint(module.bp)
