"""The dashboard (`/staff/stats`) and its export, supervision (督办), and a unit's page."""
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.core.bounds import check_day, check_period
from app.core.db import begin_writing, utcnow
from app.domain.policy import Area
from app.core.extensions import db
from app.core.i18n import page_language
from app.core.labels import CHANNEL, KIND
from app.models import Category, OrgUnit, Poster
from app.config import clocks
from app.services.access import sees_reports, subtree_ids, visible_unit_ids
from app.services import directory, joins
from app.services.oversight import attention_list, overdue_at_unit
from app.stats import charts
from app.stats.figures import BREAKDOWNS, Figures, rollup, scans_by_poster, total
from app.stats.export import PERCENT
from app.stats.monthly import cube_for, plan, volume_series
from app.stats.periods import NAMES, named_period
from app.staff.auth import area_required
from app.staff.badges import badges
from app.staff.exports import audit_export, download
from app.staff.links import carried_args

bp = Blueprint("stats", __name__)

# The columns of every table of figures, in order: (heading, how to read it off Figures).
COLUMNS = [
    ("volume", lambda f: f.volume),
    ("closed", lambda f: f.closed),
    ("one_time_resolution_rate", lambda f: f.one_time_resolution_rate),
    ("satisfaction_rate", lambda f: f.satisfaction_rate),
    ("on_time_acceptance_rate", lambda f: f.on_time_acceptance_rate),
    ("on_time_reply_rate", lambda f: f.on_time_reply_rate),
    ("overdue_now", lambda f: f.overdue_now),
    ("average_days_to_accept", lambda f: f.average_days_to_accept),
    ("average_days_to_reply", lambda f: f.average_days_to_reply),
    ("reviews", lambda f: f.reviews),
    ("re_reviews", lambda f: f.re_reviews),
    ("joins", lambda f: f.joins),
]


def column_titles() -> dict[str, str]:
    """Headings of the figures, in the page's language."""
    return {
        "volume": _("Cases filed"), "closed": _("Closed"),
        "one_time_resolution_rate": _("One-time resolution"), "satisfaction_rate": _("Satisfaction"),
        "on_time_acceptance_rate": _("Accepted on time"), "on_time_reply_rate": _("Answered on time"),
        "overdue_now": _("Overdue now"), "average_days_to_accept": _("Days to accept"),
        "average_days_to_reply": _("Days to answer"), "reviews": _("Reviews"), "re_reviews": _("Re-reviews"),
        "joins": _("Joined (附议)"),
        "scans": _("Scans"), "conversion_rate": _("Conversion"),
    }


def _reports():
    """Report cases count in the figures only for the roles that may open them."""
    return None if sees_reports(current_user) else False


def _zone():
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _scope_units() -> list[OrgUnit]:
    """Units the user may choose as the dashboard's scope."""
    return directory.scope_units(db.session, current_user)


def _parse_day(name):
    """A day of the query; a garbled one is no day, one past the bounds is refused."""
    try:
        return check_day(date.fromisoformat(request.args.get(name, "")))
    except ValueError:
        return None


def _request_period():
    name = request.args.get("period", "month")
    name = name if name in NAMES else "month"
    today = utcnow().astimezone(_zone()).date()
    period, first, last = named_period(name, today, _zone(), _parse_day("from"), _parse_day("to"))
    check_period(first, last)
    return name, period, first, last


def _grain(first: date, last: date) -> str:
    grain = request.args.get("grain", "day" if (last - first).days <= 62 else "month")
    return grain if grain in ("day", "week", "month") else "day"


def _request_scope(units: list[OrgUnit]) -> OrgUnit:
    wanted = request.args.get("unit", type=int)
    by_id = {u.id: u for u in units}
    if wanted is not None and wanted not in by_id:
        abort(404)
    return by_id.get(wanted) or by_id.get(current_user.unit_id) or units[0]


def _names(model, ids, lang):
    rows = db.session.scalars(sa.select(model).where(model.id.in_([i for i in ids if i])))
    return {r.id: (r.display_name(lang) if hasattr(r, "display_name") else f"{r.code} {r.place_label}")
            for r in rows}


def breakdown(by: str, cube: dict, period, lang) -> list[tuple[str, Figures]]:
    """Rows of one breakdown table: (label, figures), largest volume first."""
    groups = rollup(cube, by)
    if by == "unit":
        names = _names(OrgUnit, groups, lang)
    elif by == "category":
        names = _names(Category, groups, lang)
    elif by == "poster":
        names = _names(Poster, groups, lang)
        for poster_id, n in scans_by_poster(db.session, [k for k in groups if k], period).items():
            groups.setdefault(poster_id, Figures()).scans = n
    elif by == "channel":
        names = {c: str(label) for c, label in CHANNEL.items()}
    else:
        names = {k: str(label) for k, label in KIND.items()}
    rows = [(names.get(k, _("Not set")), f) for k, f in groups.items() if by != "poster" or k]
    return sorted(rows, key=lambda r: (-r[1].volume, r[0]))


@bp.get("/stats", endpoint="dashboard")
@area_required(Area.DASHBOARD)
def stats():
    """The figures of a unit and its subtree for a period, with breakdowns and charts."""
    units = _scope_units()
    scope = _request_scope(units)
    name, period, first, last = _request_period()
    grain = _grain(first, last)
    check_period(first, last, grain)
    unit_ids = subtree_ids(db.session, scope.id)
    now, lang = utcnow(), page_language()
    split, reports = plan(db.session, first, last, now, _zone()), _reports()
    cube = cube_for(db.session, unit_ids, first, last, now, _zone(), split, reports)
    summary = rollup(cube, None).get(None, Figures())
    tables = {by: breakdown(by, cube, period, lang) for by in BREAKDOWNS}
    series = volume_series(db.session, unit_ids, first, last, grain, now, _zone(), split, reports)
    titles = column_titles()
    chart_of = {by: charts.bar_chart([(label, f.volume) for label, f in rows[:15]], titles["volume"])
                for by, rows in tables.items()}
    label = "%Y-%m" if grain == "month" else "%m-%d"
    volume_chart = charts.column_chart([(d.strftime(label), n) for d, n in series], titles["volume"])
    return render_template("staff/stats.html", units=units, scope=scope, period_name=name, first=first,
                           last=last, grain=grain, summary=summary, tables=tables, series=series,
                           charts=chart_of, volume_chart=volume_chart, columns=COLUMNS, titles=titles,
                           export_args=carried_args("fmt", "table"))


def _fmt(value):
    if value is None:
        return ""
    return round(value, 4) if isinstance(value, float) else value


@bp.get("/stats/export.<fmt>", endpoint="export")
@area_required(Area.DASHBOARD)
def stats_export(fmt: str):
    """A dashboard table as CSV or XLSX; the export is audited."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    begin_writing(db.session)  # it writes its audit row after reading
    by = request.args.get("table", "unit")
    if by not in BREAKDOWNS:
        abort(404)
    units = _scope_units()
    scope = _request_scope(units)
    _name, period, first, last = _request_period()
    cube = cube_for(db.session, subtree_ids(db.session, scope.id), first, last, utcnow(), _zone(),
                    reports=_reports())
    rows = breakdown(by, cube, period, page_language())
    titles = column_titles()
    header = [_("Name")] + [titles[key] for key, _read in COLUMNS]
    if by == "poster":
        header += [titles["scans"], titles["conversion_rate"]]
    body = [[label] + [_fmt(read(f)) for _key, read in COLUMNS]
            + ([f.scans, _fmt(f.conversion_rate)] if by == "poster" else []) for label, f in rows]
    # Rates are fractions: in XLSX a percent format shows 0.75 as 75.0% and still sums and sorts.
    formats = [None] + [PERCENT if key.endswith("_rate") else None for key, _read in COLUMNS]
    formats += [None, PERCENT] if by == "poster" else []
    audit_export("export_stats", f"{by}:{scope.code}:{first}:{last}")
    db.session.commit()  # the audit row stands before the first byte is streamed
    return download(fmt, header, body, f"yima-{by}-{first}-{last}", formats)


@bp.get("/supervision")
@area_required(Area.SUPERVISION)
def supervision():
    """Overdue and due-soon cases across what the supervisor sees, grouped by unit (督办)."""
    now, cl = utcnow(), clocks(current_app.config)
    cases = attention_list(db.session, current_user, now, cl)
    groups: dict = {}
    for case in cases:
        groups.setdefault(case.unit, []).append(case)
    return render_template("staff/supervision.html", groups=groups, badge=badges(cases, now),
                           due_soon_days=cl.due_soon_days, growing=joins.growing_clusters(db.session, current_user, now),
                           growing_days=joins.GROWING_DAYS)


@bp.get("/units/<int:unit_id>", endpoint="unit")
@area_required(Area.DASHBOARD)
def unit_page(unit_id: int):
    """One unit's own figures for the period and its overdue list."""
    unit = db.session.get(OrgUnit, unit_id)
    visible = visible_unit_ids(db.session, current_user)
    if unit is None or (visible is not None and unit_id not in visible):
        abort(404)
    name, period, first, last = _request_period()
    now = utcnow()
    figures = total(db.session, {unit_id}, period, now, reports=_reports())
    overdue = overdue_at_unit(db.session, current_user, unit_id, now)
    return render_template("staff/unit.html", unit=unit, figures=figures, overdue=overdue, first=first,
                           last=last, period_name=name, columns=COLUMNS, titles=column_titles(),
                           badge=badges(overdue, now))
