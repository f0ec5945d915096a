"""Demo data: a realistic pilot to click through. Each feature adds its part in `demo/<feature>.py`.

Loading is refused in production mode: demo accounts have a known password.
"""

from flask import current_app

from models import db


class DemoRefused(RuntimeError):
    pass


DEMO_ACCOUNTS = [
    ("coach@hengelo.test", "coach"),
    ("coach2@hengelo.test", "coach"),
    ("financien@hengelo.test", "financien"),
    ("beheer@hengelo.test", "beheer"),
    ("roc@roc-twente.test", "partner"),
    ("leerwerkloket@leerwerkloket-twente.test", "partner"),
    ("provincie@overijssel.test", "partner"),
    ("werkgever@bouwbedrijf-hengelo.test", "partner"),
]


def load_demo(password: str) -> list[tuple[str, str]]:
    if current_app.config.get("APP_ENV", "production") == "production":
        raise DemoRefused("Demodata laden kan niet in productie (APP_ENV=production).")
    from demo import foundation

    world = foundation.load(password)
    # Features extend the world in dependency order; each returns nothing and adds to `world`.
    for name in FEATURE_LOADERS:
        module = __import__(f"demo.{name}", fromlist=["load"])
        module.load(world)
    db.session.commit()
    return DEMO_ACCOUNTS


FEATURE_LOADERS: list[str] = ["youths", "partners", "budget", "contracts", "portal", "onward", "documents"]
