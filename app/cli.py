"""Command-line tools: demo data and the translation workflow."""
import subprocess
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.db import utcnow
from app.extensions import db

demo = AppGroup("demo", help="Demo data for a local run.")
translate = AppGroup("translate", help="Translation and localisation commands.")

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
POT = ROOT / "messages.pot"


@demo.command("seed")
def seed_command():
    """Create the demo units, categories and posters (idempotent)."""
    from app.seed import seed_demo

    counts = seed_demo(db.session, utcnow())
    db.session.commit()
    click.echo("Demo data ready: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


@demo.command("urls")
def urls_command():
    """Print where to open the app and a few demo poster URLs."""
    from app.models import Poster

    base = current_app.config["PUBLIC_BASE_URL"]
    click.echo(f"\nYima is served at {base}/")
    for poster in db.session.scalars(sa.select(Poster).order_by(Poster.id).limit(5)):
        click.echo(f"  poster {poster.code}: {base}/p/{poster.code}  ({poster.place_label})")
    click.echo("")


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
