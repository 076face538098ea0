"""`flask translate`: extract, start and compile the message catalogs."""
import subprocess
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

translate = AppGroup("translate", help="Translation and localisation commands.")

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
POT = ROOT / "messages.pot"


def _pybabel(*args: str) -> None:
    # From the project root, so the catalogs name source files by their path in the repository.
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


@translate.command("extract")
def extract_command():
    """Extract every marked string into messages.pot and merge it into the catalogs."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--sort-by-file", "-o", str(POT), "app")
    _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching", "--ignore-obsolete")


@translate.command("init")
@click.argument("lang")
def init_command(lang):
    """Start a catalog for a new language."""
    _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang)


@translate.command("compile")
def compile_command():
    """Compile the catalogs (make does this too)."""
    _pybabel("compile", "-d", str(TRANSLATIONS))
