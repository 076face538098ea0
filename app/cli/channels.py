"""`flask channels`: the units' DingTalk/WeCom robots and e-mail addresses, from the shell.

    flask --app wsgi channels add --unit 330281-YM --kind dingtalk --target URL --secret S [--digest]
    flask --app wsgi channels add --unit 330281-YM --kind email --target office@example.gov.cn
    flask --app wsgi channels list
    flask --app wsgi channels remove ID

The rules are app/services/channels.py's, the same as the admins' page; each add and remove
is audited (as "cli"). Access tokens and secrets are never printed.
"""
import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.core.db import utcnow
from app.core.extensions import db
from app.models import OrgUnit, UnitChannel
from app.services import channels as svc
from app.services.errors import NotFound

channels = AppGroup("channels", help="Where units are told of their cases: robots and e-mail.")

PROBLEMS = {
    "unit": "the unit is not active",
    "kind": "the kind must be dingtalk, wecom or email",
    "url": "a robot's --target must be its https webhook URL",
    "host": "a robot's --target must be at oapi.dingtalk.com (dingtalk), qyapi.weixin.qq.com (wecom) "
            "or a host in YIMA_ROBOT_HOSTS",
    "address": "an e-mail channel's --target must be one e-mail address, e.g. office@example.gov.cn",
    "secret_unused": "only a DingTalk robot has a --secret",
    "secret": "the --secret must be at most 200 characters, without spaces",
    "duplicate": "this unit already has that channel",
}


@channels.command("add")
@click.option("--unit", "unit_code", required=True, help="the unit's code, e.g. 330281-YM")
@click.option("--kind", type=click.Choice(UnitChannel.KINDS), required=True)
@click.option("--target", required=True, help="the robot's webhook URL, or the e-mail address")
@click.option("--secret", default="", help="a DingTalk robot's signing secret (SEC...)")
@click.option("--digest", is_flag=True, help="also send the unit's daily digest here")
def add_command(unit_code, kind, target, secret, digest):
    """Add a channel to a unit."""
    unit_id = db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.code == unit_code))
    if unit_id is None:
        raise click.BadParameter(f"no unit with code {unit_code}", param_hint="--unit")
    data = svc.ChannelData(unit_id=unit_id, kind=kind, target=target, secret=secret, digest=digest)
    try:
        channel = svc.add_channel(db.session, None, data, utcnow(), robot_hosts=current_app.config["ROBOT_HOSTS"])
    except svc.Invalid as invalid:
        db.session.rollback()
        raise click.BadParameter(PROBLEMS[invalid.reason], param_hint=f"--{invalid.field}") from None
    db.session.commit()
    click.echo(f"added channel {channel.id}: {unit_code} {kind} {svc.masked_target(channel.target)}")


@channels.command("list")
def list_command():
    """Every unit's channels: id, unit, kind, target (tokens masked), digest, active."""
    found = db.session.scalars(svc.channels_query(db.session, None)).all()
    if not found:
        click.echo("no channels")
        return
    for channel in found:
        click.echo("\t".join([str(channel.id), channel.unit.code, channel.kind, svc.masked_target(channel.target),
                              "digest" if channel.digest else "-", "active" if channel.active else "off"]))


@channels.command("remove")
@click.argument("channel_id", type=click.IntRange(1, 2**31 - 1))
def remove_command(channel_id):
    """Remove a channel; messages still waiting for it are skipped."""
    try:
        channel = svc.get_channel_for(db.session, None, channel_id)
    except NotFound:
        raise click.BadParameter(f"no channel {channel_id}", param_hint="ID") from None
    skipped = svc.remove_channel(db.session, None, channel, utcnow())
    db.session.commit()
    click.echo(f"removed channel {channel_id}" + (f"; {skipped} waiting messages skipped" if skipped else ""))
