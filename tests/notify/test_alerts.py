"""What the sweep tells units without a step: due soon once per deadline, overdue once, and
the daily digest once a day, with a supervisor's unit given its subtree's overdue cases."""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from app import services
from app.config import clocks
from app.core.db import utcnow
from app.domain.workflow import Role
from app.models import OrgUnit, OutboxMessage, UnitChannel, User
from app.notify.watch import TEXTS, settings
from app.services.alerts import queue_digests, tell_due_soon

FILED = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
SOON = FILED + timedelta(days=14)  # the 15-day acceptance deadline is near
LATE = FILED + timedelta(days=20)


def _channel(session, code: str, digest: bool = False) -> UnitChannel:
    unit = session.scalars(sa.select(OrgUnit).where(OrgUnit.code == code)).one()
    channel = UnitChannel(unit_id=unit.id, kind="wecom", target="http://127.0.0.1:9/", secret="",
                          digest=digest, created_at=utcnow())
    session.add(channel)
    session.commit()
    return channel


def _topics(session, channel) -> list[str]:
    session.commit()
    return [m.topic for m in session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.channel_id == channel.id).order_by(OutboxMessage.id))]


def _sweep(app, session, now):
    cl = clocks(app.config)
    with app.app_context():
        services.sweep(session, now, cl)
        tell_due_soon(session, now, cl, TEXTS, settings(app.config))
        queue_digests(session, now, cl, TEXTS, settings(app.config), app.config["DIGEST_HOUR"])
        session.commit()


def test_a_unit_is_warned_once_when_due_soon_and_told_once_when_overdue(app, make_case, session):
    channel = _channel(session, "330281-YM")
    make_case(now=FILED)
    for _ in range(2):
        _sweep(app, session, SOON)
    for _ in range(2):
        _sweep(app, session, LATE)
    assert _topics(session, channel) == ["new_case", "due_soon", "overdue"]


def test_a_new_deadline_is_warned_of_again(app, make_case, session):
    channel = _channel(session, "330281-YM")
    case = make_case(now=FILED)
    _sweep(app, session, SOON)
    lead = session.scalars(sa.select(User).join(OrgUnit).where(User.role == Role.LEAD,
                                                               OrgUnit.code == "330281-YM")).first()
    services.accept_case(session, case, lead, SOON, clocks(app.config))  # a 60-day answer clock now
    session.commit()
    _sweep(app, session, SOON + timedelta(days=58))
    assert _topics(session, channel) == ["new_case", "due_soon", "due_soon"]


def test_the_digest_comes_once_a_day_from_the_digest_hour(app, make_case, session):
    channel = _channel(session, "330281-YM", digest=True)
    make_case(now=FILED)
    early = datetime(2026, 11, 17, 23, 0, tzinfo=timezone.utc)  # 07:00 on the 18th in Shanghai
    _sweep(app, session, early)
    assert "digest" not in _topics(session, channel)
    for hour in (1, 5):  # 09:00 and 13:00
        _sweep(app, session, early + timedelta(hours=hour + 1))
    _sweep(app, session, early + timedelta(days=1, hours=2))
    assert _topics(session, channel).count("digest") == 2
    digest = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.topic == "digest")).first()
    assert "逾期" in digest.body or "超期" in digest.body


def test_a_supervisors_unit_reads_its_subtrees_overdue_cases_but_no_report(app, make_case, session):
    county = session.scalars(sa.select(User).where(User.role == Role.SUPERVISOR)).first().unit
    channel = _channel(session, county.code, digest=True)
    late = make_case(now=FILED)
    report = make_case(now=FILED, is_report=True)
    _sweep(app, session, LATE)
    [digest] = [m for m in session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.channel_id == channel.id, OutboxMessage.topic == "digest"))]
    assert services.Receipt(late, "", "").code in digest.body
    assert services.Receipt(report, "", "").code not in digest.body
    assert "路灯" not in digest.body
