"""Operators' commands of the casework: `create-user` and the periodic `sweep`."""
import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.core.db import utcnow
from app.core.extensions import db
from app.domain.workflow import Role


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

    from app.config import clocks

    from app.notify.watch import TEXTS, settings
    from app.services.alerts import queue_digests, tell_due_soon

    now, config = utcnow(), current_app.config
    result = sweep(db.session, now, clocks(config))
    # In the sweep's transaction: a unit is warned of a case exactly when it is marked warned.
    warned = tell_due_soon(db.session, now, clocks(config), TEXTS, settings(config))
    digests = queue_digests(db.session, now, clocks(config), TEXTS, settings(config), config["DIGEST_HOUR"])
    db.session.commit()
    months = refresh(db.session, utcnow(), ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    db.session.commit()
    from app.core.uploads import store
    from app.services.uploads import sweep_orphans

    orphans = sweep_orphans(db.session, store(), now)
    db.session.commit()
    click.echo(f"flagged overdue: {result.flagged}, closed: {result.closed}, warned due soon: {warned}, "
               f"digests queued: {digests}, figure months refreshed: {months}, orphaned files deleted: {orphans.deleted}, "
               f"address marks cleared: {result.marks_cleared}")
