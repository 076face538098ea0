"""The bare Flask apps bench/serve.py measures Yima against, under the same gunicorn settings.

GET / is the smallest useful response. POST / is the least any durable submission does: read
the form, count it in Redis (one round trip, as a rate limit does; when REDIS_URL is set),
commit one row to the database and answer 303. It has no CSRF check, session, validation or
ORM: it shows how much of a submission's cost is the durable commit itself.
BENCH_POST_URL names its database (sqlite:///FILE or postgresql://…, a `bench_posts` table).
"""
import functools
import os

from flask import Flask, redirect, request

app = Flask(__name__)
POST_URL = os.environ.get("BENCH_POST_URL", "")


@app.get("/")
def hello():
    """The smallest useful response."""
    return "hello"


@functools.cache  # first called by a request, so in a worker, after gunicorn's fork: never shared
def _open() -> tuple:
    if POST_URL.startswith("sqlite:///"):
        import sqlite3

        database = sqlite3.connect(POST_URL[len("sqlite:///"):], isolation_level=None, timeout=15)
        database.execute("PRAGMA journal_mode=WAL")  # as Yima's SQLite (app/core/db.py)
    else:
        import psycopg

        database = psycopg.connect(POST_URL.replace("postgresql+psycopg://", "postgresql://"))
    counter = None
    if os.environ.get("REDIS_URL"):
        import redis

        counter = redis.Redis.from_url(os.environ["REDIS_URL"])
    return database, counter


@app.post("/")
def durable_post():
    """One row committed durably, then a redirect."""
    database, counter = _open()
    text = request.form.get("text", "")
    if counter is not None:
        key = f"bench-posts:{request.remote_addr}"
        counter.pipeline().incr(key).expire(key, 3600).execute()
    if POST_URL.startswith("sqlite:///"):
        database.execute("BEGIN IMMEDIATE")
        database.execute("INSERT INTO bench_posts (body) VALUES (?)", (text,))
        database.execute("COMMIT")
    else:
        with database.transaction():
            database.execute("INSERT INTO bench_posts (body) VALUES (%s)", (text,))
    return redirect("/", 303)
