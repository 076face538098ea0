"""Benchmark the leaders' pages at a city's volume: dashboard, inbox, export, figure refresh. Not a test.

    DATABASE_URL=postgresql://postgres@127.0.0.1/yima_bench python bench/stats.py [--cases 1000000]

Fills the database with `demo generate` up to --cases (reused when already there), then
times, through the real views (routing, queries, templates), for a year and the whole
county: the dashboard, the inbox's first page, the inbox filtered by overdue, its second
page, and a CSV export of about --export-rows cases; then the sweep's figure refresh after
k cases (--changed, spread over the year) had a step. Prints a table with the targets
beside it, and with --plans the query plans the pages rely on.
Targets (issue 14, PostgreSQL): year dashboard < 0.5 s up to 1 M cases and < 1 s at 2.3 M,
inbox pages < 50 ms, CSV export >= 50,000 rows/s, the refresh proportional to what changed.
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int) -> tuple[float, float]:
    """The median wall time of `repeat` calls, after one warm-up call, and the median CPU
    time this process spent in them (the database's own CPU is not in it): on a machine
    shared with others the wall time waits for a core, the CPU time does not."""
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def dashboard_target(cases: int) -> float:
    """Seconds a year's dashboard may take at this volume (issue 14)."""
    return 0.5 if cases <= 1_000_000 else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--changed", default="1,100,1000", help="k for the refresh rows, comma-separated")
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
    from app.models import FigureWatermark, Suggestion
    from app.demo.seed import DEMO_PASSWORD, seed_demo, seed_demo_users

    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "EXPORT_MAX_ROWS": max(50_000, 2 * args.export_rows)})
    with app.app_context():
        upgrade()
        seed_demo(db.session, utcnow())
        seed_demo_users(db.session, utcnow(), generate_password_hash(DEMO_PASSWORD))
        have = db.session.scalar(sa.select(sa.func.count()).select_from(Suggestion))
        if have < args.cases:
            start = time.perf_counter()
            generate(db.session, args.cases - have, utcnow(), clocks(app.config), seed=1)
            # A bulk load changes every month: the next refresh recounts them all from scratch
            # rather than reading every new event to find which months it touched.
            db.session.execute(sa.delete(FigureWatermark))
            db.session.commit()
            print(f"generated {args.cases - have} cases in {time.perf_counter() - start:.1f} s")
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE")
        total_cases = db.session.scalar(sa.select(sa.func.count()).select_from(Suggestion))
        newest = db.session.scalar(sa.select(sa.func.max(Suggestion.created_at)))
        # A date range holding about --export-rows cases, counted back from the newest.
        days = max(1, int(365 * args.export_rows / max(total_cases, 1)))
        since = (newest - timedelta(days=days)).date().isoformat()
        refreshes = refresh_rows(app, [int(k) for k in args.changed.split(",") if k])
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
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows = [
        (f"dashboard, year, whole county ({total_cases:,} cases)",
         *timed(lambda: get(client, "/staff/stats?period=year"), args.repeat), "s", dashboard_target(total_cases)),
        ("inbox first page (dispatch, all units)", *timed(lambda: get(dispatcher, "/staff/"), args.repeat), "s", 0.05),
        ("inbox filtered: overdue", *timed(lambda: get(dispatcher, "/staff/?overdue=y"), args.repeat), "s", 0.05),
        ("inbox page 2 (keyset)", *timed(lambda: get(dispatcher, second_page), args.repeat), "s", 0.05),
    ]
    wall, cpu = timed(export, min(args.repeat, 3))  # a second or two each: three do for a median
    rows.append((f"CSV export, {exported['rows']:,} rows", exported["rows"] / wall, exported["rows"] / cpu,
                 "rows/s", -50_000))
    rows += refreshes
    print(f"\n{db_label(app)}: {total_cases:,} cases; load average {load:.1f} at the start, "
          f"{os.getloadavg()[0] if hasattr(os, 'getloadavg') else float('nan'):.1f} at the end, "
          f"on {os.cpu_count()} cores\n")
    print(f"{'step':<58}{'wall':>14}{'app CPU':>14}{'target':>12}{'ok':>5}")
    for name, value, cpu, unit, target in rows:
        shown = [f"{v:,.0f} {unit}" if unit == "rows/s" else f"{v:.3f} {unit}" for v in (value, cpu)]
        if target is None:
            print(f"{name:<58}{shown[0]:>14}{shown[1]:>14}")
            continue
        # A negative target is a floor (rows/s at least), a positive one a ceiling (seconds under).
        ok = value >= -target if target < 0 else value < target
        wanted = f">= {-target:,.0f}" if target < 0 else f"< {target}"
        print(f"{name:<58}{shown[0]:>14}{shown[1]:>14}{wanted:>12}{'yes' if ok else 'NO':>5}")
    print("\nwall: median elapsed; app CPU: this process's CPU in it (rows/s: rows per CPU second);"
          " ok compares the wall time.")
    if args.plans:
        print_plans(app)


def refresh_rows(app, changed: list[int]) -> list[tuple]:
    """The sweep's figure refresh: once to store every month, once with nothing changed, and
    once after each k cases, picked over the whole year, had a step (a note, as any step
    writes an event): what one refresh costs as a function of what changed."""
    import sqlalchemy as sa
    from zoneinfo import ZoneInfo

    from app.core.db import utcnow
    from app.core.extensions import db
    from app.domain.workflow import Action
    from app.models import CaseEvent, Suggestion
    from app.stats.monthly import refresh

    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])

    def one() -> tuple[int, float, float]:
        start, cpu = time.perf_counter(), time.process_time()
        months = refresh(db.session, utcnow(), zone)
        db.session.commit()
        return months, time.perf_counter() - start, time.process_time() - cpu

    rows = []
    months, *seconds = one()
    rows.append((f"figure refresh, first or after migrating ({months} months)", *seconds, "s", None))
    months, *seconds = one()
    rows.append((f"figure refresh, nothing changed ({months} months)", *seconds, "s", None))
    top = db.session.scalar(sa.select(sa.func.max(Suggestion.id)))
    rng = random.Random(14)
    for k in changed:
        for case_id, status, unit_id in db.session.execute(
                sa.select(Suggestion.id, Suggestion.status, Suggestion.unit_id)
                .where(Suggestion.id.in_(rng.sample(range(1, top + 1), min(k, top))))):
            db.session.add(CaseEvent(suggestion_id=case_id, at=utcnow(), action=Action.NOTE, from_status=status,
                                     to_status=status, from_unit_id=unit_id, to_unit_id=unit_id, public=False))
        db.session.commit()
        months, *seconds = one()
        rows.append((f"figure refresh after {k:,} changed cases ({months} months)", *seconds, "s", None))
    return rows


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
