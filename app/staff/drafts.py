"""A case action posted after its session ended keeps its text through the sign-in.

When a staff POST to a case action arrives with an idle or outlived session
(app/staff/sessions.py) or none (app/staff/__init__.py), its form fields, but never the CSRF
token or the page version, are stored server-side (app/services/drafts.py: the session
cookie's 4 KB would not hold a decision letter) under a random id that rides in the session.
The sign-in then returns to the case page, which shows the fields again with a notice that
nothing was sent. The CSRF check runs first, so another site cannot plant a draft.
"""
from typing import Optional

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _

from app.core.db import utcnow
from app.core.extensions import db
from app.services.drafts import keep_draft, take_draft
from app.staff.forms import LONG, CaseActionForm

SESSION_KEY = "_staff_draft"
# What a case action's form holds, less its CSRF token and its page version.
FIELDS = ("message", "unit", "assignee", "days", "master_code", "body", "claim", "facts", "decision", "basis")
NUMBERS = ("unit", "assignee", "days")
ENDPOINT = "staff.cases.act"


def keep(user_id: Optional[int]):
    """If this request posts a case action, keep its fields and return the redirect to sign in
    that comes back to the case page; else None. The caller commits."""
    if request.method != "POST" or request.endpoint != ENDPOINT:
        return None
    case_id = (request.view_args or {}).get("case_id")
    fields = {name: request.form.get(name, "")[:LONG] for name in FIELDS if request.form.get(name)}
    if not isinstance(case_id, int) or not fields:
        return None
    session[SESSION_KEY] = keep_draft(db.session, utcnow(), case_id, user_id, fields)
    return redirect(url_for("staff.auth.login", next=url_for("staff.cases.show", case_id=case_id)), code=303)


def pending() -> bool:
    """Whether this session holds a kept draft's id."""
    return isinstance(session.get(SESSION_KEY), str)


def restore(case_id: int, user_id: int) -> Optional[CaseActionForm]:
    """The case page's form filled from this session's kept draft of this case, if any; a
    draft taken or too old is deleted (the view commits)."""
    draft_id = session.get(SESSION_KEY)
    if not isinstance(draft_id, str):
        return None
    fields, gone = take_draft(db.session, utcnow(), draft_id, case_id, user_id)
    if gone:
        session.pop(SESSION_KEY, None)
    if fields is None:
        return None
    for name in NUMBERS:
        value = fields.pop(name, "")
        if isinstance(value, str) and value.isdigit():
            fields[name] = int(value)
    flash(_("You were signed out before this was sent. What you wrote is kept below: it has not "
            "been sent yet. Check it and send it again."), "error")
    return CaseActionForm(formdata=None, data=fields)
