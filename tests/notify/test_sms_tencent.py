"""The `tencent` SMS provider through Tencent's SDK, against a real loopback SendSms that
checks the TC3-HMAC-SHA256 signature as Tencent documents it (tests/notify/sms_servers.py)."""
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.core.extensions import db
from app.domain import codes
from app.domain.tellings import ALL_CITIZEN_TOPICS
from app.models import OutboxMessage
from app.notify.tencent import TEMPLATE_PARAMS
from app.notify.texts import _citizen_words
from app.notify.worker import send_due
from tests.notify.daytime import last_morning
from tests.notify.sms_servers import TencentSms, free_port, tc3_signature, tencent_sms  # noqa: F401 (a fixture)


@pytest.fixture
def tencent(app, monkeypatch, tencent_sms):
    """The app's SMS through Tencent, at the loopback SendSms; returns that server."""
    for key, value in {"SMS_PROVIDER": "tencent", "TENCENT_SECRET_ID": TencentSms.SECRET_ID,
                       "TENCENT_SECRET_KEY": TencentSms.SECRET_KEY, "TENCENT_SMS_APP_ID": TencentSms.APP_ID,
                       "TENCENT_SMS_SIGN": TencentSms.SIGN, "TENCENT_REGION": TencentSms.REGION,
                       "TENCENT_SMS_TEMPLATES": "receipt=1001, accepted=1002, receipt.en=1003",
                       "TENCENT_ENDPOINT": tencent_sms.endpoint, "TENCENT_SCHEME": "http",
                       "NOTIFY_PRIVATE_OK": True}.items():  # a loopback API over http: the LAN switch
        monkeypatch.setitem(app.config, key, value)
    return tencent_sms


def _outbox(session):
    session.commit()
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _notify(app) -> str:
    return app.test_cli_runner().invoke(args=["notify"], catch_exceptions=False).output


def _send_later(app):
    """A round of sending an hour from now, when every first retry is due."""
    with app.app_context():
        send_due(db.session, app.config, lambda: datetime.now(timezone.utc) + timedelta(hours=1))
        db.session.remove()


def test_the_servers_check_is_tencents_documented_example():
    # Tencent's worked example (signature v3, CVM DescribeInstances): the same inputs must give
    # the documented signature, or the loopback API would accept what Tencent refuses.
    body = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    headers = {"content-type": "application/json; charset=utf-8", "host": "cvm.tencentcloudapi.com"}
    signature = tc3_signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "POST", "/", "", headers,
                              ["content-type", "host"], body, "1551113065", "cvm")
    assert signature == "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"


def test_a_told_citizen_gets_the_receipt_then_the_accepted_sms_from_their_templates(app, make_receipt, session,
                                                                                    tencent):
    receipt = make_receipt("accepted", told=True, now=last_morning())
    assert "sent: 2," in _notify(app)
    sent = _outbox(session)
    assert [m.status for m in sent] == ["sent", "sent"]
    first, second = tencent.received
    assert [first["TemplateId"], second["TemplateId"]] == ["1001", "1002"]
    assert first["PhoneNumberSet"] == second["PhoneNumberSet"] == ["+8613812345678"]
    assert [first["SessionContext"], second["SessionContext"]] == [m.key for m in sent]
    code, link = codes.grouped(receipt.suggestion.receipt_code), f"https://yima.example.gov.cn/t/{receipt.token}"
    assert first["TemplateParamSet"] == [code, link]
    unit, date = second["TemplateParamSet"][1:3]
    assert second["TemplateParamSet"] == [code, unit, date, link]
    assert unit and unit in sent[1].body and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
    assert "sent: 0," in _notify(app) and len(tencent.received) == 2


def test_an_english_filer_gets_the_english_template(app, make_receipt, tencent):
    make_receipt(told=True, language="en", now=last_morning())
    assert "sent: 1," in _notify(app)
    assert [r["TemplateId"] for r in tencent.received] == ["1003"]


def test_a_wrong_secret_key_is_refused_by_the_signature_check_and_tried_again(app, make_receipt, session, tencent,
                                                                              monkeypatch):
    monkeypatch.setitem(app.config, "TENCENT_SECRET_KEY", "not-the-key")
    make_receipt(told=True, now=last_morning())
    assert "to retry: 1," in _notify(app)
    [message] = _outbox(session)
    assert message.status == "pending" and tencent.received == []
    assert message.last_error == "Tencent SMS AuthFailure.SignatureFailure"


def test_a_key_pasted_with_a_space_is_an_error_on_the_message_not_a_crash(app, make_receipt, session, tencent,
                                                                         monkeypatch):
    monkeypatch.setitem(app.config, "TENCENT_SECRET_KEY", TencentSms.SECRET_KEY + " ")
    make_receipt(told=True, now=last_morning())
    assert "to retry: 1," in _notify(app)
    assert _outbox(session)[0].last_error == "Tencent SMS InvalidCredential"


def test_a_number_tencent_will_not_send_to_keeps_tencents_code_not_its_words(app, make_receipt, session, tencent):
    tencent.status_code = "LimitExceeded.PhoneNumberDailyLimit"
    make_receipt(told=True, now=last_morning())
    assert "to retry: 1," in _notify(app)
    [message] = _outbox(session)
    assert message.last_error == "Tencent SMS LimitExceeded.PhoneNumberDailyLimit"


def test_a_topic_without_a_template_is_not_sent_and_says_why(app, make_receipt, session, tencent, monkeypatch):
    monkeypatch.setitem(app.config, "TENCENT_SMS_TEMPLATES", "receipt=1001")
    make_receipt("accepted", told=True, now=last_morning())
    assert "sent: 1, to retry: 1," in _notify(app)
    receipt, accepted = _outbox(session)
    assert (receipt.status, accepted.status) == ("sent", "pending")
    assert "no Tencent SMS template for topic 'accepted'" in accepted.last_error
    assert [r["TemplateId"] for r in tencent.received] == ["1001"]


def test_missing_settings_are_named_in_the_error(app, make_receipt, session, tencent, monkeypatch):
    monkeypatch.setitem(app.config, "TENCENT_SMS_SIGN", "")
    monkeypatch.setitem(app.config, "TENCENT_SMS_TEMPLATES", "receipt=12a")
    make_receipt(told=True, now=last_morning())
    assert "to retry: 1," in _notify(app)
    assert _outbox(session)[0].last_error == "YIMA_TENCENT_SMS_SIGN must be set for YIMA_SMS_PROVIDER=tencent"
    monkeypatch.setitem(app.config, "TENCENT_SMS_SIGN", TencentSms.SIGN)
    _send_later(app)
    assert _outbox(session)[0].last_error == "YIMA_TENCENT_SMS_TEMPLATES: 'receipt=12a' is not topic=templateId"
    assert tencent.received == []


def test_an_unreachable_api_is_tried_again(app, make_receipt, session, tencent, monkeypatch):
    monkeypatch.setitem(app.config, "TENCENT_ENDPOINT", f"127.0.0.1:{free_port()}")
    make_receipt(told=True, now=last_morning())
    assert "to retry: 1," in _notify(app)
    assert _outbox(session)[0].last_error == "Tencent SMS ClientNetworkError"


def test_every_citizen_topic_has_the_parameters_its_message_names(app):
    assert set(TEMPLATE_PARAMS) == ALL_CITIZEN_TOPICS
    with app.app_context(), force_locale("en"):
        for topic, params in TEMPLATE_PARAMS.items():
            assert set(params) == set(re.findall(r"%\((\w+)\)s", _citizen_words(topic))), topic
