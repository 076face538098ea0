"""The "known device" cookie: a browser where an account signed in before.

Set at each successful sign-in, signed with SECRET_KEY, it names the accounts (up to a few)
that signed in from this browser; such a browser does not wait for the per-account sign-in
throttle, so a guesser at many addresses cannot keep the owner out (app/domain/throttle.py).
It is no credential: the password is still checked, and the per-address wait still applies.
"""
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "yima_device"
MAX_AGE = timedelta(days=90)
MAX_ACCOUNTS = 5
_SALT = "yima-known-device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def _names() -> list[str]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        names = _serializer().loads(raw, max_age=int(MAX_AGE.total_seconds()))
    except BadSignature:
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def knows(username: str) -> bool:
    """Whether this browser signed in to `username` before (and the cookie is genuine)."""
    return username.strip().lower() in _names()


def remember(response, username: str) -> None:
    """Add `username` to this browser's known accounts (the most recent first)."""
    name = username.strip().lower()
    names = [name] + [n for n in _names() if n != name][:MAX_ACCOUNTS - 1]
    response.set_cookie(COOKIE, _serializer().dumps(names), max_age=int(MAX_AGE.total_seconds()),
                        path="/staff/", httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
