"""The case lifecycle: states, kinds, channels, roles and actions.

The transition table (which action a role may take in which state) lives here too; the
rest of "may this person do this now" (the holding unit, report cases, windows) is
app/domain/policy.py, which pages and services both ask.
"""
import enum


class CaseState(str, enum.Enum):
    """Where a case stands; the database guards the values with a CHECK constraint."""

    SUBMITTED = "submitted"  # 待受理
    ACCEPTED = "accepted"  # 办理中
    REPLIED = "replied"  # 已答复
    REVIEW = "review"  # 复查中
    RE_REVIEW = "re_review"  # 复核中
    CLOSED = "closed"  # 已办结
    REJECTED = "rejected"  # 不予受理
    MERGED = "merged"  # 已合并


class Kind(str, enum.Enum):
    """What the citizen says they are filing."""

    SUGGESTION = "suggestion"  # 建议
    COMPLAINT = "complaint"  # 投诉
    CONSULTATION = "consultation"  # 咨询
    PRAISE = "praise"  # 表扬


class Channel(str, enum.Enum):
    """How a case reached Yima."""

    POSTER = "poster"  # a posted QR code
    WEB = "web"  # /submit without a poster
    COUNTER = "counter"  # filed by staff for a walk-in citizen
    HOTLINE = "hotline"  # filed by staff from a phone call
    OPEN311 = "open311"  # filed by a partner's system through Open311 GeoReport v2 (app/open311/)


class Role(str, enum.Enum):
    """What a staff account may do; see the transition table."""

    HANDLER = "handler"
    LEAD = "lead"
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Action(str, enum.Enum):
    """Every event a case can record."""

    SUBMIT = "submit"
    ACCEPT = "accept"
    REJECT = "reject"
    FORWARD = "forward"
    RETURN = "return"
    ASSIGN = "assign"
    NOTE = "note"
    REPLY = "reply"
    REQUEST_EXTENSION = "request_extension"  # a handler asks the lead (Art. 34)
    EXTEND = "extend"  # the lead extends: approves a request, or decides it alone
    REFUSE_EXTENSION = "refuse_extension"
    MERGE = "merge"
    URGE = "urge"
    MARK_REPORT = "mark_report"
    RATE = "rate"
    REQUEST_REVIEW = "request_review"
    FOLLOW_UP = "follow_up"
    CLOSE = "close"
    FLAG_OVERDUE = "flag_overdue"
    REVEAL_PHONE = "reveal_phone"


OPEN_STATES = frozenset({CaseState.SUBMITTED, CaseState.ACCEPTED, CaseState.REVIEW, CaseState.RE_REVIEW})


class Stage(str, enum.Enum):
    """Which answer a case is on: the first, the review (复查) or the re-review (复核)."""

    FIRST = "first"
    REVIEW = "review"
    RE_REVIEW = "re_review"


class Rating(str, enum.Enum):
    """The citizen's verdict on a reply."""

    SATISFIED = "satisfied"  # 满意
    BASICALLY = "basically"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意


CITIZEN = "citizen"
SYSTEM = "system"
# What a case's own citizen does: never shown or told to another citizen (one merged or joined into it).
OWN_CITIZEN_ACTIONS = frozenset({Action.SUBMIT, Action.RATE, Action.REQUEST_REVIEW, Action.FOLLOW_UP})
WORKING_STATES = frozenset({CaseState.ACCEPTED, CaseState.REVIEW, CaseState.RE_REVIEW})
STAFF_CASE_ROLES = frozenset({Role.HANDLER, Role.LEAD, Role.DISPATCHER, Role.SUPERVISOR})
_H, _L, _D, _S = Role.HANDLER, Role.LEAD, Role.DISPATCHER, Role.SUPERVISOR
_S_ = CaseState

# (state, action) -> (who may act, the state after). None keeps the state.
TRANSITIONS: dict[tuple[CaseState, Action], tuple[frozenset, CaseState | None]] = {}


def _allow(states, action: Action, actors, after: CaseState | None = None) -> None:
    for state in states:
        TRANSITIONS[(state, action)] = (frozenset(actors), after)


_allow([_S_.SUBMITTED], Action.ACCEPT, [_H, _L, _D], _S_.ACCEPTED)
_allow([_S_.SUBMITTED], Action.REJECT, [_H, _L, _D], _S_.REJECTED)
_allow([_S_.SUBMITTED, _S_.ACCEPTED], Action.FORWARD, [_H, _L, _D], _S_.SUBMITTED)
_allow([_S_.SUBMITTED], Action.RETURN, [_H, _L], _S_.SUBMITTED)
_allow(OPEN_STATES, Action.ASSIGN, [_L, _D, _S])
_allow(list(CaseState), Action.NOTE, [_H, _L, _D, _S])
_allow(WORKING_STATES, Action.REPLY, [_H, _L, _D, _S], _S_.REPLIED)
_allow([_S_.ACCEPTED], Action.REQUEST_EXTENSION, [_H])
_allow([_S_.ACCEPTED], Action.EXTEND, [_L])
_allow([_S_.ACCEPTED], Action.REFUSE_EXTENSION, [_L])
_allow([_S_.SUBMITTED, _S_.ACCEPTED], Action.MERGE, [_L, _D], _S_.MERGED)
_allow(OPEN_STATES, Action.URGE, [_S])
_allow([_S_.SUBMITTED, _S_.ACCEPTED], Action.MARK_REPORT, [_H, _L, _D, _S])
_allow(list(CaseState), Action.REVEAL_PHONE, [_H, _L, _D, _S])  # of the unit holding it: policy.py
_allow([_S_.REPLIED], Action.RATE, [CITIZEN])
_allow([_S_.MERGED], Action.RATE, [CITIZEN])  # only a joiner (附议) rates the master's answer: policy.py
_allow([_S_.REPLIED], Action.REQUEST_REVIEW, [CITIZEN])  # the stage picks REVIEW or RE_REVIEW
_allow(OPEN_STATES | {_S_.REPLIED}, Action.FOLLOW_UP, [CITIZEN])
_allow([_S_.REPLIED], Action.CLOSE, [SYSTEM, CITIZEN], _S_.CLOSED)
_allow(OPEN_STATES, Action.FLAG_OVERDUE, [SYSTEM])

# Actions staff take from the case page, in the order the page offers them.
STAFF_ACTIONS = (
    Action.ACCEPT, Action.REPLY, Action.FORWARD, Action.RETURN, Action.REJECT, Action.ASSIGN,
    Action.REQUEST_EXTENSION, Action.EXTEND, Action.REFUSE_EXTENSION, Action.MERGE, Action.URGE, Action.MARK_REPORT, Action.NOTE,
)


class TransitionError(Exception):
    """The action is not allowed here; `reason` says why in a word the views translate."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def transition(state: CaseState, action: Action, actor: str) -> CaseState:
    """The state after `actor` (a Role, "citizen" or "system") takes `action`, or TransitionError."""
    rule = TRANSITIONS.get((state, action))
    if rule is None:
        raise TransitionError("state")
    actors, after = rule
    if actor not in actors:
        raise TransitionError("role")
    return after or state


def allowed(state: CaseState, action: Action, actor: str) -> bool:
    """Whether `actor` may take `action` in `state` (before the clocks are checked)."""
    try:
        transition(state, action, actor)
    except TransitionError:
        return False
    return True
