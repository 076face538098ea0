"""How a citizen's page is shown: the elder-friendly mode (适老化) and switching it, or the
language, without JavaScript and without losing what was typed.

The mode lives in one cookie of its own (no session needed: a poster's first visitor has
none), long-lived and SameSite=Lax. Two ways switch it, and both only ever show a page:
- POST /display (show=elder|plain, next=this page): sets the cookie and goes back to `next`,
  which must be a path on this site (anything else goes to the start page);
- on a page with a form, the language and mode switches are buttons of that form posting it
  (show=lang|elder|plain, the language in the URL's ?lang=) to the form's own URL, whose view
  renders the same form again in the new language or mode, every typed value kept, nothing
  validated, nothing filed (`asked()`).
Another site's POST is refused before either (app/core/guards.py); a form is shown again
only with its own valid CSRF token, so no other page can fill a citizen's form for them (a
form whose token expired comes back the usual way: text kept, asked to press Submit again).
"""
from urllib.parse import urlencode, urlsplit

from flask import current_app, g, redirect, request
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

COOKIE = "yima_elder"
COOKIE_DAYS = 400  # the longest lifetime browsers keep (Chromium caps cookies at 400 days)
MODES = {"elder": True, "plain": False}
SHOWS = frozenset({"lang", *MODES})
MAX_NEXT = 2000
STAFF = "/staff"


def offered() -> bool:
    """Whether this page has the mode: every page but the staff's (their error pages too)."""
    return not request.path.startswith(STAFF)


def elder_on() -> bool:
    """Whether this page is shown in the elder-friendly mode (a switch in this request wins)."""
    if not offered():
        return False
    wanted = g.get("yima_elder")
    if wanted is not None:
        return wanted
    return request.cookies.get(COOKIE) == "1"


def in_wechat() -> bool:
    """Whether this page is shown in WeChat's own browser, which has no print menu: the page then
    says how to keep an answer there (its User-Agent names "MicroMessenger")."""
    return "MicroMessenger" in request.headers.get("User-Agent", "")


def asked() -> bool:
    """Whether this POST asks only to show its form again (another language or mode), not to
    send it; a mode asked for is applied to this page and remembered."""
    if request.method != "POST":
        return False
    try:
        show = request.form.get("show")
    except Exception:  # noqa: BLE001 - an oversize body is the view's 413
        return False
    if show not in SHOWS or not _token_valid():
        return False
    if show in MODES:
        g.yima_elder = MODES[show]
    return True


def _token_valid() -> bool:
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")))
    except ValidationError:
        return False
    return True


def safe_next(value) -> str:
    """`value` if it is a path on this site, else the start page: never another host."""
    if not isinstance(value, str) or not value.startswith("/") or len(value) > MAX_NEXT:
        return "/"
    if value.startswith("//") or "\\" in value or any(ord(c) < 33 or ord(c) == 127 for c in value):
        return "/"
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else "/"


def here() -> str:
    """This page's own address (query kept, ?lang= left out), for going back after a switch."""
    if request.method != "GET":
        return g.get("yima_here") or "/"
    query = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return request.path + ("?" + urlencode(query) if query else "")


def switch():
    """POST /display: remember the mode asked for, then back to the page it was asked on."""
    show = request.form.get("show")
    back = redirect(safe_next(request.form.get("next")), code=303)
    if show in MODES:
        g.yima_elder = MODES[show]
    return back


def _remember(response):
    wanted = g.get("yima_elder")
    if wanted is not None and wanted != (request.cookies.get(COOKIE) == "1"):
        response.set_cookie(COOKIE, "1" if wanted else "0", max_age=COOKIE_DAYS * 24 * 3600,
                            path="/", samesite="Lax", httponly=True,
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def init_app(app) -> None:
    """Add the switch's route, the cookie it sets, and the names templates use."""
    from app.core.extensions import csrf

    app.add_url_rule("/display", "display", csrf.exempt(switch), methods=["POST"])
    app.after_request(_remember)
    app.jinja_env.globals["elder_on"] = elder_on
    app.jinja_env.globals["in_wechat"] = in_wechat
    app.jinja_env.globals["mode_offered"] = offered
    app.jinja_env.globals["page_here"] = here
