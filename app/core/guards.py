"""Request guards for what the configuration means to refuse but Werkzeug lets through.

MAX_FORM_PARTS caps the fields of a form; Werkzeug applies it to multipart bodies only, and
every Yima form is URL-encoded. Thousands of tiny fields fit under MAX_CONTENT_LENGTH, so
they are counted here and refused with a 413 before any view reads them.
"""
from flask import abort, current_app, request

URLENCODED = "application/x-www-form-urlencoded"


def refuse_too_many_fields():
    """A URL-encoded body with more fields than MAX_FORM_PARTS is too large."""
    limit = current_app.config.get("MAX_FORM_PARTS")
    if not limit or request.mimetype != URLENCODED:
        return None
    if sum(1 for _ in request.form.items(multi=True)) > limit:
        abort(413)
    return None


def init_app(app) -> None:
    """Install the guards, ahead of the views."""
    app.before_request(refuse_too_many_fields)
