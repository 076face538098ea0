"""The staff inbox: the cases a user may see, filtered, nearest deadline first, keyset-paged."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.domain import phones
from app.domain.deadlines import Clocks
from app.domain.policy import may_see_phone
from app.domain.workflow import OPEN_STATES, CaseState
from app.models import Category, OrgUnit, Poster, Suggestion, User
from app.services.access import case_scope, mask_phone, visible_cases
from app.services.audit import record_audit
from app.services.duties import due_soon, is_open, overdue
from app.services.uploads import photo_count

PAGE_SIZE = 25


@dataclass(frozen=True)
class InboxFilter:
    """What a staff member narrows the inbox to; every field optional."""

    status: str = "open"  # "open", "all" or a CaseState value
    category_id: Optional[int] = None
    poster_id: Optional[int] = None
    channel: Optional[str] = None
    date_from: Optional[date] = None
    date_to: Optional[date] = None
    overdue: bool = False
    due_soon: bool = False
    extension_requested: bool = False  # a handler's request waits for the lead (Art. 34)
    q: str = ""


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after this (deadline, id)."""

    due_at: Optional[datetime]
    id: int


def filtered(session: Session, user: User, f: InboxFilter, now: datetime, clocks: Clocks) -> sa.Select:
    """The SELECT of the cases matching a filter, scoped to what `user` may see."""
    zone = clocks.calendar.zone
    query = visible_cases(session, user)
    if f.status == "open" and not (f.overdue or f.due_soon):
        # Overdue and due soon say open already: the same IN list twice made PostgreSQL
        # guess a few dozen rows and read every overdue case (80 ms at 1 M cases) for a page.
        query = query.where(is_open())
    elif f.status in {s.value for s in CaseState}:
        query = query.where(Suggestion.status == CaseState(f.status))
    for column, value in ((Suggestion.category_id, f.category_id), (Suggestion.poster_id, f.poster_id),
                          (Suggestion.channel, f.channel)):
        if value:
            query = query.where(column == value)
    if f.date_from:
        query = query.where(Suggestion.created_at >= datetime.combine(f.date_from, time.min, zone))
    if f.date_to:
        query = query.where(Suggestion.created_at < datetime.combine(f.date_to + timedelta(days=1), time.min, zone))
    if f.overdue:
        query = query.where(overdue(now))
    if f.due_soon:
        query = query.where(due_soon(now, clocks))
    if f.extension_requested:
        query = query.where(Suggestion.extension_request_days.is_not(None))
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


def count(session: Session, query: sa.Select) -> int:
    """How many cases a filtered query holds (an export counts them before it starts)."""
    return session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0


COUNTED = tuple(OPEN_STATES | {CaseState.REPLIED})


def pending_extensions(session: Session, user: User) -> int:
    """How many visible cases wait for a lead's decision on an extension."""
    query = (sa.select(sa.func.count()).select_from(Suggestion)
             .where(case_scope(session, user), Suggestion.extension_request_days.is_not(None)))
    return session.scalar(query) or 0


def counts_by_status(session: Session, user: User) -> dict[CaseState, int]:
    """How many visible cases wait in each live state (closed ones are for the dashboard)."""
    query = (sa.select(Suggestion.status, sa.func.count())
             .where(case_scope(session, user), Suggestion.status.in_(COUNTED))
             .group_by(Suggestion.status))
    return {CaseState(status): n for status, n in session.execute(query)}


class ExportRow(NamedTuple):
    """One case of an inbox export, its phone masked (in its column and in the text) unless the
    phone policy allows it.

    A tuple, not a frozen dataclass: made once per exported row, it costs a third as much."""

    receipt_code: str
    created_at: datetime
    kind: str
    category: str
    channel: str
    poster: str
    unit: str
    status: str
    due_at: Optional[datetime]
    text: str
    location: str
    citizen_name: str
    phone: str
    photos: int = 0  # the citizen's photos and letter (app/services/uploads.py)


def export_rows(session: Session, user: User, query: sa.Select, lang: str, unmasked: frozenset[int]):
    """The rows of an inbox export, streamed; only the cases in `unmasked` show a full phone, in
    its column or in the citizen's text and place (app/domain/phones.py finds it there)."""
    cases = query.subquery()
    # An English export names units and matters as the English pages do: in English where named.
    unit_name = sa.func.coalesce(sa.func.nullif(OrgUnit.name_en, ""), OrgUnit.name) if lang == "en" else OrgUnit.name
    category_name = (sa.func.coalesce(sa.func.nullif(Category.name_en, ""), Category.name) if lang == "en"
                     else Category.name)
    rows = (sa.select(cases.c.id, cases.c.receipt_code, cases.c.created_at, cases.c.kind, category_name,
                      cases.c.channel, Poster.code, unit_name, cases.c.status, cases.c.due_at, cases.c.text,
                      cases.c.location, cases.c.citizen_name, cases.c.citizen_phone, photo_count(cases.c.id))
            .join(OrgUnit, OrgUnit.id == cases.c.unit_id)
            .outerjoin(Category, Category.id == cases.c.category_id)
            .outerjoin(Poster, Poster.id == cases.c.poster_id)
            .order_by(cases.c.due_at.asc().nulls_last(), cases.c.id))
    if session.get_bind().dialect.name == "postgresql":
        # Streamed through a server-side cursor, which PostgreSQL plans for its first tenth
        # of rows: it walked every case in deadline order, filtering (seconds at 2 M cases).
        # The whole export is read, so plan for all of it: a range scan and one sort.
        session.execute(sa.text("SET LOCAL cursor_tuple_fraction = 1.0"))
    for row in session.execute(rows.execution_options(yield_per=2000)):
        (case_id, code, created, kind, category, channel, poster, unit, status, due, text, location,
         name, phone, photos) = row
        if case_id in unmasked:
            shown = phones.shown(phone)
        else:  # masked: the phone the citizen typed into their words too, however typed
            shown, text = mask_phone(phone), phones.mask_in_text(text or "")
            location = phones.mask_in_text(location or "")
        yield ExportRow(code, _aware(created), kind, category or "", channel, poster or "", unit, status,
                        _aware(due), text, location, name or "", shown or "", photos)


def reveal_for_export(session: Session, user: User, query: sa.Select, now: datetime,
                      address: str = "") -> frozenset[int]:
    """The cases of an export whose phone `user` may see in full (app/domain/policy.py
    may_see_phone, the rule of the case page); each one is audited, by case, before a byte goes out."""
    cases = query.subquery()
    candidates = session.execute(sa.select(cases.c.id, cases.c.unit_id, cases.c.is_report)
                                 .where(cases.c.citizen_phone.is_not(None))).all()
    revealed = frozenset(row.id for row in candidates if may_see_phone(user, row))
    for case_id in sorted(revealed):
        record_audit(session, now, "export_phone", actor=user, target=f"case:{case_id}", address=address)
    return revealed


def _aware(value: Optional[datetime]) -> Optional[datetime]:
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value
