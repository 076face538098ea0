"""`flask backup` and `flask restore`: a restored database is the one backed up, whole."""
import pytest
import sqlalchemy as sa

from app.core.extensions import db
from app.models import AuditEvent, Suggestion


def _is_sqlite(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "sqlite"


def _cases(session):
    session.rollback()
    return {c.id: (c.receipt_code, c.text, c.citizen_phone, c.status.value, len(c.events))
            for c in session.scalars(sa.select(Suggestion))}


def test_backup_add_restore_brings_back_exactly_the_backed_up_cases(app, make_case, session, tmp_path):
    if not _is_sqlite(app):
        pytest.skip("SQLite backups; PostgreSQL uses pg_dump (see test_backup_on_postgresql)")
    make_case("replied")
    make_case(text="公交站台的雨棚破了，下雨天没法等车。")
    before = _cases(session)
    target = tmp_path / "yima.sqlite3"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "-o", str(target)])
    assert result.exit_code == 0 and target.stat().st_size > 0, result.output
    assert runner.invoke(args=["backup", "-o", str(target)]).exit_code != 0  # never overwrites

    added = make_case().id
    assert added in _cases(session)
    session.close()

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert _cases(session) == before  # the added case is gone; the earlier ones are whole
    actions = [e.action for e in session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["backup", "restore"]
    assert "before-restore" in result.output  # the replaced database was kept


def test_restore_refuses_a_file_that_is_not_a_yima_backup(app, tmp_path):
    if not _is_sqlite(app):
        pytest.skip("SQLite only")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    result = app.test_cli_runner().invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0 and "not a SQLite database" in result.output
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "missing.sqlite3"), "--yes"])
    assert result.exit_code != 0 and "does not exist" in result.output


def test_restore_asks_before_replacing_the_database(app, make_case, session, tmp_path):
    if not _is_sqlite(app):
        pytest.skip("SQLite only")
    target = tmp_path / "b.sqlite3"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", "-o", str(target)]).exit_code == 0
    added = make_case().id
    result = runner.invoke(args=["restore", str(target)], input="n\n")
    assert result.exit_code != 0
    assert added in _cases(session)  # nothing was replaced


def test_backup_on_postgresql_prints_the_pg_dump_line_and_fails(app, tmp_path):
    if _is_sqlite(app):
        from app.cli.backup import pg_dump_command
        from sqlalchemy.engine import make_url

        line = pg_dump_command(make_url("postgresql+psycopg://yima:secret@db.internal:5433/yima"), "y.dump")
        assert line == "pg_dump --format=custom --no-owner --file=y.dump --host=db.internal --port=5433 --username=yima yima"
        return
    result = app.test_cli_runner().invoke(args=["backup", "-o", str(tmp_path / "y.dump")])
    assert result.exit_code != 0 and "pg_dump --format=custom" in result.output
