"""Poster scans across workers: the once-a-day check is made in Redis for a whole batch as it is
written (app/citizen/scans.py), so a visitor opening a poster in two workers counts once."""
import sqlalchemy as sa

from app import create_app
from app.core.extensions import db
from app.models import PosterScan


def _worker(app, redis_url):
    config = {k: app.config[k] for k in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
    return create_app({**config, "RATELIMIT_STORAGE_URI": redis_url, "SCAN_BATCH": 2, "SCAN_FLUSH_SECONDS": 60})


def _open(worker, visitor: int, code: str = "YMQ2K8") -> None:
    answer = worker.test_client().get(f"/p/{code}", environ_overrides={"REMOTE_ADDR": f"198.51.100.{visitor}"})
    assert answer.status_code == 200


def test_a_visitor_counts_once_a_day_whichever_worker_serves_them(app, session, redis_url):
    first, second = _worker(app, redis_url), _worker(app, redis_url)
    try:
        for _ in range(3):  # reloads within one worker's batch are dropped in memory
            _open(first, 1)
        _open(first, 2)  # the batch of two is full: written after one pipelined check
        _open(second, 1)  # the same visitor in another worker: seen in Redis
        _open(second, 3)
        _open(second, 2, "FSH7N3")  # another poster: counted
        _open(second, 4)
        session.rollback()
        assert session.scalar(sa.select(sa.func.count()).select_from(PosterScan)) == 5  # 1, 2; 3; 2 at FSH7N3, 4
    finally:
        for worker in (first, second):
            with worker.app_context():
                db.engine.dispose()
