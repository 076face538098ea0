"""Downloads of staff tables: CSV or XLSX, streamed, each one audited."""
from flask import Response, request, stream_with_context
from flask_login import current_user

from app.core.db import utcnow
from app.core.extensions import db
from app.services.audit import record_audit
from app.stats.export import CSV_MIMETYPE, XLSX_MIMETYPE, csv_stream, xlsx_stream


def audit_export(action: str, target: str, detail: str = "") -> None:
    """Record who downloaded what; the view commits it before the first byte is streamed."""
    record_audit(db.session, utcnow(), action, actor=current_user, target=target,
                 address=request.remote_addr or "", detail=detail)


def download(fmt, header, rows, filename, formats=None):
    """A streamed CSV (UTF-8 with BOM) or XLSX attachment; `formats` as app/stats/export.py's."""
    if fmt == "csv":
        body, content_type = csv_stream(header, rows, formats), CSV_MIMETYPE
    else:
        body, content_type = xlsx_stream(header, rows, formats=formats), XLSX_MIMETYPE
    # content_type, not mimetype: Flask adds "; charset=utf-8" to a text/ mimetype, a second time here.
    response = Response(stream_with_context(body), content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
