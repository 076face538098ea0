"""The citizen closes the loop: rate a reply, ask for review (复查) and re-review (复核), follow up.
Each step asks the one policy (app/domain/policy.py), as the staff steps do."""
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.domain.deadlines import Clocks
from app.domain.policy import CITIZEN_PARTY, SYSTEM_PARTY, Party
from app.domain.workflow import Action, CaseState, Rating, Stage
from app.models import CaseEvent, OrgUnit, Suggestion
from app.services.casework import check
from app.services.errors import Refused
from app.services.intake import dispatch_centre
from app.services.publications import note_rating

RESENT_WINDOW = timedelta(minutes=10)  # a follow-up repeated word for word this soon is the same one sent again
NEXT_STAGE = {Stage.FIRST: (Stage.REVIEW, CaseState.REVIEW), Stage.REVIEW: (Stage.RE_REVIEW, CaseState.RE_REVIEW)}


def _event(session, case, action, now, clocks: Clocks, *, party: Party = CITIZEN_PARTY, after=None,
           message="", to_unit=None, public=True) -> CaseEvent:
    state = check(case, party, action, now, clocks)  # the staff steps' gate: one policy for both
    event = CaseEvent(suggestion_id=case.id, at=now, action=action, from_status=case.status,
                      to_status=after or state, from_unit_id=case.unit_id,
                      to_unit_id=(to_unit or case.unit).id, message=message, public=public)
    session.add(event)
    return event


def rate_reply(session: Session, case: Suggestion, rating: Rating, comment: str, now: datetime,
               clocks: Clocks) -> None:
    """Rate the latest reply once. Satisfied (or a final answer) closes the case; unsatisfied
    leaves the window open to ask for review. A joiner (附议) rates the master's answer: their
    rating counts, and their case stays with the master."""
    _event(session, case, Action.RATE, now, clocks, message=comment)
    case.rating, case.rating_comment, case.rated_at = rating, comment, now
    note_rating(case, now)  # a published answer shows its rating
    joined = case.status is CaseState.MERGED  # stays with its master, which closes on its own
    if not joined and (rating is not Rating.UNSATISFIED or case.stage is Stage.RE_REVIEW):
        _close(session, case, now)
    session.flush()


def request_review(session: Session, case: Suggestion, reason: str, now: datetime, clocks: Clocks) -> OrgUnit:
    """After an unsatisfied rating, within the window after the reply: the next-higher unit
    reviews (复查), and after a review answer the unit above it re-reviews (复核)."""
    stage, state = NEXT_STAGE.get(case.stage, (None, None))
    # A reply leaves the case with the unit that answered; the unit above it reviews.
    reviewer = case.unit.parent or dispatch_centre(session)
    _event(session, case, Action.REQUEST_REVIEW, now, clocks, after=state, message=reason, to_unit=reviewer)
    case.status, case.stage = state, stage
    case.unit_id, case.unit = reviewer.id, reviewer
    case.stage_started_at = now
    case.reply_due_at = case.due_at = clocks.review_answer_due(now)
    case.window_ends_at = case.overdue_at = case.assignee_id = None
    case.rating, case.rated_at, case.rating_comment = None, None, ""
    session.flush()
    return reviewer


def follow_up(session: Session, case: Suggestion, text: str, now: datetime, clocks: Clocks) -> bool:
    """Add a message to an open case; staff see it on the timeline. True if it was added;
    False for the case's last follow-up sent again word for word within RESENT_WINDOW (a
    double click, a resend): it is on the timeline once, and nothing else is added."""
    if not (text or "").strip():
        raise Refused("missing_text")
    last = session.execute(sa.select(CaseEvent.message, CaseEvent.at).where(
        CaseEvent.suggestion_id == case.id, CaseEvent.action == Action.FOLLOW_UP)
        .order_by(CaseEvent.id.desc()).limit(1)).first()
    if last is not None and last.message == text and now - last.at <= RESENT_WINDOW:
        return False
    _event(session, case, Action.FOLLOW_UP, now, clocks, message=text)
    # The row itself does not change, but the case did: its version moves, so tracking pages
    # kept rendered show the message and a handler's form opened before it is refused.
    flag_modified(case, "status")
    session.flush()
    return True


def close_case(session: Session, case: Suggestion, now: datetime, clocks: Clocks,
               party: Optional[Party] = None) -> None:
    """Close a replied case whose rating window is over (the sweep)."""
    check(case, party or SYSTEM_PARTY, Action.CLOSE, now, clocks)
    _close(session, case, now)
    session.flush()


def _close(session: Session, case: Suggestion, now: datetime) -> None:
    session.add(CaseEvent(suggestion_id=case.id, at=now, action=Action.CLOSE,
                          from_status=case.status, to_status=CaseState.CLOSED,
                          from_unit_id=case.unit_id, to_unit_id=case.unit_id, public=True))
    case.status = CaseState.CLOSED
    case.closed_at = now
    case.due_at = case.window_ends_at = None
