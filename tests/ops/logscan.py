"""The log scan: every record logged during the test run, checked for personal data.

conftest.py installs `Collector` on the root logger when the run starts and reports
`leaks()` when it ends; a leak fails the run. It looks at what the code handed the
logger (before any redaction) and at the line the production formatter would write:
the redaction filter is a safety net, not a licence to log a phone number.
"""
import logging
import re

from app.core.logs import JsonFormatter, RedactFilter, RequestContextFilter
from app.domain import phones

TOKEN_PATH = re.compile(r"/t/[A-Za-z0-9_-]{16,}")
SECRET_FIELD = re.compile(r"(?i)\b(password|pin|token|submission_key)\b\"?'?\s*[:=]\s*\"?'?[^\s\"'&*]")


def secrets_of_the_run() -> tuple[str, ...]:
    """Passwords every test run types, which must never be logged."""
    from app.demo.seed import DEMO_PASSWORD
    from tests.conftest import PASSWORD

    return (PASSWORD, DEMO_PASSWORD)


def find_leaks(lines, secrets=()) -> list[str]:
    """The lines holding a full phone number (however typed: the pattern redaction and the log
    filter use), a tracking token, a secret field or a known secret."""
    found = []
    for line in lines:
        if (phones.find_in_text(line) or TOKEN_PATH.search(line) or SECRET_FIELD.search(line)
                or any(secret in line for secret in secrets)):
            found.append(line)
    return found


class Collector(logging.Handler):
    """Keep, for each record, the raw message (with its traceback) and the formatted JSON line."""

    def __init__(self):
        super().__init__(logging.NOTSET)
        self.raw: list[str] = []
        self.lines: list[str] = []
        self._formatter = JsonFormatter()
        self._filters = (RequestContextFilter(), RedactFilter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            raw = record.getMessage()
            if record.exc_info:
                raw += "\n" + logging.Formatter().formatException(record.exc_info)
            self.raw.append(f"[{record.name}] {raw}")
            copy = logging.makeLogRecord(record.__dict__)  # the shared record stays as it was
            for f in self._filters:
                f.filter(copy)
            self.lines.append(self._formatter.format(copy))
        except Exception:  # never let the scan break a test
            self.handleError(record)

    def leaks(self) -> list[str]:
        """Every offending raw message or formatted line."""
        secrets = secrets_of_the_run()
        return find_leaks(self.raw, secrets) + find_leaks(self.lines, secrets)
