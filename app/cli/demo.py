"""`flask demo`: the demo data of a local run (seed, generate, urls)."""
import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.core.db import utcnow
from app.core.extensions import db

demo = AppGroup("demo", help="Demo data for a local run.")


@demo.command("seed")
def seed_command():
    """Create the demo units, categories, posters, staff accounts and cases (idempotent)."""
    from werkzeug.security import generate_password_hash

    from app.config import clocks
    from app.demo.cases import seed_demo_cases
    from app.demo.seed import DEMO_PASSWORD, seed_demo, seed_demo_users

    now = utcnow()
    counts = seed_demo(db.session, now)
    seed_demo_users(db.session, now, generate_password_hash(DEMO_PASSWORD))
    cases = seed_demo_cases(db.session, now, clocks(current_app.config), current_app.config["SECRET_KEY"])
    db.session.commit()
    click.echo("Demo data ready: " + ", ".join(f"{n} {k}" for k, n in counts.items())
               + f", {cases.added} demo cases added")
    if cases.refused:
        click.echo("Left out, a step refused (are the YIMA_ clocks the defaults?): " + ", ".join(cases.refused))


@demo.command("generate")
@click.option("--cases", type=click.IntRange(1), required=True, help="how many cases to add")
@click.option("--days", type=click.IntRange(1), default=365, help="spread over this many days back")
@click.option("--seed", type=int, default=None, help="for a repeatable data set")
def generate_command(cases, days, seed):
    """Fill the database with realistic cases, their events and replies, in bulk."""
    from app.config import clocks
    from app.demo.generate import generate

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
    from app.demo.seed import DEMO_PASSWORD, DEMO_USERS

    click.echo(f"\nStaff view: {base}/staff/  (demo accounts, password {DEMO_PASSWORD!r})")
    for username, name, _unit, role in DEMO_USERS:
        click.echo(f"  {role:<11} {username:<18} {name}")
    from app.demo.cases import demo_links

    links = demo_links(db.session, base, current_app.config["SECRET_KEY"])
    if links:
        click.echo("\nDemo cases as their citizen sees them (or type the code and PIN at /track):")
    for link in links:
        click.echo(f"  {link.label}: {link.url}  (receipt {link.receipt_code}, PIN {link.pin})")
    provider = current_app.config["SMS_PROVIDER"]
    click.echo(f"\nMessages: `make run` sends what the outbox holds every 5 s (citizens' SMS through the "
               f"{provider!r} provider{': kept, not sent' if provider == 'log' else ''}); "
               f"the admin reads them at {base}/staff/outbox")
    click.echo("")
