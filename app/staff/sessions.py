"""Staff session lifetime and the audit of refused staff pages.

A staff session carries, signed, when the user signed in and when they were last seen.
Every staff request checks both: after `STAFF_IDLE_MINUTES` without a request, or
`STAFF_MAX_HOURS` after signing in, the user is signed out (the remember cookie too) and
sent to the sign-in page. Logout and disabling still end every copy of a session through
the session epoch (app/staff/auth.py); these clocks bound a session nobody ended.
"""
from datetime import datetime, timedelta, timezone

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_loaded_from_cookie, user_logged_in

from app.core.db import utcnow
from app.core.extensions import db
from app.core.logs import redact_path
from app.services.audit import record_audit
from app.staff import drafts

LOGIN_AT = "_staff_login_at"
SEEN_AT = "_staff_seen_at"
DENIED_STATUSES = (403, 404)


def _now() -> datetime:
    return utcnow()  # a module-level call, so a test can move the clock


def _stamp(sender, user, **extra) -> None:
    """A new sign-in (or one restored from the remember cookie) starts both clocks."""
    now = int(_now().timestamp())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


user_logged_in.connect(_stamp, weak=False)
user_loaded_from_cookie.connect(_stamp, weak=False)


def expiry(login_at, seen_at, now: datetime, idle: timedelta, absolute: timedelta) -> str | None:
    """Why a session is over ("idle", "absolute", "missing"), or None while it is alive."""
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return "missing"  # a session from before the clocks: sign in again
    if now - datetime.fromtimestamp(login_at, timezone.utc) >= absolute:
        return "absolute"
    if now - datetime.fromtimestamp(seen_at, timezone.utc) >= idle:
        return "idle"
    return None


def _enforce_timeouts():
    """Sign out a staff session that sat idle too long or outlived its absolute limit."""
    if "staff" not in request.blueprints or request.endpoint == "staff.auth.login":
        return None
    if not current_user.is_authenticated:
        return None
    config, now = current_app.config, _now()
    reason = expiry(session.get(LOGIN_AT), session.get(SEEN_AT), now,
                    timedelta(minutes=config["STAFF_IDLE_MINUTES"]),
                    timedelta(hours=config["STAFF_MAX_HOURS"]))
    if reason is None:
        session[SEEN_AT] = int(now.timestamp())
        return None
    user_id, username = current_user.id, current_user.username
    # Write in a fresh transaction: on SQLite a read-only page's transaction began DEFERRED.
    db.session.rollback()
    record_audit(db.session, now, "session_expired", user_id=user_id, username=username,
                 address=request.remote_addr or "", detail=reason)
    logout_user()  # also clears the remember cookie
    session.pop(LOGIN_AT, None)
    session.pop(SEEN_AT, None)
    back_to_case = drafts.keep(user_id)  # a case action's text survives the sign-in
    db.session.commit()
    flash(_("Your session has expired. Please sign in again."), "error")
    return back_to_case or redirect(url_for("staff.auth.login"))


def _audit_denial(response):
    """Record a signed-in user's refused staff page (another unit's case, a role's page)."""
    if "staff" not in request.blueprints or response.status_code not in DENIED_STATUSES:
        return response
    user = g.get("_login_user")
    if user is None or not user.is_authenticated:
        return response
    user_id, username = user.id, user.username
    # A refused request keeps none of its own work: only the audit row is written.
    db.session.rollback()
    record_audit(db.session, _now(), "access_denied", user_id=user_id, username=username,
                 target=redact_path(request.path), address=request.remote_addr or "",
                 detail=f"{request.method} {request.endpoint or ''} {response.status_code}")
    db.session.commit()
    return response


def init_app(app) -> None:
    """Check the session clocks before every staff page; audit refused staff pages."""
    app.before_request(_enforce_timeouts)
    app.after_request(_audit_denial)
