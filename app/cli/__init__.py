"""The command-line groups, one module each, registered by init_app(app)."""
from app.cli import casework, channels, demo, notify, open311, ops, posters, translate


def init_app(app) -> None:
    """Register every command and command group."""
    for command in (demo.demo, translate.translate, posters.posters, casework.create_user_command,
                    casework.sweep_command, ops.purge_command, ops.backup_command, ops.restore_command,
                    notify.notify_command, channels.channels, open311.open311):
        app.cli.add_command(command)
