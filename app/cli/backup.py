"""Backups: SQLite through its online backup API; PostgreSQL through pg_dump (printed, not run).

Plain Python (sqlite3, sqlalchemy URLs, alembic's script folder); the CLI is app/cli/ops.py.
"""
import os
import shlex
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL


class BackupError(Exception):
    """A backup or restore was refused; the message says why."""


def sqlite_path(url: URL) -> Path | None:
    """The database file of a SQLite URL; None for any other database."""
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(url.database)


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database, consistently, while the app keeps serving."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=1024)  # in steps, so writers are not held up for the whole copy
    finally:
        dst.close()
        src.close()
    os.replace(partial, target)  # a backup file either is whole or is not there


def revision_of(path: Path) -> str:
    """The schema revision a SQLite backup holds; refuses a file that is not a sound Yima database."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = (conn.execute("SELECT version_num FROM alembic_version").fetchone()
                        if "alembic_version" in tables else None)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database ({error})") from error
    if check != "ok":
        raise BackupError(f"{path} is damaged: {check}")
    if not revision or "suggestions" not in tables:
        raise BackupError(f"{path} is not a Yima database")
    return revision[0]


def known_revisions(migrations_dir: Path) -> tuple[set[str], set[str]]:
    """Every migration revision this code knows, and its heads."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    script = ScriptDirectory.from_config(config)
    return {s.revision for s in script.walk_revisions()}, set(script.get_heads())


def restore_sqlite(backup: Path, live: Path) -> None:
    """Replace the live database's content with the backup's, through the online backup API."""
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    dst = sqlite3.connect(live, timeout=15)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _server_options(url: URL) -> list[str]:
    """--host/--port/--username for a PostgreSQL URL (no password: use PGPASSWORD or ~/.pgpass)."""
    given = (("host", url.host), ("port", url.port), ("username", url.username))
    return [f"--{name}={value}" for name, value in given if value]


def pg_dump_command(url: URL, target: str) -> str:
    """The pg_dump line for a PostgreSQL URL."""
    parts = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", *_server_options(url)]
    return shlex.join([*parts, url.database or ""])


def pg_restore_command(url: URL, source: str) -> str:
    """The matching pg_restore line."""
    parts = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
             *_server_options(url)]
    return shlex.join([*parts, f"--dbname={url.database or ''}", source])


def files_beside(backup: Path) -> Path:
    """The folder of uploaded files that goes with a database backup: yima-<time>.uploads/."""
    return backup.with_suffix(".uploads")


def copy_files(source: Path, target: Path) -> int:
    """Copy the upload folder's files missing or different in `target`; how many were copied.

    Backed up after the database: a file is written before its row commits and never changed,
    so every row of the database backup finds its file in the copy. Restored over the live
    folder without deleting anything: a file no restored row names is an orphan the sweep deletes.
    """
    copied = 0
    if not source.is_dir():
        return copied
    for path in sorted(source.glob("*/*")):
        if path.name.endswith(".partial") or not path.is_file():
            continue
        into = target / path.parent.name / path.name
        if into.exists() and into.stat().st_size == path.stat().st_size:
            continue
        into.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copy2(path, into)
        copied += 1
    return copied
