"""`/staff/posters`: admins (their subtree) and unit leads (their unit) manage posted codes.

The list shows each poster's scans, submissions and conversion for a period; from it staff create,
edit and deactivate posters and download print files: one poster as A4/A5 PDF, SVG or 300 dpi
PNG, or a batch (one poster per page, or a sticker sheet) for a selection or a unit's subtree.
Every other role gets a 404 here. QR URLs come from PUBLIC_BASE_URL, never from the request.
"""
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from app.core.bounds import check_period, check_print, day_field, int_field
from app.core.forms import Form, clean_text
from wtforms import DateField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app import services
from app.core.db import begin_writing, utcnow
from app.core.extensions import db
from app.core.i18n import page_language
from app.services import posters as svc
from app.domain.policy import Area
from app.staff.auth import area_required
from qr.print_fonts import font_missing
from qr.print_image import poster_png, poster_svg
from qr.print_pdf import poster_pdf, posters_pdf, sticker_sheet_pdf

bp = Blueprint("posters", __name__)
PERIOD_DAYS = 30
REFUSED = {
    "place_label": _l("Please give the place."),
    "unit": _l("Choose one of your units."),
    "category": _l("Choose an active matter."),
    "inactive": _l("This poster is already deactivated."),
}
KINDS = [SelectChoice("poster", _l("Posters, one per page")),
         SelectChoice("stickers", _l("Sticker sheet (A4, 3 × 8 labels)"))]
SIZES = [SelectChoice("a4", "A4"), SelectChoice("a5", "A5")]
FORMATS = {"a4.pdf": "application/pdf", "a5.pdf": "application/pdf",
           "svg": "image/svg+xml", "png": "image/png"}


class PosterForm(Form):
    """A poster's place, owning unit, optional matter and note; the code is never edited."""

    place_label = StringField(_l("Place (printed on the poster)"), filters=[clean_text],
                              validators=[DataRequired(), Length(max=120)])
    unit = SelectField(_l("Owning unit"), coerce=int, validate_choice=False, validators=[int_field])
    category = SelectField(_l("Matter (optional)"), coerce=int, default=0, validate_choice=False,
                           validators=[int_field])
    note = TextAreaField(_l("Note (staff only)"), filters=[clean_text], validators=[Optional(), Length(max=500)])


class DeactivateForm(Form):
    """Confirms a deactivation; only its CSRF token."""


class PeriodForm(Form):
    """The period of the figures, sent as a GET query."""

    class Meta:
        csrf = False

    date_from = DateField(_l("From"), validators=[Optional(), day_field])
    date_to = DateField(_l("Until"), validators=[Optional(), day_field])


class SelectionPrintForm(Form):
    """Print the posters ticked in the list."""

    posters = SelectMultipleField(_l("Posters"), coerce=int, validate_choice=False, validators=[int_field])
    kind = SelectField(_l("Print as"), choices=KINDS, default="poster")
    size = SelectField(_l("Poster size"), choices=SIZES, default="a4")


class UnitPrintForm(SelectionPrintForm):
    """Print every active poster of a unit and the units below it."""

    unit = SelectField(_l("Unit (with every unit below it)"), coerce=int, validate_choice=False,
                       validators=[int_field])


def _load(poster_id: int):
    try:
        return svc.get_poster_for(db.session, current_user, poster_id)
    except services.NotFound:
        abort(404)


def _unit_choices():
    lang = page_language()
    return [SelectChoice(u.id, u.display_name(lang)) for u in svc.scope_units(db.session, current_user)]


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _font_path():
    return current_app.config.get("YIMA_CJK_FONT")


def _specs(posters):
    return svc.specs_for(posters, current_app.config["PUBLIC_BASE_URL"], current_app.config["COUNTY_NAME"])


@bp.get("/posters", endpoint="index")
@area_required(Area.POSTERS)
def posters():
    """The posters of the user's scope with their figures for a period, and the print forms."""
    period = PeriodForm(request.args)
    period.validate()
    today = utcnow().astimezone(_zone()).date()
    date_to = period.date_to.data if period.date_to.data and not period.date_to.errors else today
    date_from = (period.date_from.data if period.date_from.data and not period.date_from.errors
                 else date_to - timedelta(days=PERIOD_DAYS - 1))
    check_period(date_from, date_to)
    period.date_from.data, period.date_to.data = date_from, date_to
    start, end = svc.period_bounds(date_from, date_to, _zone())
    found = db.session.scalars(svc.posters_query(db.session, current_user)).all()
    selection, by_unit = SelectionPrintForm(), UnitPrintForm(prefix="u")
    by_unit.unit.choices = _unit_choices()
    return render_template(
        "staff/posters.html", posters=found, period=period, selection=selection, by_unit=by_unit,
        stats=svc.poster_stats(db.session, current_user, start, end), empty=svc.PosterStats(),
        base_url=current_app.config["PUBLIC_BASE_URL"], font_missing=font_missing(_font_path()),
        conversion=conversion)


def _poster_form(form: PosterForm) -> None:
    lang = page_language()
    form.unit.choices = _unit_choices()
    form.category.choices = [SelectChoice(0, "—")] + [
        SelectChoice(c.id, c.display_name(lang)) for c in services.active_categories(db.session)]


def _data(form: PosterForm) -> svc.PosterData:
    return svc.PosterData(place_label=form.place_label.data or "", unit_id=form.unit.data or 0,
                          category_id=form.category.data or None, note=form.note.data or "")


def _save(form: PosterForm, step, template: str, **context):
    """Validate, run the service step, commit once; a refusal becomes a form error."""
    if form.validate_on_submit():
        try:
            poster = step(_data(form))
        except services.Refused as refused:
            db.session.rollback()
            form.form_errors.append(str(REFUSED[refused.reason]))
        else:
            db.session.commit()
            return poster
    return render_template(template, form=form, **context), 400 if form.is_submitted() else 200


@bp.route("/posters/new", methods=["GET", "POST"])
@area_required(Area.POSTERS)
def new_poster():
    """Create a poster; its code is drawn once and printed for years."""
    form = PosterForm()
    _poster_form(form)
    result = _save(form, lambda data: svc.create_poster(
        db.session, current_user, data, utcnow(), request.remote_addr or ""), "staff/poster_form.html")
    if isinstance(result, tuple):
        return result
    flash(_("Poster %(code)s created.", code=result.code), "success")
    return redirect(url_for("staff.posters.index"), code=303)


@bp.route("/posters/<int:poster_id>/edit", methods=["GET", "POST"])
@area_required(Area.POSTERS)
def edit_poster(poster_id: int):
    """Change a poster's place, unit, matter or note; its code stays."""
    poster = _load(poster_id)
    form = PosterForm(obj=_FormView(poster))
    _poster_form(form)
    result = _save(form, lambda data: svc.update_poster(
        db.session, poster, current_user, data, utcnow(), request.remote_addr or ""),
        "staff/poster_form.html", poster=poster)
    if isinstance(result, tuple):
        return result
    flash(_("Poster %(code)s saved.", code=poster.code), "success")
    return redirect(url_for("staff.posters.index"), code=303)


class _FormView:
    """A poster as PosterForm's fields name it."""

    def __init__(self, poster):
        self.place_label, self.note = poster.place_label, poster.note
        self.unit, self.category = poster.unit_id, poster.category_id or 0


@bp.route("/posters/<int:poster_id>/deactivate", methods=["GET", "POST"])
@area_required(Area.POSTERS)
def deactivate_poster(poster_id: int):
    """Ask, then deactivate: the printed code then reaches the dispatch centre."""
    poster = _load(poster_id)
    form = DeactivateForm()
    if form.validate_on_submit():
        try:
            svc.deactivate_poster(db.session, poster, current_user, utcnow(), request.remote_addr or "")
        except services.Refused as refused:
            db.session.rollback()
            flash(str(REFUSED[refused.reason]), "error")
        else:
            db.session.commit()
            flash(_("Poster %(code)s deactivated; its printed code now reaches the dispatch centre.",
                    code=poster.code), "success")
        return redirect(url_for("staff.posters.index"), code=303)
    return render_template("staff/poster_deactivate.html", form=form, poster=poster)


@bp.get("/posters/<int:poster_id>/download/<fmt>")
@area_required(Area.POSTERS)
def download_poster(poster_id: int, fmt: str):
    """One poster as an A4 or A5 PDF, an SVG, or a 300 dpi PNG."""
    if fmt not in FORMATS:
        abort(404)
    begin_writing(db.session)  # it writes its audit row after reading
    poster = _load(poster_id)
    if not poster.active:
        abort(404)
    (spec,) = _specs([poster])
    if fmt.endswith(".pdf"):
        body = poster_pdf(spec, size=fmt[:2], font_path=_font_path())
    elif fmt == "svg":
        body = poster_svg(spec, font_path=_font_path()).encode("utf-8")
    else:
        body = poster_png(spec, dpi=300, font_path=_font_path())
    svc.record_export(db.session, current_user, utcnow(), f"poster:{poster.code}", [poster.code],
                      fmt, request.remote_addr or "")
    db.session.commit()
    suffix = f"-{fmt}" if fmt.endswith(".pdf") else f"-a4.{fmt}"
    return _file(body, FORMATS[fmt], f"yima-poster-{poster.code}{suffix}")


def _file(body: bytes, mimetype: str, name: str):
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.post("/posters/print")
@area_required(Area.POSTERS)
def print_selection():
    """The ticked posters as one batch PDF or a sticker sheet."""
    form = SelectionPrintForm()
    if not form.validate_on_submit():
        abort(400)
    query = svc.printable(db.session, current_user, poster_ids=form.posters.data or [])
    return _batch(form, query, "selection")


@bp.post("/posters/print-unit")
@area_required(Area.POSTERS)
def print_unit():
    """Every active poster of a unit and the units below it, as one print file."""
    form = UnitPrintForm(prefix="u")
    form.unit.choices = _unit_choices()
    if not form.validate_on_submit() or form.unit.data not in {c.value for c in form.unit.choices}:
        abort(400)
    query = svc.printable(db.session, current_user, unit_id=form.unit.data)
    return _batch(form, query, f"unit:{form.unit.data}")


def _batch(form: SelectionPrintForm, query: sa.Select, target: str):
    found = db.session.scalars(query).all()
    check_print(len(found))
    if not found:
        flash(_("No active posters to print in that choice."), "error")
        return redirect(url_for("staff.posters.index"), code=303)
    stamp = utcnow().astimezone(_zone()).strftime("%Y%m%d-%H%M")
    if form.kind.data == "stickers":
        body, name = sticker_sheet_pdf(_specs(found), font_path=_font_path()), f"yima-stickers-{stamp}.pdf"
    else:
        size = form.size.data
        body = posters_pdf(_specs(found), size=size, font_path=_font_path())
        name = f"yima-posters-{size}-{stamp}.pdf"
    svc.record_export(db.session, current_user, utcnow(), target, [p.code for p in found],
                      f"{form.kind.data}/{form.size.data}", request.remote_addr or "")
    db.session.commit()
    return _file(body, "application/pdf", name)


def conversion(stats: svc.PosterStats) -> str:
    """Conversion as a percentage, or a dash when nobody scanned."""
    return "—" if stats.conversion is None else f"{stats.conversion:.0%}"

