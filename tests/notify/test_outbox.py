"""The outbox: each step's messages are written with the step, to the people the table in
app/domain/tellings.py names, never for a step rolled back, never twice."""
import json
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app import services
from app.config import clocks
from app.core.db import utcnow
from app.domain.workflow import Action, Role
from app.models import OrgUnit, OutboxMessage, Subscription, UnitChannel, User
from app.services.outbox import revealed

EVENING = datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc)  # 22:00 in Shanghai: quiet hours
MORNING = datetime(2026, 12, 2, 0, 0, tzinfo=timezone.utc)  # 08:00 the next day


def _messages(session, **where):
    session.commit()
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return list(session.scalars(query))


def _channel(session, unit_code: str, kind: str = "dingtalk", target: str = "http://127.0.0.1:9/robot"):
    unit = session.scalars(sa.select(OrgUnit).where(OrgUnit.code == unit_code)).one()
    channel = UnitChannel(unit_id=unit.id, kind=kind, target=target, secret="", created_at=utcnow())
    session.add(channel)
    session.commit()
    return channel


def _user(session, role: Role, unit_code: str) -> User:
    return session.scalars(sa.select(User).join(OrgUnit).where(User.role == role, OrgUnit.code == unit_code)).first()


def test_a_citizen_who_agreed_gets_the_receipt_with_the_code_and_their_link(app, make_receipt, session):
    receipt = make_receipt(told=True)
    [sms] = _messages(session, transport="sms")
    assert sms.topic == "receipt" and sms.phone == "13812345678"
    assert receipt.code in sms.body
    # Stored without the token (only its hash is on the case): it is filled in as the SMS leaves.
    assert receipt.token not in sms.body + sms.params and "https://yima.example.gov.cn/t/{token}" in sms.body
    text, _ = revealed(sms.body, json.loads(sms.params), app.config["SECRET_KEY"])
    assert f"https://yima.example.gov.cn/t/{receipt.token}" in text
    assert "路灯" not in sms.body  # never the text of the case
    assert session.get(Subscription, receipt.suggestion.id) is not None


def test_no_consent_no_sms_and_a_landline_gets_none(make_receipt, session):
    make_receipt()
    make_receipt(told=True, citizen_phone="057462345678")
    assert _messages(session, transport="sms") == []


def test_each_visible_step_tells_the_citizen_once_in_order(make_receipt, session):
    case = make_receipt("closed", told=True).suggestion
    topics = [m.topic for m in _messages(session, transport="sms", case_id=case.id)]
    assert topics == ["receipt", "accepted", "replied", "closed"]


def test_an_english_filer_reads_english(make_receipt, session):
    make_receipt("accepted", told=True, language="en")
    accepted = _messages(session, topic="accepted")[0]
    assert accepted.body.startswith("Your case") and "was accepted by" in accepted.body


def test_a_reason_and_a_new_date_reach_the_citizen_but_no_staff_name(make_receipt, session):
    case = make_receipt("extended", told=True).suggestion
    [extended] = _messages(session, topic="extended")
    assert "需要现场勘测" in extended.body
    assert "月" in extended.body  # the new last day, as a Chinese date
    names = [u.display_name for u in session.scalars(sa.select(User)) if u.display_name]
    assert names and not any(name in extended.body for name in names)
    assert case.id == extended.case_id


def test_a_rolled_back_step_queues_nothing(app, make_case, session):
    case = make_case(told=True)
    before = len(_messages(session))
    cl = clocks(app.config)
    lead = _user(session, Role.LEAD, "330281-YM")
    services.accept_case(session, case, lead, utcnow(), cl)
    session.rollback()
    assert len(_messages(session)) == before


def test_quiet_hours_hold_a_step_until_morning_but_not_the_receipt(app, make_case, session):
    case = make_case(told=True, now=EVENING)
    services.accept_case(session, case, _user(session, Role.LEAD, "330281-YM"), EVENING, clocks(app.config))
    receipt, accepted = _messages(session, transport="sms")
    assert receipt.not_before == EVENING
    assert accepted.not_before == MORNING


def test_a_phone_gets_at_most_the_daily_cap(app, make_receipt, session):
    app.config["SMS_DAILY_CAP"] = 2
    try:
        for _ in range(3):
            make_receipt(told=True)
    finally:
        app.config["SMS_DAILY_CAP"] = 20
    assert [m.status for m in _messages(session, transport="sms")] == ["pending", "pending", "skipped"]


def test_a_unit_channel_hears_of_its_new_and_forwarded_cases_without_the_text(make_receipt, session):
    channel = _channel(session, "330281-YM")
    other = _channel(session, "330281-JT", kind="wecom")
    receipt = make_receipt(forward_to="330281-JT")
    ours = _messages(session, channel_id=channel.id)
    theirs = _messages(session, channel_id=other.id)
    assert [m.topic for m in ours] == ["new_case"]
    assert [m.topic for m in theirs] == ["forwarded_in"]
    for message in ours + theirs:
        assert receipt.code in message.body and "路灯" not in message.body and "张三" not in message.body
        assert f"/staff/cases/{receipt.suggestion.id}" in message.body


def test_reports_are_told_only_to_the_dispatch_centre(app, make_case, session):
    town = _channel(session, "330281-YM")
    centre_code = session.scalars(sa.select(OrgUnit.code).where(OrgUnit.kind == "dispatch")).one()
    centre = _channel(session, centre_code)
    case = make_case()  # filed and committed before anyone knew it was a report
    services.mark_report(session, case, _user(session, Role.LEAD, "330281-YM"), utcnow(), clocks(app.config), "举报")
    assert [m.topic for m in _messages(session, channel_id=town.id)] == ["new_case"]
    assert [m.topic for m in _messages(session, channel_id=centre.id)] == ["report_in"]
    filed_as_report = make_case(is_report=True)  # marked in the filing's own transaction
    assert {m.topic for m in _messages(session, case_id=filed_as_report.id) if m.channel_id} == {"new_case", "report_in"}
    assert {m.channel_id for m in _messages(session, case_id=filed_as_report.id)} == {centre.id}


def test_a_merged_citizen_gets_the_masters_answer_with_their_own_link(make_receipt, session, app):
    master = make_receipt("accepted")
    merged = make_receipt("merged", told=True, master=master.suggestion)
    case = master.suggestion
    services.reply_to_case(session, case, _user(session, Role.LEAD, "330281-YM"), utcnow(), clocks(app.config),
                           services.ReplyText(claim="a", facts="b", decision="c", basis="d"))
    [replied] = _messages(session, topic="replied")
    text, _ = revealed(replied.body, json.loads(replied.params), app.config["SECRET_KEY"])
    assert replied.case_id == merged.suggestion.id and merged.token in text
    assert json.loads(replied.params)["code"] == merged.code


@pytest.mark.parametrize("action", [Action.FOLLOW_UP, Action.RATE])
def test_the_citizens_own_steps_are_not_told_back(action):
    from app.domain.tellings import CITIZEN_TOPICS

    assert action not in CITIZEN_TOPICS
