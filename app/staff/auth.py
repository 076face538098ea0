"""Staff sign-in: Flask-Login sessions, scrypt password hashes, throttling and lock-out."""
from datetime import timedelta
from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import LoginManager, current_user
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import AuditEvent, User

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
    db.session.add(AuditEvent(at=now, user_id=user.id if user else None, username=username[:64],
                              action=action, address=address, detail=detail))


def roles_required(*roles):
    """Let only these roles in; others get a 404, as if the page did not exist."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_app(app) -> None:
    """Wire Flask-Login: the staff area asks for a sign-in, the citizen pages never do."""
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    app.config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=14))
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    from app.staff import sessions

    sessions.init_app(app)  # idle and absolute timeouts, audit of refused pages
