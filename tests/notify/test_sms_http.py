"""The `http` SMS provider against a real gateway on loopback (tests/notify/sms_servers.py):
signed bodies, in order, each once; refusals, failures and outages are tried again."""
import json
import time
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app import services
from app.config import clocks
from app.core.extensions import db
from app.domain.workflow import Role
from app.models import OrgUnit, OutboxMessage, User
from app.notify.worker import send_due
from app.services.outbox import revealed
from tests.notify.daytime import last_morning
from tests.notify.sms_servers import Gateway, free_port, gateway  # noqa: F401 (a fixture)

EVENING = datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc)  # 22:00 in Shanghai
MORNING = datetime(2026, 12, 2, 0, 0, tzinfo=timezone.utc)  # 08:00 the next day


@pytest.fixture
def http_sms(app, monkeypatch):
    """Point the app's SMS at a gateway: `http_sms(url, secret="gateway-secret")`; the gateway
    is on loopback over http, as one inside the network is: YIMA_NOTIFY_PRIVATE_OK admits it."""

    def point(url: str, secret: str = "gateway-secret"):
        monkeypatch.setitem(app.config, "NOTIFY_PRIVATE_OK", True)
        monkeypatch.setitem(app.config, "SMS_PROVIDER", "http")
        monkeypatch.setitem(app.config, "SMS_URL", url)
        monkeypatch.setitem(app.config, "SMS_SECRET", secret)

    return point


def _outbox(session):
    session.commit()
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _notify(app) -> str:
    return app.test_cli_runner().invoke(args=["notify"], catch_exceptions=False).output


def _send(app, at: datetime):
    with app.app_context():
        result = send_due(db.session, app.config, lambda: at)
        db.session.remove()
    return result


def test_a_told_citizen_gets_the_receipt_then_the_accepted_sms_each_once(app, make_receipt, session, gateway,
                                                                         http_sms):
    http_sms(gateway.url)
    receipt = make_receipt("accepted", told=True, now=last_morning())
    assert "sent: 2," in _notify(app)
    queued = _outbox(session)
    assert [m.topic for m in queued] == ["receipt", "accepted"]
    texts = [revealed(m.body, json.loads(m.params), app.config["SECRET_KEY"])[0] for m in queued]
    assert gateway.received == [{"to": "13812345678", "text": text, "id": m.key} for m, text in zip(queued, texts)]
    assert receipt.code in texts[0] and f"https://yima.example.gov.cn/t/{receipt.token}" in texts[0]
    assert [m.status for m in queued] == ["sent", "sent"]
    assert "sent: 0," in _notify(app)
    assert len(gateway.received) == 2  # nothing twice


def test_a_wrong_secret_is_refused_by_the_gateway_and_tried_again_not_sent(app, make_receipt, session, gateway,
                                                                           http_sms):
    http_sms(gateway.url, secret="not-the-gateway-secret")
    make_receipt(told=True, now=last_morning())
    assert "to retry: 1," in _notify(app)
    [message] = _outbox(session)
    assert gateway.received == [] and len(gateway.refused) == 1
    assert message.status == "pending" and message.attempts == 1
    assert message.last_error == "HTTP 401"  # the kind alone: never the gateway's own answer
    assert message.not_before > message.created_at


def test_a_failing_a_hanging_and_a_garbled_gateway_are_tried_again(app, make_receipt, session, gateway, http_sms,
                                                             monkeypatch):
    http_sms(gateway.url)
    make_receipt(told=True, now=last_morning())
    gateway.failing = True
    assert "to retry: 1," in _notify(app)
    assert _outbox(session)[0].last_error == "HTTP 500"
    gateway.failing, gateway.hang = False, 3.0
    monkeypatch.setitem(app.config, "NOTIFY_TIMEOUT", 0.5)
    started = time.monotonic()
    result = _send(app, datetime.now(timezone.utc) + timedelta(minutes=5))  # past the first backoff
    assert result.retried == 1 and time.monotonic() - started < 2.5  # the timeout, not the hang
    [message] = _outbox(session)
    assert message.attempts == 2 and message.last_error == "timed out"
    gateway.hang, gateway.garbage = 0.0, True
    assert _send(app, datetime.now(timezone.utc) + timedelta(minutes=10)).retried == 1  # no crash
    assert _outbox(session)[0].last_error == "not an HTTP answer (BadStatusLine)"
    assert gateway.received == []


def test_a_gateway_down_for_an_hour_loses_nothing_and_doubles_nothing(app, make_receipt, session, http_sms):
    port = free_port()  # nobody listens: every try is refused
    http_sms(f"http://127.0.0.1:{port}/sms")
    start = last_morning()
    for phone in ("13812345678", "13900001111"):
        make_receipt("accepted", told=True, now=start, citizen_phone=phone)
    keys = [m.key for m in _outbox(session)]
    clock = start
    while clock < start + timedelta(hours=1):  # the worker runs every minute while it is down
        result = _send(app, clock)
        assert result.sent == 0 and result.dead == 0
        clock += timedelta(minutes=1)
    assert {m.status for m in _outbox(session)} == {"pending"}
    # the receipts were tried and refused; each acceptance waits for its receipt, untried
    assert [m.topic for m in _outbox(session) if m.last_error == "connection refused"] == ["receipt", "receipt"]
    server = Gateway("gateway-secret", port=port).start()
    try:
        while clock < start + timedelta(hours=3) and len(server.received) < len(keys):
            assert _send(app, clock).dead == 0
            clock += timedelta(minutes=1)
        arrived_by = clock
        for _ in range(5):  # and later rounds send nothing again
            _send(app, clock)
            clock += timedelta(hours=1)
    finally:
        server.stop()
    assert sorted(m["id"] for m in server.received) == sorted(keys)  # each exactly once
    for phone in ("13812345678", "13900001111"):  # and each citizen's in order
        assert [m["id"].split(":")[0] for m in server.received if m["to"] == phone] == [
            m.key.split(":")[0] for m in _outbox(session) if m.phone == phone]
    assert [m.status for m in _outbox(session)] == ["sent"] * len(keys)
    # at the next try after it came back: the backoff (1, 2, 4 ... 32 minutes) tried at 63 minutes
    assert arrived_by <= start + timedelta(minutes=64)


def test_a_step_at_ten_at_night_waits_for_eight_in_the_morning(app, make_case, session, gateway, http_sms):
    http_sms(gateway.url)
    case = make_case(told=True, now=EVENING - timedelta(hours=1))
    lead = session.scalars(sa.select(User).join(OrgUnit).where(User.role == Role.LEAD,
                                                                OrgUnit.code == "330281-YM")).first()
    services.accept_case(session, case, lead, EVENING, clocks(app.config))
    session.commit()
    _send(app, EVENING)
    assert [m["id"] for m in gateway.received] == [_outbox(session)[0].key]  # the receipt only
    _send(app, MORNING - timedelta(minutes=1))
    assert len(gateway.received) == 1
    _send(app, MORNING)
    receipt, accepted = _outbox(session)
    assert accepted.topic == "accepted" and accepted.sent_at == MORNING
    assert [m["id"] for m in gateway.received] == [receipt.key, accepted.key]
