"""Languages and times: Simplified Chinese by default, English on request, Asia/Shanghai clocks."""
from datetime import timedelta
from urllib.parse import urlencode

from flask import current_app, request, session
from flask_babel import format_datetime, get_locale

from app.core.extensions import babel

STATELESS = "yima_stateless"  # app.extensions: blueprints that answer machines, never with a session cookie


def select_locale() -> str:
    """The language chosen with ?lang=, remembered in the session; Chinese otherwise."""
    return session.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"]


def _remember_language() -> None:
    if request.blueprint in current_app.extensions.get(STATELESS, ()):
        return  # they choose the language per request (app/open311/views.py language())
    wanted = request.args.get("lang")
    if wanted in current_app.config["LANGUAGES"]:
        session["lang"] = wanted


def switch_url(language: str) -> str:
    """This page in `language`: its own query (an inbox's filters, a period) kept, ?lang= set."""
    query = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return "?" + urlencode(query + [("lang", language)])


def page_language() -> str:
    """'en' or 'zh' for lang attributes and data names."""
    return "en" if str(get_locale()).startswith("en") else "zh"


def local_datetime(value, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """An aware UTC instant shown in the configured zone (Asia/Shanghai)."""
    return format_datetime(value, fmt) if value else ""


def local_date(value) -> str:
    """The local calendar day of an aware instant."""
    return format_datetime(value, "yyyy-MM-dd") if value else ""


def last_day(due_at) -> str:
    """The last local day of a deadline (its due instant is the midnight after it)."""
    return local_date(due_at - timedelta(microseconds=1)) if due_at else ""


def init_app(app) -> None:
    """Wire Babel, the language switch and the time filters into the app."""
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(_remember_language)
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["last_day"] = last_day
    app.jinja_env.globals["page_language"] = page_language
    app.jinja_env.globals["switch_url"] = switch_url
    app.jinja_env.globals["languages"] = app.config["LANGUAGES"]
