"""The inbox (`/staff/`): the cases of the user's scope, filtered, keyset-paged, and exported."""
from datetime import datetime

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app import services
from app.core.bounds import check_int, check_moment, check_rows
from app.core.db import begin_writing, utcnow
from app.core.extensions import db
from app.core.i18n import page_language
from app.config import clocks
from app.core.labels import CHANNEL, KIND, STATUS
from app.domain import codes
from app.domain.deadlines import last_day
from app.domain.policy import PHONE_ROLES
from app.domain.workflow import Channel
from app.services.inbox import (
    Cursor, InboxFilter, count, counts_by_status, export_rows, filtered, page, pending_extensions, reveal_for_export,
)
from app.staff.badges import badges
from app.staff.exports import audit_export, download
from app.staff.forms import InboxFilterForm
from app.stats.export import DATE, DATETIME
from app.staff.links import carried_args

bp = Blueprint("inbox", __name__)


def _filter_choices(form: InboxFilterForm, cl) -> None:
    lang = page_language()
    form.status.choices = [SelectChoice("open", _("Open")), SelectChoice("all", _("All"))] + [
        SelectChoice(s.value, str(label)) for s, label in STATUS.items()]
    form.category.choices = [SelectChoice(0, _("All"))] + [
        SelectChoice(c.id, c.display_name(lang)) for c in services.active_categories(db.session)]
    form.poster.choices = [SelectChoice(0, _("All"))] + [
        SelectChoice(p.id, f"{p.code} {p.place_label}") for p in services.visible_posters(db.session, current_user)]
    form.channel.choices = [SelectChoice("", _("All"))] + [
        SelectChoice(c.value, str(label)) for c, label in CHANNEL.items()]
    form.due_soon.label.text = _("Due within %(days)d days", days=cl.due_soon_days)


def inbox_filter(cl) -> tuple[InboxFilterForm, InboxFilter]:
    """The inbox filters of the request: the form to show and the values to query."""
    form = InboxFilterForm(request.args)
    _filter_choices(form, cl)
    form.validate()
    f = InboxFilter(
        status=form.status.data or "open", category_id=form.category.data or None,
        poster_id=form.poster.data or None,
        channel=form.channel.data if form.channel.data in {c.value for c in Channel} else None,
        date_from=None if form.date_from.errors else form.date_from.data,
        date_to=None if form.date_to.errors else form.date_to.data,
        overdue=form.overdue.data, due_soon=form.due_soon.data,
        extension_requested=form.extension_requested.data, q=form.q.data or "",
    )
    return form, f


@bp.get("/", endpoint="index")
def inbox():
    """The cases of the user's units, nearest deadline first, with counts and filters."""
    cl = clocks(current_app.config)
    form, f = inbox_filter(cl)
    now = utcnow()
    cases, next_cursor = page(db.session, filtered(db.session, current_user, f, now, cl), _cursor())
    args = carried_args("after_due", "after_id")
    next_url = None
    if next_cursor:
        args.update(after_due=next_cursor.due_at.isoformat() if next_cursor.due_at else "",
                    after_id=next_cursor.id)
        next_url = url_for("staff.inbox.index", **args)
    export_args = carried_args("after_due", "after_id", "phones", "fmt")
    return render_template("staff/inbox.html", form=form, cases=cases, next_url=next_url,
                           counts=counts_by_status(db.session, current_user), export_args=export_args,
                           pending_extensions=pending_extensions(db.session, current_user),
                           badge=badges(cases, now), may_export_phones=current_user.role in PHONE_ROLES)


def _cursor():
    """Where the page starts: a garbled link starts at the top, one edited past a bound is refused."""
    try:
        case_id = int(request.args["after_id"])
        due = request.args.get("after_due") or None
        due_at = datetime.fromisoformat(due) if due else None
    except (KeyError, ValueError):
        return None
    return Cursor(due_at if due_at is None else check_moment(due_at), check_int(case_id))


@bp.get("/export.<fmt>", endpoint="export")
def inbox_export(fmt: str):
    """The inbox's filtered list, every page of it, streamed. Phones are masked; with
    `phones=1` those the phone policy lets the user see come in full, each case audited."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    begin_writing(db.session)  # it writes audit rows after reading
    cl = clocks(current_app.config)
    _form, f = inbox_filter(cl)
    now, zone, lang = utcnow(), cl.calendar.zone, page_language()
    query = filtered(db.session, current_user, f, now, cl)
    check_rows(count(db.session, query), current_app.config["EXPORT_MAX_ROWS"])
    unmasked = frozenset()
    if request.args.get("phones") == "1":
        unmasked = reveal_for_export(db.session, current_user, query, now, request.remote_addr or "")
    kinds = {k.value: str(v) for k, v in KIND.items()}
    channels = {k.value: str(v) for k, v in CHANNEL.items()}
    states = {k.value: str(v) for k, v in STATUS.items()}

    due_days: dict = {}  # deadlines fall on a few local midnights: each one's day is worked out once

    def due_day(due):
        if due not in due_days:
            due_days[due] = last_day(due, cl.calendar)
        return due_days[due]

    def rows():
        for r in export_rows(db.session, current_user, query, lang, unmasked):
            yield [codes.grouped(r.receipt_code), r.created_at.astimezone(zone).replace(tzinfo=None),
                   kinds.get(r.kind, r.kind), r.category, channels.get(r.channel, r.channel), r.poster, r.unit,
                   states.get(r.status, r.status), due_day(r.due_at) if r.due_at else "",
                   "Y" if r.due_at and r.due_at <= now else "", r.text, r.location, r.citizen_name, r.phone, r.photos]

    # The columns' order is the README's (counties' own sheets read name and phone from M and N):
    # a new column goes at the end.
    header = [_("Receipt code"), _("Filed"), _("Type"), _("Matter"), _("Channel"), _("Poster"), _("Held by"),
              _("Status"), _("Due by"), _("Overdue"), _("What the citizen wrote"), _("Where"),
              _("Citizen's name"), _("Phone"), _("Photos")]
    formats = [None, DATETIME, *[None] * 6, DATE]  # local times, naive: Excel has no zones
    # Which filters, not their values: a search may hold a citizen's phone number.
    audit_export("export_cases", f"{fmt}:" + ",".join(sorted(k for k, v in request.args.items() if v))[:100],
                 detail=f"{len(unmasked)} phone numbers in full")
    db.session.commit()  # the audit rows stand before the first byte is streamed
    return download(fmt, header, rows(), f"yima-cases-{now.astimezone(zone):%Y%m%d-%H%M}", formats)
