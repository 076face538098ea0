"""The written notices the 信访工作条例 requires, as pages staff print or send for a citizen
without a phone: the 受理告知书 (Art. 22: received, and how it will be handled, or why it is not
accepted) and a reply's decision letter (信访处理意见书, 复查意见书, 复核意见书, Arts. 32, 35-36).
Each print names the citizen, so each one is audited."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from app.config import clocks
from app.core.db import begin_writing, utcnow
from app.core.extensions import db
from app.domain import codes
from app.services import notices
from app.services.audit import record_audit
from app.staff.cases import load_case

bp = Blueprint("notices", __name__)


def _audited(case, what: str) -> None:
    record_audit(db.session, utcnow(), "print_notice", actor=current_user, target=f"case:{case.id}",
                 address=request.remote_addr or "", detail=what)
    db.session.commit()


@bp.get("/cases/<int:case_id>/notice")
def receipt_notice(case_id: int):
    """The 受理告知书 of a case that was accepted or not accepted (before, there is nothing to tell)."""
    begin_writing(db.session)  # it writes its audit row after reading
    case = load_case(case_id)
    notice = notices.receipt_notice(case)
    if notice is None:
        abort(404)
    _audited(case, f"receipt notice: {notice.kind}")
    return render_template("print/notice.html", case=case, notice=notice, code=codes.grouped(case.receipt_code),
                           track_url=current_app.config["PUBLIC_BASE_URL"] + "/track",
                           reply_days=clocks(current_app.config).reply_days(case.kind.value))


@bp.get("/cases/<int:case_id>/replies/<int:reply_id>/letter")
def decision_letter(case_id: int, reply_id: int):
    """A reply as the written decision the citizen keeps, with how to ask for (re-)review."""
    begin_writing(db.session)
    case = load_case(case_id)
    reply = next((r for r in case.replies if r.id == reply_id), None)
    if reply is None:
        abort(404)
    _audited(case, f"decision letter: reply {reply.id}")
    return render_template("print/letter.html", case=case, reply=reply, code=codes.grouped(case.receipt_code),
                           reviewer=notices.reviewing_unit(reply), track_url=current_app.config["PUBLIC_BASE_URL"] + "/track")

