"""Command-line tools: demo data and the translation workflow."""
import subprocess
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from app.db import utcnow
from app.domain.workflow import Role
from app.extensions import db

demo = AppGroup("demo", help="Demo data for a local run.")
translate = AppGroup("translate", help="Translation and localisation commands.")

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
POT = ROOT / "messages.pot"


@demo.command("seed")
def seed_command():
    """Create the demo units, categories and posters (idempotent)."""
    from werkzeug.security import generate_password_hash

    from app.seed import DEMO_PASSWORD, seed_demo, seed_demo_users

    counts = seed_demo(db.session, utcnow())
    seed_demo_users(db.session, utcnow(), generate_password_hash(DEMO_PASSWORD))
    db.session.commit()
    click.echo("Demo data ready: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


@demo.command("generate")
@click.option("--cases", type=click.IntRange(1), required=True, help="how many cases to add")
@click.option("--days", type=click.IntRange(1), default=365, help="spread over this many days back")
@click.option("--seed", type=int, default=None, help="for a repeatable data set")
def generate_command(cases, days, seed):
    """Fill the database with realistic cases, their events and replies, in bulk."""
    from app.config import clocks
    from app.demo_data import generate

    with click.progressbar(length=cases, label="Generating cases") as bar:
        generate(db.session, cases, utcnow(), clocks(current_app.config), days, seed, bar.update)
    db.session.commit()
    click.echo(f"Added {cases} cases.")


@demo.command("urls")
def urls_command():
    """Print where to open the app and a few demo poster URLs."""
    from app.models import Poster

    base = current_app.config["PUBLIC_BASE_URL"]
    click.echo(f"\nYima is served at {base}/")
    for poster in db.session.scalars(sa.select(Poster).order_by(Poster.id).limit(5)):
        click.echo(f"  poster {poster.code}: {base}/p/{poster.code}  ({poster.place_label})")
    from app.seed import DEMO_PASSWORD, DEMO_USERS

    click.echo(f"\nStaff view: {base}/staff/  (demo accounts, password {DEMO_PASSWORD!r})")
    for username, name, _unit, role in DEMO_USERS:
        click.echo(f"  {role:<11} {username:<18} {name}")
    click.echo("")


@click.command("create-user")
@with_appcontext
@click.option("--username", required=True)
@click.option("--unit", "unit_code", required=True, help="the unit's code, e.g. 330281-YM")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", "display_name", default="", help="how colleagues see the user")
@click.option("--password-file", type=click.File("r"), help="read the password from a file")
def create_user_command(username, unit_code, role, display_name, password_file):
    """Create a staff account; the password is prompted unless read from a file."""
    from werkzeug.security import generate_password_hash

    from app.models import OrgUnit, User

    unit = db.session.scalars(sa.select(OrgUnit).where(OrgUnit.code == unit_code)).first()
    if unit is None:
        raise click.UsageError(f"no unit with code {unit_code}")
    if db.session.scalars(sa.select(User).where(User.username == username)).first():
        raise click.UsageError(f"user {username} exists already")
    if password_file:
        password = password_file.read().strip()
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        raise click.UsageError("a password needs at least 10 characters")
    db.session.add(User(username=username, display_name=display_name, unit=unit, role=Role(role),
                        password_hash=generate_password_hash(password), created_at=utcnow()))
    db.session.commit()
    click.echo(f"Created {role} {username} at {unit.name}")


@click.command("sweep")
@with_appcontext
def sweep_command():
    """Flag overdue cases and close replied ones whose window is over (run it from a timer)."""
    from app.services import sweep

    from zoneinfo import ZoneInfo

    from app.stats.monthly import refresh

    result = sweep(db.session, utcnow())
    db.session.commit()
    months = refresh(db.session, utcnow(), ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    db.session.commit()
    click.echo(f"flagged overdue: {result.flagged}, closed: {result.closed}, figure months refreshed: {months}")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


@translate.command("extract")
def extract_command():
    """Extract every marked string into messages.pot and merge it into the catalogs."""
    _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "--sort-by-file",
             "-o", str(POT), str(ROOT / "app"))
    _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching")


@translate.command("init")
@click.argument("lang")
def init_command(lang):
    """Start a catalog for a new language."""
    _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang)


@translate.command("compile")
def compile_command():
    """Compile the catalogs (make does this too)."""
    _pybabel("compile", "-d", str(TRANSLATIONS))


def init_app(app) -> None:
    """Register the command groups."""
    app.cli.add_command(demo)
    app.cli.add_command(translate)
    app.cli.add_command(create_user_command)
    app.cli.add_command(sweep_command)
    from app.print_cli import posters  # the print shop's batch files

    app.cli.add_command(posters)
