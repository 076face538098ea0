"""`/staff/outbox`: administrators see every queued message, its status and last error, and
send a dead one again (audited). Phones show masked and tracking links without their token:
the page is read over shoulders, and a token opens the citizen's case."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.bounds import check_int
from app.core.db import utcnow
from app.core.extensions import db
from app.core.i18n import page_language
from app.core.logs import redact
from app.domain import phones
from app.domain.policy import Area
from app.models import OutboxMessage
from app.notify import worker
from app.services.audit import record_audit
from app.services.outbox_list import PAGE_SIZES, list_messages
from app.staff.auth import area_required

bp = Blueprint("outbox", __name__)
DEFAULT_SIZE = 50
STATUS_LABEL = {"pending": _l("Waiting"), "sent": _l("Sent"), "dead": _l("Failed (dead)"),
                "skipped": _l("Not sent")}


def recipient(message: OutboxMessage, lang: str) -> str:
    """Whom a message goes to as this page shows it: a masked phone, or a unit's channel kind."""
    if message.transport == "sms":
        return phones.masked(message.phone) or "—"
    if message.channel is None:  # the channel was removed since
        return f"— · {message.transport}"
    return f"{message.channel.unit.display_name(lang)} · {message.channel.kind}"


def shown(text: str | None) -> str:
    """`text` with every phone masked and every tracking link cut to /t/… (app/core/logs.py);
    for the subject and the last error too, which a provider's answer may have filled."""
    return redact(text or "")


@bp.get("/outbox", endpoint="index")
@area_required(Area.OUTBOX)
def index():
    """Messages newest first, filtered by status, a page at a time."""
    status = request.args.get("status", "")
    status = status if status in OutboxMessage.STATES else ""
    size = request.args.get("size", DEFAULT_SIZE, type=int)
    size = size if size in PAGE_SIZES else DEFAULT_SIZE
    before = check_int(request.args.get("before", type=int))
    page = list_messages(db.session, status or None, size, before)
    lang = page_language()
    rows = [(m, recipient(m, lang), shown(m.subject), shown(m.body), shown(m.last_error)) for m in page.messages]
    return render_template("staff/outbox.html", rows=rows, status=status, size=size, sizes=PAGE_SIZES,
                           states=OutboxMessage.STATES, status_label=STATUS_LABEL, older_than=page.older_than,
                           first_page=before is None)


@bp.post("/outbox/<int:message_id>/retry", endpoint="retry")
@area_required(Area.OUTBOX)
def retry(message_id: int):
    """Send a dead message again, now, its tries counted afresh; audited."""
    # The app checks every POST's CSRF token (app/core/extensions.py) before this runs.
    if worker.retry(db.session, message_id, utcnow()):
        record_audit(db.session, utcnow(), "outbox_retry", actor=current_user, target=f"outbox:{message_id}",
                     address=request.remote_addr or "")
        db.session.commit()
        flash(_("The message will be sent again at the next run of the notify command."), "success")
    else:
        flash(_("Only a failed (dead) message can be sent again."), "error")
    return redirect(url_for("staff.outbox.index", status="dead"), code=303)
