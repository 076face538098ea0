"""The hook that makes the outbox transactional: every case event a session flushes is
remembered, and when the session commits, the messages it causes are added to the same
transaction (app/services/outbox.py). A rollback forgets them: nothing is told of a step
that did not happen, and nothing committed goes untold."""
from contextlib import nullcontext

from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.config import clocks
from app.domain.tellings import QuietHours
from app.models import CaseEvent
from app.notify.texts import BabelTexts
from app.services import announce, outbox

_EVENTS = "yima_events"
TEXTS = BabelTexts()
_APPS = {}  # database URL -> the app serving it: a session used outside an app context (a
# script, a test's own session) still tells with that app's settings and catalogs


def _url(url) -> str:
    return make_url(url).render_as_string(hide_password=False)


def settings(config) -> outbox.Settings:
    """The outbox's settings from the app's configuration."""
    return outbox.Settings(base_url=config["PUBLIC_BASE_URL"], secret_key=config["SECRET_KEY"],
                           calendar=clocks(config).calendar,
                           quiet=QuietHours.parse(config["SMS_QUIET_HOURS"]),
                           daily_cap=config["SMS_DAILY_CAP"])


def _collect(session, flush_context, instances) -> None:
    new = [obj for obj in session.new if isinstance(obj, CaseEvent)]
    if new:
        session.info.setdefault(_EVENTS, []).extend(new)


def _step(case_event: CaseEvent) -> announce.Step:
    return announce.Step(case_id=case_event.suggestion_id, action=case_event.action, event_id=case_event.id,
                       at=case_event.at, message=case_event.message or "", to_unit_id=case_event.to_unit_id,
                       public=case_event.public)


def _tell(session) -> None:
    if not (session.info.get(_EVENTS) or session.info.get(announce.STEPS)):
        return
    app = None if has_app_context() else _APPS.get(_url(session.get_bind().url))
    if app is None and not has_app_context():
        return  # no Yima app serves this database: nothing to tell with
    session.flush()  # the events' ids, and the cases in their final state for this transaction
    events = [e for e in session.info.pop(_EVENTS, []) if inspect(e).persistent]
    steps = sorted([_step(e) for e in events] + session.info.pop(announce.STEPS, []), key=lambda s: s.event_id)
    if steps:
        with app.app_context() if app else nullcontext(), session.no_autoflush:
            outbox.tell_steps(session, steps, TEXTS, settings(current_app.config))


def _forget(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended: committed or rolled back
        session.info.pop(_EVENTS, None)
        session.info.pop(announce.STEPS, None)


def init_app(app) -> None:
    """Listen on every session (once per process: the listeners are module functions)."""
    # The first app keeps its database: a second one made in the same process on it (the
    # browser tests' live server, with its own base URL) must not change what others tell.
    _APPS.setdefault(_url(app.config["SQLALCHEMY_DATABASE_URI"]), app)
    if not event.contains(Session, "before_flush", _collect):
        event.listen(Session, "before_flush", _collect)
        event.listen(Session, "before_commit", _tell)
        event.listen(Session, "after_transaction_end", _forget)
