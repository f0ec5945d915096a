"""Demo organisations and accounts (the eight accounts the README lists)."""

from blueprints.auth.passwords import hash_password
from models import Organisation, User, db, utcnow

# The second-factor secret of every demo partner and beheer account (written in the README).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"

ORGANISATIONS = [
    ("Gemeente Hengelo", "gemeente", "Team Werk en Inkomen", "perspectiefjaar@hengelo.test"),
    ("ROC van Twente", "onderwijs", "Marloes Ten Hove", "info@roc-twente.test"),
    ("Leerwerkloket Twente", "leerwerkloket", "Sander Oude Luttikhuis", "info@leerwerkloket-twente.test"),
    ("Provincie Overijssel", "overheid", "Ingrid Wessels", "info@overijssel.test"),
    ("Bouwbedrijf Hengelo", "werkgever", "Henk Brinkhuis", "info@bouwbedrijf-hengelo.test"),
    ("Zorggroep Twentse Zorg", "werkgever", "Fatma Yilmaz", "info@twentsezorg.test"),
    ("Techniekbedrijf Stork-Oost", "werkgever", "Ruud Kamphuis", "info@stork-oost.test"),
]

USERS = [
    ("coach@hengelo.test", "Lotte Jansen", "coach", None),
    ("coach2@hengelo.test", "Mehmet Kaya", "coach", None),
    ("financien@hengelo.test", "Els Bosch", "financien", None),
    ("beheer@hengelo.test", "Bram de Vries", "beheer", None),
    ("roc@roc-twente.test", "Marloes Ten Hove", "partner", "ROC van Twente"),
    ("leerwerkloket@leerwerkloket-twente.test", "Sander Oude Luttikhuis", "partner", "Leerwerkloket Twente"),
    ("provincie@overijssel.test", "Ingrid Wessels", "partner", "Provincie Overijssel"),
    ("werkgever@bouwbedrijf-hengelo.test", "Henk Brinkhuis", "partner", "Bouwbedrijf Hengelo"),
]


def load(password: str) -> dict:
    """Create organisations and users; return a dict other demo modules build on."""
    organisations = {}
    for name, kind, contact, email in ORGANISATIONS:
        org = Organisation(name=name, kind=kind, contact_name=contact, contact_email=email)
        db.session.add(org)
        organisations[name] = org
    password_hash = hash_password(password)  # one hash: the demo accounts share a password
    users = {}
    for email, name, role, org_name in USERS:
        user = User(
            email=email, name=name, role=role, organisation=organisations.get(org_name), password_hash=password_hash
        )
        if role in ("partner", "beheer"):
            # Demo mode only (load_demo refuses production): a known, already enrolled TOTP secret.
            user.totp_secret = DEMO_TOTP_SECRET
            user.totp_enabled_at = utcnow()
        db.session.add(user)
        users[email] = user
    db.session.flush()
    return {"organisations": organisations, "users": users}
