"""Staff steps on a case: one function per step. Each asks the one policy
(app/domain/policy.py) whether the actor may take it now, records an immutable event,
flushes and never commits (the view commits once)."""
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import codes, phones
from app.domain.deadlines import Clocks
from app.domain.policy import refusal
from app.domain.workflow import STAFF_CASE_ROLES, WORKING_STATES, Action, CaseState, Kind, Stage, transition
from app.models import CaseEvent, OrgUnit, Reply, Suggestion, User
from app.services.access import get_case_for
from app.services.audit import record_audit
from app.services.errors import Conflict, NotFound, Refused
from app.services.intake import dispatch_centre


@dataclass(frozen=True)
class ReplyText:
    """A reply; for a complaint, the structured decision (claim, facts, decision, basis)."""

    body: str = ""
    claim: str = ""
    facts: str = ""
    decision: str = ""
    basis: str = ""


def check(case: Suggestion, actor, action: Action, now: datetime, clocks: Clocks,
          version: Optional[int] = None) -> CaseState:
    """Refuse a stale page (Conflict) or a step the policy refuses (Refused); the state after."""
    if version is not None and version != case.version:
        raise Conflict(case.id)
    reason = refusal(actor, case, action, now, clocks)
    if reason is not None:
        raise Refused(reason)
    return transition(case.status, action, actor.role)


def _record(session: Session, case: Suggestion, actor: User, action: Action, now: datetime, after: CaseState,
            *, public: bool, message: str = "", to_unit: Optional[OrgUnit] = None) -> CaseEvent:
    """The step's event; the case moves to `after`."""
    event = CaseEvent(
        suggestion_id=case.id, at=now, action=action, actor_id=actor.id,
        from_status=case.status, to_status=after, from_unit_id=case.unit_id,
        to_unit_id=to_unit.id if to_unit else case.unit_id, message=message, public=public,
    )
    case.status = after
    session.add(event)
    return event


def _flush(session: Session, case: Suggestion) -> None:
    """Write the step; a concurrent writer's change of the same row becomes a Conflict."""
    from sqlalchemy.orm.exc import StaleDataError

    case_id = case.id  # read now: after a failed flush the object cannot load anything
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(case_id) from None  # the view rolls back


def accept_case(session, case, actor, now, clocks: Clocks, version=None) -> CaseEvent:
    """Accept a case: the reply clock starts (60 days for a complaint)."""
    after = check(case, actor, Action.ACCEPT, now, clocks, version)
    event = _record(session, case, actor, Action.ACCEPT, now, after, public=True)
    case.accepted_at = case.stage_started_at = now
    case.handled_by_id = case.unit_id  # the unit judged for this case
    case.reply_due_at = case.due_at = clocks.reply_due(now, case.kind.value)
    case.return_due_at = case.overdue_at = None
    _flush(session, case)
    return event


def reject_case(session, case, actor, now, clocks: Clocks, reason: str, version=None) -> CaseEvent:
    """Decline to accept, with a reason the citizen sees."""
    after = check(case, actor, Action.REJECT, now, clocks, version)
    _require(reason, "reason")
    event = _record(session, case, actor, Action.REJECT, now, after, public=True, message=reason)
    case.due_at = case.return_due_at = case.overdue_at = None
    _flush(session, case)
    return event


def forward_case(session, case, actor, now, clocks: Clocks, to_unit: OrgUnit, reason: str,
                 version=None) -> CaseEvent:
    """Send a case to the unit responsible; it gets a fresh acceptance clock."""
    after = check(case, actor, Action.FORWARD, now, clocks, version)
    _require(reason, "reason")
    if to_unit.id == case.unit_id or not to_unit.active:
        raise Refused("target")
    event = _record(session, case, actor, Action.FORWARD, now, after, public=True, message=reason,
                    to_unit=to_unit)
    _receive(case, to_unit, now, clocks)
    case.return_due_at = clocks.return_due(now)  # the receiving unit may object until then
    _flush(session, case)
    return event


def return_case(session, case, actor, now, clocks: Clocks, objection: str, version=None) -> CaseEvent:
    """Object to a forward within its window: the dispatch centre decides."""
    after = check(case, actor, Action.RETURN, now, clocks, version)
    _require(objection, "reason")
    centre = dispatch_centre(session)
    event = _record(session, case, actor, Action.RETURN, now, after, public=True, message=objection,
                    to_unit=centre)
    _receive(case, centre, now, clocks)
    _flush(session, case)
    return event


def _receive(case: Suggestion, unit: OrgUnit, now: datetime, clocks: Clocks) -> None:
    case.unit_id = unit.id
    case.unit = unit
    case.received_at = now
    case.accept_due_at = case.due_at = clocks.accept_due(now)
    case.accepted_at = case.reply_due_at = case.overdue_at = case.assignee_id = None
    case.extension_request_days, case.extension_request_reason = None, ""
    case.extension_days = 0  # the receiving unit's answer clock is its own (Art. 34 is per duty)
    case.return_due_at = None


def assign_case(session, case, actor, now, clocks: Clocks, assignee: User, version=None) -> CaseEvent:
    """Give the case to a person of the unit holding it."""
    after = check(case, actor, Action.ASSIGN, now, clocks, version)
    if assignee.unit_id != case.unit_id or not assignee.active or assignee.role not in STAFF_CASE_ROLES:
        raise Refused("assignee")
    event = _record(session, case, actor, Action.ASSIGN, now, after, public=False, message=assignee.label)
    case.assignee_id = assignee.id
    _flush(session, case)
    return event


def add_note(session, case, actor, now, clocks: Clocks, text: str) -> CaseEvent:
    """An internal note; the citizen never sees it."""
    after = check(case, actor, Action.NOTE, now, clocks)
    _require(text, "text")
    event = _record(session, case, actor, Action.NOTE, now, after, public=False, message=text)
    session.flush()
    return event


def reply_to_case(session, case, actor, now, clocks: Clocks, text: ReplyText, version=None) -> Reply:
    """Answer the citizen; a complaint's answer must be a full decision. Opens the rating window."""
    after = check(case, actor, Action.REPLY, now, clocks, version)
    if case.kind is Kind.COMPLAINT:
        for part in ("claim", "facts", "decision", "basis"):
            _require(getattr(text, part), part)
    else:
        _require(text.body, "body")
    final = case.stage is Stage.RE_REVIEW
    _record(session, case, actor, Action.REPLY, now, after, public=True)  # the text is in Reply
    window_end = clocks.review_window_end(now)
    started_at = case.stage_started_at
    answered_due = case.reply_due_at
    case.replied_at = now
    case.window_ends_at = window_end
    case.due_at = case.overdue_at = None
    case.rating, case.rated_at, case.rating_comment = None, None, ""
    case.extension_request_days, case.extension_request_reason = None, ""
    reply = Reply(
        stage=case.stage, unit_id=case.unit_id, author_id=actor.id, at=now,
        body=text.body, claim=text.claim, facts=text.facts, decision=text.decision,
        basis=text.basis, review_until=None if final else window_end, final=final,
        started_at=started_at, due_at=answered_due, category_id=case.category_id,
        poster_id=case.poster_id, channel=case.channel, kind=case.kind, is_report=case.is_report,
    )
    case.replies.append(reply)  # loading the list may autoflush: the case is consistent by now
    _flush(session, case)
    return reply


def _extension_days(days: Optional[int], clocks: Clocks) -> int:
    if days is None or not 1 <= days <= clocks.max_extension_days:
        raise Refused("days")
    return days


def request_extension(session, case, actor, now, clocks: Clocks, days: Optional[int], reason: str,
                      version=None) -> CaseEvent:
    """A handler asks the unit's lead for more time to answer (Art. 34), with the reason."""
    after = check(case, actor, Action.REQUEST_EXTENSION, now, clocks, version)
    days = _extension_days(days, clocks)
    _require(reason, "reason")
    event = _record(session, case, actor, Action.REQUEST_EXTENSION, now, after, public=False, message=reason)
    case.extension_request_days, case.extension_request_reason = days, reason
    _flush(session, case)
    return event


def extend_case(session, case, actor, now, clocks: Clocks, days: Optional[int], reason: str,
                version=None) -> CaseEvent:
    """The lead extends the reply deadline, once per case, by at most YIMA_MAX_EXTENSION_DAYS:
    approving a handler's request (its days and reason unless changed) or deciding alone.
    The citizen sees the new deadline and the reason."""
    after = check(case, actor, Action.EXTEND, now, clocks, version)
    days = _extension_days(days or case.extension_request_days, clocks)
    reason = (reason or "").strip() or case.extension_request_reason
    _require(reason, "reason")
    new_due = clocks.extended(case.reply_due_at, days)
    event = _record(session, case, actor, Action.EXTEND, now, after, public=True, message=reason)
    case.extension_days = days
    case.extension_request_days, case.extension_request_reason = None, ""
    case.reply_due_at = case.due_at = new_due
    if now < new_due:
        case.overdue_at = None
    _flush(session, case)
    return event


def refuse_extension(session, case, actor, now, clocks: Clocks, reason: str, version=None) -> CaseEvent:
    """The lead refuses a handler's request for more time; the deadline stands."""
    after = check(case, actor, Action.REFUSE_EXTENSION, now, clocks, version)
    _require(reason, "reason")
    event = _record(session, case, actor, Action.REFUSE_EXTENSION, now, after, public=False, message=reason)
    case.extension_request_days, case.extension_request_reason = None, ""
    _flush(session, case)
    return event


def merge_case(session, case, actor, now, clocks: Clocks, master: Suggestion, version=None) -> CaseEvent:
    """Merge a duplicate into a master case: the master's reply then reaches this citizen too."""
    after = check(case, actor, Action.MERGE, now, clocks, version)
    if master.id == case.id or master.is_report or master.status not in (WORKING_STATES | {CaseState.SUBMITTED}):
        raise Refused("master")
    # The citizen's timeline never names the master's receipt code: it is another citizen's key
    # to their case. Only the master's internal event names this one, for staff.
    event = _record(session, case, actor, Action.MERGE, now, after, public=True, to_unit=master.unit)
    case.merged_into_id = master.id
    case.due_at = case.overdue_at = None
    session.add(CaseEvent(suggestion_id=master.id, at=now, action=Action.MERGE, actor_id=actor.id,
                          from_status=master.status, to_status=master.status,
                          message=codes.grouped(case.receipt_code), public=False))
    _flush(session, case)
    return event


def urge_case(session, case, actor, now, clocks: Clocks, message: str, version=None) -> CaseEvent:
    """A supervisor urges a case that is overdue or due soon (督办)."""
    after = check(case, actor, Action.URGE, now, clocks, version)
    event = _record(session, case, actor, Action.URGE, now, after, public=False, message=message)
    case.urge_count += 1
    _flush(session, case)
    return event


def mark_report(session, case, actor, now, clocks: Clocks, reason: str, version=None) -> CaseEvent:
    """Mark a report or accusation (检举控告): only the dispatch centre and supervisors keep it."""
    after = check(case, actor, Action.MARK_REPORT, now, clocks, version)
    centre = dispatch_centre(session)
    event = _record(session, case, actor, Action.MARK_REPORT, now, after, public=False, message=reason,
                    to_unit=centre)
    case.is_report = True
    case.handled_by_id = None  # it counts for no unit until the dispatch centre accepts it
    case.return_due_at = None  # nobody at the dispatch centre sends it back
    if case.unit_id != centre.id:
        _receive(case, centre, now, clocks)
        case.status = CaseState.SUBMITTED
        event.to_status = CaseState.SUBMITTED
    _flush(session, case)
    return event


def reveal_phone(session, case, actor, now, clocks: Clocks, address: str = "") -> str:
    """Show the full phone number to someone the phone policy allows; every reveal is audited."""
    check(case, actor, Action.REVEAL_PHONE, now, clocks)
    session.add(CaseEvent(suggestion_id=case.id, at=now, action=Action.REVEAL_PHONE,
                          actor_id=actor.id, from_status=case.status, to_status=case.status,
                          public=False))
    record_audit(session, now, "reveal_phone", actor=actor, target=f"case:{case.id}", address=address)
    session.flush()
    return phones.shown(case.citizen_phone)


def find_master(session, actor: User, receipt_code: str) -> Suggestion:
    """The master case for a merge, by its receipt code, among cases the actor may see."""
    code = codes.normalise(receipt_code)
    case_id = session.scalar(sa.select(Suggestion.id).where(Suggestion.receipt_code == code))
    if case_id is None:
        raise NotFound(receipt_code)
    return get_case_for(session, actor, case_id)


def _require(value: str, field: str) -> None:
    if not (value or "").strip():
        raise Refused(f"missing_{field}")
