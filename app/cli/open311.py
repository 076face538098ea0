"""`flask open311`: partners' API keys for Open311 (app/open311/).

    flask --app wsgi open311 add-key --name "12345 hotline"   # prints the key once
    flask --app wsgi open311 revoke --name "12345 hotline"
    flask --app wsgi open311 list

Only a key's hash is stored: a lost key is revoked and a new one added. Each add and revoke is audited.
"""
import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.core.db import utcnow
from app.core.extensions import db
from app.models_open311 import ApiKey
from app.services import open311 as partners
from app.services.errors import NotFound

open311 = AppGroup("open311", help="Partners' API keys for Open311 GeoReport v2.")


@open311.command("add-key")
@click.option("--name", required=True, help="the partner, e.g. '12345 hotline'")
def add_key_command(name):
    """Create a partner's key and print it, once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise click.BadParameter("a name of 1 to 100 characters", param_hint="--name")
    if db.session.scalar(sa.select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise click.BadParameter(f"a key named {name!r} exists already", param_hint="--name")
    _row, key = partners.new_api_key(db.session, name, utcnow())
    db.session.commit()
    click.echo(f"API key for {name} (shown once; only its hash is kept):")
    click.echo(key)


@open311.command("revoke")
@click.option("--name", required=True, help="the partner whose key stops working")
def revoke_command(name):
    """Revoke a partner's key: its requests are refused from now on."""
    try:
        partners.revoke_api_key(db.session, name.strip(), utcnow())
    except NotFound:
        raise click.BadParameter(f"no live key named {name!r}", param_hint="--name") from None
    db.session.commit()
    click.echo(f"revoked the key of {name.strip()}")


@open311.command("list")
def list_command():
    """Every partner's key: name, created, revoked (never the key)."""
    rows = db.session.scalars(sa.select(ApiKey).order_by(ApiKey.id)).all()
    if not rows:
        click.echo("no keys")
    for row in rows:
        revoked = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}Z" if row.revoked_at else "live"
        click.echo(f"{row.name}\tcreated {row.created_at:%Y-%m-%d %H:%M}Z\t{revoked}")
