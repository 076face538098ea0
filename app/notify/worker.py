"""The `notify` worker: send every message that is due, once, on any number of nodes.

A sender claims a few due messages at a time (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's
writers take turns) by stamping them with its name and a lease, commits, delivers them outside
any transaction, then records each outcome. A sender that dies mid-way leaves its claims to
lapse: another sends them after the lease, which the receiver can tell by the message's key.
A failure waits (1, 2, 4 ... minutes, at most an hour) and is tried again; after
YIMA_NOTIFY_MAX_ATTEMPTS tries the message is dead and shows on the admin outbox page.
"""
import json
import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, selectinload

from app.domain.tellings import retry_delay
from app.models import OutboxMessage
from app.notify.delivery import Undelivered
from app.notify.mail import send_mail
from app.notify.robots import send_dingtalk, send_wecom
from app.notify.sms import send_sms
from app.services.outbox import TOKEN_MARK, revealed

log = logging.getLogger(__name__)
BATCH = 20  # claimed at once: small, so a slow gateway holds few messages from other senders
LEASE = timedelta(minutes=10)  # longer than BATCH deliveries at their timeout


@dataclass
class NotifyResult:
    """What one round of sending did."""

    sent: int = 0
    retried: int = 0
    dead: int = 0


def node_name() -> str:
    """This sender, as its claims name it."""
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


def _due(now: datetime):
    return sa.and_(OutboxMessage.status == "pending", OutboxMessage.not_before <= now,
                   sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
                   ~_after_an_unsent_one())


def _after_an_unsent_one():
    """An earlier message of the same case to the same phone or channel is still pending
    (failing, or claimed by another sender): this one waits for it, so a citizen reads the
    receipt before the acceptance, whatever the number of senders or retries."""
    earlier = aliased(OutboxMessage)
    return sa.exists().where(
        earlier.status == "pending", earlier.id < OutboxMessage.id, earlier.case_id == OutboxMessage.case_id,
        sa.or_(earlier.phone == OutboxMessage.phone, earlier.channel_id == OutboxMessage.channel_id))


def claim(session: Session, now: datetime, node: str, limit: int = BATCH) -> list[OutboxMessage]:
    """Claim up to `limit` due messages for this sender and commit; they come back detached
    (with their channels), so no transaction stays open while they are delivered."""
    query = sa.select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    claimed = []
    if ids:  # the WHERE again: a claim another sender made in between is not taken over
        session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_(ids), _due(now))
                        .values(claimed_until=now + LEASE, claimed_by=node)
                        .execution_options(synchronize_session=False))
        claimed = list(session.scalars(
            sa.select(OutboxMessage).options(selectinload(OutboxMessage.channel))
            .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == node,
                   OutboxMessage.claimed_until == now + LEASE)
            .order_by(OutboxMessage.id).execution_options(populate_existing=True)))
        _detach(session, claimed)
    session.commit()
    return claimed


def _detach(session: Session, messages: list[OutboxMessage]) -> None:
    """Let loaded messages go from the session, with their channels (a channel shared by
    several messages is let go of once), so they can be read while no transaction is open."""
    channels = {message.channel for message in messages if message.channel is not None}
    for row in [*messages, *channels]:
        session.expunge(row)


def _settle(session: Session, parcel: OutboxMessage, error: str | None, clock: Callable[[], datetime],
            max_attempts: int) -> str:
    """Record a delivery's outcome on the stored message and commit; its new status."""
    status = record(session.get(OutboxMessage, parcel.id), clock(), error, max_attempts)
    session.commit()
    return status


def deliver(message: OutboxMessage, config) -> None:
    """Send one message by its transport; Undelivered if it did not go. `message` is a
    detached copy: an SMS's tracking token is filled into it here, never written back."""
    if message.transport == "sms":
        body, params = revealed(message.body, json.loads(message.params or "{}"), config["SECRET_KEY"])
        if TOKEN_MARK in body:
            raise Undelivered("the tracking link cannot be made: the secret key changed")
        message.body, message.params = body, json.dumps(params, ensure_ascii=False)
        return send_sms(message, config)
    channel = message.channel
    if channel is None:
        raise Undelivered("the unit's channel was removed")
    if not channel.active:
        raise Undelivered("the unit's channel is switched off")
    if message.transport == "dingtalk":
        return send_dingtalk(message, channel, config)
    if message.transport == "wecom":
        return send_wecom(message, channel, config)
    return send_mail(message, channel, config)


def record(message: OutboxMessage, now: datetime, error: str | None, max_attempts: int) -> str:
    """Write a delivery's outcome on the message; its new status."""
    message.attempts += 1
    message.claimed_until = None
    if error is None:
        message.status, message.sent_at, message.last_error = "sent", now, ""
    else:
        message.last_error = error[:500]
        if message.attempts >= max_attempts:
            message.status = "dead"
        else:
            message.not_before = now + retry_delay(message.attempts)
    return message.status


def send_due(session: Session, config, clock: Callable[[], datetime], node: str | None = None) -> NotifyResult:
    """Send everything due now, batch after batch, until nothing is left; what was done."""
    node = node or node_name()
    result = NotifyResult()
    while claimed := claim(session, clock(), node):
        for parcel in claimed:
            status = _settle(session, parcel, attempt(parcel, config), clock, config["NOTIFY_MAX_ATTEMPTS"])
            if status == "sent":
                result.sent += 1
            elif status == "dead":
                result.dead += 1
            else:
                result.retried += 1
    return result


def attempt(message: OutboxMessage, config) -> str | None:
    """Deliver one message; None if it went, else the error to record. A sender's own bug
    fails that message (tried again, then dead) instead of stopping every other one."""
    try:
        deliver(message, config)
    except Undelivered as failure:
        return str(failure)
    except Exception as failure:  # noqa: BLE001 - one bad message must not stall the outbox
        log.exception("delivery of outbox message %s failed unexpectedly", message.id)
        return f"unexpected {type(failure).__name__}"
    return None


def retry(session: Session, message_id: int, now: datetime) -> bool:
    """An admin sends a dead message again: it is due at once with its tries counted afresh."""
    message = session.get(OutboxMessage, message_id)
    if message is None or message.status != "dead":
        return False
    message.status, message.attempts, message.not_before, message.claimed_until = "pending", 0, now, None
    session.flush()
    return True
