"""Periodic work: flag what became overdue, close what timed out, forget old address marks. Idempotent and safe on
several nodes at once: each row is claimed with FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite
serialises writers anyway), and a row already handled no longer matches the query."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.deadlines import Clocks
from app.domain.workflow import Action, CaseState
from app.models import CaseEvent, Suggestion
from app.services.duties import overdue
from app.services.feedback import close_case
from app.services.retention import forget_client_marks

BATCH = 500


@dataclass
class SweepResult:
    """What one sweep did."""

    flagged: int = 0
    closed: int = 0
    marks_cleared: int = 0  # addresses' marks past their week (app/services/retention.py)


def _claim(session: Session, where) -> list[Suggestion]:
    query = sa.select(Suggestion).where(*where).order_by(Suggestion.id).limit(BATCH)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def sweep(session: Session, now: datetime, clocks: Clocks) -> SweepResult:
    """Flag overdue duties and close replied cases whose window is over; flushes each batch."""
    result = SweepResult()
    while batch := _claim(session, [overdue(now), Suggestion.overdue_at.is_(None)]):
        for case in batch:
            case.overdue_at = now
            session.add(CaseEvent(suggestion_id=case.id, at=now, action=Action.FLAG_OVERDUE,
                                  from_status=case.status, to_status=case.status,
                                  from_unit_id=case.unit_id, to_unit_id=case.unit_id, public=False))
        result.flagged += len(batch)
        session.flush()
    while batch := _claim(session, [Suggestion.status == CaseState.REPLIED,
                                    Suggestion.window_ends_at <= now]):
        for case in batch:
            close_case(session, case, now, clocks)
        result.closed += len(batch)
    result.marks_cleared = forget_client_marks(session, now)
    return result
