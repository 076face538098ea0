"""`flask posters export`: the print shop's batch files, straight from the database.

    flask --app wsgi posters export --unit 330281-YM --kind poster --size a4 -o yangming.pdf
    flask --app wsgi posters export --code YMQ2K8 --code FSH7N3 --kind stickers -o labels.pdf

A unit means the unit and every unit below it; only active posters are printed. The QR URLs are
built from PUBLIC_BASE_URL, so run it with the production setting. Each export is audited.
"""
import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.core.db import utcnow
from app.core.extensions import db
from app.models import OrgUnit
from app.services import posters as svc
from qr.print_pdf import write_posters_pdf, write_sticker_sheet_pdf

posters = AppGroup("posters", help="Print files of posted QR codes.")

PROGRESS_FROM = 50  # show a progress bar from this many posters on


@posters.command("export")
@click.option("--unit", "unit_code", help="a unit's code, e.g. 330281-YM: its whole subtree")
@click.option("--code", "poster_codes", multiple=True, help="a poster code (repeat for several)")
@click.option("--kind", type=click.Choice(["poster", "stickers"]), default="poster", show_default=True)
@click.option("--size", type=click.Choice(["a4", "a5"]), default="a4", show_default=True,
              help="poster page size (sticker sheets are always A4)")
@click.option("-o", "--output", type=click.File("wb"), required=True, help="the PDF to write")
def export_command(unit_code, poster_codes, kind, size, output):
    """Write one PDF: a poster per page, or A4 sticker sheets, for a unit or chosen codes."""
    if bool(unit_code) == bool(poster_codes):
        raise click.UsageError("give either --unit or one or more --code")
    unit_id = None
    if unit_code:
        unit_id = db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.code == unit_code))
        if unit_id is None:
            raise click.UsageError(f"no unit with code {unit_code}")
    query = svc.printable(db.session, None, poster_codes=poster_codes, unit_id=unit_id)
    found = db.session.scalars(query).all()
    if poster_codes:
        missing = sorted({c.upper() for c in poster_codes} - {p.code for p in found})
        if missing:
            raise click.UsageError("unknown or deactivated poster codes: " + " ".join(missing))
    if not found:
        raise click.UsageError("no active posters to print")

    specs = svc.specs_for(found, current_app.config["PUBLIC_BASE_URL"], current_app.config["COUNTY_NAME"])
    font_path = current_app.config.get("YIMA_CJK_FONT")
    with click.progressbar(length=len(found), label=f"{kind} x{len(found)}",
                           hidden=len(found) < PROGRESS_FROM, file=sys.stderr) as bar:
        def progress(done: int) -> None:
            bar.update(done - bar.pos)

        if kind == "stickers":
            result = write_sticker_sheet_pdf(specs, output, font_path=font_path, progress=progress)
        else:
            result = write_posters_pdf(specs, output, size=size, font_path=font_path, progress=progress)
    target = f"unit:{unit_code}" if unit_code else "codes"
    svc.record_export(db.session, None, utcnow(), target, [p.code for p in found], f"cli {kind}/{size}")
    db.session.commit()
    if result.font_missing:
        click.echo("warning: no CJK font found (install fonts-wqy-microhei or set YIMA_CJK_FONT): "
                   "the Chinese text was left out", err=True)
    click.echo(f"wrote {result.pages} pages, {result.posters} posters to {output.name}")

