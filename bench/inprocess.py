"""CPU per request, in-process, beside a bare Flask hello measured in the same run. Not a test.

    python bench/inprocess.py                 # SQLite file in a temporary folder
    DATABASE_URL=postgresql://postgres@127.0.0.1/yima_bench python bench/inprocess.py
    python bench/inprocess.py --smoke         # a second or two a row: checks it works, not speed

No server and no network: each request is one WSGI call (an environ built beforehand, the
body read to the end), as gunicorn's worker makes it, timed with the process's CPU clock
(time.process_time), so another process on a noisy machine costs this one little. The bare
hello (bench/hello.py) is measured just before each row, and each row's factor is of that.
Rows, each after an unmeasured warm-up that fills the workers' caches:
- GET /p/<code>: the form, as a first visit (no cookie: a session and a CSRF token minted);
- GET /t/<token>: the tracking page of 100 cases, a visitor without the PIN;
- a minimal handler on the same schema: the same two INSERTs (case and first event) with
  one durable commit, through the DB-API with SQL made once, no ORM and no form;
- POST /p/<code>: a submission, each a fresh form (its session, CSRF token and key), its text
  compared with the open cases at the poster before filing (附议, app/citizen/metoo.py);
- the same, "filed anyway" as after an offer: no comparison, so the difference is the hint's cost;
- the same submission and the GET of the receipt it redirects to, with the session it set
  (the PIN shown, the page drawn for the first time), and of the receipt image it shows;
- GET /answers: the public board of 40 published answers, its first page, a search and its
  second page in turn (issue 17).
Targets (issue 14): form <= 4x, tracking <= 5x (PostgreSQL <= 6x), submission <= 40x and
<= 5x the minimal handler; the board no more than a tracking page (issue 17).
"""
import argparse
import io
import os
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serve import SECRET, UNLIMITED, mint_forms, prepare_database  # noqa: E402

TARGETS = {"form": 4.0, "track": 5.0, "submit": 40.0}
PG_TARGETS = {"track": 6.0}
VS_MINIMAL = 5.0


def wsgi_call(app, environ: dict, body: bytes = b"") -> tuple[str, list, bytes]:
    """One request through the app as a WSGI server makes it: status, headers, the whole body."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, headers

    env = dict(environ)
    env["wsgi.input"] = io.BytesIO(body)
    result = app(env, start_response)
    try:
        data = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answer["status"], answer["headers"], data


def environ(method: str, path: str, cookie: str = "", body: bytes = b"") -> dict:
    """A WSGI environ for one request (werkzeug's builder, once per request shape)."""
    from werkzeug.test import EnvironBuilder

    headers = {"Cookie": cookie} if cookie else {}
    builder = EnvironBuilder(path=path, method=method, headers=headers, base_url="https://yima.example.gov.cn",
                             data=body or None,
                             content_type="application/x-www-form-urlencoded" if method == "POST" else None)
    try:
        env = builder.get_environ()
    finally:
        builder.close()
    env["REMOTE_ADDR"] = "127.0.0.1"
    return env


def cpu_per_call(calls, count: int) -> float:
    """CPU seconds per call of `calls()` (a function answering one request), over `count` calls."""
    start = time.process_time()
    for _ in range(count):
        calls()
    return (time.process_time() - start) / count


def cycle(items):
    """An endless walk over `items`."""
    while True:
        yield from items


def minimal_app(database_url: str):
    """A Flask app with one POST: the case and its first event INSERTed with one commit, SQL
    made once from Yima's own tables, through the DB-API; no ORM, form, session or hooks."""
    import functools
    from datetime import datetime, timezone

    import sqlalchemy as sa
    from flask import Flask, redirect, request

    from app.domain import codes
    from app.models import CaseEvent, Suggestion

    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    dialect = engine.dialect
    case_sql = sa.insert(Suggestion.__table__).returning(Suggestion.__table__.c.id).compile(dialect=dialect)
    event_sql = sa.insert(CaseEvent.__table__).compile(dialect=dialect)
    app = Flask("minimal")

    @functools.cache  # opened on the first request
    def connection():
        raw = engine.raw_connection()
        if dialect.name == "sqlite":
            raw.driver_connection.isolation_level = None
        return raw

    def params(compiled, table, values):
        # Every column the statement names: the value given, else the column's own scalar default.
        bound = {}
        for name in compiled.params:
            column = table.c[name]
            default = column.default.arg if column.default is not None and column.default.is_scalar else None
            value = values.get(name, default)
            bound[name] = value.value if hasattr(value, "value") else value
        names = compiled.positiontup if compiled.positional else None
        return [bound[n] for n in names] if names else bound

    @app.post("/")
    def durable_two_inserts():
        text = request.form.get("text", "")
        now = datetime.now(timezone.utc).replace(tzinfo=None) if dialect.name == "sqlite" else datetime.now(timezone.utc)
        key = codes.new_submission_key()
        raw = connection()
        cursor = raw.cursor()
        if dialect.name == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(str(case_sql), params(case_sql, Suggestion.__table__, dict(
            receipt_code=codes.new_receipt_code(), token_hash=codes.hash_secret(key), pin_hash="x",
            submission_key=codes.hash_secret(key + "k"), kind="suggestion", channel="web", status="submitted",
            text=text, location="", language="zh_Hans_CN", unit_id=1, created_at=now, received_at=now,
            accept_due_at=now, due_at=now)))
        case_id = cursor.fetchone()[0]
        cursor.execute(str(event_sql), params(event_sql, CaseEvent.__table__, dict(
            suggestion_id=case_id, at=now, action="submit", to_status="submitted", to_unit_id=1, public=True)))
        if dialect.name == "sqlite":
            cursor.execute("COMMIT")
        else:
            raw.commit()
        cursor.close()
        return redirect("/", 303)

    return app


def csrf_app():
    """A bare Flask app whose one page mints what any Flask-WTF form's first visit does: a
    session with a CSRF secret, a signed token in the page, the signed session cookie."""
    from flask import Flask
    from flask_wtf.csrf import generate_csrf

    app = Flask("csrf")
    app.secret_key = SECRET

    @app.get("/")
    def form_page():
        return f'<form method="post"><input name="csrf_token" value="{generate_csrf()}"></form>'

    return app


def tracking_paths(app, forms: list[str]) -> list[str]:
    """File these forms through the app and return the tracking paths they redirect to."""
    paths = []
    for line in forms:
        _method, path, cookie, body = line.split("\t")
        status, headers, _ = wsgi_call(app, environ("POST", path, cookie, body.encode()), body.encode())
        if not status.startswith("303"):
            raise SystemExit(f"submission failed: {status}")
        paths.append(urllib.parse.urlsplit(dict(headers)["Location"]).path)
    return paths


def set_cookie(headers: list) -> str:
    """The Cookie header a browser sends back after these response headers."""
    return "; ".join(v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie")


def measure(args) -> dict:
    """Each row's CPU per request and the bare hello's just before it."""
    from bench.hello import app as hello
    from app import create_app

    app = create_app()
    minimal = minimal_app(os.environ["DATABASE_URL"])
    code = _poster_code(app)
    form_path = f"/p/{code}"
    count = args.count
    forms = iter(mint_forms(os.environ, 100 + 2 * (count + args.warmup) * 2, form_path))
    tracks = tracking_paths(app, [next(forms) for _ in range(100)])
    publish_answers(app, 40)
    board_envs = cycle([environ("GET", p) for p in ("/answers", "/answers?q=%E9%81%AE%E9%9B%A8%E6%A3%9A",
                                                     "/answers?page=2")])
    hello_env = environ("GET", "/")
    healthz_env = environ("GET", "/healthz")
    form_env = environ("GET", form_path)
    track_envs = cycle([environ("GET", p) for p in tracks])
    body = urllib.parse.urlencode({"text": "公交站的遮雨棚漏水，下雨天等车的老人都淋湿了，希望尽快修好。"}).encode()
    minimal_env = environ("POST", "/", body=body)

    def submission(then_get: bool, choice: str = ""):
        _m, path, cookie, form_body = next(forms).split("\t")
        data = (form_body + choice).encode()
        status, headers, _ = wsgi_call(app, environ("POST", path, cookie, data), data)
        assert status.startswith("303"), status
        if then_get:
            location = urllib.parse.urlsplit(dict(headers)["Location"]).path
            browser = set_cookie(headers) or cookie
            status, _h, page = wsgi_call(app, environ("GET", location, browser))
            assert status.startswith("200") and b"/receipt.png" in page, status
            status, _h, image = wsgi_call(app, environ("GET", location + "/receipt.png", browser))  # as a phone does
            assert status.startswith("200") and image.startswith(b"\x89PNG"), status

    bare_csrf = csrf_app()
    rows = {
        "csrf": lambda: wsgi_call(bare_csrf, hello_env),
        "healthz": lambda: wsgi_call(app, healthz_env),
        "form": lambda: wsgi_call(app, form_env),
        "track": lambda: wsgi_call(app, next(track_envs)),
        "minimal": lambda: wsgi_call(minimal, minimal_env, body),
        "submit": lambda: submission(False),
        "submit anyway": lambda: submission(False, "&metoo=file"),
        "submit+get": lambda: submission(True),
        "board": lambda: wsgi_call(app, next(board_envs)),
    }
    results = {}
    for name, call in rows.items():
        for _ in range(args.warmup):
            call()
        bare = cpu_per_call(lambda: wsgi_call(hello, hello_env), count * 4)
        results[name] = (cpu_per_call(call, count), bare)
    return results


def publish_answers(app, count: int) -> None:
    """Answer `count` of the filed cases and publish them through the staff's steps, as if each
    citizen had agreed (a lead of each unit made for it)."""
    import sqlalchemy as sa

    from app import services
    from app.config import clocks
    from app.core.db import utcnow
    from app.core.extensions import db
    from app.domain.workflow import CaseState, Kind, Role
    from app.models import Suggestion, User
    from app.services import publications

    with app.app_context():
        session, cl, now = db.session, clocks(app.config), utcnow()
        filed = (sa.select(Suggestion).where(Suggestion.kind == Kind.SUGGESTION, Suggestion.is_report.is_(False),
                                             Suggestion.status == CaseState.SUBMITTED)
                 .order_by(Suggestion.id.desc()).limit(count))
        for case in session.scalars(filed).all():
            lead = session.scalars(sa.select(User).where(User.unit_id == case.unit_id, User.role == Role.LEAD)).first()
            if lead is None:
                lead = User(username=f"bench-lead-{case.unit_id}", display_name="负责人", unit_id=case.unit_id,
                            role=Role.LEAD, password_hash="x", created_at=now)
                session.add(lead)
            case.publish_consent = True
            services.accept_case(session, case, lead, now, cl)
            services.reply_to_case(session, case, lead, now, cl, services.ReplyText(body="已安排维修，感谢您的建议。"))
            found = publications.propose(session, case, lead, now, cl)
            publications.approve(session, found, lead, now, found.question, found.answer)
        session.commit()


def _poster_code(app) -> str:
    import sqlalchemy as sa

    from app.core.extensions import db
    from app.models import Poster

    with app.app_context():
        return db.session.scalar(sa.select(Poster.code).where(Poster.active).order_by(Poster.id))


def report(results: dict, database: str, smoke: bool) -> None:
    """Print the table: µs of CPU a request, and the factor of the bare hello before it."""
    names = {"csrf": "bare Flask-WTF page (session+CSRF)", "healthz": "GET /healthz (hooks + SELECT 1)",
             "form": "GET /p/<code> (form, first visit)", "track": "GET /t/<token> (no PIN)",
             "minimal": "minimal: 2 INSERTs, 1 commit", "submit": "POST /p/<code> (submission)",
             "submit anyway": "POST /p/<code>, anyway (no hint)",
             "submit+get": "submission + GET of receipt + image", "board": "GET /answers (public board)"}
    targets = {**TARGETS, **(PG_TARGETS if database == "postgresql" else {})}
    bares = [bare for _cost, bare in results.values()]
    print(f"\nCPU per request in-process on {database}" + (" (smoke run: numbers are not meaningful)" if smoke else ""))
    print(f"{'what':<36} {'µs CPU':>8} {'× hello':>8} {'target':>7} {'× minimal':>10}")
    print(f"{'bare Flask hello':<36} {sum(bares) / len(bares) * 1e6:>8.0f} "
          f"{'':>8} {'':>7} {'':>10}  ({min(bares) * 1e6:.0f}–{max(bares) * 1e6:.0f})")
    minimal = results["minimal"][0]
    targets["board"] = round(results["track"][0] / results["track"][1], 1)  # issue 17: no dearer than tracking
    for name, (cost, bare) in results.items():
        factor = cost / bare
        target = targets.get(name)
        vs = f"{cost / minimal:.1f}" + (f" (≤{VS_MINIMAL:g})" if name == "submit" else "") if name.startswith("submit") else ""
        missed = target is not None and factor > target
        print(f"{names[name]:<36} {cost * 1e6:>8.0f} {factor:>8.1f} {f'≤{target:g}' if target else '':>7} {vs:>10}"
              f"{'  MISSED' if missed and not smoke else ''}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="requests measured a row")
    parser.add_argument("--warmup", type=int, default=300, help="unmeasured requests before a row")
    parser.add_argument("--smoke", action="store_true", help="a few requests a row: checks it works")
    args = parser.parse_args()
    if args.smoke:
        args.count, args.warmup = 50, 20
    tmp = Path(tempfile.mkdtemp(prefix="yima-inprocess-"))
    env = {"SECRET_KEY": SECRET, "PUBLIC_BASE_URL": "https://yima.example.gov.cn", "YIMA_LOG_LEVEL": "WARNING",
           "YIMA_SUBMIT_RATE_LIMIT": UNLIMITED, "YIMA_TRACK_RATE_LIMIT": UNLIMITED,
           "YIMA_SUBMIT_FORM_RATE_LIMIT": UNLIMITED, "YIMA_FEEDBACK_RATE_LIMIT": UNLIMITED}
    os.environ.update(env)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    prepare_database(dict(os.environ))
    database = os.environ["DATABASE_URL"].split("://", 1)[0].split("+")[0]
    report(measure(args), database, args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
