"""Who and where a staff step can name: the units a case can go to, the people it can be given
to, the units a leader's figures can cover. The steps check the same rules when they run."""
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.core.bounds import DB_INT_MAX
from app.domain.workflow import STAFF_CASE_ROLES
from app.models import OrgUnit, Suggestion, User
from app.services.access import visible_unit_ids
from app.services.errors import Refused


def forward_targets(session: Session, case: Suggestion) -> list[OrgUnit]:
    """The active units a case can be forwarded to: any but the one holding it."""
    return list(session.scalars(sa.select(OrgUnit).where(OrgUnit.active, OrgUnit.id != case.unit_id)
                                .order_by(OrgUnit.kind, OrgUnit.id)))


def assignees(session: Session, case: Suggestion) -> list[User]:
    """The active people of the unit holding a case who can work on it."""
    return list(session.scalars(sa.select(User).where(User.unit_id == case.unit_id, User.active,
                                                      User.role.in_(STAFF_CASE_ROLES)).order_by(User.username)))


def unit(session: Session, unit_id: Optional[int]) -> OrgUnit:
    """A unit named by a form, or Refused("target")."""
    found = session.get(OrgUnit, unit_id) if unit_id and 0 < unit_id <= DB_INT_MAX else None
    if found is None:
        raise Refused("target")
    return found


def person(session: Session, user_id: Optional[int]) -> User:
    """A staff account named by a form, or Refused("assignee")."""
    found = session.get(User, user_id) if user_id and 0 < user_id <= DB_INT_MAX else None
    if found is None:
        raise Refused("assignee")
    return found


def scope_units(session: Session, user: User) -> list[OrgUnit]:
    """The units whose figures `user` may look at (their dashboard's choices)."""
    ids = visible_unit_ids(session, user)
    query = sa.select(OrgUnit).order_by(OrgUnit.kind, OrgUnit.id)
    if ids is not None:
        query = query.where(OrgUnit.id.in_(ids))
    return list(session.scalars(query))
