"""Rate limits: who may try what how often, and what each limit does when Redis is down.

The counters live in RATELIMIT_STORAGE_URI (Redis when REDIS_URL is set), so a limit holds
across every gunicorn worker and every node. Keys are the client address as the WSGI server
sees it; with ProxyFix trusting no proxy, a forged X-Forwarded-For changes nothing.

When the storage fails, each limit does what costs least:
- submission (fail open): a citizen's text is never lost because Redis is down. The citizen
  limiter falls back to per-worker counters in memory with the same limits and logs a warning;
  it goes back to Redis once Redis answers again.
- lookup by receipt code and PIN (fail open, the same way): guessing also needs a random
  9-character receipt code, the per-worker counters still bound the tries during an outage,
  and refusing would lock citizens out of their own case.
- rating, review and follow-up (fail open): each is bound to a tracking token and refused
  by the workflow when repeated.
- staff sign-in (fail closed): a password guesser must never get an unmetered window, so a
  storage error answers 503 "try again shortly" and nobody signs in.
"""
from flask import current_app, request

from app.domain import codes
from app.core.extensions import limiter, login_limiter

TRACK_CODE_RATE_LIMIT = "10 per hour"  # failed lookups of one receipt code, from any address


def _setting(name: str, default: str):
    """The limit from the app's config (app/config.py reads YIMA_<name>), else `default`."""

    def limit() -> str:
        return current_app.config.get(name) or default

    return limit


def typed_receipt_code() -> str:
    """The receipt code a lookup names, normalised, so guesses at one code share a counter."""
    try:
        typed = request.form.get("code", "")
    except Exception:  # noqa: BLE001 - an oversize body is the view's 413, not a storage error
        return "unreadable"
    return "code:" + (codes.normalise(typed)[:20] or "none")


def _lookup_failed(response) -> bool:
    return response.status_code == 404


# One budget for both ways in (/p/<code> and /submit): switching URL gives no fresh one.
submission = limiter.shared_limit(_setting("SUBMIT_RATE_LIMIT", "20 per hour"), scope="submit",
                                  methods=["POST"])
lookup = limiter.limit(_setting("TRACK_RATE_LIMIT", "10 per minute;60 per hour"), methods=["POST"])
# Only failed lookups count, so a botnet trying one code's PIN is stopped while the citizen
# who knows it is not, unless that code is under attack right now.
lookup_per_code = limiter.limit(_setting("TRACK_CODE_RATE_LIMIT", TRACK_CODE_RATE_LIMIT),
                                key_func=typed_receipt_code, methods=["POST"],
                                deduct_when=_lookup_failed)
feedback = limiter.limit(_setting("FEEDBACK_RATE_LIMIT", "20 per hour"), methods=["POST"])
login = login_limiter.limit(_setting("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"), methods=["POST"])


def init_app(app) -> None:
    """Bind both limiters to the app (app/core/faults.py answers a fail-closed storage error).

    Every limit above counts POSTs: a page that is only read is not looked at by either
    limiter (app/core/extensions.py; a GET flood is the load balancer's, and costs no more than
    the pages it reads).
    """
    for each in (limiter, login_limiter):
        each.init_app(app)
