"""Friendly error pages that never say whether a code exists."""
import math
import time

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from app.core.bounds import BadInput
from app.core.uploads import sends_files
from app.domain.attachments import REQUEST_BYTES


def _page(status: int, title: str, message: str):
    if request.path.startswith("/api/") or request.path == "/healthz":
        return jsonify(error=title), status
    # Staff read an error in the staff view's frame (their menu, a way back to the inbox or the
    # sign-in), never the citizens' "file a suggestion" page.
    template = "errors/staff_error.html" if _staff_area() else "errors/error.html"
    return render_template(template, title=title, message=message), status


def _staff_area() -> bool:
    return request.path == "/staff" or request.path.startswith("/staff/")


def retry_after_seconds() -> int | None:
    """For a refused request: the seconds until the breached limit's window ends, if known.

    Only refusals pay for asking the storage (the X-RateLimit-* headers on every limited
    request cost two more round trips to Redis each, and are off).
    """
    from app.core.extensions import limiter, login_limiter

    for each in (limiter, login_limiter):
        try:
            limit = each.current_limit
            if limit is not None and limit.breached:
                return max(1, math.ceil(limit.reset_at - time.time()))
        except Exception:  # noqa: BLE001 - no storage, no hint: the page still says to wait
            return None
    return None


def minutes(seconds: int) -> int:
    """Whole minutes to wait, rounded up: a page never promises less than the header."""
    return max(1, math.ceil(seconds / 60))


def too_many(seconds: int | None) -> str:
    """What a refused visitor reads: how long the limit really has left."""
    if seconds is None:
        return _("Please wait a while before trying again.")
    return ngettext("Please wait %(num)d minute before trying again.",
                    "Please wait %(num)d minutes before trying again.", minutes(seconds))


def handle_http(error: HTTPException):
    """Render any HTTP error as a page in the reader's language."""
    if isinstance(error, SecurityError):
        # A Host Werkzeug refuses (app/core/serving.py HostGuard answers most before Flask does):
        # no URL can be built for it, so no page either.
        return "Bad Request", 400, {"Content-Type": "text/plain; charset=utf-8"}
    if error.code == 404:
        return _page(404, _("Not found"), _(
            "We could not find this page. Check the link or the receipt code and PIN, "
            "or file a new suggestion."))
    if error.code == 429:
        seconds = retry_after_seconds()
        body, status = _page(429, _("Too many attempts"), too_many(seconds))
        return body, status, {"Retry-After": str(seconds)} if seconds else {}
    if error.code == 413 and sends_files(request):
        return _page(413, _("The photos or files sent together are too large"), _(
            "Together they may be at most %(mb)d MB. Go back: your browser still has what you typed; "
            "choose fewer or smaller photos and send again.", mb=REQUEST_BYTES // (1024 * 1024)))
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
