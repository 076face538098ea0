"""The staff inbox: the cases a user may see, filtered, nearest deadline first, keyset-paged."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.domain.workflow import OPEN_STATES, CaseState
from app.models import Suggestion, User
from app.services.access import case_scope

PAGE_SIZE = 25
DUE_SOON = timedelta(days=3)
FAR_FUTURE = datetime(9999, 1, 1)


@dataclass(frozen=True)
class InboxFilter:
    """What a staff member narrows the inbox to; every field optional."""

    status: str = "open"  # "open", "all" or a CaseState value
    category_id: Optional[int] = None
    poster_id: Optional[int] = None
    channel: Optional[str] = None
    kind: Optional[str] = None
    unit_id: Optional[int] = None
    date_from: Optional[date] = None
    date_to: Optional[date] = None
    overdue: bool = False
    due_soon: bool = False
    q: str = ""


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after this (deadline, id)."""

    due_at: Optional[datetime]
    id: int


def filtered(session: Session, user: User, f: InboxFilter, now: datetime, zone) -> sa.Select:
    """The SELECT of the cases matching a filter, scoped to what `user` may see."""
    query = sa.select(Suggestion).where(case_scope(session, user))
    if f.status == "open":
        query = query.where(Suggestion.status.in_(OPEN_STATES))
    elif f.status in {s.value for s in CaseState}:
        query = query.where(Suggestion.status == CaseState(f.status))
    for column, value in ((Suggestion.category_id, f.category_id), (Suggestion.poster_id, f.poster_id),
                          (Suggestion.channel, f.channel), (Suggestion.kind, f.kind),
                          (Suggestion.unit_id, f.unit_id)):
        if value:
            query = query.where(column == value)
    if f.date_from:
        query = query.where(Suggestion.created_at >= datetime.combine(f.date_from, time.min, zone))
    if f.date_to:
        query = query.where(Suggestion.created_at < datetime.combine(f.date_to + timedelta(days=1), time.min, zone))
    if f.overdue:
        query = query.where(Suggestion.due_at <= now)
    if f.due_soon:
        query = query.where(Suggestion.due_at > now, Suggestion.due_at <= now + DUE_SOON)
    if f.q.strip():
        needle = f.q.strip()
        code = needle.replace("-", "").upper()
        like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(sa.or_(Suggestion.receipt_code == code,
                                   Suggestion.text.like(like, escape="\\"),
                                   Suggestion.location.like(like, escape="\\")))
    return query


def page(session: Session, query: sa.Select, after: Optional[Cursor]) -> tuple[list[Suggestion], Optional[Cursor]]:
    """One page, nearest deadline first (cases with none last), and the cursor of the next."""
    if after is not None:
        if after.due_at is None:
            query = query.where(Suggestion.due_at.is_(None), Suggestion.id > after.id)
        else:
            query = query.where(sa.or_(
                Suggestion.due_at > after.due_at,
                sa.and_(Suggestion.due_at == after.due_at, Suggestion.id > after.id),
                Suggestion.due_at.is_(None),
            ))
    query = query.order_by(Suggestion.due_at.asc().nulls_last(), Suggestion.id.asc())
    query = query.options(selectinload(Suggestion.unit), selectinload(Suggestion.category))
    rows = list(session.scalars(query.limit(PAGE_SIZE + 1)))
    if len(rows) <= PAGE_SIZE:
        return rows, None
    rows = rows[:PAGE_SIZE]
    return rows, Cursor(rows[-1].due_at, rows[-1].id)


COUNTED = tuple(OPEN_STATES | {CaseState.REPLIED})


def counts_by_status(session: Session, user: User) -> dict[CaseState, int]:
    """How many visible cases wait in each live state (closed ones are for the dashboard)."""
    query = (sa.select(Suggestion.status, sa.func.count())
             .where(case_scope(session, user), Suggestion.status.in_(COUNTED))
             .group_by(Suggestion.status))
    return {CaseState(status): n for status, n in session.execute(query)}
