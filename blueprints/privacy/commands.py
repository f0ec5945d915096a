"""`flask privacy purge [--dry-run]`: anonymise case files past their destruction date."""

from datetime import date

import click
from flask import current_app

from blueprints.privacy import bp
from blueprints.privacy.retention import purge_due
from models import db


@bp.cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Toon wat er zou gebeuren; verander niets.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Peildatum (voor tests).")
def purge_command(dry_run, today):
    """Anonimiseer afgesloten dossiers waarvan de bewaartermijn voorbij is (één transactie per dossier)."""
    years = int(current_app.config["RETENTION_YEARS"])
    day = today.date() if today else date.today()
    done = failed = 0
    for plan, error in purge_due(db.session, years, day, dry_run, actor_label="flask privacy purge"):
        if error is not None:
            failed += 1
            click.echo(f"Dossier {plan.participant_id}: MISLUKT, niets veranderd ({type(error).__name__}).", err=True)
            continue
        done += 1
        verb = "zou worden geanonimiseerd" if dry_run else "geanonimiseerd"
        click.echo(f"Dossier {plan.participant_id} (vernietigingsdatum {plan.destruction_date:%d-%m-%Y}) {verb}:")
        for line in plan.lines():
            click.echo(line)
    if dry_run:
        click.echo(f"Proefdraai: {done} dossier(s) aan de beurt; er is niets veranderd.")
    else:
        click.echo(f"{done} dossier(s) geanonimiseerd, {failed} mislukt.")
    if failed:
        raise SystemExit(1)
