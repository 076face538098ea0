"""The citizen's pages: start, poster landing, submission, receipt and tracking."""
import re
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask import (
    Blueprint, Response, abort, current_app, flash, g, jsonify, redirect, render_template, request,
    session, url_for,
)
from flask_babel import gettext as _
from wtforms import SelectChoice

from app import services
from app.core import display, ratelimits
from app.core.images import clean_image
from app.core.uploads import take_files
from app.citizen import held, metoo, scans
from app.citizen import pages
from app.citizen.forms import FollowUpForm, RateForm, ReviewForm, StopForm, SuggestionForm, TrackForm
from app.config import clocks
from app.core.db import one_read, reads_first, utcnow
from app.domain import codes
from app.domain.attachments import FILING_PHOTOS, FileRole
from app.domain.policy import CITIZEN_PARTY, refusal
from app.domain.workflow import Action, Kind
from app.core.extensions import csrf, db
from app.core.i18n import page_language
from app.models import Suggestion
from app.receipt_cards import card_png, card_png_size, receipt_card
from app.services import subscriptions, uploads
from app.core.sealed import seal, unseal
from app.core.security import no_store
from app.storage import PHOTO_PREFIX
from qr import receipt as receipt_qr

bp = Blueprint("citizen", __name__)

CITIZEN_STEPS = (Action.RATE, Action.REQUEST_REVIEW, Action.FOLLOW_UP)
POSTER_CODE = re.compile(r"^[A-Za-z0-9]{4,16}$")
REMEMBERED_PINS = 5


def tracking_url(token: str) -> str:
    """The printed tracking URL, always from PUBLIC_BASE_URL, never from the request."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/t/{token}"


@bp.get("/")
def index():
    """Start: file a suggestion or look one up."""
    return render_template("citizen/index.html")


@bp.route("/p/<code>", methods=["GET", "POST"])
@reads_first  # a filing reads (form, route, like cases), then writes: app/core/db.py
@csrf.exempt  # the form checks its own CSRF token, so an expired one keeps the citizen's text
@ratelimits.submission
@ratelimits.submission_per_form
@no_store  # it carries this visitor's CSRF token and one-time key: no shared cache may keep it
def poster(code: str):
    """A posted QR's landing: the form, routed by the poster; a visitor's first opening of the
    day counts as a scan."""
    if not POSTER_CODE.match(code):
        abort(404)
    if request.method == "GET":
        scans.record(code, utcnow())
        page = pages.lookup(("form", code.upper()))
        if page is not None:
            return _fill_form(page)
    try:
        found = services.find_poster(db.session, code)
    except services.NotFound:
        abort(404)
    return _suggestion_form(found)


@bp.route("/submit", methods=["GET", "POST"])
@reads_first  # as above
@csrf.exempt  # as above
@ratelimits.submission
@ratelimits.submission_per_form
@no_store  # as above
def submit():
    """The form without a poster: routed by category, else to the dispatch centre."""
    page = pages.lookup(("form", None))
    if page is not None:
        return _fill_form(page)
    return _suggestion_form(None)


def _suggestion_form(poster):
    form = SuggestionForm()
    lang = page_language()
    form.category.choices = pages.kept_value("categories", lambda: _category_choices(lang))
    held.remember_categories(lang, form.category.choices)
    if not form.is_submitted():
        form.category.data = poster.category_id if poster and poster.active and poster.category_id else 0
        if pages.usable():  # the empty form: kept, and filled in per visitor
            form.submission_key.data = pages.slot("key")
            pages.mark_csrf(form)
            html = render_template("citizen/submit.html", form=form, poster=poster, expired=False)
            return _fill_form(pages.keep(("form", poster.code if poster else None), html))
        form.submission_key.data = codes.new_submission_key()
    elif display.asked():  # the language or the mode switched: the same form back, nothing filed
        take_files(form.photos, form.held_photos, FILING_PHOTOS, clean_image, PHOTO_PREFIX)  # chosen photos held
        if not codes.SUBMISSION_KEY_PATTERN.match(form.submission_key.data or ""):
            form.submission_key.data = codes.new_submission_key()
        return render_template("citizen/submit.html", form=form, poster=poster, expired=False)
    else:
        valid = form.validate()  # first: validating resets each field's errors
        photos = take_files(form.photos, form.held_photos, FILING_PHOTOS, clean_image, PHOTO_PREFIX)
        if valid and not form.photos.errors:
            return _file(form, poster, photos)
        if not codes.SUBMISSION_KEY_PATTERN.match(form.submission_key.data or ""):
            form.submission_key.data = codes.new_submission_key()
    # An expired page keeps the citizen's text; the fresh CSRF token rendered below lets them resend it.
    csrf_field = getattr(form, "csrf_token", None)  # absent when CSRF is switched off
    expired = bool((csrf_field and csrf_field.errors) or form.submission_key.errors)
    return render_template("citizen/submit.html", form=form, poster=poster, expired=expired)


def _category_choices(lang: str) -> list[SelectChoice]:
    """The matters a citizen may choose, in `lang`, after "not sure"."""
    return [SelectChoice(0, _("Not sure / other"))] + [
        SelectChoice(c.id, c.display_name(lang)) for c in services.active_categories(db.session)]


def _file(form: SuggestionForm, poster, photos: list[dict]):
    """File the case with its photos (or join a like case, app/citizen/metoo.py), then show its
    receipt; the same form sent again changes nothing (_replayed), and with other words it
    comes back to be filed anew."""
    now = utcnow()
    data = _submission(form, poster)
    try:
        receipt = metoo.before_filing(form, poster, data, now)  # None, a join's receipt, or the offer
        if receipt is None:
            receipt = services.submit_suggestion(db.session, data, clocks(current_app.config),
                                                 current_app.config["SECRET_KEY"], now, poster=poster)
        elif not isinstance(receipt, services.Receipt):
            return receipt
    except services.AlreadyFiled as filed:
        # Their new words come back with a fresh key: pressing Submit files them as a new case.
        form.submission_key.data = codes.new_submission_key()
        first = filed.receipt
        return render_template("citizen/submit.html", form=form, poster=poster, expired=False,
                               already=(first.code, url_for("citizen.track", token=first.token))), 409
    if receipt.replayed:
        return _replayed(receipt, photos, data.filed_from, now)
    uploads.attach(db.session, receipt.suggestion.id, photos, FileRole.PHOTO, now)
    receipt_code, joined = receipt.suggestion.receipt_code, metoo.joined_master(receipt)  # before the commit expires them
    db.session.commit()
    metoo.remember_join(joined)
    _remember_pin(receipt_code, receipt.pin)
    return redirect(url_for("citizen.track", token=receipt.token), code=303)


def _replayed(receipt: services.Receipt, photos: list[dict], filed_from: str, now):
    """A filed form sent again (a double click, a resend, or its key in other hands): the first
    receipt, and the case as it was. Later photos go through the follow-up, with its limit and
    its timeline entry; the PIN shows again only to the same address soon after the filing."""
    case = receipt.suggestion
    receipt_code, show_pin = case.receipt_code, services.pin_on_replay(receipt, filed_from, now)
    fresh = uploads.not_on_case(db.session, case.id, photos)  # a double click's photos are on it already
    db.session.rollback()  # nothing was written: the write lock (SQLite) is let go at once
    if show_pin:
        _remember_pin(receipt_code, receipt.pin)
    elif receipt_code not in remembered_pins():
        flash(_("This form had already been filed: this is its receipt. Its PIN was shown when it was filed; "
                "this page shows where the case stands without it."), "error")
    if fresh:
        flash(_("The case was already filed, so the photos sent with the form again were not added to it. "
                "To add photos, use “Add information to your case” on this page."), "error")
    return redirect(url_for("citizen.track", token=receipt.token), code=303)


def _fill_form(page: pages.Page) -> str:
    """A kept empty form with this visitor's CSRF token and a fresh submission key."""
    return page.fill(key=codes.new_submission_key())


def _submission(form: SuggestionForm, poster) -> services.Submission:
    anonymous = form.anonymous.data
    return services.Submission(
        submission_key=form.submission_key.data,
        kind=Kind(form.kind.data),
        text=form.text.data,
        category_id=form.category.data or None,
        location=form.location.data or "",
        citizen_name=None if anonymous else (form.name.data or None),
        citizen_phone=None if anonymous else (form.phone.data or None),
        poster_code=poster.code if poster else None,
        language=str(session.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"]),
        told=bool(form.notify.data),
        publish=bool(form.publish.data),
        filed_from=codes.client_mark(current_app.config["SECRET_KEY"], request.remote_addr or ""),
    )


def _remember_pin(receipt_code: str, pin: str) -> None:
    """Keep the last few PINs in the signed session so the receipt can show them again."""
    pins = remembered_pins()
    pins[receipt_code] = pin
    session["pins"] = seal(dict(list(pins.items())[-REMEMBERED_PINS:]), current_app.config["SECRET_KEY"])


def remembered_pins() -> dict[str, str]:
    """The receipts filed in this browser and their PINs, {receipt code: PIN}, unsealed."""
    return dict(unseal(session.get("pins"), current_app.config["SECRET_KEY"], {}))


def case_for_token(token: str):
    try:
        return services.find_by_token(db.session, token)
    except services.NotFound:
        abort(404)


# Drawing a QR costs milliseconds and a token's QR never changes (cases are never deleted),
# so each worker keeps the most recent ones; the case is looked up only when one is drawn.
@lru_cache(maxsize=512)
def _receipt_svg(token: str, url: str) -> str:
    case_for_token(token)
    return receipt_qr.svg(url)


@lru_cache(maxsize=128)
def _receipt_png(token: str, url: str) -> tuple[bytes, str]:
    receipt_code = case_for_token(token).receipt_code  # first: no QR is drawn for a made-up token
    return receipt_qr.png(url), receipt_code


def render_tracking(case: Suggestion, token, forms=None, status: int = 200, pin=None):
    """The tracking page with the forms the case's stage offers."""
    forms = forms or {}
    g.yima_here = url_for("citizen.track", token=token) if token else url_for("citizen.tracked")
    shown = case.merged_into or case  # a merged citizen sees the master's answer
    now, cl = utcnow(), clocks(current_app.config)
    # The forms the policy lets this citizen use now (app/domain/policy.py), as the steps do.
    may = {action.value: refusal(CITIZEN_PARTY, case, action, now, cl) is None for action in CITIZEN_STEPS}
    html = render_template(
        "citizen/track.html", case=case, shown=shown, token=token,
        pin=pin or remembered_pins().get(case.receipt_code),
        timeline=services.public_timeline(case), code=codes.grouped(case.receipt_code),
        rate_form=forms.get("rate") or RateForm(formdata=None),
        review_form=forms.get("review") or ReviewForm(formdata=None),
        follow_form=forms.get("follow-up") or FollowUpForm(formdata=None),
        stop_form=forms.get("stop") or StopForm(formdata=None),
        told=subscriptions.still_told(db.session, case),
        stop_url=url_for("citizen.feedback.stop", **({"token": token} if token else {})),
        now=now, may=may, review_answer_days=cl.review_answer_days,
        files=uploads.citizen_files(db.session, case), file_url=citizen_file_url(token),
        receipt_size=card_png_size(receipt_card(case, tracking_url(token), None)) if token else None,
        action_urls={step: url_for("citizen.feedback.send", step=step, **({"token": token} if token else {}))
                     for step in ("rate", "review", "follow-up")},
    )
    return html, status


def citizen_file_url(token: str | None):
    """The URL maker of the tracking page's files: under its token, or the looked-up case's."""
    def file_url(found, thumb: bool = False) -> str:
        if token:
            return url_for("citizen.files.show", token=token, file_id=found.id, thumb=1 if thumb else None)
        return url_for("citizen.files.looked_up", file_id=found.id, thumb=1 if thumb else None)
    return file_url


def _kept_tracking(token: str, state: services.TrackingState, pin: str | None) -> pages.Page:
    """The tracking page of this version of the case, rendered once with slots for the
    visitor's CSRF token and PIN."""
    now = utcnow()
    key = ("track", token, state.version, state.master_version, pin is not None,
           bool(state.window_ends_at and now < state.window_ends_at), state.told)
    page = pages.lookup(key)
    if page is None:
        forms = {"rate": RateForm(formdata=None), "review": ReviewForm(formdata=None),
                 "follow-up": FollowUpForm(formdata=None), "stop": StopForm(formdata=None)}
        pages.mark_csrf(*forms.values())
        case = db.session.get(Suggestion, state.id)
        html, _status = render_tracking(case, token, forms, pin=pages.slot("pin") if pin else None)
        page = pages.keep(key, html)
    return page


@bp.get("/t/<token>")
@no_store
def track(token: str):
    """Tracking: the receipt with its QR, the status, the unit, the deadline and the timeline."""
    if not pages.usable():
        return render_tracking(case_for_token(token), token)
    try:
        state = services.tracking_state(db.engine, token)
    except services.NotFound:
        abort(404)
    pin = remembered_pins().get(state.receipt_code)
    return _kept_tracking(token, state, pin).fill(pin=pin or "")


@bp.get("/t/<token>/qr.svg")
@no_store
def track_qr_svg(token: str):
    """The receipt QR as SVG."""
    return Response(_receipt_svg(token, tracking_url(token)), mimetype="image/svg+xml")


@bp.get("/t/<token>/qr.png")
@no_store
def track_qr_png(token: str):
    """The receipt QR as a PNG download."""
    png, receipt_code = _receipt_png(token, tracking_url(token))
    response = Response(png, mimetype="image/png")
    response.headers["Content-Disposition"] = f'attachment; filename="yima-{receipt_code}.png"'
    return response


@bp.get("/t/<token>/receipt.png")
@no_store
def track_receipt_png(token: str):
    """The receipt as one image (QR, code, PIN, unit, day) that a long press saves to a phone's
    album; it carries the PIN only for the browser whose page may show it."""
    case = case_for_token(token)
    card = receipt_card(case, tracking_url(token), remembered_pins().get(case.receipt_code))
    response = Response(card_png(card), mimetype="image/png")
    response.headers["Content-Disposition"] = f'inline; filename="yima-{case.receipt_code}.png"'
    return response


@bp.route("/track", methods=["GET", "POST"])
@no_store
@ratelimits.lookup
@ratelimits.lookup_per_code
def lookup():
    """Look a case up by receipt code and PIN."""
    form = TrackForm()
    if display.asked():  # the language or the mode switched: the typed code back, nothing looked up
        return render_template("citizen/lookup.html", form=form, not_found=False)
    if form.validate_on_submit():
        try:
            case = services.find_by_code_and_pin(db.session, form.code.data, form.pin.data)
        except services.Mistyped:  # the check character tells a typo, never whether a code exists
            form.code.errors.append(_("This receipt code has a typo: check it against your receipt."))
            return render_template("citizen/lookup.html", form=form, not_found=False)
        except services.NotFound:
            return render_template("citizen/lookup.html", form=form, not_found=True), 404
        session["tracked_case"] = case.id
        return redirect(url_for("citizen.tracked"), code=303)
    return render_template("citizen/lookup.html", form=form, not_found=False)


@bp.get("/track/case")
@no_store
def tracked():
    """The case found by code and PIN in this browser session."""
    case_id = session.get("tracked_case")
    case = db.session.get(Suggestion, case_id) if case_id else None
    if case is None:
        return redirect(url_for("citizen.lookup"))
    return render_tracking(case, None)


@bp.get("/favicon.ico")
def favicon():
    """The tab's icon, which every browser asks for at this address on its first visit."""
    response = Response(_favicon_bytes(current_app.static_folder), mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response


@lru_cache(maxsize=1)  # 5 KB read once: no open file left to a browser that hangs up mid-answer
def _favicon_bytes(folder: str) -> bytes:
    return (Path(folder) / "favicon.ico").read_bytes()


@bp.get("/healthz")
def healthz():
    """Liveness and the database's state, as JSON."""
    try:
        with one_read(db.engine) as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
