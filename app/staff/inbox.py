"""The inbox (`/staff/`): the cases of the user's scope, filtered, keyset-paged, and exported."""
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app import services
from app.core.db import read_only, utcnow
from app.core.extensions import db
from app.core.i18n import page_language
from app.core.labels import CHANNEL, KIND, STATUS
from app.domain.workflow import Channel
from app.models import Category, OrgUnit, Poster
from app.services.access import can_see_phone, mask_phone
from app.services.inbox import Cursor, InboxFilter, counts_by_status, filtered, page
from app.staff.badges import badges
from app.staff.exports import audit_export, download
from app.staff.forms import InboxFilterForm

bp = Blueprint("inbox", __name__)


def _zone():
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _filter_choices(form: InboxFilterForm) -> None:
    lang = page_language()
    form.status.choices = [SelectChoice("open", _("Open")), SelectChoice("all", _("All"))] + [
        SelectChoice(s.value, str(label)) for s, label in STATUS.items()]
    form.category.choices = [SelectChoice(0, _("All"))] + [
        SelectChoice(c.id, c.display_name(lang)) for c in services.active_categories(db.session)]
    form.poster.choices = [SelectChoice(0, _("All"))] + [
        SelectChoice(p.id, f"{p.code} {p.place_label}")
        for p in db.session.scalars(sa.select(Poster).order_by(Poster.code))]
    from app.core.labels import CHANNEL

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


@bp.get("/", endpoint="index")
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
        next_url = url_for("staff.inbox.index", **args)
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


@bp.get("/export.<fmt>", endpoint="export")
def inbox_export(fmt: str):
    """The inbox's filtered list, every page of it, streamed; phones masked unless the role
    may see them; the export is audited."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    _form, f = inbox_filter()
    now, zone, lang = utcnow(), _zone(), page_language()
    cases = filtered(db.session, current_user, f, now, zone).subquery()
    unit_name = OrgUnit.name_en if lang == "en" else OrgUnit.name
    category_name = Category.name_en if lang == "en" else Category.name
    query = (sa.select(cases.c.receipt_code, cases.c.created_at, cases.c.kind, category_name, cases.c.channel,
                       Poster.code, unit_name, cases.c.status, cases.c.due_at, cases.c.text, cases.c.location,
                       cases.c.citizen_name, cases.c.citizen_phone)
             .join(OrgUnit, OrgUnit.id == cases.c.unit_id)
             .outerjoin(Category, Category.id == cases.c.category_id)
             .outerjoin(Poster, Poster.id == cases.c.poster_id)
             .order_by(cases.c.due_at.asc().nulls_last(), cases.c.id))
    reveal = can_see_phone(current_user)
    kinds = {k.value: str(v) for k, v in KIND.items()}
    channels = {k.value: str(v) for k, v in CHANNEL.items()}
    states = {k.value: str(v) for k, v in STATUS.items()}

    def local(value):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""

    def rows():
        result = db.session.execute(query.execution_options(yield_per=2000))
        for (code, created, kind, category, channel, poster, unit, status, due, text, location,
             name, phone) in result:
            created = created if created.tzinfo else created.replace(tzinfo=ZoneInfo("UTC"))
            due = due.replace(tzinfo=ZoneInfo("UTC")) if due and not due.tzinfo else due
            yield [f"{code[:3]}-{code[3:6]}-{code[6:]}", local(created), kinds.get(kind, kind), category or "",
                   channels.get(channel, channel), poster or "", unit, states.get(status, status), local(due),
                   "Y" if due and due <= now else "", text, location, name or "",
                   (phone if reveal else mask_phone(phone)) or ""]

    header = [_("Receipt code"), _("Filed"), _("Type"), _("Matter"), _("Channel"), _("Poster"), _("Held by"),
              _("Status"), _("Due"), _("Overdue"), _("What the citizen wrote"), _("Where"), _("Citizen's name"),
              _("Phone")]
    # Which filters, not their values: a search may hold a citizen's phone number.
    audit_export("export_cases", f"{fmt}:" + ",".join(sorted(k for k, v in request.args.items() if v))[:100])
    return download(fmt, header, rows(), f"yima-cases-{now.astimezone(zone):%Y%m%d-%H%M}")
