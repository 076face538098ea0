"""Structured logs: one JSON object per line on stderr, a request id, and redaction.

No full phone number, password, PIN or tracking token may reach a log line. Code should
never log them; `RedactFilter` is the safety net for what slips through (an exception
message quoting SQL parameters, a path, a form echoed by a library).
"""
import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import current_app, g, has_request_context, request

from app.domain import phones

REQUEST_LOGGER = "yima.request"
USER_ENVIRON = "yima.user_id"  # the staff user a request ran as, for the server's access line
_TOKEN_PATH = re.compile(r"/+t/+[^/\s?#\"'<>]+")  # /t/<token>, //t//<token>: any number of slashes
# A tracking token's shape as a whole path segment, whatever the path around it looks like
# (a request id is never preceded by a slash, so it is kept).
_TOKEN_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{32}(?=[/?#\s\"'<>]|$)")
_SECRET_FIELD = re.compile(
    r"(?i)\b(password|passwd|pwd|pin|secret|secret_key|token|csrf_token|submission_key|api_key)\b"
    r"(\"?'?\s*[:=]\s*\"?'?)([^\"'&\s,;})\]]+)"
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id")


def redact(text: str) -> str:
    """Mask tracking tokens in paths, phone numbers however typed (138****5678, 0574****5678: the
    one pattern of app/domain/phones.py) and secret-looking fields."""
    text = _TOKEN_PATH.sub("/t/…", text)
    text = _TOKEN_SEGMENT.sub("…", text)  # before phones: a token's digits go with the token
    return _SECRET_FIELD.sub(r"\1\2***", phones.mask_in_text(text))


def redact_path(path: str) -> str:
    """A request path fit for a log: the tracking token is replaced by an ellipsis."""
    return redact(path)


class RedactFilter(logging.Filter):
    """Rewrite a record's message, exception text and stack so nothing personal is left."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name in _FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, redact(value))
        return True


class DevServerFilter(RedactFilter):
    """Werkzeug's development server logs each request line with its query string: cut it."""

    def filter(self, record: logging.LogRecord) -> bool:
        super().filter(record)
        record.msg = re.sub(r'(" ?[A-Z]+ [^ ?"]*)\?[^ "]*', r"\1", record.msg)
        return True


class RequestContextFilter(logging.Filter):
    """Stamp records logged during a request with its id, method and (redacted) path."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            if not hasattr(record, "request_id"):
                record.request_id = g.get("request_id")
            if not hasattr(record, "method"):
                record.method = request.method
            if not hasattr(record, "path"):
                record.path = redact_path(request.path)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the request fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Write to whatever sys.stderr is at the time (a test runner swaps it)."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def make_handler() -> logging.Handler:
    """A handler writing redacted JSON lines to stderr."""
    handler = StderrHandler()
    handler.addFilter(RequestContextFilter())
    handler.addFilter(RedactFilter())
    handler.setFormatter(JsonFormatter())
    handler._yima = True  # marks the handler so a second app does not add another
    return handler


def _start_request():
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _log_request(response):
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    response.headers["X-Request-ID"] = g.get("request_id", "")
    user = g.get("_login_user")  # only when the request loaded a staff user already
    extra = {"status": response.status_code, "duration_ms": duration}
    if user is not None and getattr(user, "is_authenticated", False):
        extra["user_id"] = request.environ[USER_ENVIRON] = user.id
    if current_app.config["REQUEST_LOG"]:  # else gunicorn's access line is the request's line
        logging.getLogger(REQUEST_LOGGER).info("%s %s %s", request.method, redact_path(request.path),
                                               response.status_code, extra=extra)
    return response


def init_app(app) -> None:
    """Send every log record to stderr as a JSON line and log each request once."""
    root = logging.getLogger()
    if not any(getattr(h, "_yima", False) for h in root.handlers):
        root.addHandler(make_handler())
    logging.getLogger("yima").setLevel(app.config.get("LOG_LEVEL", "INFO"))
    dev_server = logging.getLogger("werkzeug")
    if not any(isinstance(f, DevServerFilter) for f in dev_server.filters):
        dev_server.addFilter(DevServerFilter())  # on the logger: every handler gets the clean line
    app.before_request(_start_request)
    app.after_request(_log_request)
