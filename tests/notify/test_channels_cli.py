"""`flask channels add|list|remove`: the rules an operator meets at the shell, each add and
remove audited, no access token or secret ever printed."""
import json

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, OutboxMessage, UnitChannel
from app.domain.egress import robot_url_problem
from app.services.channels import is_address, masked_target
from tests.notify.servers import DINGTALK_SECRET, DINGTALK_TOKEN

WEBHOOK = f"https://oapi.dingtalk.com/robot/send?access_token={DINGTALK_TOKEN}"


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["channels", *args])


def _channels(session):
    session.commit()
    return list(session.scalars(sa.select(UnitChannel).order_by(UnitChannel.id)))


def test_an_operator_adds_lists_and_removes_a_dingtalk_robot(app, session):
    added = _run(app, "add", "--unit", "330281-YM", "--kind", "dingtalk", "--target", WEBHOOK,
                 "--secret", DINGTALK_SECRET, "--digest")
    assert added.exit_code == 0, added.output
    [channel] = _channels(session)
    channel_id = channel.id
    assert (channel.kind, channel.target, channel.secret, channel.digest, channel.active) == (
        "dingtalk", WEBHOOK, DINGTALK_SECRET, True, True)
    assert channel.unit.code == "330281-YM"

    listed = _run(app, "list")
    assert listed.exit_code == 0
    row = listed.output.strip().split("\t")
    assert row[:3] == [str(channel.id), "330281-YM", "dingtalk"] and row[4:] == ["digest", "active"]
    assert row[3] == "https://oapi.dingtalk.com/robot/send?access_token=****" + DINGTALK_TOKEN[-4:]
    assert DINGTALK_TOKEN not in listed.output + added.output
    assert DINGTALK_SECRET not in listed.output + added.output

    removed = _run(app, "remove", str(channel_id))
    assert removed.exit_code == 0 and f"removed channel {channel_id}" in removed.output
    assert _channels(session) == []
    audits = list(session.scalars(sa.select(AuditEvent).where(AuditEvent.action.like("channel_%"))
                                  .order_by(AuditEvent.id)))
    assert [(a.action, a.username, a.target) for a in audits] == [
        ("channel_add", "cli", f"channel:{channel_id}"), ("channel_remove", "cli", f"channel:{channel_id}")]
    detail = json.loads(audits[0].detail)
    assert detail["unit"] == "330281-YM" and DINGTALK_TOKEN not in audits[0].detail


@pytest.mark.parametrize("args, problem", [
    (["--unit", "NOPE", "--kind", "dingtalk", "--target", WEBHOOK], "no unit with code NOPE"),
    (["--unit", "330281-YM", "--kind", "dingtalk", "--target", "ftp://example.com/x"], "https webhook URL"),
    (["--unit", "330281-YM", "--kind", "wecom", "--target", "qyapi.weixin.qq.com/send?key=1"], "https webhook URL"),
    (["--unit", "330281-YM", "--kind", "wecom", "--target", "http://127.0.0.1:6379/"], "https webhook URL"),
    (["--unit", "330281-YM", "--kind", "wecom", "--target", "https://127.0.0.1:6379/"], "or a host in YIMA_ROBOT_HOSTS"),
    (["--unit", "330281-YM", "--kind", "dingtalk", "--target", "https://oapi.dingtalk.com.evil.example/robot/send"],
     "or a host in YIMA_ROBOT_HOSTS"),
    (["--unit", "330281-YM", "--kind", "email", "--target", "office at yuyao"], "one e-mail address"),
    (["--unit", "330281-YM", "--kind", "email", "--target", "a@b.cn, c@d.cn"], "one e-mail address"),
    (["--unit", "330281-YM", "--kind", "email", "--target", "redis@[127.0.0.1]"], "one e-mail address"),
    (["--unit", "330281-YM", "--kind", "wecom", "--target", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1",
      "--secret", "SEC1"], "only a DingTalk"),
    (["--unit", "330281-YM", "--kind", "sms", "--target", WEBHOOK], "'sms' is not one of"),
])
def test_a_wrong_channel_is_refused_with_the_reason_and_nothing_is_added(app, session, args, problem):
    result = _run(app, "add", *args)
    assert result.exit_code == 2 and problem in result.output, result.output
    assert _channels(session) == []
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "channel_add")) == 0


def test_the_same_channel_twice_is_refused(app, session):
    args = ["add", "--unit", "330281-YM", "--kind", "email", "--target", "office@yuyao.example.gov.cn"]
    assert _run(app, *args).exit_code == 0
    again = _run(app, *args)
    assert again.exit_code == 2 and "already has that channel" in again.output
    assert len(_channels(session)) == 1


def test_removing_a_channel_skips_what_still_waited_for_it(app, session, make_case):
    assert _run(app, "add", "--unit", "330281-YM", "--kind", "email", "--target", "ym@yuyao.example.gov.cn").exit_code == 0
    make_case()
    [channel] = _channels(session)
    channel_id = channel.id
    removed = _run(app, "remove", str(channel_id))
    assert "1 waiting messages skipped" in removed.output
    session.commit()
    [message] = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.transport == "email")).all()
    assert message.status == "skipped" and message.last_error == "the unit's channel was removed"
    assert _run(app, "remove", str(channel_id)).exit_code == 2  # gone: "no channel"
    assert _run(app, "list").output.strip() == "no channels"


def test_the_rules_of_a_target():
    assert robot_url_problem("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "wecom") is None
    for wrong in ("https://exa mple.com/", "https://host:port/", "javascript:alert(1)", "https:///nohost",
                  "https://example.com/" + "x" * 500):
        assert robot_url_problem(wrong, "wecom") == "url", wrong
    assert is_address("office@yuyao.example.gov.cn")
    for wrong in ("office", "office@localhost", "<a@b.cn>", "王 <a@b.cn>", "a@b.cn\nBcc: c@d.cn", "a@@b.cn",
                  "a@[127.0.0.1]", "a@[10.0.0.1]", "a@127.0.0.1", "a@169.254.169.254", "a@0x7f.0.0.1", "a@x.localhost"):
        assert not is_address(wrong), wrong
    assert masked_target("office@yuyao.example.gov.cn") == "office@yuyao.example.gov.cn"
    assert masked_target("https://u:pw@h.cn/send?key=0123456789abcdef&x=1") == "https://u:****@h.cn/send?key=****cdef&x=****"
