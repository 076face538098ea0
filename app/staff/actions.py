"""What each case action needs from the form, and how its refusal and its success read."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import services
from app.config import clocks
from app.core.labels import decision_heads
from app.domain.workflow import Action
from app.core.extensions import db
from app.services import directory, publications
from app.staff.forms import CaseActionForm

# Why a step was refused, by the reason app/domain/policy.py or a service gives; numbers come
# from the configured clocks (see message()).
REFUSED = {
    "state": _l("This action is not possible in the case's current state."),
    "role": _l("Your role may not take this action."),
    "unit": _l("Only the unit now holding the case may do this."),
    "report": _l("Only the dispatch centre and supervisors handle a report or accusation."),
    "report_target": _l("A report or accusation stays with the dispatch centre: it is neither forwarded nor merged."),
    "window": _l("The time allowed for this has passed."),
    "not_forwarded": _l("Only a case forwarded to your unit can be sent back."),
    "once": _l("The deadline has already been extended once."),
    "pending": _l("An extension has already been requested; the unit's lead decides on it."),
    "no_request": _l("There is no request for an extension to decide on."),
    "no_extensions": _l("Extensions are switched off in this county's settings."),
    "days": _l("An extension is 1 to %(max)d days."),
    "target": _l("Choose another active unit."),
    "assignee": _l("Choose a person of the unit holding the case."),
    "master": _l("The master case must be another open case."),
    "has_merged": _l("Other cases are merged into this one: it cannot be merged or marked as a report."),
    "not_due": _l("Only overdue cases and cases due within %(days)d days can be urged."),
    "phone": _l("Only the people of the unit holding the case may see the phone number."),
    "no_phone": _l("The citizen gave no phone number."),
    "missing_reason": _l("Please give a reason."),
    "missing_text": _l("Please write the note."),
    "missing_body": _l("Please write the reply."),
    "missing_claim": _l("A complaint's decision needs the citizen's claim."),
    "missing_facts": _l("A complaint's decision needs the facts found."),
    "missing_decision": _l("A complaint's decision needs the decision."),
    "missing_basis": _l("A complaint's decision needs its basis."),
    "consent": _l("The citizen did not agree to publication: this case cannot be proposed for the public board."),
    "pub_state": _l("This answer is not waiting for this step (already proposed, published or withdrawn)."),
    "pub_empty": _l("The published question and answer may not be empty."),
    "pub_flags": _l("Some parts may still name a person (listed above): edit them out, or tick the box to say "
                    "you read them and they name no one."),
}
# A refusal that comes from the case's state or clock answers 409 (try again later, or not at all).
CONFLICTING = frozenset({"state", "window", "once", "pending", "no_request"})
DONE = {
    Action.ACCEPT: _l("Accepted."), Action.REJECT: _l("Not accepted; the citizen sees your reason."),
    Action.FORWARD: _l("Forwarded."), Action.RETURN: _l("Sent back to the dispatch centre."),
    Action.ASSIGN: _l("Assigned."), Action.NOTE: _l("Note added."), Action.REPLY: _l("Reply sent."),
    Action.REQUEST_EXTENSION: _l("Extension requested; the unit's lead decides on it."),
    Action.EXTEND: _l("Deadline extended; the citizen sees the new date and your reason."),
    Action.REFUSE_EXTENSION: _l("Extension refused; the deadline stands."),
    Action.MERGE: _l("Merged into the master case."),
    Action.URGE: _l("Urged."), Action.MARK_REPORT: _l("Marked as a report; now with the dispatch centre."),
}


def message(reason: str, clocks) -> str:
    """A refusal in the page's language, with the configured numbers in it."""
    text = REFUSED.get(reason, REFUSED["state"])
    return str(text) % {"max": clocks.max_extension_days, "days": clocks.due_soon_days}


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
        return services.reject_case(s, case, me, now, cl, text, version)
    if action is Action.FORWARD:
        return services.forward_case(s, case, me, now, cl, directory.unit(s, form.unit.data), text, version)
    if action is Action.RETURN:
        return services.return_case(s, case, me, now, cl, text, version)
    if action is Action.ASSIGN:
        return services.assign_case(s, case, me, now, cl, directory.person(s, form.assignee.data), version)
    if action is Action.NOTE:
        return services.add_note(s, case, me, now, cl, text)
    if action is Action.REPLY:
        reply = services.reply_to_case(s, case, me, now, cl, _reply_text(form), version)
        if form.propose.data:
            publications.propose(s, case, me, now, cl, decision_heads())
        return reply
    if action is Action.REQUEST_EXTENSION:
        return services.request_extension(s, case, me, now, cl, form.days.data, text, version)
    if action is Action.EXTEND:
        return services.extend_case(s, case, me, now, cl, form.days.data, text, version)
    if action is Action.REFUSE_EXTENSION:
        return services.refuse_extension(s, case, me, now, cl, text, version)
    if action is Action.MERGE:
        return services.merge_case(s, case, me, now, cl, _master(form), version)
    if action is Action.URGE:
        return services.urge_case(s, case, me, now, cl, text, version)
    if action is Action.MARK_REPORT:
        return services.mark_report(s, case, me, now, cl, text, version)
    raise LookupError(action)
