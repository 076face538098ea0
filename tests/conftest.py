"""Fixtures: an app per test session on SQLite (or DATABASE_URL), clean data per test."""
import os
import re
import tempfile
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import create_app
from app.core.db import Base
from app.core.extensions import db as _db
from app.demo.seed import seed_demo

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai, a Tuesday


def _database_url(tmp_dir: str) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_dir}/test.sqlite3"


@pytest.fixture(scope="session")
def app():
    """One app for the whole run, migrated once with Alembic, as `make run` would."""
    tmp_dir = tempfile.mkdtemp(prefix="yima-test-")
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_dir),
        "PUBLIC_BASE_URL": "https://yima.example.gov.cn",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SCAN_BATCH": 1,  # every opening is written as its request ends; tests/web/test_scans.py batches
    })
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            downgrade(revision="base")  # a leftover from an earlier run starts clean
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()  # close pooled connections before the interpreter does


@pytest.fixture(autouse=True)
def _clean(request):
    """Empty every table and seed the demo data before each test that uses the app."""
    if "app" not in request.fixturenames:
        yield  # domain and QR tests need no app
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        with _db.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
        seed_demo(_db.session, NOW)
        _db.session.commit()
        for limiter in app.extensions["limiter"]:
            limiter.reset()
        app.extensions["yima_pages"].clear()  # kept pages name the previous test's rows
    yield


@pytest.fixture
def client(app):
    """A browser-like test client with cookies."""
    return app.test_client()


@pytest.fixture
def session(app):
    """A database session of its own, for setting up and checking rows.

    It holds no app context: one held open would be shared by every request the
    test client makes (and with it `g`, where Flask-WTF caches the CSRF token).
    """
    with app.app_context():
        engine = _db.engine.execution_options(sqlite_begin="DEFERRED")
    with Session(engine) as own:
        yield own


HIDDEN = re.compile(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]*)"')


def hidden_fields(html: str) -> dict:
    """The hidden CSRF token and submission key of a rendered form."""
    return dict(HIDDEN.findall(html))


@pytest.fixture
def fill_form(client):
    """Open a form page and return its hidden fields merged with the given values."""

    def fill(path: str, **values):
        page = client.get(path)
        assert page.status_code == 200, page.status_code
        return {**hidden_fields(page.get_data(as_text=True)), **values}

    return fill


PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def password_hash():
    """One real scrypt hash for every test account: hashing per test would be slow."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD)


@pytest.fixture
def staff(app, password_hash):
    """The demo staff accounts (one per role, see app/demo/seed.py), signed in by `login`."""
    from app.demo.seed import seed_demo_users

    with app.app_context():
        seed_demo_users(_db.session, NOW, password_hash)
        _db.session.commit()


def login(client, username: str, password: str = PASSWORD):
    """Sign a test client in as a staff user; return the response."""
    page = client.get("/staff/login")
    data = {**hidden_fields(page.get_data(as_text=True)), "username": username, "password": password}
    return client.post("/staff/login", data=data)


def csrf_of(client, path: str) -> str:
    """The CSRF token a page of the client's session carries."""
    return hidden_fields(client.get(path).get_data(as_text=True))["csrf_token"]


# The log scan (tests/ops/logscan.py): every log record of the run, checked at the end.
def pytest_configure(config):
    """Collect every log record of the run, from the first test on."""
    import logging

    from tests.ops.logscan import Collector

    config._yima_logs = Collector()
    logging.getLogger().handlers.insert(0, config._yima_logs)


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if any log record held a phone number, a token, a password or a PIN."""
    import logging

    from app.core.logs import redact

    collector = getattr(session.config, "_yima_logs", None)
    if collector is None:
        return
    logging.getLogger().removeHandler(collector)
    leaks = collector.leaks()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"log scan: {len(collector.lines)} log records checked, {len(leaks)} leaks")
    if leaks:
        for leak in leaks[:20]:
            if reporter is not None:
                # Shown redacted: the report must not repeat the leak it found.
                reporter.write_line(f"  LEAK: {redact(leak)[:300]}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
