"""Command-line tools: `flask users ...`, `flask demo load`, `flask audit seal|verify`, `flask backup` and
`flask restore`."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from backup import backup_command, restore_command
from blueprints.admin import auditchain
from blueprints.auth.accounts import (
    account_problems,
    create_account,
    disable_user,
    enable_user,
    reset_user_second_factor,
)
from blueprints.auth.oidc import link_subject
from blueprints.auth.passwords import password_problem
from blueprints.auth.signin import find_user
from blueprints.auth.totp import needs_second_factor
from demo import DEMO_ACCOUNTS, DemoRefused, load_demo
from models import Organisation, Role, User, db

users_cli = AppGroup("users", help="Gebruikers beheren.")
demo_cli = AppGroup("demo", help="Demogegevens.")
audit_cli = AppGroup("audit", help="De auditlog verzegelen en controleren.")


def _seal_now() -> None:
    sealed = auditchain.seal_finished_days()
    db.session.commit()
    for seal in sealed:
        click.echo(f"{seal.day:%d-%m-%Y} verzegeld: {seal.row_count} regel(s), zegel {seal.seal}")


@audit_cli.command("seal")
def audit_seal():
    """Verzegel elke afgelopen dag van de auditlog (dagelijks uit cron, kort na middernacht UTC)."""
    _seal_now()
    last = auditchain.verify_summary()
    click.echo(f"Laatste zegel: {last}" if last else "Nog geen dag om te verzegelen.")


@audit_cli.command("verify")
def audit_verify():
    """Verzegel afgelopen dagen en controleer de hele keten; afwijkingen geven exit-code 1."""
    _seal_now()
    report = auditchain.verify()
    for problem in report.problems:
        day = f"{problem.day:%d-%m-%Y}" if problem.day else "zonder dag"
        click.echo(f"FOUT {day}: {problem.text}", err=True)
    if report.seals:
        click.echo(
            f"{report.seals} dag(en) verzegeld ({report.first_day:%d-%m-%Y} t/m {report.last_day:%d-%m-%Y}), "
            f"{report.rows_checked} regel(s) gecontroleerd, {report.unsealed_rows} regel(s) van vandaag nog open."
        )
        click.echo(f"Laatste zegel: {report.last_seal}")
    else:
        click.echo(f"Nog geen zegel; {report.unsealed_rows} regel(s) nog open.")
    if not report.intact:
        raise SystemExit(1)
    click.echo("De keten is heel.")


@users_cli.command("create")
@click.option("--email", prompt="E-mailadres")
@click.option("--name", prompt="Naam")
@click.option("--role", prompt="Rol", type=click.Choice([r.value for r in Role]))
@click.option("--organisation", default="", help="Naam van de organisatie (verplicht voor partners).")
@click.password_option("--password", prompt="Wachtwoord", confirmation_prompt="Herhaal het wachtwoord")
def create_user(email, name, role, organisation, password):
    """Maak een gebruiker aan; het wachtwoord wordt twee keer gevraagd."""
    email = email.strip().lower()
    organisation = (organisation or "").strip()
    org = None
    if organisation:
        org = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == organisation.lower()))
        if org is None:
            raise click.ClickException(f"Organisatie '{organisation}' bestaat niet. Maak die eerst aan bij Partners.")
    # The same rule as the beheer page (blueprints/auth/accounts.py).
    problems = account_problems(email, name, role, org)
    if problems:
        raise click.ClickException(" ".join(problems.values()))
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(problem)
    user = create_account(email, name, role, org, password=password)
    db.session.commit()
    click.echo(f"Gebruiker {email} ({role}) aangemaakt.")
    if needs_second_factor(user):
        click.echo("Bij de eerste keer inloggen stelt deze gebruiker de tweede stap (authenticator-app) in.")


def _user_or_fail(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"Geen gebruiker met e-mailadres {email}.")
    return user


@users_cli.command("forget-failures")
def forget_failures():
    """Ruim tellers van mislukte inlogpogingen op die niets meer doen (dagelijks uit cron)."""
    from blueprints.auth.throttle import forget_stale

    count = forget_stale()
    db.session.commit()
    click.echo(f"{count} oude teller(s) van inlogpogingen opgeruimd.")


@users_cli.command("disable")
@click.argument("email")
def disable_user_command(email):
    """Zet een gebruiker uit en beëindig direct al zijn sessies."""
    user = _user_or_fail(email)
    disable_user(user)
    db.session.commit()
    click.echo(f"Gebruiker {user.email} is uitgezet; alle sessies zijn beëindigd.")


@users_cli.command("enable")
@click.argument("email")
def enable_user_command(email):
    """Zet een uitgezette gebruiker weer aan."""
    user = _user_or_fail(email)
    enable_user(user)
    db.session.commit()
    click.echo(f"Gebruiker {user.email} kan weer inloggen.")


@users_cli.command("reset-2fa")
@click.argument("email")
def reset_second_factor_command(email):
    """Wis de tweede stap van een gebruiker (bijvoorbeeld de enige beheerder die zijn telefoon kwijt is)."""
    user = _user_or_fail(email)
    reset_user_second_factor(user)
    db.session.commit()
    click.echo(f"De tweede stap van {user.email} is gewist; die stelt hem bij de volgende keer inloggen opnieuw in.")


@users_cli.command("link-sso")
@click.argument("email")
@click.argument("subject")
def link_sso_command(email, subject):
    """Koppel een account aan een gemeenteaccount (Entra ID: de object-id van de persoon)."""
    user = _user_or_fail(email)
    try:
        link_subject(user, subject)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{user.email} logt voortaan ook in met gemeenteaccount {subject.strip()}; de rol blijft {user.role}.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Alleen laden als er nog geen gebruikers zijn; anders niets doen.")
def load_demo_command(if_empty):
    """Laad een realistische demo van de pilot (nooit in productie)."""
    if db.session.scalar(select(func.count(User.id))):
        if not if_empty:
            raise click.ClickException("De database is niet leeg; demodata wordt alleen in een lege database geladen.")
        click.echo("De database heeft al gegevens; demodata niet opnieuw geladen.")
        accounts = DEMO_ACCOUNTS if find_user(DEMO_ACCOUNTS[0][0]) else []
    else:
        try:
            accounts = load_demo(current_app.config["DEMO_PASSWORD"])
        except DemoRefused as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo("Demodata geladen.")
    if accounts:
        click.echo("Demo-accounts (wachtwoord: DEMO_PASSWORD, standaard perspectiefjaar-demo):")
        for email, role in accounts:
            click.echo(f"  {email:45} {role}")


def register_cli(app) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
