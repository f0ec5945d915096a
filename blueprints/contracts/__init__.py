"""Inspanningscontract: drafting, versions, signing by partners and the municipality, PDF, outbox.

The participant's public signing pages are a separate blueprint: `blueprints.sign`.
"""

import click
from flask import Blueprint

bp = Blueprint("contracts", __name__, url_prefix="/contracten", cli_group="contracts")

from blueprints.contracts import handover, immutability, rules, views  # noqa: E402,F401

# Templates (case file, lists, portal) ask the one rule for what holds, never the statuses themselves.
bp.add_app_template_global(rules.version_in_force, "version_in_force")
bp.add_app_template_global(rules.open_version, "open_version")


@bp.cli.command("remind")
def remind_command():
    """Herinneringen klaarzetten (na 5 dagen) en verlopen tekenlinks vastleggen."""
    from blueprints.contracts.documents import seal_pending
    from blueprints.contracts.links import expire_links
    from blueprints.contracts.outbox import deliver_pending, queue_reminders
    from models import db

    expired = expire_links()
    reminders = queue_reminders()
    sealed = seal_pending()  # a final PDF that could not be sealed when it was signed (timestamp server down)
    db.session.commit()
    sent = deliver_pending()
    db.session.commit()
    click.echo(
        f"{reminders} herinnering(en) klaargezet, {expired} verlopen link(s) vastgelegd, {sent} e-mail(s) verstuurd, "
        f"{sealed} PDF('s) alsnog verzegeld."
    )
