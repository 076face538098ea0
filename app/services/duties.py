"""Overdue and due soon, as SQL: the one definition the sweep, the lists, the supervision page
and the figures filter by (app/domain/deadlines.py Clocks says the same of one deadline)."""
from datetime import datetime

import sqlalchemy as sa

from app.domain.deadlines import Clocks
from app.domain.workflow import OPEN_STATES
from app.models import Suggestion


def is_open() -> sa.ColumnElement[bool]:
    """The case waits for someone to act (a duty with a deadline)."""
    return Suggestion.status.in_(OPEN_STATES)


def overdue(now: datetime) -> sa.ColumnElement[bool]:
    """Open, and its current duty's deadline has passed."""
    return sa.and_(is_open(), Suggestion.due_at <= now)


def due_soon(now: datetime, clocks: Clocks) -> sa.ColumnElement[bool]:
    """Open, not yet overdue, and due within YIMA_DUE_SOON_DAYS local days."""
    return sa.and_(is_open(), Suggestion.due_at > now, Suggestion.due_at <= clocks.due_soon_until(now))


def needs_attention(now: datetime, clocks: Clocks) -> sa.ColumnElement[bool]:
    """Overdue or due soon: what supervisors list and may urge (督办)."""
    return sa.and_(is_open(), Suggestion.due_at <= clocks.due_soon_until(now))
