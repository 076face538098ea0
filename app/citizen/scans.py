"""Poster scans: counted in each worker's memory and written to the database in batches.

Every opening of a poster's page is a scan. Writing a row per opening cost the form a
write transaction (on SQLite, the one write lock) for a number nobody reads by the
second. Each worker keeps the openings it served and writes them together, in one
transaction, once it holds `SCAN_BATCH` of them or the oldest is `SCAN_FLUSH_SECONDS`
old, and when it exits (gunicorn.conf.py's worker_exit). Scans of unknown codes are
dropped at the write. A worker killed with SIGKILL loses at most the scans it still held.

Scans feed the units' assessment, so a reload must not count again: a visitor counts once per
poster per local day. Who they are is never stored: only a keyed hash of (day, poster, address),
in the rate limits' storage (Redis when REDIS_URL is set, shared by every worker and node) for
a day. That check is made for the whole batch as it is written, not by the page: asking Redis
on every opening cost the form a round trip (a quarter of its CPU); a batch asks in one
pipelined round trip, and a visitor reloading within one batch is dropped in memory. If that
storage is down, the scans are counted.
"""
import hashlib
import hmac
import logging
import threading
import time
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, current_app, request

from app.config import clocks
from app.core.db import writing_here
from app.core.extensions import db, limiter
from app.models import Poster, PosterScan

log = logging.getLogger("yima.scans")
MAX_HELD = 10_000  # while the database is down, at most this many scans wait per worker
_apps: list[Flask] = []  # every app in this process with a buffer, for flush_all() at exit


# INSERT … SELECT, built once: the statement that begins the transaction writes (SQLite's
# lock, once), and a made-up code selects no poster, so nothing is written for it.
_INSERT_SCANS = sa.insert(PosterScan).from_select(
    ["poster_id", "scanned_at"],
    sa.select(Poster.id, sa.bindparam("at", type_=PosterScan.scanned_at.type))
    .where(Poster.code == sa.bindparam("code")),
)


class ScanBuffer:
    """The scans one worker served and has not written yet: (code, time, visitor's mark)."""

    def __init__(self):
        self._pending: list[tuple[str, datetime, str]] = []
        self._marks: set[str] = set()
        self._oldest = 0.0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, code: str, at: datetime, mark: str) -> None:
        with self._lock:
            if mark in self._marks:  # the same visitor, poster and day, already held
                return
            if not self._pending:
                self._oldest = time.monotonic()
            self._pending.append((code.upper(), at, mark))
            self._marks.add(mark)

    def due(self, batch: int, seconds: float) -> bool:
        """Whether the held scans should be written now."""
        pending = self._pending
        return bool(pending) and (len(pending) >= batch or time.monotonic() - self._oldest >= seconds)

    def take(self) -> list[tuple[str, datetime, str]]:
        with self._lock:
            taken, self._pending, self._marks = self._pending, [], set()
        return taken

    def give_back(self, scans: list[tuple[str, datetime, str]]) -> None:
        """Hold scans a failed write took again, up to MAX_HELD in all (the newest are dropped).
        They were found first of their day already: they are written without asking again."""
        with self._lock:
            if not self._pending:
                self._oldest = time.monotonic()
            self._pending = ([(code, at, "") for code, at, _mark in scans] + self._pending)[:MAX_HELD]


def _buffer(app: Flask) -> ScanBuffer:
    return app.extensions["yima_scans"]


SEEN_FOR = 26 * 3600  # a day, and the hours a local day can be off from UTC's


def visitor_mark(code: str, at: datetime) -> str:
    """A keyed hash of (local day, poster, client address): who scanned is never kept."""
    app = current_app
    day = at.astimezone(clocks(app.config).calendar.zone).date().isoformat()
    return hmac.new(app.config["SECRET_KEY"].encode(), f"{day}|{code.upper()}|{request.remote_addr}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def first_today(marks: list[str]) -> list[bool]:
    """For each mark, whether its visitor opened that poster for the first time that day, in
    one round trip to Redis (SET NX, kept SEEN_FOR) or, in memory, one counter each. An empty
    mark was checked before. If the storage is down, every scan counts rather than be lost."""
    storage = limiter.storage
    asked = [mark for mark in marks if mark]
    try:
        if asked and hasattr(storage, "get_connection"):  # Redis
            pipe = storage.get_connection().pipeline(transaction=False)
            for mark in asked:
                pipe.set(f"{storage.PREFIX}:yima-scan/{mark}", 1, nx=True, ex=SEEN_FOR)
            answers = iter(bool(done) for done in pipe.execute())
        else:
            answers = iter(storage.incr(f"yima-scan/{mark}", SEEN_FOR) == 1 for mark in asked)
        return [next(answers) if mark else True for mark in marks]
    except Exception:  # noqa: BLE001 - a storage outage counts the scan rather than lose it
        log.warning("poster scan de-duplication unavailable; counting the scans")
        return [True] * len(marks)


def record(code: str, at: datetime) -> None:
    """Hold one opening of a poster's page; its batch counts it once per visitor and day."""
    _buffer(current_app).add(code, at, visitor_mark(code, at))


def flush(app: Flask) -> int:
    """Write every held scan that is its visitor's first of the day, in one transaction of its
    own; the count written."""
    held = _buffer(app).take()
    if not held:
        return 0
    taken = [scan for scan, first in zip(held, first_today([mark for _c, _a, mark in held])) if first]
    if not taken:
        return 0
    try:
        with db.engine.begin() as connection:
            connection.execute(_INSERT_SCANS, [{"code": code, "at": at} for code, at, _mark in taken])
    except Exception:
        _buffer(app).give_back(taken)
        raise
    return len(taken)


def flush_all() -> None:
    """Write what every app in this process still holds (a worker on its way out)."""
    for app in _apps:
        with app.app_context():
            try:
                flush(app)
            except Exception:  # noqa: BLE001 - exiting anyway: say what was lost, then go
                log.exception("poster scans could not be written at exit")


def init_app(app: Flask) -> None:
    """Give the app its buffer; held scans are written when due, checked on every request."""
    app.extensions["yima_scans"] = ScanBuffer()
    _apps.append(app)

    @app.teardown_request
    def _write_due_scans(_exc=None):
        buffer = _buffer(app)
        # A request whose own session still holds SQLite's write lock (it read again after its
        # commit) cannot write on another connection before that session ends: the scans wait
        # for the next request instead of this one waiting for itself (app/core/db.py).
        if buffer.due(app.config["SCAN_BATCH"], app.config["SCAN_FLUSH_SECONDS"]) and not writing_here(db.engine):
            try:
                flush(app)
            except Exception:  # noqa: BLE001 - a scan count must never fail a citizen's page
                log.warning("poster scans could not be written; %d held for the next try", len(buffer))
