"""Open311 documents as JSON or XML, and the spec's errors: the one place that formats.

A document is plain data: dicts, lists, strings, numbers, booleans, None and aware datetimes.
JSON shows it as it is; XML names each list's items by the spec's singular (a <services> holds
<service>s), so a list of one item reads the same as a list of two. Datetimes are W3C
(ISO 8601) with the zone, in the configured local zone (Asia/Shanghai: +08:00).
"""
import json
import re
from datetime import datetime
from xml.sax.saxutils import escape

from flask import Response

from app.domain.deadlines import DEFAULT_ZONE

FORMATS = ("json", "xml")
# application/json is UTF-8 by definition and defines no charset parameter (RFC 8259 §11);
# text/xml's charset is what tells a reader its encoding (RFC 7303 §3.2).
MIMETYPES = {"json": "application/json", "xml": "text/xml; charset=utf-8"}
# What each XML list's items are called.
ITEMS = {"services": "service", "attributes": "attribute", "values": "value", "endpoints": "endpoint",
         "formats": "format", "service_requests": "request", "errors": "error",
         "service_requests_updates": "request_update"}
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def w3c(at: datetime | None, zone=DEFAULT_ZONE) -> str | None:
    """An aware instant as W3C datetime with its offset, in the local zone."""
    return at.astimezone(zone).isoformat(timespec="seconds") if at is not None else None


def _plain(value, zone):
    if isinstance(value, datetime):
        return w3c(value, zone)
    if isinstance(value, dict):
        return {k: _plain(v, zone) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, zone) for v in value]
    return value


def _xml(name: str, value) -> str:
    if isinstance(value, dict):
        inner = "".join(_xml(k, v) for k, v in value.items())
    elif isinstance(value, list):
        inner = "".join(_xml(ITEMS.get(name, "item"), v) for v in value)
    elif value is None:
        return f"<{name}/>"
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(_NOT_XML.sub("\ufffd", str(value)))
    return f"<{name}>{inner}</{name}>"


def document(root: str, data, fmt: str, status: int = 200, zone=DEFAULT_ZONE) -> Response:
    """`data` as a response in `fmt`; in XML, wrapped in <`root`> (a list's items named from it)."""
    data = _plain(data, zone)
    if fmt == "xml":
        body = '<?xml version="1.0" encoding="utf-8"?>' + _xml(root, data)
    else:
        body = json.dumps(data, ensure_ascii=False)
    return Response(body, status=status, content_type=MIMETYPES.get(fmt, MIMETYPES["json"]))


def errors(status: int, description: str, fmt: str) -> Response:
    """The spec's error list, [{"code": status, "description": ...}] or <errors><error>."""
    return document("errors", [{"code": status, "description": description}], fmt, status)
