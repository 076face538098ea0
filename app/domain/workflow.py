"""The case lifecycle: states, kinds, channels, roles and actions.

The transition table (which action a role may take in which state) lives here too,
so that services apply it and views only translate.
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
    EXTEND = "extend"
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
