"""The database: declarative Base with a naming convention, aware UTC datetimes, engine setup."""
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import current_app, g, has_app_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool
from sqlalchemy.orm import DeclarativeBase, registry, scoped_session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """Store aware datetimes as UTC and always hand back aware UTC (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Yima stores aware UTC only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    """The base of every model; constraint names are predictable for migrations."""

    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


def utcnow() -> datetime:
    """The current instant, aware, in UTC; read only at the edges (views, CLI)."""
    return datetime.now(timezone.utc)


BUSY_TIMEOUT_S = 15  # how long a SQLite writer waits for the write lock before "database is locked"
WRITER_POLL_S = 0.0005  # how often a queued writer looks again (_queue_for_writing)
WRITERS = "yima_writers"  # in a connection's pool record: the writers' queue it holds


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Make SQLite behave: foreign keys, WAL for concurrent readers, wait instead of failing."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # Let SQLAlchemy emit BEGIN itself so SAVEPOINTs work (pysqlite's own handling breaks them).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """Begin SQLite transactions in the mode this request (or command) needs; see _begin_mode.

    A deferred transaction that reads, then writes, fails at once with "database is
    locked" when another writer got in between; an immediate one waits its turn
    (busy_timeout). SQLite serves small sites and the demo; PostgreSQL the rest.
    Callers passing `sqlite_begin="DEFERRED"` in their execution options begin DEFERRED;
    `sqlite_begin=None` (one_read) emits no BEGIN: each statement is its own transaction.
    """
    if conn.dialect.name == "sqlite":
        default = g.get("sqlite_begin", "IMMEDIATE") if has_app_context() else "IMMEDIATE"
        mode = conn.get_execution_options().get("sqlite_begin", default)
        if mode == "IMMEDIATE":
            _queue_for_writing(conn)
        if mode:
            conn.exec_driver_sql(f"BEGIN {mode}")


# SQLite's busy handler polls: a writer that finds the write lock taken sleeps 1, 2, 5, 10 … up to
# 100 ms before it looks again, however soon the lock is let go, so under gunicorn's workers
# filing at once the sleeping set the pace of the slowest (p99 of a submission 0.4–1.3 s at 4
# clients, bench/serve.py). Writers first queue for the database's writers' queue instead: the
# threads of one process on a lock (woken the moment it is let go), the processes on an
# exclusive flock of a file beside the database, polled every half millisecond. The same
# throughput, a p99 of 75–90 ms. The queue is let go as the writing connection goes back to
# the pool, after its commit or rollback. After BUSY_TIMEOUT_S in the queue a writer goes on, and
# SQLite's own busy handler decides, as it did before.
#
# A thread never queues behind itself: a request whose session holds the write lock (a POST
# that read again after its commit) and then writes on another connection (the poster scans
# written as the request ends) would wait for a lock that only its own return lets go: 15 s in
# the queue, 15 more in SQLite's busy handler. Such a write fails at once instead
# (WritingElsewhere), and a caller that can wait, as the scans can, asks writing_here() first.
class WritingElsewhere(sa.exc.OperationalError):
    """This thread already holds the database's write lock through another connection."""

    def __init__(self):
        super().__init__("BEGIN IMMEDIATE", None, Exception(
            "this thread already writes to the database on another connection; it would wait for itself"))


class _WritersQueue:
    """One database file's writers' queue in this process: a thread lock, then a flock."""

    def __init__(self, database: str):
        self.fd = os.open(database + ".writers", os.O_RDWR | os.O_CREAT, 0o600)
        self.threads = threading.Lock()
        self.holder: int | None = None  # the thread ident that holds it

    def take(self) -> bool:
        """Wait for the queue (at most BUSY_TIMEOUT_S); whether it was taken."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        if not self.threads.acquire(timeout=BUSY_TIMEOUT_S):
            return False
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.holder = threading.get_ident()
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.threads.release()
                    return False
                time.sleep(WRITER_POLL_S)

    def let_go(self) -> None:
        self.holder = None
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.threads.release()


_queues: dict[tuple[int, str], _WritersQueue] = {}  # by (process id, database file): a fork opens its own
_queues_lock = threading.Lock()


def _writers_queue(engine: Engine) -> _WritersQueue | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    key = (os.getpid(), os.path.abspath(database))
    with _queues_lock:
        if key not in _queues:
            _queues[key] = _WritersQueue(key[1])
        return _queues[key]


def writing_here(engine: Engine) -> bool:
    """Whether this thread holds `engine`'s SQLite write lock on some connection: a write on
    another connection now would wait for itself (always False on PostgreSQL)."""
    queue = _writers_queue(engine)
    return queue is not None and queue.holder == threading.get_ident()


def _queue_for_writing(conn) -> None:
    info = conn.connection.info
    if WRITERS in info:  # this connection holds it already (its last transaction has not ended)
        return
    queue = _writers_queue(conn.engine)
    if queue is None:
        return
    if queue.holder == threading.get_ident():
        raise WritingElsewhere()
    if queue.take():
        info[WRITERS] = queue


def _let_go(info) -> None:
    queue = info.pop(WRITERS, None)
    if queue is not None:
        queue.let_go()


@event.listens_for(Pool, "checkin")
def _done_writing(dbapi_connection, connection_record):
    if connection_record is not None:
        _let_go(connection_record.info)  # never back in the pool holding the queue


@event.listens_for(Pool, "close")
@event.listens_for(Pool, "invalidate")
def _forget_queue(dbapi_connection, connection_record, *_exception):
    if connection_record is not None:
        _let_go(connection_record.info)


@contextmanager
def one_read(engine: Engine) -> Iterator[sa.Connection]:
    """A connection of its own for a single SELECT, outside any session's transaction, in
    autocommit: the statement is its own transaction, with no BEGIN and no ROLLBACK (on
    PostgreSQL two round trips of four).

    SQLite is told so by `sqlite_begin=None` (_sqlite_begin): SQLAlchemy's own AUTOCOMMIT
    level would hand pysqlite its transactions back when the connection is returned.
    """
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            yield connection.execution_options(sqlite_begin=None)
        else:
            yield connection.execution_options(isolation_level="AUTOCOMMIT")


def reads_first(view):
    """Mark a view whose POST reads a while before its few writes (a citizen's filing: the
    form, its route, the cases like it): on SQLite its reads begin DEFERRED, holding no lock,
    and the service calls begin_writing() just before it writes."""
    view.reads_first = True
    return view


def begin_writing(session) -> None:
    """In a request whose reads began DEFERRED (a GET, a reads_first POST), just before it
    writes: end the reads so far, and on SQLite the writes begin IMMEDIATE, so they cannot meet
    a stale snapshot ("database is locked" at once) and queue for the one write lock instead.

    The lock is then held for the writes alone: a filing that took it at its first read held
    it through validation, routing and the comparison with like cases, some milliseconds, and
    every other filing queued behind it (2 % of a bare app's req/s under gunicorn). What the
    reads loaded stays loaded (the read transaction ends without expiring it): a poster read a
    moment before is as good as one read under the lock, and the clashes writes can meet are
    unique keys they handle themselves. Call it before anything is added to the session.
    PostgreSQL needs none of this (its transactions never wait for one another to read), nor
    do commands and other POSTs, which begin IMMEDIATE.
    """
    if not has_app_context() or g.get("sqlite_begin") != "DEFERRED":
        return
    if session.get_bind().dialect.name != "sqlite":
        return
    g.sqlite_begin = "IMMEDIATE"
    if isinstance(session, scoped_session):
        session = session()  # the request's own Session: its options are set below, not the proxy's
    if session.in_transaction():
        keep, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()  # nothing written yet: a read transaction ends
        finally:
            session.expire_on_commit = keep


# The one place SQLite's transaction mode is decided: a page view (GET, HEAD, OPTIONS) only
# reads, so its transactions begin DEFERRED and never queue for the write lock; every other
# request (and every command) may read then write, so it begins IMMEDIATE and waits its turn,
# but a reads_first view's. A GET or reads_first POST that writes after reading calls
# begin_writing() first; a GET whose first statement writes (a batch of poster scans, an audit
# row after a rollback) needs nothing.
READS = frozenset({"GET", "HEAD", "OPTIONS"})  # also what the limiters and the Origin guard let by


def _begin_mode():
    if request.method in READS:
        g.sqlite_begin = "DEFERRED"
    elif request.endpoint is not None:
        view = current_app.view_functions.get(request.endpoint)
        if getattr(view, "reads_first", False):
            g.sqlite_begin = "DEFERRED"


def init_app(app) -> None:
    """Set the engine's options (before Flask-SQLAlchemy makes it) and choose each request's
    SQLite transaction mode before anything touches the database.

    A database server's connections go stale when it restarts: each is pinged as it leaves
    the pool. A SQLite file has no server to lose, so its connections are not.

    A process forked from this one (gunicorn's preloaded workers) opens its own connections:
    any the parent holds are dropped from the child's pool without being closed.
    """
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    options.setdefault("pool_pre_ping", not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"))
    app.before_request_funcs.setdefault(None, []).insert(0, _begin_mode)

    def _forget_parent_connections():
        from app.core.extensions import db

        with app.app_context():
            for engine in db.engines.values():
                engine.dispose(close=False)

    os.register_at_fork(after_in_child=_forget_parent_connections)
