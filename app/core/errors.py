"""Friendly error pages that never say whether a code exists."""
import math
import time

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from app.core.bounds import BadInput


def _page(status: int, title: str, message: str):
    if request.path.startswith("/api/") or request.path == "/healthz":
        return jsonify(error=title), status
    return render_template("errors/error.html", title=title, message=message), status


def _retry_after() -> dict:
    """Retry-After for a refused request: when the breached limit's window ends.

    Only refusals pay for asking the storage (the X-RateLimit-* headers on every limited
    request cost two more round trips to Redis each, and are off).
    """
    from app.core.extensions import limiter, login_limiter

    for each in (limiter, login_limiter):
        try:
            limit = each.current_limit
            if limit is not None and limit.breached:
                return {"Retry-After": str(max(1, math.ceil(limit.reset_at - time.time())))}
        except Exception:  # noqa: BLE001 - no storage, no hint: the page still says to wait
            return {}
    return {}


def handle_http(error: HTTPException):
    """Render any HTTP error as a page in the reader's language."""
    if isinstance(error, SecurityError):
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page either.
        return "Bad Request", 400, {"Content-Type": "text/plain; charset=utf-8"}
    if error.code == 404:
        return _page(404, _("Not found"), _(
            "We could not find this page. Check the link or the receipt code and PIN, "
            "or file a new suggestion."))
    if error.code == 429:
        body, status = _page(429, _("Too many attempts"), _(
            "Please wait a few minutes before trying again."))
        return body, status, _retry_after()
    if error.code == 413:
        return _page(413, _("Too much text"), _("What you sent is too large."))
    if isinstance(error, BadInput):
        return _page(400, _("This request cannot be answered"), error.description)
    if isinstance(error, CSRFError):
        return _page(400, _("This page has expired"), _(
            "Please go back, reload the page and try again."))
    if error.code == 400:
        return _page(400, _("This request cannot be answered"), _(
            "Something in the link or the form is not valid. Go back, reload the page and try again."))
    return _page(error.code or 500, _("Something went wrong"), _(
        "Please try again in a moment."))


def handle_unexpected(error: Exception):
    """A crash becomes a calm 500 page; the log keeps the details."""
    from flask import current_app

    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return _page(500, _("Something went wrong"), _("Please try again in a moment."))


def init_app(app) -> None:
    """Install the error handlers."""
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
