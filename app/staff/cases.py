"""A case in the staff view: its page, its actions, the phone reveal, and filing for a citizen."""
from flask import (
    Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app import services
from app.config import clocks
from app.core.db import utcnow
from app.core.extensions import db
from app.core.images import clean_attachment, clean_image
from app.core.uploads import take_files
from app.core.i18n import page_language
from app.core.sealed import seal, unseal
from app.core.security import no_store
from app.domain import codes, similarity
from app.domain.attachments import REPLY_FILES, FileRole
from app.domain.policy import Area, PubStep, allowed_actions, publication_refusal, refusal
from app.domain.workflow import STAFF_ACTIONS, Action, Channel, Kind
from app.models import Suggestion
from app.receipt_cards import card_pdf, receipt_card
from app.services import directory, joins, notices, similar, subscriptions, uploads
from app.staff import actions, drafts
from app.staff.auth import area_required
from app.staff.badges import deadline_badge
from app.staff.forms import CaseActionForm, CounterCaseForm
from app.storage import LETTER_PREFIX, REPLY_PREFIX
from qr import receipt as receipt_qr

bp = Blueprint("cases", __name__)


def load_case(case_id: int) -> Suggestion:
    """The case, if the signed-in user may see it; otherwise a 404."""
    try:
        return services.get_case_for(db.session, current_user, case_id)
    except services.NotFound:
        abort(404)


@bp.get("/cases/<int:case_id>", endpoint="show")
def case(case_id: int):
    """Everything about one case: what the citizen wrote, the clocks, the timeline, the actions;
    with the draft its user wrote before a sign-in, if one was kept (app/staff/drafts.py)."""
    found = load_case(case_id)
    if not drafts.pending():
        return render_case(found)
    form = drafts.restore(case_id, current_user.id)
    db.session.commit()  # a draft taken, or found too old, is deleted
    return render_case(load_case(case_id), form)


def render_case(found: Suggestion, form: CaseActionForm | None = None, phone: str | None = None,
                status: int = 200):
    """The case page, with a form carrying the version the user saw."""
    now, cl = utcnow(), clocks(current_app.config)
    if form is None:
        form = CaseActionForm(version=found.version, days=found.extension_request_days)
    form.version.data = found.version
    form.days.label.text = _("Extra days (1 to %(max)d)", max=cl.max_extension_days)
    _action_choices(form, found)
    html = render_template(
        "staff/case.html", case=found, form=form, actions=allowed_actions(current_user, found, STAFF_ACTIONS, now, cl),
        badge=deadline_badge(found, now), phone=phone or services.mask_phone(found.citizen_phone),
        can_reveal=not phone and refusal(current_user, found, Action.REVEAL_PHONE, now, cl) is None,
        code=codes.grouped(found.receipt_code), max_extension_days=cl.max_extension_days,
        master_visible=found.merged_into is not None and services.can_see(db.session, current_user, found.merged_into),
        has_notice=notices.receipt_notice(found) is not None,
        subscription=subscriptions.subscription_of(db.session, found.id),
        files=uploads.files_of(db.session, [found.id]), file_url=staff_file_url, reply_files=REPLY_FILES,
        similar_cases=similar.similar_to_case(db.session, found, current_user, now),
        similar_days=similarity.WINDOW_DAYS, joins=joins.join_counts(db.session, [found.id]).get(found.id, 0),
        may_propose=publication_refusal(current_user, found, PubStep.PROPOSE, found.publication) is None,
    )
    return html, status


def staff_file_url(found, thumb: bool = False) -> str:
    """Where staff open a case's file (app/staff/files.py)."""
    return url_for("staff.files.show", case_id=found.case_id, file_id=found.id, thumb=1 if thumb else None)


def _action_choices(form: CaseActionForm, found: Suggestion) -> None:
    lang = page_language()
    form.unit.choices = [SelectChoice(0, "—")] + [
        SelectChoice(u.id, u.display_name(lang)) for u in directory.forward_targets(db.session, found)]
    form.assignee.choices = [SelectChoice(0, "—")] + [
        SelectChoice(u.id, u.label) for u in directory.assignees(db.session, found)]


@bp.post("/cases/<int:case_id>/reveal_phone")
def reveal_phone(case_id: int):
    """Show the full phone number once, to whom the phone policy allows; audited."""
    found = load_case(case_id)
    try:
        phone = services.reveal_phone(db.session, found, current_user, utcnow(), clocks(current_app.config),
                                      request.remote_addr or "")
    except services.Refused as refused:
        db.session.rollback()
        flash(actions.message(refused.reason, clocks(current_app.config)), "error")
        return render_case(load_case(case_id), status=403)
    db.session.commit()
    # Shown in this response only: never in a flash message, which would ride in the cookie.
    return render_case(found, phone=phone)


@bp.route("/cases/new", methods=["GET", "POST"], endpoint="new")
@area_required(Area.FILE_FOR_CITIZEN)
@no_store
def new_case():
    """File a case for a citizen at the counter or on the phone; then print their slip."""
    form = CounterCaseForm()
    lang = page_language()
    form.category.choices = [SelectChoice(0, _("Not sure / other"))] + [
        SelectChoice(c.id, c.display_name(lang)) for c in services.active_categories(db.session)]
    if not form.is_submitted():
        form.submission_key.data = codes.new_submission_key()
        return render_template("staff/new_case.html", form=form)
    valid = form.validate()  # first: validating resets each field's errors
    letter = take_files(form.photos, form.held_photos, 1, clean_image, LETTER_PREFIX)
    if valid and not form.photos.errors:
        data = services.Submission(
            submission_key=form.submission_key.data, kind=Kind(form.kind.data), text=form.text.data,
            category_id=form.category.data or None, location=form.location.data or "",
            citizen_name=None if form.anonymous.data else form.name.data or None,
            citizen_phone=None if form.anonymous.data else form.phone.data or None,
            channel=Channel(form.channel.data), unit_id=current_user.unit_id,
            told=bool(form.notify.data), recorded_by_id=current_user.id if form.notify.data else None,
            publish=bool(form.publish.data),
            filed_from=codes.client_mark(current_app.config["SECRET_KEY"], request.remote_addr or ""),
        )
        try:
            receipt = services.submit_suggestion(db.session, data, clocks(current_app.config),
                                                 current_app.config["SECRET_KEY"], utcnow())
        except services.AlreadyFiled as filed:
            form.submission_key.data = codes.new_submission_key()
            form.text.errors = [_("This form already filed case %(code)s with other words; "
                                  "press Submit to file this text as a new case.", code=filed.receipt.code)]
            return render_template("staff/new_case.html", form=form), 409
        if receipt.replayed:
            return _desk_replayed(receipt, letter, data.filed_from)
        uploads.attach(db.session, receipt.suggestion.id, letter, FileRole.LETTER, utcnow(), added_by=current_user)
        db.session.commit()
        session["slip"] = seal({"case": receipt.suggestion.id, "token": receipt.token, "pin": receipt.pin},
                               current_app.config["SECRET_KEY"])
        return redirect(url_for("staff.cases.slip", case_id=receipt.suggestion.id), code=303)
    return render_template("staff/new_case.html", form=form)


def _desk_replayed(receipt: services.Receipt, letter: list[dict], filed_from: str):
    """The desk's form sent again: the case as it was filed (no second letter, no changed
    field); its slip, with the PIN, again only by the citizen's rule (services.pin_on_replay)."""
    case_id, code = receipt.suggestion.id, receipt.code
    show_pin = services.pin_on_replay(receipt, filed_from, utcnow())
    fresh = uploads.not_on_case(db.session, case_id, letter)  # a double click's scan is on it already
    db.session.rollback()  # nothing was written
    if fresh:
        flash(_("This form had already filed case %(code)s, so the scan sent with it again was not added.",
                code=code), "error")
    if show_pin:
        session["slip"] = seal({"case": case_id, "token": receipt.token, "pin": receipt.pin},
                               current_app.config["SECRET_KEY"])
        return redirect(url_for("staff.cases.slip", case_id=case_id), code=303)
    flash(_("This form had already filed case %(code)s; its slip with the PIN was shown then.", code=code), "error")
    return redirect(url_for("staff.cases.show", case_id=case_id), code=303)


def _slip_of(case_id: int) -> tuple[Suggestion, str, str]:
    """The case just filed in this session, its tracking URL and its PIN; else a 404."""
    found = load_case(case_id)
    held = unseal(session.get("slip"), current_app.config["SECRET_KEY"], {})
    if held.get("case") != found.id:
        abort(404)  # the PIN is not stored; the slip can be printed only right after filing
    return found, f"{current_app.config['PUBLIC_BASE_URL']}/t/{held['token']}", held["pin"]


@bp.get("/cases/<int:case_id>/slip")
@no_store
def slip(case_id: int):
    """The 80 mm receipt slip for a walk-in citizen: QR, receipt code and PIN (shown once); for
    a caller, what to read to them instead."""
    found, url, pin = _slip_of(case_id)
    return render_template("staff/slip.html", case=found, code=codes.grouped(found.receipt_code), pin=pin,
                           url=url, qr_svg=receipt_qr.svg(url, scale=4), hotline=found.channel is Channel.HOTLINE,
                           told=subscriptions.is_told(db.session, found))


@bp.get("/cases/<int:case_id>/slip.pdf")
@no_store
def slip_pdf(case_id: int):
    """The slip as a PDF page exactly 80 mm wide, which any print dialog sends to the slip printer
    at its size (browsers print HTML pages on A4 or Letter)."""
    found, url, pin = _slip_of(case_id)
    response = Response(card_pdf(receipt_card(found, url, pin, deadline=True)), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="yima-slip-{found.receipt_code}.pdf"'
    return response


@bp.post("/cases/<int:case_id>/<action>")
def act(case_id: int, action: str):
    """Take one action on a case; a stale page or a refused step comes back with the reason."""
    try:
        step = Action(action)
    except ValueError:
        abort(404)
    if step not in actions.DONE:
        abort(404)
    case = load_case(case_id)
    form = CaseActionForm()
    valid = form.validate()  # first: validating resets each field's errors
    files = (take_files(form.photos, form.held_photos, REPLY_FILES, clean_attachment, REPLY_PREFIX)
             if step is Action.REPLY else [])
    if not valid or form.photos.errors:
        return render_case(case, form, status=400)
    try:
        version = int(form.version.data)
    except (TypeError, ValueError):
        version = -1
    try:
        now = utcnow()
        done = actions.take(step, case, form, now, version)
        if files:
            uploads.attach(db.session, case.id, files, FileRole.REPLY, now, added_by=current_user, reply_id=done.id)
        db.session.commit()
    except services.Conflict:
        db.session.rollback()
        case = load_case(case_id)
        flash(_("Someone else changed this case while you were looking at it. Here is its new "
                "state; nothing you sent was saved, and your text is kept below."), "error")
        return render_case(case, form, status=409)
    except services.Refused as refused:
        db.session.rollback()
        case = load_case(case_id)
        flash(actions.message(refused.reason, clocks(current_app.config)), "error")
        return render_case(case, form, status=409 if refused.reason in actions.CONFLICTING else 400)
    flash(str(actions.DONE[step]), "success")
    if not services.can_see(db.session, current_user, case):
        return redirect(url_for("staff.inbox.index"), code=303)
    return redirect(url_for("staff.cases.show", case_id=case_id), code=303)
