"""`flask referrals resume`: finish imports whose worker stopped (run it from cron, or by hand)."""

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
