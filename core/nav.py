"""The main menu: which pages each kind of user finds in the header, in their order of work.

Which links a role sees is a product choice (a coach's day starts at the participants, finance's at
the budget), so it lives here rather than in a template; every link is also asked through `may()`,
so the menu can never offer a page its user would be refused. Features add their links here.
"""

from flask_login import current_user

from core.access import may

MENUS: dict[str, list[tuple[str, str]]] = {
    "coach": [
        ("home.coach", "Start"),
        ("youths.index", "Deelnemers"),
        ("calendar.week", "Agenda"),
        ("referrals.index", "Aanmeldlijsten"),
        ("partners.overview", "Partners"),
        ("contracts.index", "Contracten"),
        ("budget.new_request", "Maatwerk aanvragen"),
        ("budget.my_requests_page", "Mijn aanvragen"),
        ("reports.index", "Rapportage"),
    ],
    "financien": [
        ("home.financien", "Start"),
        ("budget.index", "Financiën"),
        ("budget.years", "Begrotingsjaren"),
        ("budget.months", "Maanden afsluiten"),
        ("partners.overview", "Partners"),
        ("reports.index", "Rapportage"),
    ],
    "partner": [
        ("home.partner", "Start"),
        ("partners.commitments", "Toezeggingen"),
        ("contracts.portal_index", "Contracten"),
    ],
    "beheer": [
        ("home.beheer", "Start"),
        ("admin.audit_log", "Auditlog"),
        ("admin.users", "Gebruikers"),
        ("referrals.index", "Aanmeldlijsten"),
        ("partners.overview", "Partners"),
        ("partners.organisations", "Organisaties"),
        ("budget.years", "Begrotingsjaren"),
        ("contracts.template_edit", "Contracttekst"),
        ("contracts.outbox_list", "Uitgaande berichten"),
        ("reports.index", "Rapportage"),
        ("privacy.index", "Privacy"),
        ("removal.index", "Verwijderd"),
    ],
}


def main_menu() -> list[tuple[str, str]]:
    """The signed-in user's menu as (endpoint, label) pairs; empty for anyone else."""
    if not current_user.is_authenticated:
        return []
    return [(endpoint, label) for endpoint, label in MENUS.get(current_user.role, []) if may(endpoint)]


def register(app) -> None:
    app.jinja_env.globals["main_menu"] = main_menu
