"""The staff view under /staff: one blueprint per feature, nested under `staff`, which asks
every request for a signed-in user and keeps every page out of shared caches."""
from flask import Blueprint, current_app, request
from flask_login import current_user

from app.domain.policy import may_open
from app.core.extensions import db
from app.staff import auth, cases, channels, drafts, files, inbox, notices, outbox, posters, publications, stats


def _signed_in_only():
    """Every staff page but the sign-in asks for a signed-in user; a case action posted
    without one keeps its text for after the sign-in (app/staff/drafts.py)."""
    if request.endpoint != "staff.auth.login" and not current_user.is_authenticated:
        back_to_case = drafts.keep(None)
        if back_to_case is not None:
            db.session.commit()
            return back_to_case
        return current_app.login_manager.unauthorized()
    return None


def _no_store(response):
    """Nothing of the staff view may sit in a shared cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _nav():
    return {"may_open": may_open}


def blueprint() -> Blueprint:
    """The staff blueprint with its features registered."""
    bp = Blueprint("staff", __name__, url_prefix="/staff")
    bp.before_request(_signed_in_only)
    bp.after_request(_no_store)
    # App-wide: an error page in the staff frame (app/core/errors.py) draws the staff menu too,
    # also for a /staff/ address that matched no view.
    bp.app_context_processor(_nav)
    for feature in (auth, inbox, cases, files, notices, posters, stats, channels, outbox, publications):
        bp.register_blueprint(feature.bp)
    return bp
