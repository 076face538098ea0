"""The settings that say where messages go (SMTP, the SMS gateway, Tencent, the robot hosts)
stop the start when they point inside the network or at a metadata service, unless the
explicit setting admits a LAN server; and each send checks the address again, against a real
SMTP server and SMS gateway on loopback."""
import pytest
import sqlalchemy as sa

from app import create_app
from app.core.serving import UnsafeConfiguration
from app.models import OutboxMessage
from tests.notify.daytime import last_morning
from tests.notify.sms_servers import gateway  # noqa: F401 (a fixture)


def _start(tmp_path, **settings):
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/start.sqlite3", **settings})


@pytest.mark.parametrize("settings, says", [
    ({"SMTP_URL": "smtp://169.254.169.254:25"}, "YIMA_SMTP_URL: 169.254.169.254 (169.254.169.254) is a link-local"),
    ({"SMTP_URL": "smtp://127.0.0.1:25"}, "set YIMA_NOTIFY_PRIVATE_OK=1"),
    ({"SMTP_URL": "smtps://2130706433"}, "YIMA_SMTP_URL: 2130706433 (127.0.0.1) is a loopback or private"),
    ({"SMTP_URL": "smtp://localhost"}, "is a loopback or private address"),
    ({"SMTP_URL": "smtp://10.20.30.40:587"}, "is a loopback or private address"),
    ({"SMTP_URL": "http://mail.yuyao.gov.cn"}, "YIMA_SMTP_URL: the scheme must be one of smtp, smtp+starttls, smtps"),
    ({"SMTP_URL": "smtp://:25"}, "YIMA_SMTP_URL names no host"),
    ({"SMS_URL": "http://sms.yuyao.gov.cn/send"}, "YIMA_SMS_URL: plain http"),
    ({"SMS_URL": "https://[::ffff:169.254.169.254]/send"}, "is a link-local, metadata"),
    ({"SMS_URL": "https://192.168.10.5/send"}, "is a loopback or private address"),
    ({"SMS_URL": "gopher://sms.yuyao.gov.cn/"}, "YIMA_SMS_URL: the scheme must be one of http, https"),
    ({"TENCENT_ENDPOINT": "100.100.100.200"}, "YIMA_TENCENT_ENDPOINT: 100.100.100.200 (100.100.100.200) is a link"),
    ({"TENCENT_ENDPOINT": "0x7f000001:6379"}, "YIMA_TENCENT_ENDPOINT: 0x7f000001 (127.0.0.1) is a loopback"),
    ({"TENCENT_SCHEME": "http"}, "YIMA_TENCENT_SCHEME: plain http"),
    ({"ROBOT_HOSTS": ("127.0.0.1",)}, "YIMA_ROBOT_HOSTS: 127.0.0.1 (127.0.0.1) is a loopback or private address; "
                                      "set YIMA_ROBOT_PRIVATE_OK=1"),
    ({"ROBOT_HOSTS": ("169.254.169.254",), "ROBOT_PRIVATE_OK": True}, "is a link-local"),
    ({"ROBOT_HOSTS": ("zd.example.gov.cn/robot",)}, "YIMA_ROBOT_HOSTS: 'zd.example.gov.cn/robot' is not a host name"),
    ({"ROBOT_CA_FILE": "/nonexistent/ca.pem"}, "YIMA_ROBOT_CA_FILE: /nonexistent/ca.pem is not a readable"),
])
def test_a_setting_pointing_where_it_must_not_stops_the_start(tmp_path, settings, says):
    with pytest.raises(UnsafeConfiguration) as refused:
        _start(tmp_path, **settings)
    assert says in str(refused.value)


@pytest.mark.parametrize("settings", [
    {"SMTP_URL": "smtp://127.0.0.1:25", "NOTIFY_PRIVATE_OK": True},  # a local postfix
    {"SMTP_URL": "smtp+starttls://relay.yuyao.gov.cn:587"},  # a name: checked at each send
    {"SMS_URL": "http://10.20.30.40/sms", "NOTIFY_PRIVATE_OK": True},  # a gateway in the government network
    {"SMS_URL": "https://sms.zj.gov.cn/send", "TENCENT_ENDPOINT": "sms.tencentcloudapi.com"},
    {"ROBOT_HOSTS": ("zd.example.gov.cn", "10.1.1.1"), "ROBOT_PRIVATE_OK": True},
])
def test_what_an_operator_means_starts(tmp_path, settings):
    assert _start(tmp_path, **settings).config["SMTP_URL"] == settings.get("SMTP_URL", "")


def test_the_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("YIMA_SMTP_URL", "smtp://127.0.0.1:25")
    with pytest.raises(UnsafeConfiguration, match="YIMA_NOTIFY_PRIVATE_OK"):
        _start(tmp_path)
    monkeypatch.setenv("YIMA_NOTIFY_PRIVATE_OK", "1")
    monkeypatch.setenv("YIMA_ROBOT_HOSTS", "ZD.example.gov.cn, localhost")
    monkeypatch.setenv("YIMA_ROBOT_PRIVATE_OK", "1")
    config = _start(tmp_path).config
    assert config["NOTIFY_PRIVATE_OK"] and config["ROBOT_PRIVATE_OK"]
    assert config["ROBOT_HOSTS"] == ("zd.example.gov.cn", "localhost")


def _outbox(session):
    session.commit()
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _notify(app) -> str:
    return app.test_cli_runner().invoke(args=["notify"], catch_exceptions=False).output


def test_smtp_by_a_name_that_resolves_inside_is_refused_at_each_send(app, session, make_case, mailbox,
                                                                     notify_config):
    app.test_cli_runner().invoke(args=["channels", "add", "--unit", "330281-YM", "--kind", "email",
                                       "--target", "yangming@yuyao.example.gov.cn"])
    notify_config(SMTP_URL=f"smtp://localhost:{mailbox.port}", NOTIFY_PRIVATE_OK=False)
    make_case()
    assert "to retry: 1," in _notify(app)
    [message] = [m for m in _outbox(session) if m.transport == "email"]
    assert message.last_error == "refused: address not allowed" and mailbox.messages == []
    notify_config(NOTIFY_PRIVATE_OK=True)  # the operator says the relay there is meant
    message.not_before = message.created_at
    session.commit()
    assert "sent: 1," in _notify(app)
    assert len(mailbox.messages) == 1


def test_the_sms_gateway_inside_needs_the_setting_at_each_send(app, session, make_receipt, gateway, monkeypatch):
    for name, value in {"SMS_PROVIDER": "http", "SMS_SECRET": "gateway-secret", "SMS_URL": gateway.url,
                        "NOTIFY_PRIVATE_OK": False}.items():
        monkeypatch.setitem(app.config, name, value)
    make_receipt(told=True, now=last_morning())
    assert "to retry: 1," in _notify(app)
    assert _outbox(session)[0].last_error == "refused: https only"
    monkeypatch.setitem(app.config, "SMS_URL", gateway.url.replace("http://127.0.0.1", "https://localhost"))
    message = _outbox(session)[0]
    message.not_before = message.created_at
    session.commit()
    assert "to retry: 1," in _notify(app)
    assert _outbox(session)[0].last_error == "refused: address not allowed" and gateway.received == []
