"""Who sees which cases: the one place that scopes queries and loads a case for an actor."""
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.workflow import Role
from app.models import OrgUnit, Suggestion, User
from app.services.errors import NotFound

SEES_EVERY_UNIT = frozenset({Role.DISPATCHER})
SEES_SUBTREE = frozenset({Role.SUPERVISOR, Role.ADMIN})
SEES_REPORTS = frozenset({Role.DISPATCHER, Role.SUPERVISOR})


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


def case_scope(session: Session, user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting a query of Suggestion to what `user` may see."""
    units = visible_unit_ids(session, user)
    clause = sa.true() if units is None else Suggestion.unit_id.in_(units)
    if user.role not in SEES_REPORTS:
        clause = sa.and_(clause, Suggestion.is_report.is_(False))
    return clause


def get_case_for(session: Session, user: User, case_id: int, *, for_update: bool = False) -> Suggestion:
    """The case `user` may see, or NotFound: another unit's case id reads as no case at all."""
    query = sa.select(Suggestion).where(Suggestion.id == case_id, case_scope(session, user))
    if for_update:
        query = query.with_for_update()
    case = session.scalars(query).first()
    if case is None:
        raise NotFound(case_id)
    return case


def can_see_phone(user: User) -> bool:
    """Leads and supervisors may reveal a citizen's phone number (each reveal is audited)."""
    return user.role in (Role.LEAD, Role.SUPERVISOR)


def mask_phone(phone: Optional[str]) -> str:
    """138****5678: what staff see until they reveal the number."""
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:]


def can_see(session: Session, user: User, case: Suggestion) -> bool:
    """Whether `user` may still see `case` (after a forward, say)."""
    try:
        get_case_for(session, user, case.id)
    except NotFound:
        return False
    return True
