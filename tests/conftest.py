"""Fixtures: an app per test session on SQLite (or DATABASE_URL), clean data per test, and
factories (make_case, make_receipt, make_poster) that build rows through the service steps."""
import os
import re
import shutil
import tempfile
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import create_app, services
from app.config import clocks
from app.core.db import Base, utcnow
from app.core.extensions import db as _db
from app.demo.seed import seed_demo
from app.domain import codes
from app.domain.policy import refusal
from app.domain.workflow import Action, Channel, Kind, Rating, Role
from app.models import Category, OrgUnit, Poster, User
from app.notify.watch import APP
from app.services import Receipt, ReplyText, Submission
from app.services.posters import PosterData, create_poster, deactivate_poster

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
        "UPLOAD_DIR": f"{tmp_dir}/uploads",  # attached files (app/storage.py), never the instance's own
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
        shutil.rmtree(app.config["UPLOAD_DIR"], ignore_errors=True)  # and so do its stored files
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
    with Session(engine, info={APP: app}) as own:  # steps committed here are told with the app's settings
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


# Factories (STYLE.md: fixtures that return factories). Each builds its rows through the
# service steps staff and citizens take, at `now`, and commits them on the test's `session`:
# a test of a page or a figure then needs no HTTP to reach the state it starts from.
# `now` defaults to the views' clock (app.core.db.utcnow), so HTTP steps a test takes next agree.

REPLY = ReplyText(claim="路灯损坏要求修复", facts="经查，新建路3号路灯线路老化。",
                  decision="已于当日更换线路并恢复照明。", basis="《城市照明管理规定》第十条")
PLAIN_REPLY = ReplyText(body="感谢您的建议，已纳入明年计划。")  # what a non-complaint is answered with

# The steps that bring a newly filed case to each status, in order.
STEPS_TO = {
    "submitted": (),
    "accepted": ("accept",),
    "extension_requested": ("accept", "request_extension"),
    "extended": ("accept", "extend"),
    "replied": ("accept", "reply"),
    "closed": ("accept", "reply", "satisfied"),
    "review": ("accept", "reply", "unsatisfied", "review"),
    "re_review": ("accept", "reply", "unsatisfied", "review", "reply", "unsatisfied", "review"),
    "rejected": ("reject",),
    "merged": ("merge",),
}


def _unit_id(session, code: str) -> int:
    return session.scalars(sa.select(OrgUnit.id).where(OrgUnit.code == code)).one()


def _category_id(session, code: str) -> int:
    return session.scalars(sa.select(Category.id).where(Category.code == code)).one()


def _actor(session, case, action: Action, now, cl) -> User:
    """A demo account of the unit holding the case whom the policy lets take `action` now; else
    the dispatch centre's, which may act on any case."""
    users = session.scalars(sa.select(User).where(User.unit_id == case.unit_id).order_by(User.id))
    for user in users:
        if refusal(user, case, action, now, cl) is None:
            return user
    return session.scalars(sa.select(User).where(User.role == Role.DISPATCHER)).first()


@pytest.fixture
def make_receipt(app, staff, session):
    """`make_receipt(status="replied", ...)`: a case filed and taken to `status`; its Receipt.

    The Receipt holds the case (`.suggestion`, on `session`) and the citizen's `.token` and
    `.pin`. The case is filed from `poster` (None: from /submit, routed by `category` or to
    the dispatch centre), or straight to `unit` (a unit code); `is_report` marks it a report
    and `forward_to` (a unit code) forwards it before the steps of STEPS_TO[status]; a merged
    case goes into `master` (a new case when None). `fields` are the Submission's own
    (text, location, citizen_name, citizen_phone, channel, language).
    """
    cl = clocks(app.config)

    def make(status: str = "submitted", *, kind: str = "complaint", poster: str | None = "YMQ2K8",
             unit: str | None = None, category: str | None = None, is_report: bool = False,
             forward_to: str | None = None, master=None, reply: ReplyText | None = None,
             now: datetime | None = None, **fields) -> Receipt:
        now = now or utcnow()
        # Commit first (it commits at the end anyway): the session may hold a SQLite read snapshot
        # older than the app's last write, and a write from it fails as "database is locked".
        session.commit()
        values = {"text": "新建路3号门口的路灯坏了三天，晚上很黑，老人出门不安全。", "location": "新建路3号",
                  "citizen_name": "张三", "citizen_phone": "13812345678", **fields}
        if values.get("channel"):
            values["channel"] = Channel(values["channel"])
        data = Submission(submission_key=codes.new_submission_key(), kind=Kind(kind),
                          category_id=_category_id(session, category) if category else None,
                          poster_code=poster, unit_id=_unit_id(session, unit) if unit else None, **values)
        receipt = services.submit_suggestion(session, data, cl, app.config["SECRET_KEY"], now)
        case = receipt.suggestion
        if is_report:
            services.mark_report(session, case, _actor(session, case, Action.MARK_REPORT, now, cl), now, cl, "举报")
        if forward_to:
            services.forward_case(session, case, _actor(session, case, Action.FORWARD, now, cl), now, cl,
                                  session.get(OrgUnit, _unit_id(session, forward_to)), "转交承办")
        if status == "merged" and master is None:
            master = make(kind=kind, poster=poster, unit=unit, now=now).suggestion
        answer = reply or (REPLY if case.kind is Kind.COMPLAINT else PLAIN_REPLY)
        for step in STEPS_TO[status]:
            if step == "accept":
                services.accept_case(session, case, _actor(session, case, Action.ACCEPT, now, cl), now, cl)
            elif step == "reply":
                services.reply_to_case(session, case, _actor(session, case, Action.REPLY, now, cl), now, cl, answer)
            elif step in ("satisfied", "unsatisfied"):
                services.rate_reply(session, case, Rating(step), "", now, cl)
            elif step == "review":
                services.request_review(session, case, "问题仍未解决", now, cl)
            elif step == "reject":
                services.reject_case(session, case, _actor(session, case, Action.REJECT, now, cl), now, cl,
                                     "不属于受理范围")
            elif step == "merge":
                services.merge_case(session, case, _actor(session, case, Action.MERGE, now, cl), now, cl, master)
            elif step == "request_extension":
                services.request_extension(session, case, _actor(session, case, Action.REQUEST_EXTENSION, now, cl),
                                           now, cl, 10, "需要现场勘测")
            elif step == "extend":
                services.extend_case(session, case, _actor(session, case, Action.EXTEND, now, cl), now, cl, 10,
                                     "需要现场勘测")
        session.commit()
        return receipt

    return make


@pytest.fixture
def make_case(make_receipt):
    """`make_case(status="replied", unit=..., kind=..., poster=..., is_report=...)`: the case
    alone, on `session` (see make_receipt)."""
    return lambda status="submitted", **options: make_receipt(status, **options).suggestion


@pytest.fixture
def make_poster(app, staff, session):
    """`make_poster(place, unit="330281-YM", category=None, active=True)`: a poster the county's
    admin created (and deactivated, if not `active`), on `session`."""

    def make(place: str = "阳明街道 新建社区 文化礼堂门口", *, unit: str = "330281-YM",
             category: str | None = None, note: str = "", active: bool = True,
             now: datetime | None = None) -> Poster:
        now = now or utcnow()
        session.commit()  # as make_receipt does
        admin = session.scalars(sa.select(User).where(User.username == "admin")).one()
        data = PosterData(place_label=place, unit_id=_unit_id(session, unit), note=note,
                          category_id=_category_id(session, category) if category else None)
        poster = create_poster(session, admin, data, now)
        if not active:
            deactivate_poster(session, poster, admin, now)
        session.commit()
        return poster

    return make


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
