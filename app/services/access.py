"""Who sees which cases: the one scope every staff list, page, count, chart and export starts
from, and the loader that 404s a case outside it."""
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import phones
from app.domain.policy import REPORT_ROLES
from app.domain.workflow import Role
from app.models import OrgUnit, Poster, Suggestion, User
from app.services.errors import NotFound

SEES_EVERY_UNIT = frozenset({Role.DISPATCHER})
SEES_SUBTREE = frozenset({Role.SUPERVISOR, Role.ADMIN})


def subtree_ids(session: Session, unit_id: int) -> set[int]:
    """A unit and every unit below it."""
    found, frontier = {unit_id}, [unit_id]
    while frontier:
        children = session.scalars(sa.select(OrgUnit.id).where(OrgUnit.parent_id.in_(frontier))).all()
        frontier = [c for c in children if c not in found]
        found.update(frontier)
    return found


def visible_unit_ids(session: Session, user: User) -> Optional[set[int]]:
    """The units whose cases `user` may see; None means every unit."""
    if user.role in SEES_EVERY_UNIT:
        return None
    if user.role in SEES_SUBTREE:
        return subtree_ids(session, user.unit_id)
    return {user.unit_id}


def sees_reports(user: User) -> bool:
    """Reports and accusations (检举控告, Art. 30) exist, for this user, anywhere at all."""
    return user.role in REPORT_ROLES


def case_scope(session: Session, user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting a query of Suggestion to what `user` may see."""
    units = visible_unit_ids(session, user)
    clause = sa.true() if units is None else Suggestion.unit_id.in_(units)
    if not sees_reports(user):
        clause = sa.and_(clause, Suggestion.is_report.is_(False))
    return clause


def visible_cases(session: Session, user: User) -> sa.Select:
    """SELECT of the cases `user` may see: every staff list and count starts here."""
    return sa.select(Suggestion).where(case_scope(session, user))


def visible_posters(session: Session, user: User) -> list[Poster]:
    """The posters of the units whose cases `user` sees (the inbox's poster filter)."""
    units = visible_unit_ids(session, user)
    query = sa.select(Poster).order_by(Poster.code)
    if units is not None:
        query = query.where(Poster.unit_id.in_(units))
    return list(session.scalars(query))


def get_case_for(session: Session, user: User, case_id: int, *, for_update: bool = False) -> Suggestion:
    """The case `user` may see, or NotFound: another unit's case id reads as no case at all."""
    query = visible_cases(session, user).where(Suggestion.id == case_id)
    if for_update:
        query = query.with_for_update()
    case = session.scalars(query).first()
    if case is None:
        raise NotFound(case_id)
    return case


def mask_phone(phone: Optional[str]) -> str:
    """138****5678 or 0574****5678: what staff see until they reveal the number."""
    return phones.masked(phone)


def can_see(session: Session, user: User, case: Suggestion) -> bool:
    """Whether `user` may still see `case` (after a forward, say)."""
    try:
        get_case_for(session, user, case.id)
    except NotFound:
        return False
    return True
