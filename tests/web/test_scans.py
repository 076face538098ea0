"""Poster scans are held per worker and written in batches (app/citizen/scans.py): none is lost on
the way, unknown codes never reach the table, and a worker going away writes what it holds."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.citizen import scans
from app.models import PosterScan


@pytest.fixture
def batched(app):
    """The production setting: a batch of 3 or 5 seconds, whichever comes first."""
    app.config.update(SCAN_BATCH=3, SCAN_FLUSH_SECONDS=5)
    yield app
    app.extensions["yima_scans"].take()  # nothing held spills into the next test
    app.config.update(SCAN_BATCH=1, SCAN_FLUSH_SECONDS=5)


def visit(client, path, visitor=1):
    """Open a page as visitor number `visitor` (their own address)."""
    return client.get(path, environ_overrides={"REMOTE_ADDR": f"198.51.100.{visitor}"})


def count(session) -> int:
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(PosterScan))


def test_scans_are_written_together_once_a_batch_is_full(batched, client, session):
    visit(client, "/p/YMQ2K8", 1)
    visit(client, "/p/FSH7N3", 1)
    assert count(session) == 0
    visit(client, "/p/YMQ2K8", 2)
    assert count(session) == 3
    per_poster = session.execute(sa.text(
        "SELECT p.code, count(*) FROM poster_scans s JOIN posters p ON p.id = s.poster_id GROUP BY p.code"))
    assert dict(per_poster.all()) == {"YMQ2K8": 2, "FSH7N3": 1}


def test_held_scans_are_written_by_any_request_once_the_oldest_is_old_enough(batched, client, session, monkeypatch):
    client.get("/p/YMQ2K8")
    assert count(session) == 0
    clock = scans.time.monotonic() + 6
    monkeypatch.setattr(scans.time, "monotonic", lambda: clock)
    client.get("/track")  # not a poster page: any request writes what is due
    assert count(session) == 1


def test_a_worker_on_its_way_out_writes_what_it_holds(batched, client, session, monkeypatch):
    monkeypatch.setattr(scans, "_apps", [batched])  # not the other apps tests made in this process
    visit(client, "/p/YMQ2K8", 1)
    visit(client, "/p/ymq2k8", 2)
    assert count(session) == 0
    scans.flush_all()  # gunicorn.conf.py's worker_exit
    assert count(session) == 2


def test_a_made_up_code_is_never_counted(batched, client, session):
    visit(client, "/p/ZZZZ99", 1)  # 404, and dropped at the write
    visit(client, "/p/YMQ2K8", 1)
    visit(client, "/p/YMQ2K8", 2)
    assert count(session) == 2


def test_scans_wait_while_the_database_is_down_and_are_written_after(batched, app, client, session, monkeypatch):
    visit(client, "/p/YMQ2K8", 1)
    visit(client, "/p/YMQ2K8", 2)

    def down(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("database is down"))

    with monkeypatch.context() as outage:
        outage.setattr(sa.engine.Engine, "begin", down)  # what scans.flush() writes through
        assert visit(client, "/p/YMQ2K8", 3).status_code == 200  # the citizen's page is unaffected
    assert count(session) == 0 and len(app.extensions["yima_scans"]) == 3
    visit(client, "/p/YMQ2K8", 4)
    assert count(session) == 4


def test_reloading_a_poster_page_counts_the_visitor_once_a_day(app, client, session, monkeypatch):
    for _ in range(300):
        visit(client, "/p/YMQ2K8", 1)
    visit(client, "/p/FSH7N3", 1)  # another poster: counted
    visit(client, "/p/YMQ2K8", 2)  # another visitor: counted
    assert count(session) == 3
    tomorrow = datetime.now(timezone.utc) + timedelta(days=1)
    monkeypatch.setattr("app.citizen.views.utcnow", lambda: tomorrow)
    visit(client, "/p/YMQ2K8", 1)  # the next local day, the same visitor counts again
    assert count(session) == 4
    session.rollback()
    stored = session.execute(sa.text("SELECT * FROM poster_scans")).all()
    assert all(len(row) == 3 for row in stored)  # id, poster, time: nothing about who scanned
