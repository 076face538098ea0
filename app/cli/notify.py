"""`notify`: send what the outbox holds (app/notify/worker.py), once or in a loop."""
import signal
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from app.core.db import utcnow
from app.core.extensions import db


@click.command("notify")
@with_appcontext
@click.option("--loop", is_flag=True, help="keep sending until stopped (SIGTERM or Ctrl-C)")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=5.0, show_default=True,
              help="seconds between rounds with --loop")
def notify_command(loop, interval):
    """Send every due message once and exit; safe to run on several nodes at once."""
    from app.notify.worker import node_name, send_due

    node = node_name()
    stopping = []
    if loop:
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    while True:
        result = send_due(db.session, current_app.config, utcnow, node)
        db.session.remove()
        if not loop or result.sent or result.retried or result.dead:
            click.echo(f"sent: {result.sent}, to retry: {result.retried}, dead: {result.dead}")
        if not loop:
            return
        try:
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.2, interval))
        except KeyboardInterrupt:
            return
        if stopping:
            return
