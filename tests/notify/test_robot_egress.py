"""A robot address cannot reach the node's own network (the round-3 SSRF): what an admin may
save, and what a send does, against real TLS robots on loopback (tests/notify/servers.py).

Each attack as the attacker would run it: an address saved on the admin page, a channel saved
before the rules, a redirect, an answer that echoes an internal service, one without end, one
a byte at a time, a certificate for another name. The robot counts every connection, so
"refused" means nothing was sent at all."""
import re
import socket
import time

import pytest
import sqlalchemy as sa

from app.core.db import utcnow
from app.models import OrgUnit, OutboxMessage, UnitChannel
from tests.conftest import hidden_fields
from tests.notify.servers import CA_FILE, ROBOT_HOST, WECOM_KEY, Robot, tls_server_context
from tests.web.staff_helpers import signed_in

REDIS = "http://127.0.0.1:6379/"


def _admin(app):
    client = signed_in(app, "admin")
    client.get("/staff/?lang=en")
    return client


def _add_on_page(admin, session, target: str, kind: str = "wecom"):
    form = hidden_fields(admin.get("/staff/channels").get_data(as_text=True))
    unit_id = session.scalars(sa.select(OrgUnit.id).where(OrgUnit.code == "330281-YM")).one()
    session.commit()
    return admin.post("/staff/channels", data={"csrf_token": form["csrf_token"], "unit": str(unit_id),
                                               "kind": kind, "target": target})


def _stored_channel(session, target: str, kind: str = "wecom") -> None:
    """A channel as a database from before the rules may hold it (or a setting changed since)."""
    unit_id = session.scalars(sa.select(OrgUnit.id).where(OrgUnit.code == "330281-YM")).one()
    session.add(UnitChannel(unit_id=unit_id, kind=kind, target=target, secret="", created_at=utcnow()))
    session.commit()


def _notify(app) -> str:
    return app.test_cli_runner().invoke(args=["notify"], catch_exceptions=False).output


def _error(session) -> str:
    session.commit()
    [message] = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.transport != "sms")).all()
    return message.last_error


@pytest.mark.parametrize("target, why", [
    (REDIS, "starting with https://"),
    ("https://127.0.0.1:6379/", "a host the operator allows"),
    ("https://2130706433:6379/", "a host the operator allows"),
    ("https://0x7f000001:6379/", "a host the operator allows"),
    ("https://[::1]:6379/", "a host the operator allows"),
    ("https://[::ffff:127.0.0.1]:6379/", "a host the operator allows"),
    ("https://localhost:6379/", "a host the operator allows"),
    ("https://10.0.0.5/", "a host the operator allows"),
    ("https://169.254.169.254/latest/meta-data/", "a host the operator allows"),
    ("https://qyapi.weixin.qq.com@127.0.0.1:6379/", "a host the operator allows"),
    ("https://qyapi.weixin.qq.com:6379/cgi-bin/webhook/send?key=1", "a host the operator allows"),
    ("https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=1", "a host the operator allows"),
    ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", "starting with https://"),
    ("gopher://127.0.0.1:6379/_INFO", "starting with https://"),
])
def test_an_admin_cannot_save_a_robot_inside_the_network(app, staff, session, target, why):
    answer = _add_on_page(_admin(app), session, target)
    assert answer.status_code == 400
    shown = re.search(r'<p class="error" id="target-error">([^<]*)</p>', answer.get_data(as_text=True))
    assert shown is not None and why in shown.group(1)
    session.commit()
    assert session.scalars(sa.select(UnitChannel)).all() == []


def test_a_host_the_operator_named_is_refused_at_loopback_without_the_second_setting(
        app, staff, session, make_case, wecom_robot, notify_config):
    notify_config(ROBOT_PRIVATE_OK=False)  # YIMA_ROBOT_HOSTS=localhost alone
    assert _add_on_page(_admin(app), session, wecom_robot.url).status_code == 303  # the name is allowed...
    make_case()
    _notify(app)
    assert _error(session) == "refused: address not allowed"  # ...but not where it resolves to
    assert wecom_robot.connections == 0


@pytest.mark.parametrize("spelling", ["127.0.0.1", "2130706433", "[::ffff:127.0.0.1]"])
def test_a_channel_saved_before_the_rules_reaches_nothing(app, staff, session, make_case, wecom_robot, spelling):
    _stored_channel(session, wecom_robot.url_at(spelling))  # the robot itself, by address
    _stored_channel(session, wecom_robot.url.replace("https://", "http://"), kind="dingtalk")
    make_case()
    assert "to retry: 2," in _notify(app)
    session.commit()
    errors = {m.last_error for m in session.scalars(sa.select(OutboxMessage))}
    assert errors == {"refused: address not allowed"} and wecom_robot.connections == 0


def test_a_redirect_is_refused_and_its_target_never_reached(app, session, make_case, wecom_robot):
    inside = Robot("wecom")  # the "internal service" the redirect points at
    try:
        wecom_robot.mode, wecom_robot.location = "redirect", inside.url
        _stored_channel(session, wecom_robot.url)
        make_case()
        _notify(app)
        assert _error(session) == "redirect refused"
        assert wecom_robot.connections == 1 and inside.connections == 0
    finally:
        inside.close()


@pytest.mark.parametrize("mode, error", [("error", "HTTP 500"), ("refuse", "robot refused the message (errcode 93000)")])
def test_what_a_remote_answers_never_reaches_the_outbox_page(app, staff, session, make_case, wecom_robot, mode,
                                                             error):
    if mode == "refuse":
        _stored_channel(session, wecom_robot.url.replace(WECOM_KEY, "not-the-key"))
    else:
        wecom_robot.mode = mode
        _stored_channel(session, wecom_robot.url)
    make_case()
    _notify(app)
    assert _error(session) == error
    page = _admin(app).get("/staff/outbox").get_data(as_text=True)
    assert error in page and Robot.INTERNAL not in page and "redis_version" not in page


def test_an_answer_without_end_is_cut_at_the_bound(app, session, make_case, wecom_robot):
    wecom_robot.mode = "huge"
    _stored_channel(session, wecom_robot.url)
    make_case()
    started = time.monotonic()
    _notify(app)
    assert _error(session) == "answer too large" and time.monotonic() - started < 5


def test_an_answer_a_byte_at_a_time_is_cut_at_the_time_bound(app, session, make_case, wecom_robot, notify_config):
    notify_config(NOTIFY_TIMEOUT=1.0)  # each byte comes well within it: only a bound on the whole stops it
    wecom_robot.mode = "drip"
    _stored_channel(session, wecom_robot.url)
    make_case()
    started = time.monotonic()
    _notify(app)
    assert _error(session) == "timed out" and time.monotonic() - started < 3


def test_tls_is_checked_for_the_name(app, session, make_case, wecom_robot, notify_config):
    notify_config(ROBOT_CA_FILE="")  # the system's CAs only: the test CA is unknown
    _stored_channel(session, wecom_robot.url)
    make_case()
    _notify(app)
    assert _error(session) == "TLS failed" and wecom_robot.accepted == []


def test_a_certificate_for_another_name_fails(app, session, make_case, robot_settings):
    impostor = Robot("wecom", context=tls_server_context("robot.other.example"))
    try:
        _stored_channel(session, impostor.url)
        make_case()
        _notify(app)
        assert _error(session) == "TLS failed" and impostor.accepted == []
    finally:
        impostor.close()


def test_the_name_is_resolved_once_and_sent_as_host_and_sni(app, session, make_case, wecom_robot, monkeypatch):
    asked = []
    real = socket.getaddrinfo

    def counted(host, *args, **kwargs):  # the real resolver, counted
        asked.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", counted)
    _stored_channel(session, wecom_robot.url)
    make_case()
    assert "sent: 1," in _notify(app)
    # one look-up of the robot's name (the database driver may look up its own); the connection
    # went to the address it gave
    assert [host for host in asked if host == ROBOT_HOST] == [ROBOT_HOST]
    [(headers, _)] = wecom_robot.accepted
    assert headers["Host"] == f"{ROBOT_HOST}:{wecom_robot.port}" and wecom_robot.server_names == [ROBOT_HOST]


def test_the_operators_ca_file_is_what_lets_the_private_robot_in(app, session, make_case, wecom_robot):
    assert app.config["ROBOT_CA_FILE"] == CA_FILE  # the robot_settings fixture, as an operator sets it
    _stored_channel(session, wecom_robot.url)
    make_case()
    assert "sent: 1," in _notify(app)
