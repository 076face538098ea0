"""Staff steps on a case: one function per step, each checks the transition table and the
clocks, records an immutable event, flushes and never commits (the view commits once)."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import codes
from app.domain.deadlines import Clocks
from app.domain.workflow import (
    Action, CaseState, Kind, Role, Stage, TransitionError, WORKING_STATES, transition,
)
from app.models import AuditEvent, CaseEvent, OrgUnit, Reply, Suggestion, User
from app.services.access import can_see_phone, get_case_for
from app.services.errors import Conflict, NotFound, Refused
from app.services.intake import dispatch_centre

# Steps that act for the unit holding the case; the dispatch centre may act on any.
UNIT_BOUND = frozenset({
    Action.ACCEPT, Action.REJECT, Action.FORWARD, Action.RETURN, Action.REPLY,
    Action.EXTEND, Action.MERGE, Action.ASSIGN,
})
URGE_AHEAD = timedelta(days=3)


@dataclass(frozen=True)
class ReplyText:
    """A reply; for a complaint, the structured decision (claim, facts, decision, basis)."""

    body: str = ""
    claim: str = ""
    facts: str = ""
    decision: str = ""
    basis: str = ""


def _step(session: Session, case: Suggestion, actor: User, action: Action, now: datetime,
          version: Optional[int], *, public: bool, message: str = "",
          to_unit: Optional[OrgUnit] = None) -> CaseEvent:
    """Check and record one step; the caller has already changed the case's fields."""
    if version is not None and version != case.version:
        raise Conflict(case.id)
    if action in UNIT_BOUND and actor.role is not Role.DISPATCHER and case.unit_id != actor.unit_id:
        raise Refused("unit")
    try:
        after = transition(case.status, action, actor.role)
    except TransitionError as error:
        raise Refused(error.reason) from None
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
    event = _step(session, case, actor, Action.ACCEPT, now, version, public=True)
    case.accepted_at = case.stage_started_at = now
    case.handled_by_id = case.unit_id  # the unit judged for this case
    case.reply_due_at = case.due_at = clocks.reply_due(now, case.kind.value)
    case.return_due_at = case.overdue_at = None
    _flush(session, case)
    return event


def reject_case(session, case, actor, now, reason: str, version=None) -> CaseEvent:
    """Decline to accept, with a reason the citizen sees."""
    _require(reason, "reason")
    event = _step(session, case, actor, Action.REJECT, now, version, public=True, message=reason)
    case.due_at = case.return_due_at = case.overdue_at = None
    _flush(session, case)
    return event


def forward_case(session, case, actor, now, clocks: Clocks, to_unit: OrgUnit, reason: str,
                 version=None) -> CaseEvent:
    """Send a case to the unit responsible; it gets a fresh acceptance clock."""
    _require(reason, "reason")
    if to_unit.id == case.unit_id or not to_unit.active:
        raise Refused("target")
    if case.is_report and to_unit.kind != "dispatch":
        raise Refused("report")  # Art. 30: never to the unit or person accused
    event = _step(session, case, actor, Action.FORWARD, now, version, public=True,
                  message=reason, to_unit=to_unit)
    _receive(case, to_unit, now, clocks)
    case.return_due_at = clocks.return_due(now)
    _flush(session, case)
    return event


def return_case(session, case, actor, now, clocks: Clocks, objection: str, version=None) -> CaseEvent:
    """Object to a forward within its window: the dispatch centre decides."""
    _require(objection, "reason")
    if case.return_due_at is None or now >= case.return_due_at:
        raise Refused("window")
    centre = dispatch_centre(session)
    event = _step(session, case, actor, Action.RETURN, now, version, public=True,
                  message=objection, to_unit=centre)
    _receive(case, centre, now, clocks)
    case.return_due_at = None
    _flush(session, case)
    return event


def _receive(case: Suggestion, unit: OrgUnit, now: datetime, clocks: Clocks) -> None:
    case.unit_id = unit.id
    case.unit = unit
    case.received_at = now
    case.accept_due_at = case.due_at = clocks.accept_due(now)
    case.accepted_at = case.reply_due_at = case.overdue_at = case.assignee_id = None


def assign_case(session, case, actor, now, assignee: User, version=None) -> CaseEvent:
    """Give the case to a person of the unit holding it."""
    if assignee.unit_id != case.unit_id or not assignee.active:
        raise Refused("assignee")
    event = _step(session, case, actor, Action.ASSIGN, now, version, public=False,
                  message=assignee.display_name or assignee.username)
    case.assignee_id = assignee.id
    _flush(session, case)
    return event


def add_note(session, case, actor, now, text: str) -> CaseEvent:
    """An internal note; the citizen never sees it."""
    _require(text, "text")
    event = _step(session, case, actor, Action.NOTE, now, None, public=False, message=text)
    session.flush()
    return event


def reply_to_case(session, case, actor, now, clocks: Clocks, text: ReplyText, version=None) -> Reply:
    """Answer the citizen; a complaint's answer must be a full decision. Opens the rating window."""
    if case.kind is Kind.COMPLAINT:
        for part in ("claim", "facts", "decision", "basis"):
            _require(getattr(text, part), part)
    else:
        _require(text.body, "body")
    final = case.stage is Stage.RE_REVIEW
    _step(session, case, actor, Action.REPLY, now, version, public=True)  # the text is in Reply
    window_end = clocks.review_window_end(now)
    started_at = case.stage_started_at
    answered_due = case.reply_due_at
    case.replied_at = now
    case.window_ends_at = window_end
    case.due_at = case.overdue_at = None
    case.rating, case.rated_at, case.rating_comment = None, None, ""
    reply = Reply(
        stage=case.stage, unit_id=case.unit_id, author_id=actor.id, at=now,
        body=text.body, claim=text.claim, facts=text.facts, decision=text.decision,
        basis=text.basis, review_until=None if final else window_end, final=final,
        started_at=started_at, due_at=answered_due, category_id=case.category_id,
        poster_id=case.poster_id, channel=case.channel, kind=case.kind,
    )
    case.replies.append(reply)  # loading the list may autoflush: the case is consistent by now
    _flush(session, case)
    return reply


def extend_case(session, case, actor, now, clocks: Clocks, days: int, reason: str,
                version=None) -> CaseEvent:
    """Extend the reply deadline once, by at most 30 days, telling the citizen why."""
    _require(reason, "reason")
    if case.extension_days:
        raise Refused("once")
    if case.reply_due_at is None or case.stage is not Stage.FIRST:
        raise Refused("state")
    try:
        new_due = clocks.extended(case.reply_due_at, days)
    except ValueError:
        raise Refused("days") from None
    event = _step(session, case, actor, Action.EXTEND, now, version, public=True, message=reason)
    case.extension_days = days
    case.reply_due_at = case.due_at = new_due
    if now < new_due:
        case.overdue_at = None
    _flush(session, case)
    return event


def merge_case(session, case, actor, now, master: Suggestion, version=None) -> CaseEvent:
    """Merge a duplicate into a master case: the master's reply then reaches this citizen too."""
    if master.id == case.id or master.status not in (WORKING_STATES | {CaseState.SUBMITTED}):
        raise Refused("master")
    event = _step(session, case, actor, Action.MERGE, now, version, public=True,
                  message=codes.grouped(master.receipt_code))
    case.merged_into_id = master.id
    case.due_at = case.overdue_at = None
    session.add(CaseEvent(suggestion_id=master.id, at=now, action=Action.MERGE, actor_id=actor.id,
                          from_status=master.status, to_status=master.status,
                          message=codes.grouped(case.receipt_code), public=False))
    _flush(session, case)
    return event


def urge_case(session, case, actor, now, message: str, version=None) -> CaseEvent:
    """A supervisor urges a case that is overdue or due within three days (督办)."""
    if case.due_at is None or now < case.due_at - URGE_AHEAD:
        raise Refused("not_due")
    event = _step(session, case, actor, Action.URGE, now, version, public=False, message=message)
    case.urge_count += 1
    _flush(session, case)
    return event


def mark_report(session, case, actor, now, clocks: Clocks, reason: str, version=None) -> CaseEvent:
    """Mark a report or accusation (检举控告): only the dispatch centre and supervisors keep it."""
    if case.is_report:
        raise Refused("state")
    centre = dispatch_centre(session)
    event = _step(session, case, actor, Action.MARK_REPORT, now, version, public=False,
                  message=reason, to_unit=centre)
    case.is_report = True
    if case.unit_id != centre.id:
        _receive(case, centre, now, clocks)
        case.status = CaseState.SUBMITTED
        event.to_status = CaseState.SUBMITTED
    _flush(session, case)
    return event


def reveal_phone(session, case, actor, now, address: str = "") -> str:
    """Show a lead or supervisor the full phone number; every reveal is audited."""
    if not can_see_phone(actor):
        raise Refused("role")
    if not case.citizen_phone:
        raise Refused("no_phone")
    session.add(CaseEvent(suggestion_id=case.id, at=now, action=Action.REVEAL_PHONE,
                          actor_id=actor.id, from_status=case.status, to_status=case.status,
                          public=False))
    session.add(AuditEvent(at=now, user_id=actor.id, username=actor.username,
                           action="reveal_phone", target=f"case:{case.id}", address=address))
    session.flush()
    return case.citizen_phone


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
