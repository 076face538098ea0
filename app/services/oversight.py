"""What supervisors and leads look at besides the inbox: the cases needing attention (督办) and a
unit's overdue list. Both start from the one case scope, so a report never shows to a role that
may not open it."""
from datetime import datetime

from sqlalchemy.orm import Session, selectinload

from app.domain.deadlines import Clocks
from app.models import Suggestion, User
from app.services.access import visible_cases
from app.services.duties import needs_attention, overdue


def attention_list(session: Session, user: User, now: datetime, clocks: Clocks) -> list[Suggestion]:
    """Overdue and due-soon cases the user sees, by unit and nearest deadline (the supervision page)."""
    query = (visible_cases(session, user).where(needs_attention(now, clocks))
             .order_by(Suggestion.unit_id, Suggestion.due_at, Suggestion.id)
             .options(selectinload(Suggestion.unit)))
    return list(session.scalars(query))


def overdue_at_unit(session: Session, user: User, unit_id: int, now: datetime) -> list[Suggestion]:
    """The overdue cases a unit holds, among those the user sees (a unit's page)."""
    query = (visible_cases(session, user).where(Suggestion.unit_id == unit_id, overdue(now))
             .order_by(Suggestion.due_at, Suggestion.id))
    return list(session.scalars(query))

