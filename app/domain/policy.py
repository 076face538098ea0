"""May this person take this action on this case now? The one answer pages and services share.

`refusal(actor, case, action, now, clocks)` returns None when the action is allowed, else a
short reason the views translate. The case page offers exactly the actions whose refusal is
None; every service step raises from the same call. Standard library only: `actor` is
anything with `role` and `unit_id` (a staff User, or `Citizen`/`System` below), `case`
anything with the fields of a case (a Suggestion).

What is checked, in order:
1. the transition table (app/domain/workflow.py): the state and the role;
2. report and accusation cases (检举控告, Art. 30): only the dispatch centre and supervisors;
3. the unit: steps that act for the unit holding the case need one of its people (the
   dispatch centre may triage any case: accept, reject, forward, merge);
4. each action's own window or precondition (a forward's 5 working days to object, one
   extension per case, a rating window, a duty due soon enough to urge).

Publishing an answer on the public board (issue 17) is a small workflow of its own beside the
case's, answered by `publication_refusal()`: its steps change no state of the case, are not on
the citizen's timeline, and are audited instead (app/services/audit.py).
"""
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Optional, Protocol

from app.domain.deadlines import Clocks
from app.domain.publication import PubState
from app.domain.workflow import (
    CITIZEN, SYSTEM, Action, CaseState, Rating, Role, Stage, TransitionError, transition,
)


class ActorLike(Protocol):
    role: object
    unit_id: Optional[int]


@dataclass(frozen=True)
class Party:
    """Someone who is not staff: the citizen of the case, or the system's own timers."""

    role: str
    unit_id: Optional[int] = None


CITIZEN_PARTY = Party(CITIZEN)
SYSTEM_PARTY = Party(SYSTEM)

# Steps taken for the unit holding the case.
UNIT_BOUND = frozenset({
    Action.ACCEPT, Action.REJECT, Action.FORWARD, Action.RETURN, Action.REPLY, Action.ASSIGN,
    Action.REQUEST_EXTENSION, Action.EXTEND, Action.REFUSE_EXTENSION, Action.MERGE,
})
# The dispatch centre triages: it may take these on any unit's case. It never answers for
# another unit (a review or re-review is answered by the unit above, Arts. 35-36).
TRIAGE = frozenset({Action.ACCEPT, Action.REJECT, Action.FORWARD, Action.MERGE})
# Who handles a report or accusation at all (Art. 30): never the unit it may accuse.
REPORT_ROLES = frozenset({Role.DISPATCHER, Role.SUPERVISOR})
# Who may see a citizen's phone: the people of the unit holding the case, who must call back.
PHONE_ROLES = frozenset({Role.HANDLER, Role.LEAD, Role.DISPATCHER, Role.SUPERVISOR})


class Area(str, enum.Enum):
    """A part of the staff view that only some roles open (the inbox and cases are everyone's,
    scoped by app/services/access.py)."""

    FILE_FOR_CITIZEN = "file_for_citizen"  # counter and hotline cases
    DASHBOARD = "dashboard"  # statistics, a unit's page, their exports
    SUPERVISION = "supervision"  # overdue and due-soon cases to urge (督办)
    POSTERS = "posters"  # posted codes and their print files
    CHANNELS = "channels"  # the units' DingTalk/WeCom robots and e-mail addresses
    OUTBOX = "outbox"  # every queued message, its errors, and the retry of a dead one
    PUBLICATIONS = "publications"  # answers proposed for the public board, and those on it


POSTERS_OF_SUBTREE = frozenset({Role.ADMIN})  # an admin manages the posters of their whole subtree
POSTERS_OF_OWN_UNIT = frozenset({Role.LEAD})  # a lead, those of their own unit
# Only an admin manages the channels of the units of their subtree: a robot's URL and secret
# let whoever holds them post into a unit's work chat.
CHANNELS_OF_SUBTREE = frozenset({Role.ADMIN})
AREA_ROLES = {
    Area.FILE_FOR_CITIZEN: frozenset({Role.HANDLER, Role.LEAD, Role.DISPATCHER}),
    Area.DASHBOARD: frozenset({Role.LEAD, Role.SUPERVISOR, Role.ADMIN}),
    Area.SUPERVISION: frozenset({Role.SUPERVISOR}),
    Area.POSTERS: POSTERS_OF_SUBTREE | POSTERS_OF_OWN_UNIT,
    Area.CHANNELS: CHANNELS_OF_SUBTREE,
    Area.OUTBOX: frozenset({Role.ADMIN}),  # recipients of every unit: the administrators only
    Area.PUBLICATIONS: frozenset({Role.LEAD, Role.ADMIN}),
}


class PubStep(str, enum.Enum):
    """A step of an answer's way onto the public board."""

    PROPOSE = "propose"  # whoever replied for the unit, with the reply
    APPROVE = "approve"  # the unit's lead, after reading and editing the redacted texts
    DECLINE = "decline"
    UNPUBLISH = "unpublish"  # one click: the unit's lead, or an administrator


PROPOSE_ROLES = frozenset({Role.HANDLER, Role.LEAD, Role.DISPATCHER, Role.SUPERVISOR})
# The lead answers for what their unit says in public; an administrator may only take it down.
PUBLISH_ROLES = frozenset({Role.LEAD})
UNPUBLISH_ROLES = frozenset({Role.LEAD, Role.ADMIN})
_PROPOSABLE = (None, PubState.DECLINED.value, PubState.UNPUBLISHED.value)


def publication_refusal(actor: ActorLike, case, step: PubStep, publication=None) -> Optional[str]:
    """Why `actor` may not take `step` on the publication of `case`, or None if they may.

    `publication` is the case's publication row, if it has one (its status and unit)."""
    status = publication.status if publication is not None else None
    if step is PubStep.UNPUBLISH:  # always possible while it is out, whatever else has changed
        if status != PubState.PUBLISHED.value:
            return "pub_state"
        if actor.role not in UNPUBLISH_ROLES:
            return "role"
        return "unit" if actor.role is Role.LEAD and actor.unit_id != publication.unit_id else None
    if case.is_report:
        return "report"  # never on the board, whatever the consent (Art. 30)
    if not case.publish_consent:
        return "consent"
    if step is PubStep.PROPOSE:
        if actor.role not in PROPOSE_ROLES:
            return "role"
        if actor.unit_id != case.unit_id:
            return "unit"
        return None if status in _PROPOSABLE else "pub_state"
    if actor.role not in PUBLISH_ROLES:
        return "role"
    if actor.unit_id != publication.unit_id:
        return "unit"
    return None if status == PubState.PROPOSED.value else "pub_state"


def may_open(actor: ActorLike, area: Area | str) -> bool:
    """Whether `actor`'s role opens this part of the staff view (others get a 404)."""
    return actor.role in AREA_ROLES[Area(area)]


def refusal(actor: ActorLike, case, action: Action, now: datetime, clocks: Clocks) -> Optional[str]:
    """Why `actor` may not take `action` on `case` at `now`, or None if they may."""
    try:
        transition(case.status, action, actor.role)
    except TransitionError as error:
        if action is Action.RATE and error.reason == "state" and case.rated_at is not None:
            return "rated"  # rated, and closed by it: say so, not "not at this stage"
        return error.reason
    staff = isinstance(actor.role, Role)
    if staff and case.is_report and actor.role not in REPORT_ROLES:
        return "report"
    if staff and action in UNIT_BOUND and case.unit_id != actor.unit_id and not (
            actor.role is Role.DISPATCHER and action in TRIAGE):
        return "unit"
    check = _CHECKS.get(action)
    return check(actor, case, now, clocks) if check else None


def allowed_actions(actor: ActorLike, case, actions, now: datetime, clocks: Clocks) -> list[Action]:
    """The actions of `actions` that `actor` may take now, in the order given."""
    return [a for a in actions if refusal(actor, case, a, now, clocks) is None]


def may_see_phone(actor: ActorLike, case) -> bool:
    """A citizen's phone is for the people of the unit holding the case (who call back): its
    handlers, its lead, the dispatch centre while it holds the case, and the supervisors
    when their unit holds it for review. Always masked until revealed; every reveal audited."""
    return (actor.role in PHONE_ROLES and actor.unit_id == case.unit_id
            and (not case.is_report or actor.role in REPORT_ROLES))


def _return(actor, case, now, clocks):
    if case.return_due_at is None:
        return "not_forwarded"  # only a forwarded case can be sent back
    return "window" if now >= case.return_due_at else None


def _first_answer_open(case) -> Optional[str]:
    if case.stage is not Stage.FIRST or case.reply_due_at is None:
        return "state"
    if case.extension_days:
        return "once"
    return None


def _request_extension(actor, case, now, clocks):
    if clocks.max_extension_days < 1:
        return "no_extensions"
    return _first_answer_open(case) or ("pending" if case.extension_request_days else None)


def _extend(actor, case, now, clocks):
    if clocks.max_extension_days < 1:
        return "no_extensions"
    return _first_answer_open(case)


def _refuse_extension(actor, case, now, clocks):
    return None if case.extension_request_days else "no_request"


def _urge(actor, case, now, clocks):
    return None if clocks.needs_attention(case.due_at, now) else "not_due"


def _forward(actor, case, now, clocks):
    # A report goes to no other unit: the one dispatch centre keeps it (Art. 30).
    return "report_target" if case.is_report else None


def _merge(actor, case, now, clocks):
    if case.is_report:
        return "report_target"  # a master's answer would reach the accuser from the accused
    return "has_merged" if case.merged_cases else None  # its own merged cases would be stranded


def _mark_report(actor, case, now, clocks):
    if case.is_report:
        return "state"
    # The citizens merged into it would read the answer to an accusation.
    return "has_merged" if case.merged_cases else None


def _reveal_phone(actor, case, now, clocks):
    if not may_see_phone(actor, case):
        return "phone"
    return None if case.citizen_phone else "no_phone"


def _window_open(case, now) -> bool:
    return case.window_ends_at is not None and now < case.window_ends_at


def _rate(actor, case, now, clocks):
    if case.rated_at is not None:
        return "rated"
    if case.status is CaseState.MERGED:
        return _rate_joined(case, now, clocks)
    return None if _window_open(case, now) else "window"


# A joiner rates the master's answer while it stands: once it is under review, not until it is answered again.
ANSWERED = frozenset({CaseState.REPLIED, CaseState.CLOSED})


def _rate_joined(case, now, clocks):
    """A citizen who joined (附议) a case rates its master's answer themselves, once, within the
    review window after it; a case merged by staff is rated by its master's citizen only."""
    master = case.merged_into
    if case.joined_at is None or master is None or master.status not in ANSWERED or master.replied_at is None:
        return "state"
    return None if now < clocks.review_window_end(master.replied_at) else "window"


def _request_review(actor, case, now, clocks):
    if case.stage is Stage.RE_REVIEW:
        return "final"
    if case.rating is not Rating.UNSATISFIED:
        return "rate_first"
    return None if _window_open(case, now) else "window"


def _close(actor, case, now, clocks):
    if actor.role == SYSTEM and _window_open(case, now):
        return "window"  # the timers close a replied case only once its window is over
    return None


_CHECKS = {
    Action.RETURN: _return, Action.FORWARD: _forward, Action.MERGE: _merge,
    Action.REQUEST_EXTENSION: _request_extension, Action.EXTEND: _extend,
    Action.REFUSE_EXTENSION: _refuse_extension, Action.URGE: _urge, Action.MARK_REPORT: _mark_report,
    Action.REVEAL_PHONE: _reveal_phone, Action.RATE: _rate, Action.REQUEST_REVIEW: _request_review,
    Action.CLOSE: _close,
}
