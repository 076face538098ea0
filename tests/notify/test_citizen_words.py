"""One word for each thing, everywhere a citizen reads it: the SMS name the receipt code as the
pages do (受理码), quote a reason without doubling its full stop, and name the review step that
applies (复查 or 复核) and its answer (复查意见, 复核意见) instead of a plain "answered"."""
import sqlalchemy as sa

from app import services
from app.config import clocks
from app.core.db import utcnow
from app.domain.policy import refusal
from app.domain.workflow import Action, Rating
from app.models import OrgUnit, OutboxMessage, UnitChannel, User
from app.notify.tencent import template_of
from tests.conftest import PLAIN_REPLY


def _sms(session, case_id: int) -> dict[str, str]:
    session.commit()
    rows = session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.case_id == case_id, OutboxMessage.transport == "sms").order_by(OutboxMessage.id))
    return {m.topic: m.body for m in rows}


def _who_may_reply(session, case, now, cl) -> User:
    return next(u for u in session.scalars(sa.select(User).order_by(User.id))
                if refusal(u, case, Action.REPLY, now, cl) is None)


def test_the_receipt_sms_calls_the_code_what_the_receipt_page_calls_it(client, make_receipt, session):
    receipt = make_receipt(told=True)
    body = _sms(session, receipt.suggestion.id)["receipt"]
    page = client.get(f"/t/{receipt.token}").get_data(as_text=True)
    assert "受理码" in page and "受理码" in body and "回执码" not in body


def test_a_reason_that_ends_in_a_full_stop_reads_one(app, make_receipt, session):
    cl, now = clocks(app.config), utcnow()
    case = make_receipt("accepted", told=True).suggestion
    people = {u.role.value: u for u in session.scalars(sa.select(User).where(User.unit_id == case.unit_id))}
    services.request_extension(session, case, people["handler"], now, cl, 10, "需要住建部门现场勘测。")
    services.extend_case(session, case, people["lead"], now, cl, None, "")  # approved as asked
    rejected = make_receipt(told=True).suggestion
    services.reject_case(session, rejected, people["handler"], now, cl, "不属于本单位职责范围；")
    english = make_receipt(told=True, language="en").suggestion
    services.reject_case(session, english, people["handler"], now, cl, "Not a matter for this office. ")
    extended = _sms(session, case.id)["extended"]
    assert "理由：需要住建部门现场勘测。" in extended and "。。" not in extended
    assert "不予受理：不属于本单位职责范围。详情" in _sms(session, rejected.id)["rejected"]
    assert "not accepted: Not a matter for this office. Details" in _sms(session, english.id)["rejected"]


def test_a_long_reason_is_cut_without_a_mark_before_the_ellipsis(app, make_receipt, session):
    cl, now = clocks(app.config), utcnow()
    case = make_receipt(told=True).suggestion
    handler = session.scalars(sa.select(User).where(User.unit_id == case.unit_id, User.role == "handler")).first()
    services.reject_case(session, case, handler, now, cl, "该事项" * 19 + "等，另行处理。")  # the cut falls on "，"
    body = _sms(session, case.id)["rejected"]
    assert "该事项等…。详情" in body and "，…" not in body


def test_the_review_sms_name_the_step_that_applies_and_its_answer(app, make_receipt, session):
    cl, now = clocks(app.config), utcnow()
    units = session.scalars(sa.select(OrgUnit.id)).all()
    session.add_all(UnitChannel(unit_id=u, kind="dingtalk", target="http://127.0.0.1:9/robot", secret="",
                                created_at=now) for u in units)
    case = make_receipt("review", told=True, kind="suggestion").suggestion
    told = _sms(session, case.id)
    assert "复查申请" in told["review_requested"] and "复核" not in told["review_requested"]
    services.reply_to_case(session, case, _who_may_reply(session, case, now, cl), now, cl, PLAIN_REPLY)
    told = _sms(session, case.id)
    assert "复查意见" in told["review_replied"] and "已答复" not in told["review_replied"]
    services.rate_reply(session, case, Rating.UNSATISFIED, "", now, cl)
    services.request_review(session, case, "复查意见仍未解决", now, cl)
    told = _sms(session, case.id)
    assert "复核申请" in told["re_review_requested"] and "复查" not in told["re_review_requested"]
    unit_titles = [m.subject for m in session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.case_id == case.id, OutboxMessage.transport == "dingtalk"))]
    assert any(t.startswith("复查申请") for t in unit_titles) and any(t.startswith("复核申请") for t in unit_titles)
    assert not any("（复核）" in t for t in unit_titles)
    services.reply_to_case(session, case, _who_may_reply(session, case, now, cl), now, cl, PLAIN_REPLY)
    final = _sms(session, case.id)["re_review_replied"]
    assert "复核意见" in final and "最终" in final


def test_a_county_without_a_review_template_sends_the_review_answer_on_its_plain_one():
    message = OutboxMessage(topic="review_replied", language="zh_Hans_CN")
    assert template_of(message, "receipt=1,replied=2") == "2"
    assert template_of(message, "replied=2,review_replied=3") == "3"  # its own, once approved
