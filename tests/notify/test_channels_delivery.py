"""A unit's channels end to end: a channel added at the shell, a case filed, `notify` run, and
what a real robot or SMTP server on loopback saw: one message, with the receipt code and the
staff link, never the citizen's words or name. Failures back off, die, and come back."""
from datetime import timedelta

import sqlalchemy as sa

from app.core.db import utcnow
from app.models import OutboxMessage
from app.notify.worker import retry, send_due
from tests.notify.servers import free_port

CITIZEN_WORDS = ("路灯", "新建路3号", "张三", "13812345678")


def _add(app, unit: str, kind: str, target: str, secret: str = ""):
    args = ["channels", "add", "--unit", unit, "--kind", kind, "--target", target]
    result = app.test_cli_runner().invoke(args=args + (["--secret", secret] if secret else []))
    assert result.exit_code == 0, result.output


def _notify(app) -> str:
    return app.test_cli_runner().invoke(args=["notify"], catch_exceptions=False).output


def _unit_messages(session, transport: str):
    session.commit()
    return list(session.scalars(sa.select(OutboxMessage).where(OutboxMessage.transport == transport)
                                .order_by(OutboxMessage.id)))


def _says_the_case_and_nothing_of_the_citizen(text: str, receipt) -> None:
    assert receipt.code in text
    assert f"https://yima.example.gov.cn/staff/cases/{receipt.suggestion.id}" in text
    for words in CITIZEN_WORDS:
        assert words not in text, words


def test_a_signed_dingtalk_robot_hears_of_a_new_case_once(app, session, make_receipt, dingtalk_robot):
    _add(app, "330281-YM", "dingtalk", dingtalk_robot.url, dingtalk_robot.secret)
    receipt = make_receipt()
    assert "sent: 1," in _notify(app)
    assert dingtalk_robot.refused == [] and len(dingtalk_robot.accepted) == 1
    [text] = dingtalk_robot.texts()
    _says_the_case_and_nothing_of_the_citizen(text, receipt)
    [message] = _unit_messages(session, "dingtalk")
    assert message.status == "sent" and dingtalk_robot.keys() == [message.key]
    assert dingtalk_robot.accepted[0][1]["markdown"]["title"] == message.subject
    assert "sent: 0," in _notify(app)  # sent once: a second run has nothing to do
    assert len(dingtalk_robot.accepted) == 1


def test_a_wrong_secret_is_the_robot_refusing_and_the_message_waits(app, session, make_case, dingtalk_robot):
    _add(app, "330281-YM", "dingtalk", dingtalk_robot.url, "SECnot-the-robots-secret")
    make_case()
    assert "to retry: 1," in _notify(app)
    assert dingtalk_robot.refused == ["sign not match"] and dingtalk_robot.accepted == []
    [message] = _unit_messages(session, "dingtalk")
    assert message.status == "pending" and message.last_error == "robot refused the message (errcode 310000)"


def test_a_forwarded_case_reaches_the_receiving_units_wecom_robot(app, session, make_receipt, dingtalk_robot,
                                                                  wecom_robot):
    _add(app, "330281-YM", "dingtalk", dingtalk_robot.url, dingtalk_robot.secret)
    _add(app, "330281-JT", "wecom", wecom_robot.url)
    receipt = make_receipt(forward_to="330281-JT")
    assert "sent: 2," in _notify(app)
    assert len(dingtalk_robot.accepted) == 1 and "待受理" in dingtalk_robot.texts()[0]  # the new case, at 阳明街道
    assert wecom_robot.refused == [] and len(wecom_robot.accepted) == 1
    [text] = wecom_robot.texts()
    _says_the_case_and_nothing_of_the_citizen(text, receipt)
    [message] = _unit_messages(session, "wecom")
    assert message.topic == "forwarded_in" and wecom_robot.keys() == [message.key]


def test_a_units_mailbox_gets_the_case_by_email(app, session, make_receipt, mailbox):
    _add(app, "330281-YM", "email", "yangming@yuyao.example.gov.cn")
    receipt = make_receipt()
    assert "sent: 1," in _notify(app)
    [mail] = mailbox.messages
    [message] = _unit_messages(session, "email")
    assert mailbox.envelopes == [("yima@yuyao.example.gov.cn", ["yangming@yuyao.example.gov.cn"])]
    assert mail["From"] == "yima@yuyao.example.gov.cn" and mail["To"] == "yangming@yuyao.example.gov.cn"
    assert mail["Subject"] == message.subject and receipt.code in mail["Subject"]
    assert mail["Message-ID"] == f"<{message.key.replace(':', '.')}@yuyao.example.gov.cn>"
    _says_the_case_and_nothing_of_the_citizen(mail.get_content(), receipt)


def test_no_smtp_server_is_a_retry_with_the_reason(app, session, make_case, notify_config):
    notify_config(SMTP_URL=f"smtp://127.0.0.1:{free_port()}", NOTIFY_PRIVATE_OK=True)
    _add(app, "330281-YM", "email", "yangming@yuyao.example.gov.cn")
    make_case()
    assert "to retry: 1," in _notify(app)
    [message] = _unit_messages(session, "email")
    assert message.status == "pending" and message.last_error == "SMTP connection refused"


def _rounds(app, clock):
    with app.app_context():
        from app.core.extensions import db

        return send_due(db.session, app.config, lambda: clock[0])


def test_a_robot_answering_500_is_tried_later_then_dead_then_retried_by_an_admin(
        app, session, make_case, wecom_robot, notify_config):
    notify_config(NOTIFY_MAX_ATTEMPTS=3)
    _add(app, "330281-YM", "wecom", wecom_robot.url)
    make_case()
    wecom_robot.mode = "error"
    before = utcnow()
    assert "to retry: 1," in _notify(app)
    [message] = _unit_messages(session, "wecom")
    assert message.attempts == 1 and message.last_error == "HTTP 500"
    waited = message.not_before - before
    assert timedelta(seconds=55) < waited < timedelta(seconds=65)  # the first back-off: a minute
    assert "sent: 0, to retry: 0," in _notify(app)  # not due yet: nothing is tried

    clock = [message.not_before + timedelta(seconds=1)]
    assert _rounds(app, clock).retried == 1
    clock[0] += timedelta(minutes=2, seconds=1)
    assert _rounds(app, clock).dead == 1
    [message] = _unit_messages(session, "wecom")
    assert (message.status, message.attempts) == ("dead", 3) and "HTTP 500" in message.last_error
    assert wecom_robot.accepted == []

    wecom_robot.mode = "ok"
    with app.app_context():
        from app.core.extensions import db

        assert retry(db.session, message.id, utcnow())
        db.session.commit()
    assert "sent: 1," in _notify(app)
    assert wecom_robot.keys() == [message.key]


def test_a_robot_that_hangs_times_out_and_is_tried_again(app, session, make_case, dingtalk_robot, notify_config):
    notify_config(NOTIFY_TIMEOUT=0.5)
    _add(app, "330281-YM", "dingtalk", dingtalk_robot.url, dingtalk_robot.secret)
    make_case()
    dingtalk_robot.mode = "hang"
    assert "to retry: 1," in _notify(app)
    [message] = _unit_messages(session, "dingtalk")
    assert message.status == "pending" and message.last_error == "timed out"
    dingtalk_robot.mode = "ok"
    clock = [message.not_before + timedelta(seconds=1)]
    assert _rounds(app, clock).sent == 1
    assert dingtalk_robot.keys() == [message.key]


def test_several_messages_to_one_channel_go_in_one_run(app, session, make_receipt, dingtalk_robot):
    _add(app, "330281-YM", "dingtalk", dingtalk_robot.url, dingtalk_robot.secret)
    codes = {make_receipt().code for _ in range(3)}  # one batch holding the same channel three times
    assert "sent: 3," in _notify(app)
    assert {code for code in codes if any(code in text for text in dingtalk_robot.texts())} == codes


def test_an_answer_that_is_not_http_is_a_retry_not_a_crash(app, session, make_case, wecom_robot):
    _add(app, "330281-YM", "wecom", wecom_robot.url)
    make_case()
    make_case()
    wecom_robot.mode = "garbled"
    assert "sent: 0, to retry: 2," in _notify(app)  # both tried: the first one's failure stopped nothing
    messages = _unit_messages(session, "wecom")
    assert [m.last_error for m in messages] == ["not an HTTP answer (BadStatusLine)"] * 2
