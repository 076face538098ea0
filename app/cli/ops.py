"""Operators' commands: `purge` (retention), `backup` and `restore`."""
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.core import uploads
from app.core.db import utcnow
from app.core.extensions import db
from app.services.audit import record_audit

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@click.command("purge")
@with_appcontext
@click.option("--days", type=click.IntRange(1), default=None,
              help="clear cases ended more than this many days ago (default: YIMA_RETENTION_DAYS)")
def purge_command(days):
    """Clear citizens' names and phones of long-ended cases; delete expired audit rows."""
    from app.services.retention import audit_days, purge_personal_data

    config = current_app.config
    retention = days or config["RETENTION_DAYS"]
    kept = audit_days(config["AUDIT_RETENTION_DAYS"])
    result = purge_personal_data(db.session, utcnow(), retention, kept)
    db.session.commit()
    for key in result.file_keys:  # after the commit: a file left by a failure is the sweep's orphan
        uploads.store().delete(key)
    click.echo(f"cases cleared of name and phone (ended over {retention} days ago): {result.cases}")
    click.echo(f"their photos and letters deleted: {len(result.file_keys)} files")
    click.echo(f"audit rows deleted (older than {kept} days): {result.audit_rows}")


def _audit(action: str, target: str, detail: str = "") -> None:
    """Audit an operator's command; committed at once, since the command's work is a file."""
    record_audit(db.session, utcnow(), action, username="cli", target=target, detail=detail)
    db.session.commit()


@click.command("backup")
@with_appcontext
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="the backup file (default: instance/backups/yima-<UTC time>.sqlite3)")
def backup_command(output):
    """Back up the database while it serves (SQLite); for PostgreSQL, print the pg_dump line."""
    from app.cli.backup import BackupError, backup_sqlite, pg_dump_command, sqlite_path

    url = db.engine.url
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    try:
        live = sqlite_path(url)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if live is None:
        click.echo("This database is PostgreSQL: back it up with pg_dump, for example", err=True)
        click.echo(pg_dump_command(url, str(output or f"yima-{stamp}.dump")))
        raise click.exceptions.Exit(2)
    output = output or Path(current_app.instance_path) / "backups" / f"yima-{stamp}.sqlite3"
    _audit("backup", str(output.name))  # before: the backup then holds its own audit row
    try:
        backup_sqlite(live, output)
    except BackupError as error:
        _audit("backup_failed", str(output.name), str(error))  # the trail says it did not happen
        raise click.ClickException(str(error)) from error
    click.echo(f"backed up {live} to {output} ({output.stat().st_size} bytes)")
    _back_up_files(output)


def _back_up_files(output: Path) -> None:
    """The uploaded files, after the database (app/cli/backup.py copy_files says why)."""
    from app.cli.backup import copy_files, files_beside

    config = current_app.config
    if config.get("S3_BUCKET"):
        click.echo(f"uploaded files are in the bucket {config['S3_BUCKET']}: keep it versioned, or copy it "
                   "after this backup with your S3 tool (docs/deploy.md)")
        return
    copied = copy_files(Path(config["UPLOAD_DIR"]), files_beside(output))
    click.echo(f"copied {copied} uploaded files to {files_beside(output)}")


@click.command("restore")
@with_appcontext
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def restore_command(backup, yes):
    """Replace the SQLite database with a backup (stop the app first); keeps a copy of the current one."""
    from app.cli.backup import (BackupError, backup_sqlite, known_revisions, pg_restore_command,
                            restore_sqlite, revision_of, sqlite_path)

    url = db.engine.url
    try:
        live = sqlite_path(url)
        if live is None:
            click.echo("This database is PostgreSQL: restore a pg_dump file with", err=True)
            click.echo(pg_restore_command(url, str(backup)))
            raise click.exceptions.Exit(2)
        revision = revision_of(backup)
        revisions, heads = known_revisions(MIGRATIONS)
        if revision not in revisions:
            raise BackupError(f"{backup} holds schema {revision}, unknown to this version of Yima")
        if not yes:
            click.confirm(f"Replace everything in {live} with {backup}? Stop every app node first.",
                          abort=True)
        db.session.remove()
        db.engine.dispose()  # no pooled connection may hold the old database open
        safety = live.with_name(f"{live.stem}-before-restore-{utcnow():%Y%m%dT%H%M%SZ}{live.suffix}")
        backup_sqlite(live, safety)
        restore_sqlite(backup, live)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    try:
        _audit("restore", backup.name, f"schema {revision}; previous database kept as {safety.name}")
    except Exception:  # an older schema may lack the audit table: the restore itself stands
        db.session.rollback()
        click.echo("note: the restore could not be audited in this schema", err=True)
    click.echo(f"restored {backup} into {live}; the previous database is kept as {safety}")
    from app.cli.backup import copy_files, files_beside

    if files_beside(backup).is_dir() and not current_app.config.get("S3_BUCKET"):
        copied = copy_files(files_beside(backup), Path(current_app.config["UPLOAD_DIR"]))
        click.echo(f"restored {copied} uploaded files into {current_app.config['UPLOAD_DIR']}")
    if revision not in heads:
        click.echo("the backup predates this version: run `flask --app wsgi db upgrade` now")

