"""When a service behind the app is down: calm 503 pages, never half-written data.

A database that stops answering (PostgreSQL restarted, network cut, SQLite locked past the
busy timeout) raises an OperationalError or InterfaceError; the request's transaction was
never committed, so nothing of it is kept. The session is rolled back so the worker's next
request starts clean, and the pool's pre-ping replaces dead connections once the database is
back. A fail-closed rate limit (staff sign-in) whose storage is down answers 503 as well.
"""
from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from limits.errors import StorageError
from sqlalchemy.exc import InterfaceError, OperationalError

RETRY_AFTER_SECONDS = 30


def _unavailable(title: str, message: str):
    headers = unavailable_headers()
    if request.path.startswith("/api/") or request.path == "/healthz":
        return jsonify(error=title), 503, headers
    return render_template("errors/error.html", title=title, message=message), 503, headers


def unavailable_headers() -> dict:
    """The headers of every 503: when to come back, and never to keep the page."""
    return {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}


def forget_request(error: Exception) -> None:
    """Log the dead database and roll the request's session back, so the worker's next request
    starts clean (the suggestion form's 503 in app/citizen/held.py does this too)."""
    from app.core.extensions import db

    current_app.logger.error("database unavailable on %s %s: %s", request.method, request.path,
                             type(error).__name__)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; the pool replaces it
        db.session.remove()


def database_down(error: Exception):
    """The database did not answer: nothing was saved; ask the visitor to try again."""
    forget_request(error)
    return _unavailable(_("Briefly unavailable"), _(
        "The service is briefly unavailable and nothing you sent was saved. "
        "Please try again in a minute."))


def limit_storage_down(error: StorageError):
    """Fail closed: a limit that could not be counted does not let the request through."""
    current_app.logger.error("rate-limit storage unavailable on %s %s: %s",
                             request.method, request.path, type(error).__name__)
    return _unavailable(_("Briefly unavailable"), _(
        "Sign-in is briefly unavailable. Please try again shortly."))


def init_app(app) -> None:
    """Answer a dead database or a dead fail-closed limit with a 503 page."""
    app.register_error_handler(OperationalError, database_down)
    app.register_error_handler(InterfaceError, database_down)
    app.register_error_handler(StorageError, limit_storage_down)
