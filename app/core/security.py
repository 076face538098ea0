"""Response headers every page gets, `no_store` for pages that carry a tracking token, and
the signed session cookie."""
from functools import wraps

from flask import make_response, request
from flask.sessions import SecureCookieSessionInterface

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
    # same-origin: our own pages may see where a visitor came from, other sites never.
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


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, its signer built once per secret key.

    Flask builds it twice on every request (to read the cookie and to write it), and checking
    the serializer each time costs more than the signing itself.
    """

    def __init__(self):
        self._serializers = {}

    def get_signing_serializer(self, app):
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if key not in self._serializers:
            self._serializers[key] = super().get_signing_serializer(app)
        return self._serializers[key]


def init_app(app) -> None:
    """Add the security headers to every response; sign sessions with a kept signer."""
    app.session_interface = SessionCookies()
    app.after_request(_headers)
