"""Words for the domain's enums, in the page's language (lazy, resolved at render time)."""
from flask import current_app
from flask_babel import force_locale, gettext as _, lazy_gettext as _l

from app.domain import codes
from app.domain.publication import PubState
from app.domain.workflow import Action, CaseState, Channel, Kind, Rating, Role, Stage

STATUS = {
    CaseState.SUBMITTED: _l("Waiting to be accepted"),
    CaseState.ACCEPTED: _l("Being handled"),
    CaseState.REPLIED: _l("Replied"),
    CaseState.REVIEW: _l("Under review"),
    CaseState.RE_REVIEW: _l("Under re-review"),
    CaseState.CLOSED: _l("Closed"),
    CaseState.REJECTED: _l("Not accepted"),
    CaseState.MERGED: _l("Merged with a related case"),
}

# What each state means, in plain words, for the elder-friendly mode's citizen (app/core/display.py).
STATUS_PLAIN = {
    CaseState.SUBMITTED: _l("Your matter has arrived. The unit will decide how to handle it by the date below."),
    CaseState.ACCEPTED: _l("A unit is working on your matter and will answer you by the date below."),
    CaseState.REPLIED: _l("The unit has answered. Read the answer below and tell us whether you are satisfied."),
    CaseState.REVIEW: _l("You were not satisfied, so a higher unit is looking at your matter again."),
    CaseState.RE_REVIEW: _l("The unit above that one is looking at your matter once more. Its answer is final."),
    CaseState.CLOSED: _l("Your matter is finished."),
    CaseState.REJECTED: _l("The unit could not take on your matter. The reason is written under Progress."),
    CaseState.MERGED: _l("Your matter is handled together with the same matter told by other people."),
}

KIND = {
    Kind.SUGGESTION: _l("Suggestion"),
    Kind.COMPLAINT: _l("Complaint"),
    Kind.CONSULTATION: _l("Question"),
    Kind.PRAISE: _l("Praise"),
}

CHANNEL = {
    Channel.POSTER: _l("Posted QR code"),
    Channel.WEB: _l("Website"),
    Channel.COUNTER: _l("Service counter"),
    Channel.HOTLINE: _l("Hotline"),
    Channel.OPEN311: _l("Partner system (Open311)"),
}

ROLE = {
    Role.HANDLER: _l("Handler"),
    Role.LEAD: _l("Unit lead"),
    Role.DISPATCHER: _l("Dispatcher"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Administrator"),
}

# How each public event reads on the citizen's timeline.
EVENT = {
    Action.SUBMIT: _l("Received"),
    Action.ACCEPT: _l("Accepted for handling"),
    Action.REJECT: _l("Not accepted"),
    Action.FORWARD: _l("Forwarded to the responsible unit"),
    Action.RETURN: _l("Sent back to the dispatch centre"),
    Action.ASSIGN: _l("Assigned"),
    Action.NOTE: _l("Note"),
    Action.REPLY: _l("Replied"),
    Action.REQUEST_EXTENSION: _l("Extension requested"),
    Action.EXTEND: _l("Deadline extended"),
    Action.REFUSE_EXTENSION: _l("Extension refused"),
    Action.MERGE: _l("Merged with a related case"),
    Action.URGE: _l("Urged by a supervisor"),
    Action.MARK_REPORT: _l("Marked as a report"),
    Action.RATE: _l("Rated"),
    Action.REQUEST_REVIEW: _l("Review requested"),
    Action.FOLLOW_UP: _l("Follow-up message"),
    Action.CLOSE: _l("Closed"),
    Action.FLAG_OVERDUE: _l("Overdue"),
    Action.REVEAL_PHONE: _l("Phone number viewed"),
}


# The button of each staff action.
ACTION = {
    Action.ACCEPT: _l("Accept"),
    Action.REJECT: _l("Do not accept"),
    Action.FORWARD: _l("Forward"),
    Action.RETURN: _l("Send back (object to the forward)"),
    Action.ASSIGN: _l("Assign"),
    Action.NOTE: _l("Add an internal note"),
    Action.REPLY: _l("Reply to the citizen"),
    Action.REQUEST_EXTENSION: _l("Ask the lead for more time"),
    Action.EXTEND: _l("Extend the deadline"),
    Action.REFUSE_EXTENSION: _l("Refuse the extension"),
    Action.MERGE: _l("Merge into another case"),
    Action.URGE: _l("Urge"),
    Action.MARK_REPORT: _l("Mark as report / accusation"),
}

# What the message box of each action asks for.
MESSAGE = {
    Action.REJECT: _l("Reason (the citizen sees it)"),
    Action.FORWARD: _l("Reason for forwarding (the citizen sees it)"),
    Action.RETURN: _l("Objection"),
    Action.NOTE: _l("Note (staff only)"),
    Action.REQUEST_EXTENSION: _l("Why more time is needed (the citizen sees it if the lead agrees)"),
    Action.EXTEND: _l("Reason (the citizen sees it)"),
    Action.REFUSE_EXTENSION: _l("Why not (staff only)"),
    Action.URGE: _l("Message to the handling unit"),
    Action.MARK_REPORT: _l("Why (staff only)"),
}

RATING = {
    Rating.SATISFIED: _l("Satisfied"),
    Rating.BASICALLY: _l("Basically satisfied"),
    Rating.UNSATISFIED: _l("Not satisfied"),
}

# The title of a reply's written decision (Arts. 32, 35-36).
STAGE_LETTER = {
    Stage.FIRST: _l("Decision on a petition (信访处理意见书)"),
    Stage.REVIEW: _l("Review decision (复查意见书)"),
    Stage.RE_REVIEW: _l("Re-review decision (复核意见书)"),
}

# The parts of a complaint's written decision, as the reply, the letter and the public board name them.
DECISION_PART = {"claim": _l("The claim"), "facts": _l("Facts found"), "decision": _l("Decision"), "basis": _l("Basis")}


def decision_heads() -> dict[str, str]:
    """Each decision part's head ("信访事项：") in the default language: a published answer is
    one text for every reader of the board (app/services/publications.py answer_text)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return {part: _("%(part)s: %(text)s", part=label, text="") for part, label in DECISION_PART.items()}


STAGE_REPLY = {
    Stage.FIRST: _l("Reply"),
    Stage.REVIEW: _l("Review answer"),
    Stage.RE_REVIEW: _l("Re-review answer (final)"),
}

# Where an answer stands on its way to the public board (by the stored value).
PUBLICATION = {
    PubState.PROPOSED.value: _l("proposed, waiting for the lead"),
    PubState.PUBLISHED.value: _l("published"),
    PubState.DECLINED.value: _l("declined by the lead"),
    PubState.UNPUBLISHED.value: _l("withdrawn from the board"),
}


RE_REVIEW_REQUESTED = _l("Re-review requested")
# A review's answer on a timeline is that review's (复查意见, 复核意见), not a plain "Replied".
REVIEW_ANSWERED = {CaseState.REVIEW: _l("Review answered"), CaseState.RE_REVIEW: _l("Re-review answered")}


def status_label(case) -> str:
    """How a case's state reads to its citizen: a case answered under review is answered with the
    review's (复查意见) or re-review's (复核意见) answer, as its timeline and SMS say."""
    if case.status is CaseState.REPLIED and case.stage is not Stage.FIRST:
        return REVIEW_ANSWERED[CaseState(case.stage.value)]
    return STATUS[case.status]


def event_label(event) -> str:
    """How an event reads on a timeline: a request after a review answer is a re-review (复核),
    and an answer given under review is the review's or re-review's."""
    if event.action is Action.REQUEST_REVIEW and event.to_status is CaseState.RE_REVIEW:
        return RE_REVIEW_REQUESTED
    if event.action is Action.REPLY and event.from_status in REVIEW_ANSWERED:
        return REVIEW_ANSWERED[event.from_status]
    return EVENT[event.action]


def init_app(app) -> None:
    """Make the label tables available to every template."""
    app.jinja_env.globals.update(
        STATUS_LABEL=STATUS, STATUS_PLAIN=STATUS_PLAIN, KIND_LABEL=KIND, CHANNEL_LABEL=CHANNEL, ROLE_LABEL=ROLE,
        ACTION_LABEL=ACTION, MESSAGE_LABEL=MESSAGE, RATING_LABEL=RATING, STAGE_REPLY_LABEL=STAGE_REPLY,
        STAGE_LETTER_LABEL=STAGE_LETTER, PUB_LABEL=PUBLICATION,
        event_label=event_label, status_label=status_label,
    )
    app.jinja_env.filters["grouped"] = codes.grouped  # a receipt code as printed: 7ZR-47X-K3D
