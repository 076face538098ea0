"""Request guards for what the configuration means to refuse but Werkzeug lets through.

MAX_FORM_PARTS caps the fields of a form; Werkzeug applies it to multipart bodies only, and
every Yima form is URL-encoded. Thousands of tiny fields fit under MAX_CONTENT_LENGTH, so
they are counted here and refused with a 413 before any view reads them.

A POST from another site is refused by its Origin (or, without one, its Sec-Fetch-Site),
on top of the CSRF token. Flask-WTF's own https check wants a same-origin Referer instead,
and some in-app browsers send none: their citizens and staff only ever saw "page expired"
(WTF_CSRF_SSL_STRICT is off, app/config.py). A request that says neither still needs its token.
"""
from urllib.parse import urlsplit

from flask import abort, current_app, request
from flask_wtf.csrf import CSRFError

from app.core.db import READS
from app.core.i18n import STATELESS

URLENCODED = "application/x-www-form-urlencoded"


def refuse_too_many_fields():
    """A URL-encoded body with more fields than MAX_FORM_PARTS is too large."""
    limit = current_app.config.get("MAX_FORM_PARTS")
    if not limit or request.mimetype != URLENCODED:
        return None
    if sum(1 for _ in request.form.items(multi=True)) > limit:
        abort(413)
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def refuse_other_sites():
    """A POST whose Origin is neither PUBLIC_BASE_URL's nor this request's own is refused, as is
    one a browser marks cross-site or same-site (a sibling site of the county's domain)."""
    if request.method in READS or request.blueprint in current_app.extensions.get(STATELESS, ()):
        return None  # an API key, not a cookie, says who posts there (app/open311/)
    origin = request.headers.get("Origin")
    if origin and origin != "null":  # "null": a privacy-preserving browser; the token decides
        if origin.lower() not in {_origin(current_app.config["PUBLIC_BASE_URL"]), _origin(request.host_url)}:
            raise CSRFError("The request came from another site.")
        return None
    if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        raise CSRFError("The request came from another site.")
    return None


def init_app(app) -> None:
    """Install the guards, ahead of the views."""
    app.before_request(refuse_too_many_fields)
    app.before_request(refuse_other_sites)
