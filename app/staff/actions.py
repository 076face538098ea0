"""What each case action needs from the form, and how its refusal and its success read."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import services
from app.config import clocks
from app.core.db import utcnow
from app.domain.workflow import Action
from app.core.extensions import db
from app.models import OrgUnit, User
from app.staff.forms import CaseActionForm

REFUSED = {
    "state": _l("This action is not possible in the case's current state."),
    "role": _l("Your role may not take this action."),
    "unit": _l("Only the unit now holding the case may do this."),
    "window": _l("The time allowed for this has passed."),
    "once": _l("The deadline has already been extended once."),
    "days": _l("An extension is 1 to 30 days."),
    "target": _l("Choose another active unit."),
    "report": _l("A report or accusation can only go to the dispatch centre."),
    "assignee": _l("Choose a person of the unit holding the case."),
    "master": _l("The master case must be another open case."),
    "not_due": _l("Only overdue cases and cases due within 3 days can be urged."),
    "missing_reason": _l("Please give a reason."),
    "missing_text": _l("Please write the note."),
    "missing_body": _l("Please write the reply."),
    "missing_claim": _l("A complaint's decision needs the citizen's claim."),
    "missing_facts": _l("A complaint's decision needs the facts found."),
    "missing_decision": _l("A complaint's decision needs the decision."),
    "missing_basis": _l("A complaint's decision needs its basis."),
}
DONE = {
    Action.ACCEPT: _l("Accepted."), Action.REJECT: _l("Not accepted; the citizen sees your reason."),
    Action.FORWARD: _l("Forwarded."), Action.RETURN: _l("Sent back to the dispatch centre."),
    Action.ASSIGN: _l("Assigned."), Action.NOTE: _l("Note added."), Action.REPLY: _l("Reply sent."),
    Action.EXTEND: _l("Deadline extended."), Action.MERGE: _l("Merged into the master case."),
    Action.URGE: _l("Urged."), Action.MARK_REPORT: _l("Marked as a report; now with the dispatch centre."),
}


def _unit(form):
    unit = db.session.get(OrgUnit, form.unit.data or 0)
    if unit is None:
        raise services.Refused("target")
    return unit


def _assignee(form):
    user = db.session.get(User, form.assignee.data or 0)
    if user is None:
        raise services.Refused("assignee")
    return user


def _master(form):
    try:
        return services.find_master(db.session, current_user, form.master_code.data or "")
    except services.NotFound:
        raise services.Refused("master") from None


def _reply_text(form):
    return services.ReplyText(body=form.body.data or "", claim=form.claim.data or "",
                              facts=form.facts.data or "", decision=form.decision.data or "",
                              basis=form.basis.data or "")


def take(action: Action, case, form: CaseActionForm, now, version: int):
    """Call the service step of `action` with what the form holds."""
    s, me, cl = db.session, current_user, clocks(current_app.config)
    text = form.message.data or ""
    if action is Action.ACCEPT:
        return services.accept_case(s, case, me, now, cl, version)
    if action is Action.REJECT:
        return services.reject_case(s, case, me, now, text, version)
    if action is Action.FORWARD:
        return services.forward_case(s, case, me, now, cl, _unit(form), text, version)
    if action is Action.RETURN:
        return services.return_case(s, case, me, now, cl, text, version)
    if action is Action.ASSIGN:
        return services.assign_case(s, case, me, now, _assignee(form), version)
    if action is Action.NOTE:
        return services.add_note(s, case, me, now, text)
    if action is Action.REPLY:
        return services.reply_to_case(s, case, me, now, cl, _reply_text(form), version)
    if action is Action.EXTEND:
        return services.extend_case(s, case, me, now, cl, form.days.data or 0, text, version)
    if action is Action.MERGE:
        return services.merge_case(s, case, me, now, _master(form), version)
    if action is Action.URGE:
        return services.urge_case(s, case, me, now, text, version)
    if action is Action.MARK_REPORT:
        return services.mark_report(s, case, me, now, cl, text, version)
    raise LookupError(action)
