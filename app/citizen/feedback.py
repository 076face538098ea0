"""The citizen's side of closing the loop: rate, ask for review, add a follow-up message."""
from flask import Blueprint, abort, current_app, flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import services
from app.core import display, ratelimits
from app.core.images import clean_image
from app.core.uploads import take_files
from app.citizen.forms import FollowUpForm, RateForm, ReviewForm, StopForm
from app.citizen.views import case_for_token, render_tracking
from app.config import clocks
from app.core.db import utcnow
from app.core.i18n import page_language
from app.domain.attachments import FOLLOW_UP_PHOTOS, FileRole
from app.domain.workflow import Rating, Stage
from app.core.extensions import db
from app.models import Suggestion
from app.services import subscriptions, uploads
from app.storage import PHOTO_PREFIX
from app.core.security import no_store

REFUSED = {
    "rated": _l("This answer has already been rated."),
    "window": _l("The %(days)d days for this have passed."),
    "final": _l("The re-review answer is final; it cannot be reviewed again."),
    "rate_first": _l("Please rate the answer as not satisfied first."),
    "state": _l("This is not possible at this stage of your case."),
    "missing_text": _l("Please write your message."),
}
bp = Blueprint("feedback", __name__)
FORMS = {"rate": RateForm, "review": ReviewForm, "follow-up": FollowUpForm}


def _case(token):
    if token is not None:
        return case_for_token(token)
    case_id = session.get("tracked_case")
    case = db.session.get(Suggestion, case_id) if case_id else None
    if case is None:
        abort(404)
    return case


@bp.post("/t/<token>/<step>", endpoint="send")
@bp.post("/track/case/<step>", defaults={"token": None}, endpoint="send")
@no_store
@ratelimits.feedback
def feedback(step: str, token):
    """Rate, ask for review or follow up; errors come back on the tracking page with the text kept."""
    if step not in FORMS:
        abort(404)
    case = _case(token)
    forms = {name: each() for name, each in FORMS.items()}  # one form on the page: every text kept
    if display.asked():  # the language or the mode switched: the page again, nothing sent
        return render_tracking(case, token, forms)
    form = forms[step]
    valid = form.validate()  # first: validating resets each field's errors
    photos = (take_files(form.photos, form.held_photos, FOLLOW_UP_PHOTOS, clean_image, PHOTO_PREFIX)
              if step == "follow-up" else [])
    if not valid or (step == "follow-up" and form.photos.errors):
        return render_tracking(case, token, forms, status=400)
    now, cl = utcnow(), clocks(current_app.config)
    try:
        if step == "rate":
            services.rate_reply(db.session, case, Rating(form.rating.data), form.comment.data or "", now, cl)
            message = _("Thank you for your rating.")
        elif step == "review":
            re_review = case.stage is Stage.REVIEW  # asked after a review answer: 复核, not 复查
            reviewer = services.request_review(db.session, case, form.reason.data, now, cl)
            unit = reviewer.display_name(page_language())
            message = (_("Your request for re-review has been sent to %(unit)s.", unit=unit) if re_review
                       else _("Your request for review has been sent to %(unit)s.", unit=unit))
        else:
            if services.follow_up(db.session, case, form.text.data, now, cl):
                uploads.attach(db.session, case.id, photos, FileRole.PHOTO, now)
            elif uploads.not_on_case(db.session, case.id, photos):  # the same message, other photos
                flash(_("That message was added already, so the photos sent with it again were not: "
                        "send them with a new message."), "error")
            message = _("Your message has been added to your case.")
        db.session.commit()
    except services.Refused as refused:
        db.session.rollback()
        flash(str(REFUSED.get(refused.reason, REFUSED["state"])) % {"days": cl.review_request_days}, "error")
        return render_tracking(db.session.get(Suggestion, case.id), token, forms, status=409)
    flash(message, "success")
    if token is None:
        return redirect(url_for("citizen.tracked"), code=303)
    return redirect(url_for("citizen.track", token=token), code=303)


# A static last segment: Werkzeug tries it before /t/<token>/<step>, so "stop" is never a step.
@bp.post("/t/<token>/stop", endpoint="stop")
@bp.post("/track/case/stop", defaults={"token": None}, endpoint="stop")
@no_store
@ratelimits.feedback
def stop(token):
    """Stop the SMS about the case; the tracking page comes back saying so."""
    case = _case(token)
    if not StopForm().validate():
        return render_tracking(case, token, status=400)
    if not subscriptions.more_to_come(case):  # a page opened before the case finished
        flash(_("This case is finished: no more SMS will come about it."), "success")
    elif subscriptions.stop(db.session, case.id, utcnow()):
        db.session.commit()
        flash(_("SMS updates about this case are stopped. This page still shows every step."), "success")
    else:
        flash(_("No SMS updates were on for this case."), "success")
    if token is None:
        return redirect(url_for("citizen.tracked"), code=303)
    return redirect(url_for("citizen.track", token=token), code=303)
