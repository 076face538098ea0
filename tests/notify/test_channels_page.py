"""`/staff/channels`: admins add, remove and test the channels of their units; nobody else
finds the page. Tokens and secrets never show; a test message goes to one channel, now."""
import re

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, OrgUnit, OutboxMessage, UnitChannel
from tests.conftest import hidden_fields
from tests.notify.servers import DINGTALK_SECRET, DINGTALK_TOKEN, WECOM_KEY, free_port
from tests.web.staff_helpers import signed_in


def _admin(app):
    """The county's admin, reading English (the Chinese catalog is merged by the lead)."""
    client = signed_in(app, "admin")
    client.get("/staff/?lang=en")
    return client


def _unit_id(session, code: str) -> int:
    return session.scalars(sa.select(OrgUnit.id).where(OrgUnit.code == code)).one()


def _add(admin, session, **fields):
    form = hidden_fields(admin.get("/staff/channels").get_data(as_text=True))
    data = {"csrf_token": form["csrf_token"], "unit": str(_unit_id(session, "330281-YM")), "kind": "dingtalk",
            **fields}
    session.commit()
    return admin.post("/staff/channels", data=data)


def _channels(session):
    session.commit()
    return list(session.scalars(sa.select(UnitChannel).order_by(UnitChannel.id)))


def _button(admin, channel_id: int, what: str):
    page = admin.get("/staff/channels").get_data(as_text=True)
    token = re.search(rf'action="/staff/channels/{channel_id}/{what}"[^>]*><input id="csrf_token" name="csrf_token" '
                      r'type="hidden" value="([^"]+)"', page).group(1)
    return admin.post(f"/staff/channels/{channel_id}/{what}", data={"csrf_token": token})


@pytest.mark.parametrize("user", ["yangming", "yangming-lead", "dispatch", "yuyao-supervisor"])
def test_only_admins_find_the_page(app, staff, user):
    client = signed_in(app, user)
    assert client.get("/staff/channels").status_code == 404
    assert client.post("/staff/channels", data={}).status_code in (400, 404)
    assert "/staff/channels" not in client.get("/staff/").get_data(as_text=True)


def test_an_admin_adds_a_robot_and_sees_it_masked(app, staff, session, dingtalk_robot):
    admin = _admin(app)
    assert 'href="/staff/channels"' in admin.get("/staff/").get_data(as_text=True)
    added = _add(admin, session, target=dingtalk_robot.url, secret=DINGTALK_SECRET, digest="y")
    assert added.status_code == 303 and added.headers["Location"].endswith("/staff/channels")
    [channel] = _channels(session)
    assert (channel.target, channel.secret, channel.digest) == (dingtalk_robot.url, DINGTALK_SECRET, True)
    page = admin.get("/staff/channels").get_data(as_text=True)
    assert "Channel added to Yangming Subdistrict" in page and "DingTalk group robot" in page
    assert f"access_token=****{DINGTALK_TOKEN[-4:]}" in page
    assert DINGTALK_TOKEN not in page and DINGTALK_SECRET not in page
    [audit] = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "channel_add")).all()
    assert audit.username == "admin" and audit.target == f"channel:{channel.id}"


@pytest.mark.parametrize("fields, field, error", [
    ({"target": "oapi.dingtalk.com/robot/send"}, "target", "https://"),
    ({"kind": "email", "target": "not an address"}, "target", "one e-mail address"),
    ({"kind": "wecom", "target": f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}",
      "secret": "SEC123"}, "secret", "Only a DingTalk robot"),
    ({"unit": "999999", "target": "https://oapi.dingtalk.com/robot/send"}, "unit", "Choose one of your units"),
    ({"kind": "sms", "target": "https://oapi.dingtalk.com/robot/send"}, "kind", "Not a valid choice"),
    ({"target": ""}, "target", "This field is required"),
])
def test_a_wrong_field_is_shown_beside_it_and_nothing_is_added(app, staff, session, fields, field, error):
    admin = _admin(app)
    answer = _add(admin, session, **fields)
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    shown = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert shown is not None and error in shown.group(1), html[-3000:]
    assert _channels(session) == []


def test_a_unit_outside_the_admins_subtree_is_refused(app, staff, session):
    admin = _admin(app)  # the county's admin: Ningbo city is above it
    answer = _add(admin, session, unit=str(_unit_id(session, "3302")), target="https://oapi.dingtalk.com/robot/send")
    assert answer.status_code == 400 and _channels(session) == []


def test_the_test_button_queues_the_message_and_the_worker_sends_it(app, staff, session, wecom_robot):
    admin = _admin(app)
    _add(admin, session, kind="wecom", target=wecom_robot.url)
    [channel] = _channels(session)
    answer = _button(admin, channel.id, "test")
    assert answer.status_code == 303
    assert wecom_robot.connections == 0  # the web request connected to nothing
    page = admin.get("/staff/channels").get_data(as_text=True)
    assert "The test message to Yangming Subdistrict (WeCom group robot) is queued" in page
    assert "the outbox page shows whether it was sent" in page
    session.commit()
    [message] = session.scalars(sa.select(OutboxMessage)).all()
    assert (message.topic, message.status, message.channel_id) == ("test", "pending", channel.id)
    assert "sent: 1," in app.test_cli_runner().invoke(args=["notify"]).output
    [text] = wecom_robot.texts()
    assert "测试" in text
    session.commit()
    session.refresh(message)
    assert message.status == "sent" and wecom_robot.keys() == [message.key]
    assert message.key.startswith(f"test:{channel.id}:")


def test_a_test_message_to_a_dead_robot_fails_in_the_outbox_not_on_the_page(app, staff, session, dingtalk_robot):
    admin = _admin(app)
    _add(admin, session, target=dingtalk_robot.url, secret=DINGTALK_SECRET)
    port = free_port()
    _add(admin, session, kind="wecom", target=f"https://localhost:{port}/cgi-bin/webhook/send?key={WECOM_KEY}")
    dead = _channels(session)[1]
    assert _button(admin, dead.id, "test").status_code == 303
    page = admin.get("/staff/channels").get_data(as_text=True)
    assert "is queued" in page and "refused" not in page  # no outcome from the web request
    assert "to retry: 1," in app.test_cli_runner().invoke(args=["notify"]).output
    session.commit()
    [message] = session.scalars(sa.select(OutboxMessage)).all()
    assert message.status == "pending" and message.last_error == "connection refused"
    outbox = admin.get("/staff/outbox").get_data(as_text=True)
    assert "connection refused" in outbox and WECOM_KEY not in outbox
    assert dingtalk_robot.connections == 0  # the test went to that channel only


def test_an_admin_removes_a_channel(app, staff, session, make_case):
    admin = _admin(app)
    _add(admin, session, kind="email", target="yangming@yuyao.example.gov.cn")
    make_case()
    [channel] = _channels(session)
    channel_id = channel.id
    assert admin.post(f"/staff/channels/{channel_id}/remove", data={}).status_code == 400  # no CSRF token
    answer = _button(admin, channel_id, "remove")
    assert answer.status_code == 303
    assert _channels(session) == []
    assert "Channel removed from Yangming Subdistrict" in admin.get("/staff/channels").get_data(as_text=True)
    [message] = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.transport == "email")).all()
    assert message.status == "skipped"
    [audit] = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "channel_remove")).all()
    assert audit.username == "admin" and audit.target == f"channel:{channel_id}"
    assert admin.post(f"/staff/channels/{channel_id}/test", data={}).status_code in (400, 404)


def test_a_channel_added_on_the_page_hears_of_the_units_next_case(app, staff, session, make_receipt, wecom_robot):
    admin = _admin(app)
    assert _add(admin, session, kind="wecom", target=wecom_robot.url).status_code == 303
    receipt = make_receipt()
    assert "sent: 1," in app.test_cli_runner().invoke(args=["notify"]).output
    [text] = wecom_robot.texts()
    assert receipt.code in text and f"https://yima.example.gov.cn/staff/cases/{receipt.suggestion.id}" in text
    assert "路灯" not in text and "张三" not in text
