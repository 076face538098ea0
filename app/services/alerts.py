"""What the sweep tells units without a step: a duty coming due (once per deadline) and the
daily digest (once per channel per local day), with a supervisor's unit also given the
overdue cases of its subtree. Overdue itself is told with the sweep's FLAG_OVERDUE event.

Both are queued in the sweep's transaction and are safe with several sweeps at once: the
cases warned are claimed (FOR UPDATE SKIP LOCKED on PostgreSQL) and stamped with the deadline
they were warned of; a digest's key names its channel and day, and a second node's copy is
dropped at its savepoint.
"""
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import codes
from app.domain.deadlines import Clocks, last_day
from app.domain.tellings import DIGEST, DUE_SOON
from app.domain.workflow import Role
from app.models import OrgUnit, OutboxMessage, Suggestion, UnitChannel, User
from app.services.access import subtree_ids
from app.services.duties import due_soon, is_open, overdue
from app.services.intake import dispatch_centre
from app.services.outbox import Settings, Texts, UnitChannels, tell_unit, told_unit_id, unit_values

BATCH = 500
DIGEST_LINES = 30  # a digest lists at most this many overdue cases, then says how many more


def tell_due_soon(session: Session, now: datetime, clocks: Clocks, texts: Texts, settings: Settings) -> int:
    """Warn each unit once of every duty due within YIMA_DUE_SOON_DAYS; the cases warned."""
    warned, channels = 0, UnitChannels(session)
    not_warned = sa.or_(Suggestion.due_soon_told_for.is_(None), Suggestion.due_soon_told_for != Suggestion.due_at)
    while True:
        query = (sa.select(Suggestion).where(due_soon(now, clocks), not_warned)
                 .order_by(Suggestion.id).limit(BATCH))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=Suggestion)
        batch = list(session.scalars(query))
        if not batch:
            return warned
        for case in batch:
            case.due_soon_told_for = case.due_at
            key = f"due_soon:{case.id}:{int(case.due_at.timestamp())}"
            unit_id = told_unit_id(session, case, None)
            tell_unit(session, unit_id, DUE_SOON, key, unit_values(case, settings), texts, now,
                      case_id=case.id, channels=channels[unit_id])
        warned += len(batch)
        session.flush()


def queue_digests(session: Session, now: datetime, clocks: Clocks, texts, settings: Settings,
                  hour: int) -> int:
    """From `hour` local time on, one digest per channel that asked for it, per local day."""
    local = now.astimezone(clocks.calendar.zone)
    if local.time() < time(hour % 24):
        return 0
    day = local.date()
    channels = list(session.scalars(sa.select(UnitChannel).where(
        UnitChannel.active.is_(True), UnitChannel.digest.is_(True)).order_by(UnitChannel.id)))
    done = set(session.scalars(sa.select(OutboxMessage.key).where(
        OutboxMessage.key.in_([_digest_key(c, day) for c in channels]))))
    queued = 0
    for channel in channels:
        if _digest_key(channel, day) in done:
            continue
        subject, body = digest_of(session, channel.unit, now, clocks, texts, settings)
        try:
            with session.begin_nested():  # another node's sweep may have queued it meanwhile
                session.add(OutboxMessage(key=_digest_key(channel, day), topic=DIGEST, transport=channel.kind,
                                          channel_id=channel.id, subject=subject, body=body,
                                          created_at=now, not_before=now))
            queued += 1
        except IntegrityError:
            continue
    return queued


def _digest_key(channel: UnitChannel, day) -> str:
    return f"digest:ch{channel.id}:{day.isoformat()}"


def digest_of(session: Session, unit: OrgUnit, now: datetime, clocks: Clocks, texts,
              settings: Settings) -> tuple[str, str]:
    """A unit's digest: its open, due-soon, overdue and yesterday's new cases; and for a unit
    with a supervisor, the overdue cases of its subtree. Reports count only for the dispatch
    centre, the one unit whose channels hear of them."""
    centre = dispatch_centre(session)
    mine = [Suggestion.unit_id == unit.id]
    if unit.id != centre.id:
        mine.append(Suggestion.is_report.is_(False))
    today = clocks.calendar.local_date(now)
    counts = {
        "open": _count(session, is_open(), *mine),
        "due_soon": _count(session, due_soon(now, clocks), *mine),
        "overdue": _count(session, overdue(now), *mine),
        "new": _count(session, Suggestion.created_at >= clocks.calendar.start_of(today - timedelta(days=1)),
                      Suggestion.created_at < clocks.calendar.start_of(today), *mine),
    }
    late, more = [], 0
    if _has_supervisor(session, unit):
        where = [overdue(now), Suggestion.unit_id.in_(subtree_ids(session, unit.id))]
        if unit.id != centre.id:
            where.append(Suggestion.is_report.is_(False))
        rows = session.scalars(sa.select(Suggestion).where(*where).order_by(Suggestion.due_at, Suggestion.id)
                               .limit(DIGEST_LINES)).all()
        more = max(_count(session, *where) - len(rows), 0)
        late = [{"code": codes.grouped(case.receipt_code), "unit": case.unit.name,
                 "date": last_day(case.due_at, clocks.calendar).isoformat(),
                 "link": f"{settings.base_url}/staff/cases/{case.id}"} for case in rows]
    return texts.digest(unit.name, today.isoformat(), counts, late, more)


def _count(session: Session, *where) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Suggestion).where(*where))


def _has_supervisor(session: Session, unit: OrgUnit) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.unit_id == unit.id, User.role == Role.SUPERVISOR, User.active.is_(True))) > 0

