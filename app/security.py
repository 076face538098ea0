"""Response headers every page gets, and `no_store` for pages that carry a tracking token."""
from functools import wraps

from flask import make_response, request

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# One year; no includeSubDomains: a county's other sites on the same domain may not speak https.
HSTS = "max-age=31536000"


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    # same-origin, not no-referrer: Flask-WTF checks the Referer of https POSTs.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:  # https as the client saw it (behind ProxyFix when YIMA_PROXIES is set)
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def no_store(view):
    """Keep a page out of every cache: it carries a token or a citizen's case."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        return response

    return wrapped


def init_app(app) -> None:
    """Add the security headers to every response."""
    app.after_request(_headers)
