"""Fixtures for the attacks that need real processes: gunicorn servers and Redis.

Redis is required where the attack is about limits shared by workers: the tests skip without
REDIS_URL locally, and fail instead when YIMA_REQUIRE_REDIS=1 (CI sets it).
"""
import os

import pytest

from tests.security.server import Gunicorn


@pytest.fixture
def redis_url():
    """A reachable Redis database, emptied for the test."""
    url = os.environ.get("REDIS_URL")
    problem = None if url else "REDIS_URL is not set"
    if url:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
        except redis.RedisError as error:
            problem = f"Redis at {url} does not answer: {error}"
    if problem:
        if os.environ.get("YIMA_REQUIRE_REDIS") == "1":
            pytest.fail(f"{problem}, and YIMA_REQUIRE_REDIS=1 requires the Redis tests")
        pytest.skip(f"{problem} (CI runs these with Redis)")
    yield url
    redis.Redis.from_url(url).flushdb()


@pytest.fixture
def server_env(app):
    """The environment that points a gunicorn server at the test database."""
    return {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"],
            "REDIS_URL": None, "YIMA_LOG_LEVEL": "WARNING"}


@pytest.fixture
def gunicorn(server_env):
    """Start gunicorn servers on the test database: `gunicorn(workers=3, REDIS_URL=...)`."""
    started = []

    def start(workers: int = 2, **env) -> Gunicorn:
        server = Gunicorn({**server_env, **{k: None if v is None else str(v) for k, v in env.items()}},
                          workers=workers)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
