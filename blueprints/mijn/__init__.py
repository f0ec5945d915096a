"""Mijn Perspectiefjaar: the young adult's own place (sign-in without password, home, appointments).

The participant is not a `User`: they sign in with a one-time code or a QR code from the coach
(`signin.py`), and views declare `@allow(PARTICIPANT)`. Rules live in `home.py`, calendar files in
`ics.py`.
"""

from flask import Blueprint

bp = Blueprint("mijn", __name__, url_prefix="/mijn", cli_group="reminders")

from blueprints.mijn import views  # noqa: E402,F401


@bp.cli.command("send")
def send_reminders_command():
    """Herinneringen voor afspraken versturen (cron, bijvoorbeeld elk kwartier). Veilig om vaker te draaien."""
    import click

    from blueprints.mijn.reminders import send_due

    result = send_due()
    click.echo(
        f"{result.reminders} herinnering(en) klaargezet, {result.skipped} afspraak/afspraken zonder herinnering "
        f"(deelnemer wil er geen of heeft geen adres), {result.retried} eerder bericht(en) alsnog verstuurd."
    )
