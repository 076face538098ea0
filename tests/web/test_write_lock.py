"""A filing holds the database's write lock for its writes alone (app/core/db.py begin_writing).

While another writer holds the lock (on SQLite the one write lock, on PostgreSQL an exclusive
lock on the cases table), a citizen whose form comes back (an error, the 附议 offer) gets it at
once, and a valid filing files as soon as the other writer is done, never "database is locked".
"""
import fcntl
import os
import threading
import time
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from app.core.db import BUSY_TIMEOUT_S, WritingElsewhere, writing_here
from app.core.extensions import db
from app.models import PosterScan, Suggestion
from tests.conftest import NOW, hidden_fields
from tests.web.staff_helpers import signed_in
from tests.web.helpers import VALID, field_error



@contextmanager
def other_writer(app):
    """Another connection holding the write lock until the block ends (then it commits)."""
    with app.app_context():
        raw, dialect = db.engine.raw_connection(), db.engine.dialect.name
    try:
        cursor = raw.cursor()
        if dialect == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        else:
            cursor.execute(f"LOCK TABLE {Suggestion.__tablename__} IN EXCLUSIVE MODE")  # reads go on
        yield
        raw.commit()
    finally:
        raw.close()


def _post_in_background(client, path, data):
    answer = {}
    thread = threading.Thread(target=lambda: answer.setdefault("response", client.post(path, data=data)))
    thread.start()
    return thread, answer


def test_a_form_with_an_error_comes_back_while_another_writer_holds_the_lock(app, client, fill_form):
    data = fill_form("/p/YMQ2K8", **{**VALID, "phone": "12345"})
    with other_writer(app):
        thread, answer = _post_in_background(client, "/p/YMQ2K8", data)
        thread.join(timeout=BUSY_TIMEOUT_S / 3)
        assert not thread.is_alive()  # answered before the other writer let go
    assert answer["response"].status_code == 200
    assert field_error(answer["response"], "phone")
    assert VALID["text"] in answer["response"].get_data(as_text=True)


def test_a_valid_filing_waits_for_the_other_writer_and_then_files(app, client, fill_form, session):
    data = fill_form("/p/YMQ2K8", **VALID)
    before = _cases(session)
    with other_writer(app):
        thread, answer = _post_in_background(client, "/p/YMQ2K8", data)
        thread.join(timeout=0.5)
        assert thread.is_alive()  # its reads are done; its INSERT waits for the lock
    thread.join(timeout=BUSY_TIMEOUT_S)
    assert answer["response"].status_code == 303
    session.rollback()
    assert _cases(session) == before + 1


def _cases(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Suggestion))



def test_the_writers_queue_is_free_after_a_filing_and_after_a_refused_one(app, client, fill_form):
    """SQLite's writers queue on a file beside the database (app/core/db.py): one left held
    would make every later writer wait out the busy timeout."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite:///"):
        pytest.skip("PostgreSQL's writers never queue on a file")
    assert client.post("/p/YMQ2K8", data=fill_form("/p/YMQ2K8", **VALID)).status_code == 303
    resent = fill_form("/p/YMQ2K8", **VALID)
    assert client.post("/p/YMQ2K8", data=resent).status_code == 303
    assert client.post("/p/YMQ2K8", data={**resent, "text": VALID["text"] + "又及"}).status_code == 409
    fd = os.open(url[len("sqlite:///"):] + ".writers", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError if a writer still held it
    finally:
        os.close(fd)


def test_a_counter_filing_that_meets_due_poster_scans_answers_at_once(app, staff, session, monkeypatch):
    """The filing commits, reads its case again (a POST's read begins a writing transaction on
    SQLite), and as the request ends the poster scans held by the worker are due: they are
    written by a later request, and this one never waits for the lock its own session holds."""
    monkeypatch.setitem(app.config, "SCAN_BATCH", 1000)
    monkeypatch.setitem(app.config, "SCAN_FLUSH_SECONDS", 0)
    desk = signed_in(app, "yangming")
    form = hidden_fields(desk.get("/staff/cases/new").get_data(as_text=True))
    app.extensions["yima_scans"].add("YMQ2K8", NOW, "a-visitor")  # a citizen opened the poster a moment ago
    started = time.monotonic()
    filed = desk.post("/staff/cases/new", data={**form, **VALID, "channel": "counter"})
    took = time.monotonic() - started
    assert filed.status_code == 303 and took < 1.0, took
    assert desk.get("/staff/").status_code == 200  # the next request writes the held scan
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(PosterScan)) == 1


def test_a_thread_that_holds_the_write_lock_is_told_at_once_instead_of_waiting_for_itself(app):
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
        with db.engine.begin() as first:
            first.execute(sa.text("SELECT 1"))  # the transaction begins: on SQLite, IMMEDIATE
            started = time.monotonic()
            if sqlite:
                with pytest.raises(WritingElsewhere):
                    with db.engine.begin() as second:
                        second.execute(sa.text("SELECT 1"))
            else:  # PostgreSQL's transactions do not wait for one another to begin
                with db.engine.begin() as second:
                    second.execute(sa.text("SELECT 1"))
            assert time.monotonic() - started < 1.0
            assert writing_here(db.engine) is sqlite
        assert not writing_here(db.engine)  # let go with the connection
        with db.engine.begin() as third:
            assert third.execute(sa.text("SELECT 1")).scalar() == 1
