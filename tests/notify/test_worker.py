"""The `notify` worker with the default `log` provider: messages are kept, marked sent once,
and a message that cannot go is tried again later, then dead with its error."""
from datetime import timedelta

import sqlalchemy as sa

from app.core.db import utcnow
from app.models import OrgUnit, OutboxMessage, UnitChannel
from app.notify.worker import claim, record, retry, send_due
from tests.notify.daytime import last_morning


def _all(session):
    session.commit()
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_log_provider_keeps_the_sms_and_marks_it_sent_once(app, make_receipt, session):
    # filed in the morning: at night (the real clock) the accepted SMS would wait for 08:00
    make_receipt("accepted", told=True, now=last_morning())
    result = app.test_cli_runner().invoke(args=["notify"], catch_exceptions=False)
    assert "sent: 2," in result.output
    assert [m.status for m in _all(session)] == ["sent", "sent"]
    again = app.test_cli_runner().invoke(args=["notify"], catch_exceptions=False)
    assert "sent: 0," in again.output


def test_a_claimed_message_is_not_claimed_by_a_second_sender(app, make_receipt, session):
    make_receipt(told=True)
    now = utcnow()
    with app.app_context():
        from app.core.extensions import db

        first = claim(db.session, now, "node-a")
        second = claim(db.session, now, "node-b")
        later = claim(db.session, now + timedelta(minutes=11), "node-b")  # node-a's lease lapsed
    assert len(first) == 1 and second == [] and [m.id for m in later] == [first[0].id]


def test_an_undeliverable_message_backs_off_then_dies_and_an_admin_can_retry_it(app, make_case, session):
    unit = session.scalars(sa.select(OrgUnit).where(OrgUnit.code == "330281-YM")).one()
    session.add(UnitChannel(unit_id=unit.id, kind="dingtalk", target="http://127.0.0.1:9/robot", secret="",
                            created_at=utcnow()))
    session.commit()
    make_case()
    start = utcnow()
    clock = [start]
    with app.app_context():
        from app.core.extensions import db

        app.config["NOTIFY_MAX_ATTEMPTS"] = 3
        try:
            first = send_due(db.session, app.config, lambda: clock[0])
            clock[0] = start + timedelta(minutes=1, seconds=1)
            second = send_due(db.session, app.config, lambda: clock[0])
            clock[0] = start + timedelta(minutes=3, seconds=2)
            third = send_due(db.session, app.config, lambda: clock[0])
        finally:
            app.config["NOTIFY_MAX_ATTEMPTS"] = 10
    assert (first.retried, second.retried, third.dead) == (1, 1, 1)
    [message] = _all(session)
    # a channel saved before the address rules (plain http, loopback) is refused at each send
    assert message.status == "dead" and message.attempts == 3 and message.last_error == "refused: address not allowed"
    with app.app_context():
        from app.core.extensions import db

        assert retry(db.session, message.id, utcnow())
        db.session.commit()
    assert _all(session)[0].status == "pending"


def test_a_later_message_of_a_case_waits_for_an_earlier_one_another_sender_holds(app, make_receipt, session):
    make_receipt("accepted", told=True, now=last_morning())
    now = utcnow()
    with app.app_context():
        from app.core.extensions import db

        [receipt] = claim(db.session, now, "node-a", limit=1)
        assert claim(db.session, now, "node-b") == []  # the acceptance waits: it must not arrive first
        message = db.session.get(OutboxMessage, receipt.id)
        record(message, now, "gateway down", 10)
        db.session.commit()
        assert claim(db.session, now + timedelta(seconds=30), "node-b") == []  # still waits for the retry
        [again] = claim(db.session, now + timedelta(minutes=5), "node-a", limit=1)
        assert again.id == receipt.id
        record(db.session.get(OutboxMessage, receipt.id), now, None, 10)
        db.session.commit()
        [accepted] = claim(db.session, now + timedelta(minutes=5), "node-b")
    assert accepted.topic == "accepted"
