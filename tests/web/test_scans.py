"""Poster scans are held per worker and written in batches (app/citizen/scans.py): none is lost on
the way, unknown codes never reach the table, and a worker going away writes what it holds."""
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


def count(session) -> int:
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(PosterScan))


def test_scans_are_written_together_once_a_batch_is_full(batched, client, session):
    client.get("/p/YMQ2K8")
    client.get("/p/FSH7N3")
    assert count(session) == 0
    client.get("/p/YMQ2K8")
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
    client.get("/p/YMQ2K8")
    client.get("/p/ymq2k8")
    assert count(session) == 0
    scans.flush_all()  # gunicorn.conf.py's worker_exit
    assert count(session) == 2


def test_a_made_up_code_is_never_counted(batched, client, session):
    client.get("/p/ZZZZ99")  # 404, and dropped at the write
    client.get("/p/YMQ2K8")
    client.get("/p/YMQ2K8")
    assert count(session) == 2


def test_scans_wait_while_the_database_is_down_and_are_written_after(batched, app, client, session, monkeypatch):
    client.get("/p/YMQ2K8")
    client.get("/p/YMQ2K8")

    def down(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("database is down"))

    with monkeypatch.context() as outage:
        outage.setattr(sa.engine.Engine, "begin", down)  # what scans.flush() writes through
        assert client.get("/p/YMQ2K8").status_code == 200  # the citizen's page is unaffected
    assert count(session) == 0 and len(app.extensions["yima_scans"]) == 3
    client.get("/p/YMQ2K8")
    assert count(session) == 4
