"""Staff sign-in and sign-out: Flask-Login sessions, scrypt password hashes, throttling and lock-out."""
from datetime import timedelta
from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from app.core import ratelimits
from app.core.db import utcnow
from app.core.extensions import db
from app.domain.policy import Area, may_open
from app.models import User
from app.services.audit import record_audit
from app.staff.forms import LoginForm

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
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


def authenticate(username: str, password: str, now, address: str):
    """The user if the password is right and the account not locked; audits every attempt."""
    user = db.session.scalars(sa.select(User).where(User.username == username.strip())).first()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        _audit(None, username, "login_failed", now, address, "unknown user")
        return None
    if not user.active or (user.locked_until and now < user.locked_until):
        check_password_hash(_DUMMY_HASH, password)
        _audit(user, username, "login_refused", now, address, "locked or disabled")
        return None
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until, user.failed_logins = now + LOCK_FOR, 0
        _audit(user, username, "login_failed", now, address, "wrong password")
        return None
    user.failed_logins, user.locked_until = 0, None
    _audit(user, username, "login", now, address, "")
    return user


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
    """Sign in; throttled per address, and an account locks after repeated failures."""
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data, utcnow(), request.remote_addr or "")
        db.session.commit()
        if user is not None:
            session.clear()
            login_user(user, remember=form.remember.data)
            return redirect(url_for("staff.inbox.index"))
        failed = True
    return render_template("staff/login.html", form=form, failed=failed)


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
