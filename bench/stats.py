"""Benchmark the leaders' pages at a city's volume: dashboard, inbox, export. Not a test.

    DATABASE_URL=postgresql://postgres@127.0.0.1/yima_bench python bench/stats.py [--cases 1000000]

Fills the database with `demo generate` up to --cases (reused when already there), then
times, through the real views (routing, queries, templates), for a year and the whole
county: the dashboard, the inbox's first page, the inbox filtered by overdue, and a CSV
export of --export-rows cases. Prints a table and the query plans the pages rely on.
Targets (issue 5): dashboard under 1 s, inbox pages under 50 ms, export over 20,000 rows/s.
"""
import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int):
    """The median wall time of `repeat` calls, after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN ANALYZE of the key queries")
    args = parser.parse_args()

    import sqlalchemy as sa
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from app import create_app
    from app.config import clocks
    from app.core.db import utcnow
    from app.demo.generate import generate
    from app.core.extensions import db
    from app.models import Suggestion
    from app.demo.seed import DEMO_PASSWORD, seed_demo, seed_demo_users

    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        seed_demo(db.session, utcnow())
        seed_demo_users(db.session, utcnow(), generate_password_hash(DEMO_PASSWORD))
        have = db.session.scalar(sa.select(sa.func.count()).select_from(Suggestion))
        if have < args.cases:
            start = time.perf_counter()
            generate(db.session, args.cases - have, utcnow(), clocks(app.config), seed=1)
            db.session.commit()
            print(f"generated {args.cases - have} cases in {time.perf_counter() - start:.1f} s")
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE")
        from zoneinfo import ZoneInfo

        from app.stats.monthly import refresh

        zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
        start = time.perf_counter()
        months = refresh(db.session, utcnow(), zone)
        db.session.commit()
        refresh_seconds = time.perf_counter() - start
        start = time.perf_counter()
        refresh(db.session, utcnow(), zone)  # what the sweep does every few minutes
        db.session.commit()
        again_seconds = time.perf_counter() - start
        total_cases = db.session.scalar(sa.select(sa.func.count()).select_from(Suggestion))
        newest = db.session.scalar(sa.select(sa.func.max(Suggestion.created_at)))
        # A date range holding about --export-rows cases, counted back from the newest.
        days = max(1, int(365 * args.export_rows / max(total_cases, 1)))
        since = (newest - timedelta(days=days)).date().isoformat()
        db.session.remove()

    client = app.test_client()
    client.post("/staff/login", data={"username": "yuyao-supervisor", "password": DEMO_PASSWORD})
    dispatcher = app.test_client()
    dispatcher.post("/staff/login", data={"username": "dispatch", "password": DEMO_PASSWORD})

    def get(c, url):
        response = c.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    exported = {}

    def export():
        body = get(dispatcher, f"/staff/export.csv?status=all&date_from={since}").get_data()
        exported["rows"] = body.count(b"\n") - 1

    second_page = _second_page(dispatcher)
    rows = [
        ("dashboard, year, whole county", timed(lambda: get(client, "/staff/stats?period=year"), args.repeat), 1.0),
        ("inbox first page (dispatch, all units)", timed(lambda: get(dispatcher, "/staff/"), args.repeat), 0.05),
        ("inbox filtered: overdue", timed(lambda: get(dispatcher, "/staff/?overdue=y"), args.repeat), 0.05),
        ("inbox page 2 (keyset)", timed(lambda: get(dispatcher, second_page), args.repeat), 0.05),
    ]
    rows.append((f"figure months refresh ({months} months)", refresh_seconds, None))
    rows.append(("figure months refresh again (the sweep)", again_seconds, None))
    export_seconds = timed(export, 1)
    print(f"\n{db_label(app)}: {total_cases:,} cases\n")
    print(f"{'step':<42}{'seconds':>10}{'target':>10}{'ok':>5}")
    for name, seconds, target in rows:
        if target is None:
            print(f"{name:<42}{seconds:>10.3f}")
            continue
        print(f"{name:<42}{seconds:>10.3f}{'< ' + str(target):>10}{'yes' if seconds < target else 'NO':>5}")
    rate = exported["rows"] / export_seconds
    print(f"{'CSV export, ' + format(exported['rows'], ',') + ' rows':<42}{export_seconds:>10.3f}"
          f"{'> 20000/s':>10}{'yes' if rate > 20000 else 'NO':>5}   ({rate:,.0f} rows/s)")
    if args.plans:
        print_plans(app)


def _second_page(client) -> str:
    import re

    html = client.get("/staff/").get_data(as_text=True)
    match = re.search(r'href="(/staff/\?[^"]*after_id=[^"]*)"', html)
    return match.group(1).replace("&amp;", "&") if match else "/staff/"


def db_label(app) -> str:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    return url.split("@")[-1] if "@" in url else url


def print_plans(app) -> None:
    """EXPLAIN ANALYZE of the inbox and the dashboard's largest query (PostgreSQL)."""
    import sqlalchemy as sa

    from app.config import clocks
    from app.core.db import utcnow
    from app.core.extensions import db
    from app.models import User
    from app.services.inbox import InboxFilter, filtered

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
        user = db.session.scalars(sa.select(User).where(User.username == "dispatch")).one()
        query = filtered(db.session, user, InboxFilter(overdue=True), utcnow(), clocks(app.config))
        query = query.order_by(sa.text("due_at ASC NULLS LAST"), sa.text("id")).limit(26)
        sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
        print("\nEXPLAIN ANALYZE inbox (overdue):")
        for (line,) in db.session.execute(sa.text("EXPLAIN ANALYZE " + sql)):
            print("  " + line)


if __name__ == "__main__":
    os.environ.setdefault("YIMA_LOG_LEVEL", "WARNING")
    main()
