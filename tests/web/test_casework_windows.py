"""Service steps at their clocks' edges, with `now` passed in: windows open and shut on time."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import services
from app.config import clocks
from app.domain.workflow import Rating
from app.models import OrgUnit, User
from tests.conftest import NOW, REPLY

MICRO = timedelta(microseconds=1)


@pytest.fixture
def ctx(app, staff, session):
    """The configured clocks and the demo accounts, on the test's session."""
    return clocks(app.config), {u.username: u for u in session.scalars(sa.select(User))}


def _unit(session, code):
    return session.scalars(sa.select(OrgUnit).where(OrgUnit.code == code)).one()


def test_a_forward_may_be_returned_until_the_fifth_working_day_ends(ctx, make_case, session):
    cl, user = ctx
    case = make_case(now=NOW)  # filed at 阳明街道
    services.forward_case(session, case, user["yangming"], NOW, cl, _unit(session, "330281-JT"), "道路")
    deadline = case.return_due_at  # NOW is Tuesday 1 Dec: Wed..Tue 8 Dec
    assert cl.calendar.local_date(deadline - MICRO).isoformat() == "2026-12-08"
    with pytest.raises(services.Refused) as late:
        services.return_case(session, case, user["jiaotong"], deadline, cl, "不属于本局")
    assert late.value.reason == "window"
    services.return_case(session, case, user["jiaotong"], deadline - MICRO, cl, "不属于本局")
    assert case.unit.kind == "dispatch" and case.return_due_at is None


def test_review_is_open_until_the_thirtieth_day_and_never_after_re_review(ctx, make_case, session):
    cl, user = ctx
    case = make_case("replied", now=NOW)  # by 阳明街道
    end = case.window_ends_at
    services.rate_reply(session, case, Rating.UNSATISFIED, "", end - MICRO, cl)
    with pytest.raises(services.Refused) as late:
        services.request_review(session, case, "no", end, cl)
    assert late.value.reason == "window"
    services.request_review(session, case, "no", end - MICRO, cl)
    assert case.unit.name == "余姚市" and case.reply_due_at == cl.review_answer_due(end - MICRO)

    later = end + timedelta(days=1)
    services.reply_to_case(session, case, user["yuyao-supervisor"], later, cl, REPLY)
    services.rate_reply(session, case, Rating.UNSATISFIED, "", later, cl)
    services.request_review(session, case, "still no", later, cl)
    assert case.unit.name == "宁波市"
    services.reply_to_case(session, case, user["ningbo-supervisor"], later, cl, REPLY)
    assert case.replies[-1].final and case.replies[-1].review_until is None
    with pytest.raises(services.Refused) as final:
        services.request_review(session, case, "again", later, cl)
    assert final.value.reason == "final"


def test_an_extension_is_asked_by_the_handler_and_decided_by_the_lead_once(ctx, make_case, session):
    cl, user = ctx
    handler, lead = user["yangming"], user["yangming-lead"]
    case = make_case("accepted", now=NOW)  # by 阳明街道
    due = case.reply_due_at
    with pytest.raises(services.Refused) as too_long:
        services.request_extension(session, case, handler, NOW, cl, cl.max_extension_days + 1, "太久")
    assert too_long.value.reason == "days"
    with pytest.raises(services.Refused) as not_hers:
        services.extend_case(session, case, handler, NOW, cl, 10, "自己批")
    assert not_hers.value.reason == "role"  # a handler asks; only the lead extends
    services.request_extension(session, case, handler, NOW, cl, 20, "需要现场勘测")
    with pytest.raises(services.Refused) as twice:
        services.request_extension(session, case, handler, NOW, cl, 5, "再要")
    assert twice.value.reason == "pending"
    event = services.extend_case(session, case, lead, NOW, cl, None, "")  # approves as asked
    assert case.reply_due_at == due + timedelta(days=20) and case.extension_days == 20
    assert event.public and event.message == "需要现场勘测"  # the citizen sees the reason
    assert case.extension_request_days is None
    for step, who in ((services.request_extension, handler), (services.extend_case, lead)):
        with pytest.raises(services.Refused) as again:
            step(session, case, who, NOW, cl, 1, "再延")
        assert again.value.reason == "once"


def test_a_refused_request_leaves_the_deadline_and_the_lead_may_still_decide(ctx, make_case, session):
    cl, user = ctx
    case = make_case("accepted", now=NOW)
    due = case.reply_due_at
    with pytest.raises(services.Refused) as nothing:
        services.refuse_extension(session, case, user["yangming-lead"], NOW, cl, "不必")
    assert nothing.value.reason == "no_request"
    services.request_extension(session, case, user["yangming"], NOW, cl, 10, "材料不全")
    event = services.refuse_extension(session, case, user["yangming-lead"], NOW, cl, "可以按期办结")
    assert case.reply_due_at == due and not event.public and case.extension_request_days is None
    services.extend_case(session, case, user["yangming-lead"], NOW, cl, cl.max_extension_days, "汛期")
    assert case.reply_due_at == due + timedelta(days=cl.max_extension_days)


def test_another_units_lead_may_not_extend(ctx, make_case, session):
    cl, user = ctx
    case = make_case("accepted", now=NOW)
    other_lead = user["yangming-lead"]
    other_lead.unit_id = _unit(session, "330281-JT").id  # a lead, but of another unit
    with pytest.raises(services.Refused) as refused:
        services.extend_case(session, case, other_lead, NOW, cl, 5, "越权")
    assert refused.value.reason == "unit"
    session.rollback()


def test_a_report_cannot_be_forwarded_to_an_ordinary_unit(ctx, make_case, session):
    cl, user = ctx
    case = make_case(is_report=True, now=NOW)  # marked by 阳明街道: now with the dispatch centre
    with pytest.raises(services.Refused) as refused:
        services.forward_case(session, case, user["dispatch"], NOW, cl, _unit(session, "330281-YM"), "转")
    assert refused.value.reason == "report_target"


def test_urging_opens_on_the_first_local_day_counted_as_due_soon(ctx, make_case, session):
    cl, user = ctx
    case = make_case(now=NOW)
    last_day = cl.calendar.local_date(case.due_at - MICRO)
    opens = cl.calendar.end_of(last_day - timedelta(days=cl.due_soon_days + 1))  # start of that day
    with pytest.raises(services.Refused) as early:
        services.urge_case(session, case, user["yuyao-supervisor"], opens - MICRO, cl, "快办")
    assert early.value.reason == "not_due"
    services.urge_case(session, case, user["yuyao-supervisor"], opens, cl, "快办")
    assert case.urge_count == 1
    assert cl.is_due_soon(case.due_at, opens) and not cl.is_due_soon(case.due_at, opens - MICRO)


def test_a_forward_gives_the_receiving_unit_its_own_extension(ctx, make_case, session):
    cl, user = ctx
    case = make_case("extended", now=NOW)  # 阳明街道 extended its answer once
    assert case.extension_days == 10
    services.forward_case(session, case, user["yangming-lead"], NOW, cl, _unit(session, "330281-JT"), "交通事项")
    assert case.extension_days == 0 and case.extension_request_days is None
    services.accept_case(session, case, user["jiaotong"], NOW, cl)
    services.request_extension(session, case, user["jiaotong"], NOW, cl, 5, "需要施工单位配合")  # not "once"


def test_merging_or_reporting_a_master_is_refused(ctx, make_case, session):
    cl, user = ctx
    master = make_case("accepted", now=NOW)
    make_case("merged", master=master, now=NOW)
    other = make_case("accepted", now=NOW)
    session.refresh(master)
    for step, args in ((services.merge_case, (other,)), (services.mark_report, ("举报",))):
        with pytest.raises(services.Refused) as refused:
            step(session, master, user["yangming-lead"], NOW, cl, *args)
        assert refused.value.reason == "has_merged"
