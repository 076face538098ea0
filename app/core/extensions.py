"""Extension objects, none bound to an app until create_app() calls init_app()."""
import flask_limiter
from flask import request
from flask_babel import Babel
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.core.db import READS, Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()



class Limiter(flask_limiter.Limiter):
    """Flask-Limiter that leaves reads alone: every limit Yima sets counts POSTs.

    Flask-Limiter asks its request filters only after looking up the request's endpoint and
    view, and then still evaluates an empty list of limits: a tenth of a millisecond on every
    page view. This returns before any of it.
    """

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        if request.method not in READS:
            super()._check_request_limit(callable_name, in_middleware)


# Both limiters count in the same storage (Redis when REDIS_URL is set); they differ only in
# what happens when that storage is down. See app/core/ratelimits.py for the policy.
_STORAGE = {
    "wrap_exceptions": True,  # any storage failure arrives as limits.errors.StorageError
    "socket_connect_timeout": 0.5,  # a dead Redis must not hold a worker (Redis options only)
    "socket_timeout": 0.5,
}
# Citizens: fail open to per-worker counters in memory, never lose a submission.
limiter = Limiter(key_func=get_remote_address, default_limits=[], key_prefix="yima",
                  storage_options=dict(_STORAGE), swallow_errors=True, in_memory_fallback_enabled=True)
# Staff sign-in: fail closed; a storage error becomes a 503 (app/core/ratelimits.py).
login_limiter = Limiter(key_func=get_remote_address, default_limits=[], key_prefix="yima-login",
                        storage_options=dict(_STORAGE), swallow_errors=False)
