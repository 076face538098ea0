"""Staff sign-in and sign-out: Flask-Login sessions, scrypt password hashes, and a throttle that
slows a guesser down without ever locking the owner out (app/domain/throttle.py)."""
import math
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, make_response, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from app.core import ratelimits
from app.core.db import utcnow
from app.core.extensions import db
from app.domain.policy import Area, may_open
from app.models import User
from app.services import signin_throttle
from app.services.audit import record_audit
from app.staff import devices, drafts
from app.staff.forms import LoginForm

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
# Checked when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password")


@login_manager.user_loader
def load_user(user_id: str):
    """The user of a session, if the account is active and the session epoch still current."""
    try:
        uid, epoch = (int(part) for part in user_id.split("."))
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    return user


def _user_named(username: str):
    """The account a typed username names, or None."""
    return db.session.scalars(sa.select(User).where(User.username == username.strip())).first()


def authenticate(username: str, password: str, now, address: str):
    """The user if the password is right and the account active; audits every attempt."""
    user = _user_named(username)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        _audit(None, username, "login_failed", now, address, "unknown user")
        return None
    if not user.active:
        check_password_hash(_DUMMY_HASH, password)
        _audit(user, username, "login_refused", now, address, "disabled")
        return None
    if not check_password_hash(user.password_hash, password):
        _audit(user, username, "login_failed", now, address, "wrong password")
        return None
    _audit(user, username, "login", now, address, "")
    return user


def _count_failure(username: str, now, address: str) -> None:
    """Count a failed sign-in; each wait it starts is audited against the account.

    This audit row is how the owner hears that someone is guessing their password: messages
    to staff do not exist yet (DESIGN.md "Telling people"); once they do, the owner is told here.
    """
    started = signin_throttle.record_failure(db.session, username, address, now)
    if not started:
        return
    user = _user_named(username)
    for kind, (failures, delay) in started.items():
        _audit(user, username, "login_slowed", now, address,
               f"{kind}: {failures} failures in a row, next try in {math.ceil(delay.total_seconds())} s")


def safe_next(target) -> str | None:
    """`target` if it is a path inside the staff view of this site, else None: the sign-in
    returns only there, never to another site (an open redirect)."""
    if not isinstance(target, str) or not target.startswith("/staff/") or "\\" in target:
        return None
    if any(ord(c) < 33 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def end_sessions(user: User) -> None:
    """Make every session cookie of the user stop working (logout, disable)."""
    user.session_epoch += 1


def _audit(user, username, action, now, address, detail):
    record_audit(db.session, now, action, actor=user, username=username, address=address, detail=detail)


def area_required(area: Area):
    """Let in only the roles that open `area` (app/domain/policy.py); others get a 404, as if
    the page did not exist."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not may_open(current_user, area):
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.route("/login", methods=["GET", "POST"])
@ratelimits.login
def login():
    """Sign in; throttled per address, and slowed down (never locked) after wrong passwords.
    Someone signed in already goes on to where they were going: a second sign-in form would
    only ask for the password again."""
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("staff.inbox.index"))
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        now, address, username = utcnow(), request.remote_addr or "", form.username.data
        wait = signin_throttle.wait(db.session, username, address, now, devices.knows(username))
        if wait:
            return _slowed(form, username, now, address, wait)
        user = authenticate(username, form.password.data, now, address)
        if user is None:
            _count_failure(username, now, address)
            db.session.commit()
            failed = True
        else:
            signin_throttle.record_success(db.session, username, address)
            db.session.commit()
            ratelimits.spare_signin()
            kept_draft = session.get(drafts.SESSION_KEY)
            session.clear()  # a new session for the new sign-in, but a kept draft rides along
            if kept_draft:
                session[drafts.SESSION_KEY] = kept_draft
            login_user(user, remember=form.remember.data)
            response = redirect(safe_next(request.args.get("next")) or url_for("staff.inbox.index"))
            devices.remember(response, username)
            return response
    return render_template("staff/login.html", form=form, failed=failed)


def _slowed(form, username: str, now, address: str, wait: timedelta):
    """A 429 saying how long to wait: the password is not even checked until then."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    user = _user_named(username)
    _audit(user, username, "login_refused", now, address, f"slowed down, {seconds} s to wait")
    db.session.commit()
    response = make_response(render_template("staff/login.html", form=form, wait_seconds=seconds), 429)
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.post("/logout")
@login_required
def logout():
    """Sign out everywhere: the session epoch moves on, so a copied cookie stops working too."""
    end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("staff.auth.login"))


def init_app(app) -> None:
    """Wire Flask-Login: the staff area asks for a sign-in, the citizen pages never do."""
    login_manager.init_app(app)
    login_manager.login_view = "staff.auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    app.config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=14))
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    from app.staff import sessions

    sessions.init_app(app)  # idle and absolute timeouts, audit of refused pages
