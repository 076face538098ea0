"""Serving behind proxies and in production: ProxyFix, the Host guard, cookie flags, refusal to
run unsafely, and a warm start for forked workers."""
import re
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

MIN_SECRET_LENGTH = 32


class Yima(Flask):
    """Flask, asking once per function whether it is a coroutine.

    Flask passes every hook and view of every request through ensure_sync (about twenty a
    page), and each call asks inspect.iscoroutinefunction again: a tenth of /healthz's CPU.
    A function never turns from sync to async, so each answer is kept.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync_functions: dict = {}

    def ensure_sync(self, func):
        try:
            return self._sync_functions[func]
        except KeyError:
            made = self._sync_functions[func] = super().ensure_sync(func)
            return made
        except TypeError:  # an unhashable callable: asked each time, as Flask does
            return super().ensure_sync(func)


class UnsafeConfiguration(RuntimeError):
    """The app refuses to start: a production setting would expose it."""


def check_production(config, secret_given: bool) -> None:
    """With YIMA_ENV=production, refuse debug mode and a secret key that was not set on purpose.

    A key made on first start lives in one node's instance folder: a second node would sign
    different cookies, and a debugger on the public internet runs any code it is sent.
    """
    if config.get("YIMA_ENV") != "production":
        return
    if config.get("DEBUG"):
        raise UnsafeConfiguration("YIMA_ENV=production refuses to start in debug mode (unset FLASK_DEBUG)")
    if not secret_given:
        raise UnsafeConfiguration("YIMA_ENV=production needs SECRET_KEY set in the environment")
    if len(config.get("SECRET_KEY") or "") < MIN_SECRET_LENGTH:
        raise UnsafeConfiguration(f"SECRET_KEY needs at least {MIN_SECRET_LENGTH} characters")


def unguarded_server(environ) -> str | None:
    """Why gunicorn must not start in production as it is set up, or None.

    gunicorn's sync workers give each connection a whole worker until its request has been
    read: a dozen clients sending their headers a byte at a time take a node down (measured:
    12 slow connections, every worker held for the 30 s timeout). In production a proxy that
    reads whole requests on its own event loop must stand in front (deploy/nginx.conf, which
    `make cluster` runs), and YIMA_FRONT names it, so the node never faces the internet by
    mistake. A bare `make serve` in development needs none.
    """
    if environ.get("YIMA_ENV") != "production" or (environ.get("YIMA_FRONT") or "").strip():
        return None
    return ("YIMA_ENV=production: gunicorn alone falls to a dozen slow clients. Put nginx in front "
            "(deploy/nginx.conf; `make cluster` runs it) or another proxy that reads whole requests, "
            "and name it in YIMA_FRONT (e.g. YIMA_FRONT=nginx)")


# A host name as DNS allows it (labels of 1-63 letters, digits and hyphens), an IPv4 address or
# a bracketed IPv6 one, with an optional port.
_HOST = re.compile(r"^(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
                   r"[A-Za-z0-9])?\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::(\d{1,5}))?$")
BAD_HOST = ("<!doctype html><meta charset=utf-8><title>400</title>"
            "<p>请求的网址无效。请从县里公布的地址打开本服务。</p>"
            "<p lang=en>This address is not one this service answers to.</p>").encode("utf-8")


def host_allowed(host: str, trusted: list[str] | None) -> bool:
    """Whether a Host header is well formed and, when hosts are configured, one of them."""
    match = _HOST.match(host or "")
    if match is None or len(host) > 253 or (match.group(1) and int(match.group(1)) > 65535):
        return False
    if not trusted:
        return True
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return any(name.lower() == t.lower() or host.lower() == t.lower() for t in trusted)


class HostGuard:
    """Answer a request for a malformed or untrusted Host with a plain 400 before Flask sees it:
    Flask builds every URL (redirects, the error page's own stylesheet link) from the Host, so
    one it cannot parse would crash the error page, and an untrusted one would redirect a
    citizen to an attacker's site."""

    def __init__(self, wsgi_app, trusted: list[str] | None):
        self.wsgi_app, self.trusted = wsgi_app, trusted

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        # A load balancer checks a node's health by its own address: /healthz builds no URL.
        trusted = None if environ.get("PATH_INFO") == "/healthz" else self.trusted
        if not host_allowed(host, trusted):
            start_response("400 Bad Request", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(BAD_HOST))),
                                               ("Cache-Control", "no-store"),
                                               ("X-Content-Type-Options", "nosniff"),
                                               ("X-Frame-Options", "DENY"),
                                               ("Content-Security-Policy", "default-src 'none'")])
            return [BAD_HOST]
        return self.wsgi_app(environ, start_response)


def trusted_hosts(config) -> list[str] | None:
    """TRUSTED_HOSTS as set; in production, unset means the host of PUBLIC_BASE_URL alone."""
    if config.get("TRUSTED_HOSTS"):
        return list(config["TRUSTED_HOSTS"])
    if config.get("YIMA_ENV") == "production":
        return [urlsplit(config["PUBLIC_BASE_URL"]).hostname or ""]
    return None


def init_app(app, test_config: dict | None) -> None:
    """Apply the serving settings once the configuration is final."""
    given = test_config or {}
    secret_given = app.config.get("SECRET_KEY_FROM_ENV") or "SECRET_KEY" in given
    check_production(app.config, bool(secret_given))
    if "SESSION_COOKIE_SECURE" not in given:
        # Secure cookies whenever the public address is https, whatever the request looked like.
        app.config["SESSION_COOKIE_SECURE"] = app.config["PUBLIC_BASE_URL"].startswith("https://")
    # HostGuard applies the trusted hosts (and lets /healthz through): Flask's own check of
    # TRUSTED_HOSTS would refuse a health check by address, so it is left to the guard.
    app.wsgi_app = HostGuard(app.wsgi_app, trusted_hosts(app.config))  # sees the host ProxyFix rewrote
    app.config["TRUSTED_HOSTS"] = None
    proxies = int(app.config.get("PROXIES") or 0)
    if proxies < 0:
        raise UnsafeConfiguration("YIMA_PROXIES cannot be negative")
    if proxies:
        # Trust exactly as many X-Forwarded-* hops as there are proxies we run; more would let a
        # client choose its own address (and dodge the rate limits) or its own scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def warm(app) -> None:
    """Compile every template and read every catalog now (gunicorn calls this in its master,
    after preloading the app): each worker forked from it, the first or one started after a
    restart, has them already instead of paying about 120 ms for them on its first requests."""
    for name in app.jinja_env.list_templates():
        if name.endswith(".html"):
            app.jinja_env.get_template(name)
    if "babel" in app.extensions:
        from flask_babel import force_locale, get_translations

        with app.test_request_context():
            for language in app.config["LANGUAGES"]:
                with force_locale(language):
                    get_translations()
