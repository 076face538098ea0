"""The staff view: sign-in, the inbox, the case page, and filing a case for a citizen."""
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import SelectChoice

from app import ratelimits, services
from app.config import clocks
from app.db import read_only, utcnow
from app.domain import codes
from app.domain.deadlines import days_left
from app.domain.workflow import STAFF_ACTIONS, Channel, Kind, Role, allowed
from app.extensions import db
from app.i18n import page_language
from app.labels import STATUS
from app.models import Category, OrgUnit, Poster, Suggestion, User
from app.security import no_store
from app.services.inbox import Cursor, InboxFilter, counts_by_status, filtered, page
from app.staff.auth import authenticate, end_sessions
from app.staff.forms import CaseActionForm, CounterCaseForm, InboxFilterForm, LoginForm

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.before_request
def _staff_pages_are_private():
    """Nothing of the staff view may sit in a shared cache."""
    if request.endpoint not in ("staff.login",) and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/login", methods=["GET", "POST"])
@ratelimits.login
def login():
    """Sign in; throttled per address, and an account locks after repeated failures."""
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data, utcnow(), request.remote_addr or "")
        db.session.commit()
        if user is not None:
            session.clear()
            login_user(user, remember=form.remember.data)
            return redirect(url_for("staff.inbox"))
        failed = True
    return render_template("staff/login.html", form=form, failed=failed)


@bp.post("/logout")
@login_required
def logout():
    """Sign out everywhere: the session epoch moves on, so a copied cookie stops working too."""
    end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("staff.login"))


def deadline_badge(case: Suggestion, now: datetime, calendar=None) -> dict:
    """How a deadline reads in a list: overdue, due soon, and the whole days left."""
    if case.due_at is None:
        return {}
    calendar = calendar or clocks(current_app.config).calendar
    left = days_left(case.due_at, now, calendar)
    return {"overdue": now >= case.due_at, "soon": now < case.due_at and left <= 3, "left": left}


def badges(cases, now: datetime):
    """Each listed case's badge, worked out once (templates ask for it more than once)."""
    calendar = clocks(current_app.config).calendar
    table = {case.id: deadline_badge(case, now, calendar) for case in cases}
    return lambda case: table[case.id]


def _filter_choices(form: InboxFilterForm) -> None:
    lang = page_language()
    form.status.choices = [SelectChoice("open", _("Open")), SelectChoice("all", _("All"))] + [
        SelectChoice(s.value, str(label)) for s, label in STATUS.items()]
    form.category.choices = [SelectChoice(0, _("All"))] + [
        SelectChoice(c.id, c.display_name(lang)) for c in services.active_categories(db.session)]
    form.poster.choices = [SelectChoice(0, _("All"))] + [
        SelectChoice(p.id, f"{p.code} {p.place_label}")
        for p in db.session.scalars(sa.select(Poster).order_by(Poster.code))]
    from app.labels import CHANNEL

    form.channel.choices = [SelectChoice("", _("All"))] + [
        SelectChoice(c.value, str(label)) for c, label in CHANNEL.items()]


def inbox_filter() -> tuple[InboxFilterForm, InboxFilter]:
    """The inbox filters of the request: the form to show and the values to query."""
    form = InboxFilterForm(request.args)
    _filter_choices(form)
    form.validate()
    f = InboxFilter(
        status=form.status.data or "open", category_id=form.category.data or None,
        poster_id=form.poster.data or None,
        channel=form.channel.data if form.channel.data in {c.value for c in Channel} else None,
        date_from=None if form.date_from.errors else form.date_from.data,
        date_to=None if form.date_to.errors else form.date_to.data,
        overdue=form.overdue.data, due_soon=form.due_soon.data, q=form.q.data or "",
    )
    return form, f


@bp.get("/")
@read_only
def inbox():
    """The cases of the user's units, nearest deadline first, with counts and filters."""
    form, f = inbox_filter()
    now = utcnow()
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    cases, next_cursor = page(db.session, filtered(db.session, current_user, f, now, zone), _cursor())
    args = {k: v for k, v in request.args.items() if k not in ("after_due", "after_id")}
    next_url = None
    if next_cursor:
        args.update(after_due=next_cursor.due_at.isoformat() if next_cursor.due_at else "",
                    after_id=next_cursor.id)
        next_url = url_for("staff.inbox", **args)
    export_args = {k: v for k, v in request.args.items() if k not in ("after_due", "after_id")}
    return render_template("staff/inbox.html", form=form, cases=cases, next_url=next_url,
                           counts=counts_by_status(db.session, current_user), export_args=export_args,
                           badge=badges(cases, now))


def _cursor():
    try:
        case_id = int(request.args["after_id"])
        due = request.args.get("after_due") or None
        return Cursor(datetime.fromisoformat(due) if due else None, case_id)
    except (KeyError, ValueError):
        return None


def load_case(case_id: int) -> Suggestion:
    """The case, if the signed-in user may see it; otherwise a 404."""
    try:
        return services.get_case_for(db.session, current_user, case_id)
    except services.NotFound:
        abort(404)


@bp.get("/cases/<int:case_id>")
@read_only
def case(case_id: int):
    """Everything about one case: what the citizen wrote, the clocks, the timeline, the actions."""
    return render_case(load_case(case_id))


def render_case(found: Suggestion, form: CaseActionForm | None = None, phone: str | None = None,
                status: int = 200):
    """The case page, with a form carrying the version the user saw."""
    if form is None:
        form = CaseActionForm(version=found.version)
    form.version.data = found.version
    _action_choices(form, found)
    actions = [a for a in STAFF_ACTIONS if allowed(found.status, a, current_user.role)]
    html = render_template(
        "staff/case.html", case=found, form=form, actions=actions,
        badge=deadline_badge(found, utcnow()), phone=phone or services.mask_phone(found.citizen_phone),
        can_reveal=services.can_see_phone(current_user) and not phone and bool(found.citizen_phone),
        code=codes.grouped(found.receipt_code),
    )
    return html, status


def _action_choices(form: CaseActionForm, found: Suggestion) -> None:
    lang = page_language()
    units = db.session.scalars(sa.select(OrgUnit).where(OrgUnit.active, OrgUnit.id != found.unit_id)
                               .order_by(OrgUnit.kind, OrgUnit.id))
    form.unit.choices = [SelectChoice(0, "—")] + [SelectChoice(u.id, u.display_name(lang)) for u in units]
    people = db.session.scalars(sa.select(User).where(User.unit_id == found.unit_id, User.active)
                                .order_by(User.username))
    form.assignee.choices = [SelectChoice(0, "—")] + [SelectChoice(u.id, u.label) for u in people]


@bp.post("/cases/<int:case_id>/reveal_phone")
def reveal_phone(case_id: int):
    """Show a lead the full phone number once; the reveal is audited."""
    found = load_case(case_id)
    try:
        phone = services.reveal_phone(db.session, found, current_user, utcnow(), request.remote_addr or "")
    except services.Refused:
        abort(404)
    db.session.commit()
    # Shown in this response only: never in a flash message, which would ride in the cookie.
    return render_case(found, phone=phone)


@bp.route("/cases/new", methods=["GET", "POST"])
@no_store
def new_case():
    """File a case for a citizen at the counter or on the phone; then print their slip."""
    if current_user.role not in (Role.HANDLER, Role.LEAD, Role.DISPATCHER):
        abort(404)
    form = CounterCaseForm()
    lang = page_language()
    form.category.choices = [SelectChoice(0, _("Not sure / other"))] + [
        SelectChoice(c.id, c.display_name(lang)) for c in services.active_categories(db.session)]
    if not form.is_submitted():
        form.submission_key.data = codes.new_submission_key()
    elif form.validate():
        data = services.Submission(
            submission_key=form.submission_key.data, kind=Kind(form.kind.data), text=form.text.data,
            category_id=form.category.data or None, location=form.location.data or "",
            citizen_name=None if form.anonymous.data else form.name.data or None,
            citizen_phone=None if form.anonymous.data else form.phone.data or None,
            channel=Channel(form.channel.data), unit_id=current_user.unit_id,
        )
        receipt = services.submit_suggestion(db.session, data, clocks(current_app.config),
                                             current_app.config["SECRET_KEY"], utcnow())
        db.session.commit()
        session["slip"] = {"case": receipt.suggestion.id, "token": receipt.token, "pin": receipt.pin}
        return redirect(url_for("staff.slip", case_id=receipt.suggestion.id), code=303)
    return render_template("staff/new_case.html", form=form)


@bp.get("/cases/<int:case_id>/slip")
@no_store
def slip(case_id: int):
    """The 80 mm receipt slip for a walk-in citizen: QR, receipt code and PIN (shown once)."""
    found = load_case(case_id)
    held = session.get("slip") or {}
    if held.get("case") != found.id:
        abort(404)  # the PIN is not stored; the slip can be printed only right after filing
    url = f"{current_app.config['PUBLIC_BASE_URL']}/t/{held['token']}"
    from qr import receipt as receipt_qr

    return render_template("staff/slip.html", case=found, code=codes.grouped(found.receipt_code),
                           pin=held["pin"], url=url, qr_svg=receipt_qr.svg(url, scale=4))
