"""Rate limits: who may try what how often, and what each limit does when Redis is down.

The counters live in RATELIMIT_STORAGE_URI (Redis when REDIS_URL is set), so a limit holds
across every gunicorn worker and every node. Keys are the client address as the WSGI server
sees it (for submissions an IPv6 client by its /64, `client`); with ProxyFix trusting no proxy,
a forged X-Forwarded-For changes nothing.

Submissions have two limits, because one address is often many citizens: a service hall's
Wi-Fi or a carrier's NAT puts a whole queue behind one public address.
- per address (YIMA_SUBMIT_RATE_LIMIT, 120 an hour): the flood ceiling. It counts every POST,
  whatever the cookie says, so a script that drops its session cookie is still bound. It is
  six times the old 20 an hour, so a busy hall's next citizen is not locked out by the ones
  before them.
- per form session (YIMA_SUBMIT_FORM_RATE_LIMIT, 10 an hour): the address together with the
  browser's session (the CSRF secret in its signed cookie, which the form needs anyway), and
  only cases actually filed count. One person (or one script keeping its cookie) cannot spend
  the hall's shared budget; a citizen correcting a form's errors is never counted. A script
  that drops the cookie gets a new session each time, which is what the address ceiling is for.
A refused submission comes back as the form with the citizen's text, saying how long the
limit's window really has left (app/citizen/held.py).

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

Staff sign-in's per-address budget (YIMA_LOGIN_RATE_LIMIT) bounds *failed* sign-ins: a town
office or the 12345 centre signs in from behind one NAT at shift start, and fifty colleagues
who typed the right password must not lock out the fifty-first. Every POST is counted before
the view runs (atomic in the storage, so a burst over several workers gets exactly the limit),
and a sign-in that succeeds gives its count back (`spare_signin`).
"""
import hashlib

from flask import current_app, request, session
from flask_limiter.util import get_remote_address

from app.core import display
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


def client() -> str:
    """The client address as the submission limits count it: an IPv6 one by its /64, whose
    addresses one phone may rotate through at will (app/domain/codes.py client_of)."""
    return codes.client_of(get_remote_address())


def form_session() -> str:
    """The client address with the browser's session (its CSRF secret, hashed): one form session."""
    secret = str(session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")) or "")
    digest = hashlib.sha256(secret.encode()).hexdigest()[:16] if secret else "none"
    return f"form:{client()}:{digest}"


def _filed(response) -> bool:
    return response.status_code == 303


def _lookup_failed(response) -> bool:
    return response.status_code == 404


# One budget for both ways in (/p/<code> and /submit): switching URL gives no fresh one.
submission = limiter.shared_limit(_setting("SUBMIT_RATE_LIMIT", "120 per hour"), scope="submit",
                                  key_func=client, methods=["POST"], exempt_when=display.asked)
submission_per_form = limiter.shared_limit(_setting("SUBMIT_FORM_RATE_LIMIT", "10 per hour"), scope="submit-form",
                                           key_func=form_session, methods=["POST"], deduct_when=_filed,
                                           exempt_when=display.asked)
lookup = limiter.limit(_setting("TRACK_RATE_LIMIT", "10 per minute;60 per hour"), methods=["POST"],
                       exempt_when=display.asked)
# Only failed lookups count, so a botnet trying one code's PIN is stopped while the citizen
# who knows it is not, unless that code is under attack right now.
lookup_per_code = limiter.limit(_setting("TRACK_CODE_RATE_LIMIT", TRACK_CODE_RATE_LIMIT),
                                key_func=typed_receipt_code, methods=["POST"],
                                deduct_when=_lookup_failed, exempt_when=display.asked)
feedback = limiter.limit(_setting("FEEDBACK_RATE_LIMIT", "20 per hour"), methods=["POST"],
                         exempt_when=display.asked)


def partner_key() -> str:
    """The API key an Open311 POST presents, hashed: each partner has its own budget."""
    try:
        presented = request.form.get("api_key", "")
    except Exception:  # noqa: BLE001 - an oversize body is the view's 413, not a storage error
        return "open311:unreadable"
    return "open311:" + hashlib.sha256(presented.encode()).hexdigest()[:16]


# Open311 filings, per key (fail open as the citizens' limits do: a partner's case is not lost).
partner = limiter.limit(_setting("OPEN311_RATE_LIMIT", "300 per hour"), key_func=partner_key, methods=["POST"])
login = login_limiter.limit(_setting("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"), methods=["POST"])


def spare_signin() -> None:
    """Give back what this sign-in cost its address: the budget is for failures only.

    Counting after the answer (Flask-Limiter's deduct_when) would test first and count later,
    so a burst of guesses sent at once would all pass the test; counting first and giving back
    on success keeps the count atomic. The storage's increment by -1 is the only undo the
    `limits` storages share (Redis has no decrement in its interface); a window that expired
    in between starts one below zero, a single extra try at most."""
    for each in login_limiter.current_limits:
        login_limiter.limiter.storage.incr(each.key, each.limit.get_expiry(), amount=-1)


def init_app(app) -> None:
    """Bind both limiters to the app (app/core/faults.py answers a fail-closed storage error).

    Every limit above counts POSTs: a page that is only read is not looked at by either
    limiter (app/core/extensions.py; a GET flood is the load balancer's, and costs no more than
    the pages it reads). A POST that only shows its form again in another language or mode
    (app/core/display.py) is such a read: it files nothing and counts nowhere.
    """
    for each in (limiter, login_limiter):
        each.init_app(app)
