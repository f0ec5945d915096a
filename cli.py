"""Command-line tools: `flask users ...` and `flask demo load`."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from blueprints.auth.passwords import hash_password, password_problem
from blueprints.auth.signin import end_all_sessions, find_user
from core.audit import record
from models import Organisation, Role, User, db

users_cli = AppGroup("users", help="Gebruikers beheren.")
demo_cli = AppGroup("demo", help="Demogegevens.")


@users_cli.command("create")
@click.option("--email", prompt="E-mailadres")
@click.option("--name", prompt="Naam")
@click.option("--role", prompt="Rol", type=click.Choice([r.value for r in Role]))
@click.option("--organisation", default="", help="Naam van de organisatie (verplicht voor partners).")
@click.password_option("--password", prompt="Wachtwoord", confirmation_prompt="Herhaal het wachtwoord")
def create_user(email, name, role, organisation, password):
    """Maak een gebruiker aan; het wachtwoord wordt twee keer gevraagd."""
    email = email.strip().lower()
    if find_user(email):
        raise click.ClickException(f"Er bestaat al een gebruiker met e-mailadres {email}.")
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(problem)
    org = None
    if role == Role.PARTNER:
        if not organisation and click.get_text_stream("stdin").isatty():
            organisation = click.prompt("Organisatie")
        org = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == organisation.lower()))
        if org is None:
            raise click.ClickException("Een partner hoort bij precies één bestaande organisatie; die is niet gevonden.")
    elif organisation:
        raise click.ClickException("Alleen partners horen bij een organisatie.")
    user = User(email=email, name=name.strip(), role=role, organisation=org, password_hash=hash_password(password))
    db.session.add(user)
    db.session.commit()
    click.echo(f"Gebruiker {email} ({role}) aangemaakt.")


@users_cli.command("disable")
@click.argument("email")
def disable_user(email):
    """Zet een gebruiker uit en beëindig direct al zijn sessies."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"Geen gebruiker met e-mailadres {email}.")
    user.active = False
    end_all_sessions(user)
    record(db.session, "user_disabled", user)
    db.session.commit()
    click.echo(f"Gebruiker {user.email} is uitgezet; alle sessies zijn beëindigd.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Alleen laden als er nog geen gebruikers zijn.")
def load_demo_command(if_empty):
    """Laad een realistische demo van de pilot (nooit in productie)."""
    from demo import DemoRefused, load_demo

    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo("De database heeft al gegevens; demodata niet opnieuw geladen.")
        return
    try:
        accounts = load_demo(current_app.config["DEMO_PASSWORD"])
    except DemoRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("Demodata geladen. Demo-accounts (wachtwoord: zie DEMO_PASSWORD, standaard perspectiefjaar-demo):")
    for email, role in accounts:
        click.echo(f"  {email:45} {role}")


def register_cli(app) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
