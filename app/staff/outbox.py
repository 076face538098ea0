"""`/staff/outbox`: administrators see every queued message, its status and last error, and
send a dead one again (audited). Phones show masked and tracking links without their token:
the page is read over shoulders, and a token opens the citizen's case."""
import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.bounds import check_int
from app.core.db import utcnow
from app.core.extensions import db
from app.core.i18n import local_datetime, page_language
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
# What each topic tells, as an administrator reads it (app/domain/tellings.py names them); a
# unit's topics are its messages' own titles (app/notify/texts.py), so both read the same.
TOPIC_LABEL = {
    "receipt": _l("Receipt (code and tracking link)"), "accepted": _l("Case accepted"),
    "rejected": _l("Not accepted"), "forwarded": _l("Passed to another unit"),
    "returned": _l("Back to the dispatch centre"), "extended": _l("Deadline extended"),
    "replied": _l("Answer sent"), "review_replied": _l("Review answered"),
    "re_review_replied": _l("Re-review answered"), "merged": _l("Handled with a similar case"),
    "review_requested": _l("Request for review"), "re_review_requested": _l("Request for re-review"),
    "closed": _l("Closed"), "digest": _l("Daily digest"),
    "new_case": _l("New case to accept"), "forwarded_in": _l("Case forwarded to you"),
    "returned_in": _l("Case returned: route it again"), "report_in": _l("Report or accusation to accept"),
    "review_in": _l("Request for review"), "re_review_in": _l("Request for re-review"),
    "urged": _l("Urged by a supervisor"), "follow_up_in": _l("The citizen added a message"),
    "due_soon": _l("Due soon"), "overdue": _l("Overdue"), "test": _l("Test message from Yima"),
}
TRANSPORT_LABEL = {"sms": _l("SMS"), "dingtalk": _l("DingTalk"), "wecom": _l("WeCom"), "email": _l("E-mail")}
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?)|\*\*|__|`", re.MULTILINE)


def plain(markdown: str) -> str:
    """A robot's or an e-mail's Markdown as the words a reader sees: no #, ** or > marks, a link
    as its text and its address."""
    return _MARKS.sub("", _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(2) else m.group(1),
                                    markdown))


def waiting(message: OutboxMessage, now) -> str:
    """Why a waiting message has not gone yet, and until when (local time); empty if it is due."""
    if message.status != "pending" or message.not_before is None or message.not_before <= now:
        return ""
    until = local_datetime(message.not_before, "MM-dd HH:mm")
    if message.attempts:
        return _("next try at %(time)s", time=until)
    return _("held for quiet hours until %(time)s", time=until)


def recipient(message: OutboxMessage, lang: str) -> str:
    """Whom a message goes to as this page shows it: a masked phone, or a unit's channel kind."""
    if message.transport == "sms":
        return phones.masked(message.phone) or "—"
    kind = TRANSPORT_LABEL.get(message.transport, message.transport)
    if message.channel is None:  # the channel was removed since
        return f"— · {kind}"
    return f"{message.channel.unit.display_name(lang)} · {kind}"


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
    now = utcnow()
    rows = [(m, recipient(m, lang), shown(m.subject), shown(m.body if m.transport == "sms" else plain(m.body)),
             shown(m.last_error), waiting(m, now)) for m in page.messages]
    return render_template("staff/outbox.html", rows=rows, status=status, size=size, sizes=PAGE_SIZES,
                           states=OutboxMessage.STATES, status_label=STATUS_LABEL, topic_label=TOPIC_LABEL,
                           transport_label=TRANSPORT_LABEL, older_than=page.older_than,
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
