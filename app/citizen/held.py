"""A suggestion that cannot be filed right now comes back as the form, never as a dead end.

Two refusals keep the citizen's words: the submission limit (429: a service hall's Wi-Fi or a
carrier's NAT puts many citizens behind one address) and a database outage (503). Either
answers with the same form, every field as it was sent, a fresh CSRF token and the form's own
submission key, so pressing Submit later files the case exactly once; the page says how long
to wait from the limit's real reset, or from the 503's Retry-After. Nothing here touches the
database: the matters offered are the last ones this worker listed.
"""
from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import InterfaceError, OperationalError
from wtforms import SelectChoice

from app.citizen.forms import SuggestionForm
from app.core import errors, faults
from app.core.i18n import page_language
from app.domain import codes

FORM_ENDPOINTS = frozenset({"citizen.poster", "citizen.submit"})
_categories: dict[str, list[SelectChoice]] = {}  # per language, as last listed by this worker


def remember_categories(lang: str, choices: list[SelectChoice]) -> None:
    """Keep the matters the form last offered, for a form given back while the database is down."""
    _categories[lang] = list(choices)


def _sent_a_form() -> bool:
    return request.method == "POST" and request.endpoint in FORM_ENDPOINTS


def form_back(message: str) -> str:
    """The suggestion form as it was sent, not validated, with `message` above it."""
    form = SuggestionForm(formdata=request.form)
    choices = _categories.get(page_language()) or [SelectChoice(0, _("Not sure / other"))]
    chosen = form.category.data
    if isinstance(chosen, int) and chosen not in {choice.value for choice in choices}:
        choices = choices + [SelectChoice(chosen, _("The matter you chose"))]
    form.category.choices = choices
    if not codes.SUBMISSION_KEY_PATTERN.match(form.submission_key.data or ""):
        form.submission_key.data = codes.new_submission_key()
    return render_template("citizen/submit.html", form=form, poster=None, expired=False, held=message)


def limited(error):
    """429 on the form: the words back, and the minutes the limit's window really has left."""
    if not _sent_a_form():
        return errors.handle_http(error)
    seconds = errors.retry_after_seconds()
    if seconds is None:
        message = _("Many suggestions were sent from this network or this browser recently, so this one was not filed yet. "
                    "Your text is kept below: please press Submit again a little later.")
        headers = {"Cache-Control": "no-store"}
    else:
        message = ngettext(
            "Many suggestions were sent from this network or this browser recently, so this one was not filed yet. "
            "Your text is kept below: please press Submit again in %(num)d minute.",
            "Many suggestions were sent from this network or this browser recently, so this one was not filed yet. "
            "Your text is kept below: please press Submit again in %(num)d minutes.",
            errors.minutes(seconds))
        headers = {"Retry-After": str(seconds), "Cache-Control": "no-store"}
    return form_back(message), 429, headers


def database_down(error: Exception):
    """503 on the form: nothing was saved; the words back, to send again after Retry-After."""
    if not _sent_a_form():
        return faults.database_down(error)
    faults.forget_request(error)
    message = ngettext(
        "The service is briefly unavailable and nothing was saved yet. Your text is kept below: "
        "please press Submit again in %(num)d second; it will be filed only once.",
        "The service is briefly unavailable and nothing was saved yet. Your text is kept below: "
        "please press Submit again in %(num)d seconds; it will be filed only once.",
        faults.RETRY_AFTER_SECONDS)
    return form_back(message), 503, faults.unavailable_headers()


def init_blueprint(bp) -> None:
    """Give the citizen's blueprint these answers; any other page keeps the app's own."""
    bp.register_error_handler(429, limited)
    bp.register_error_handler(OperationalError, database_down)
    bp.register_error_handler(InterfaceError, database_down)
