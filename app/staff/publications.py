"""`/staff/publications`: the answers proposed for the public board and those on it. The unit's
lead reads each question and answer beside its redacted text, edits the redacted text, approves
or declines; a published one is taken down in one click. Who may is app/domain/policy.py's
publication_refusal(); every step is audited (app/services/publications.py)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import services
from app.config import clocks
from app.core.db import utcnow
from app.core.extensions import db
from app.core.labels import decision_heads
from app.domain.policy import Area, PubStep, publication_refusal
from app.domain.redaction import flags, marked
from app.services import publications
from app.staff import actions
from app.staff.auth import area_required
from app.staff.forms import PublicationForm

bp = Blueprint("publications", __name__)

DONE = {PubStep.APPROVE: _l("Published on the public board."), PubStep.DECLINE: _l("Declined: it stays private."),
        PubStep.UNPUBLISH: _l("Withdrawn from the public board.")}
STEPS = {step.value: step for step in (PubStep.APPROVE, PubStep.DECLINE, PubStep.UNPUBLISH)}
KIND = {"phone": _l("phone number"), "id_card": _l("ID number"), "email": _l("e-mail address"),
        "qq": _l("QQ number"), "wechat": _l("WeChat ID"), "plate": _l("licence plate"), "address": _l("house number"),
        "name": _l("name")}
FLAG = {"digits": _l("a long number left in clear"), "name": _l("may be a person's name")}


@bp.get("/publications", endpoint="index")
@area_required(Area.PUBLICATIONS)
def index():
    """What the unit proposed and has on the board (an administrator: every unit's)."""
    return render_template("staff/publications.html", rows=publications.queue_for(db.session, current_user))


def _load(publication_id: int):
    try:
        return publications.get_publication(db.session, publication_id)
    except services.NotFound:
        abort(404)


def _marked(redacted):
    return marked(redacted.text, redacted.spans, flags(redacted.text))


def render_publication(found, form=None, status: int = 200):
    """The side-by-side page: originals (for who may see the case) and the redacted texts, what
    was masked marked, and what may still name a person flagged above the lead's edit."""
    may = {step: publication_refusal(current_user, found.case, step, found) is None for step in STEPS.values()}
    if not (any(may.values()) or services.can_see(db.session, current_user, found.case)):
        abort(404)
    if form is None:
        form = PublicationForm(question=found.question, answer=found.answer)
    original = services.can_see(db.session, current_user, found.case)
    draft = publications.draft_of(found.case, current_user, heads=decision_heads()) if original else None
    flagged = None
    if may[PubStep.APPROVE]:
        flagged = publications.flagged(*publications.final_texts(found, current_user, form.question.data,
                                                                 form.answer.data))
    return render_template("staff/publication.html", pub=found, form=form, may=may, PubStep=PubStep,
                           draft=draft, flagged=flagged, KIND=KIND, FLAG=FLAG,
                           marks=(_marked(draft.question_redacted), _marked(draft.answer_redacted)) if draft
                           else None), status


@bp.get("/publications/<int:publication_id>", endpoint="show")
def show(publication_id: int):
    """One publication: its texts and the steps the user may take."""
    return render_publication(_load(publication_id))


@bp.post("/publications/<int:publication_id>/<step>", endpoint="act")
def act(publication_id: int, step: str):
    """Approve (with the edited texts), decline or withdraw; a refusal comes back with its reason."""
    if step not in STEPS:
        abort(404)
    found, form, now = _load(publication_id), PublicationForm(), utcnow()
    if not form.validate():
        return render_publication(found, form, 400)
    try:
        if STEPS[step] is PubStep.APPROVE:
            publications.approve(db.session, found, current_user, now, form.question.data, form.answer.data,
                                 flags_seen=bool(form.flags_seen.data))
        elif STEPS[step] is PubStep.DECLINE:
            publications.decline(db.session, found, current_user, now)
        else:
            publications.unpublish(db.session, found, current_user, now)
    except services.Refused as refused:
        db.session.rollback()
        flash(actions.message(refused.reason, clocks(current_app.config)), "error")
        found = _load(publication_id)
        return render_publication(found, form, 403 if refused.reason in ("role", "unit") else 409)
    db.session.commit()
    flash(str(DONE[STEPS[step]]), "success")
    return redirect(url_for("staff.publications.show", publication_id=publication_id), code=303)
