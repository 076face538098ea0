"""The sign-in throttle's counters (the rule is app/domain/throttle.py).

They live in the database, so every gunicorn worker and every node counts the same failures,
and a database that does not answer fails closed: no sign-in at all (app/core/faults.py 503).
Keys are hashes of the typed username (known or not, so a wait says nothing about whether an
account exists) with the client address or without it.
"""
import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.domain.throttle import FORGET_AFTER, PER_ACCOUNT, PER_ADDRESS, Backoff
from app.models import LoginThrottle

ACCOUNT, ADDRESS = "account", "address"
_BACKOFF: dict[str, Backoff] = {ACCOUNT: PER_ACCOUNT, ADDRESS: PER_ADDRESS}


def _key(kind: str, username: str, address: str) -> str:
    name = username.strip().lower()
    return hashlib.sha256(f"{kind}\0{name}\0{address if kind == ADDRESS else ''}".encode()).hexdigest()


def wait(session: Session, username: str, address: str, now: datetime, known_device: bool) -> timedelta:
    """How long this try must still wait (zero: go ahead). A known device skips the
    per-account wait, never the one of its own address."""
    kinds = [ADDRESS] if known_device else [ADDRESS, ACCOUNT]
    keys = sorted(_key(kind, username, address) for kind in kinds)
    # FOR UPDATE (PostgreSQL; SQLite's writing transactions are serial anyway): tries at one
    # account wait for each other, so a burst of guesses sent at once cannot all slip in
    # before the first one's failure is counted.
    until = session.scalars(sa.select(LoginThrottle.blocked_until).where(LoginThrottle.key.in_(keys))
                            .order_by(LoginThrottle.key).with_for_update()).all()
    return max((u - now for u in until if u is not None and u > now), default=timedelta(0))


def record_failure(session: Session, username: str, address: str, now: datetime) -> dict[str, tuple[int, timedelta]]:
    """Count a wrong password in both counters; return, for each that now makes the next try
    wait, its failures in a row and the wait."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    started = {}
    for kind, backoff in _BACKOFF.items():
        key = _key(kind, username, address)
        # One statement, so two workers counting at once both count.
        statement = insert(LoginThrottle).values(key=key, failures=1, last_failure_at=now)
        statement = statement.on_conflict_do_update(index_elements=[LoginThrottle.key], set_={
            "failures": sa.case((LoginThrottle.last_failure_at < now - FORGET_AFTER, 1),
                                else_=LoginThrottle.failures + 1),
            "last_failure_at": now,
        }).returning(LoginThrottle.failures)
        failures = session.execute(statement).scalar_one()
        delay = backoff.delay(failures)
        if delay:
            session.execute(sa.update(LoginThrottle).where(LoginThrottle.key == key)
                            .values(blocked_until=now + delay))
            started[kind] = (failures, delay)
    return started


def record_success(session: Session, username: str, address: str) -> None:
    """The right password from this address: its own counter starts again. The account's
    counter does not, or a guesser would get fresh tries each time the owner signs in."""
    session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == _key(ADDRESS, username, address)))
