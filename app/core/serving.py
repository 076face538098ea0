"""Serving behind proxies and in production: ProxyFix, cookie flags, refusal to run unsafely,
and a warm start for forked workers."""
from werkzeug.middleware.proxy_fix import ProxyFix

MIN_SECRET_LENGTH = 32


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


def init_app(app, test_config: dict | None) -> None:
    """Apply the serving settings once the configuration is final."""
    given = test_config or {}
    secret_given = app.config.get("SECRET_KEY_FROM_ENV") or "SECRET_KEY" in given
    check_production(app.config, bool(secret_given))
    if "SESSION_COOKIE_SECURE" not in given:
        # Secure cookies whenever the public address is https, whatever the request looked like.
        app.config["SESSION_COOKIE_SECURE"] = app.config["PUBLIC_BASE_URL"].startswith("https://")
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
