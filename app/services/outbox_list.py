"""The outbox as the admin page lists it: newest first, by status, one page at a time."""
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Session

from app.models import OutboxMessage, UnitChannel

PAGE_SIZES = (20, 50, 100)


@dataclass(frozen=True)
class OutboxPage:
    """One page of messages, and the id to list the older ones from (None on the last page)."""

    messages: list[OutboxMessage]
    older_than: Optional[int]


def list_messages(session: Session, status: Optional[str], size: int,
                  before_id: Optional[int] = None) -> OutboxPage:
    """Messages newest first, of `status` (None: all), `size` of them, with an id below `before_id`.

    Keyed on the id, not an offset: a page stays the same while new messages arrive."""
    query = (sa.select(OutboxMessage)
             .options(orm.joinedload(OutboxMessage.channel).joinedload(UnitChannel.unit))
             .order_by(OutboxMessage.id.desc()).limit(size + 1))
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if before_id is not None:
        query = query.where(OutboxMessage.id < before_id)
    rows = list(session.scalars(query))
    more = len(rows) > size
    rows = rows[:size]
    return OutboxPage(rows, rows[-1].id if more else None)
