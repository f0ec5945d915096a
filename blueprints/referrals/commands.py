"""`flask referrals resume` finishes imports whose worker stopped; `flask referrals forget` keeps little (cron)."""

import click

from blueprints.referrals import bp, jobs
from models import ReferralImport, db


@bp.cli.command("resume")
@click.option("--import-id", type=int, default=None, help="Alleen deze import (nummer).")
def resume_command(import_id):
    """Hervat imports die stilstaan (hun werker is gestopt) en maak ze hier af."""
    ids = jobs.resumable_jobs()
    if import_id is not None:
        ids = [i for i in ids if i == import_id]
    if not ids:
        click.echo("Geen import die stilstaat.")
        return
    for job_id in ids:
        finished = jobs.run(job_id)
        job = db.session.get(ReferralImport, job_id)
        state = "klaar" if finished else "niet overgenomen (een andere werker is bezig)"
        click.echo(f"Import {job_id}: {state}; {job.processed_rows} van {job.total_rows} regels verwerkt.")


@bp.cli.command("forget")
@click.option("--days", type=int, default=jobs.KEEP_CELLS_DAYS, show_default=True, help="Bewaar zo veel dagen.")
def forget_command(days):
    """Wis de ingelezen cellen van imports die langer dan --days dagen klaar zijn (de uitslag per regel blijft)."""
    if days < 0:
        raise click.ClickException("Vul 0 of meer dagen in.")
    count = jobs.forget_cells(days)
    click.echo(f"Van {count} import(s) zijn de ingelezen gegevens gewist; de uitslag per regel blijft.")
