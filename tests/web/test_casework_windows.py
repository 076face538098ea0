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
    services.rate_reply(session, case, Rating.UNSATISFIED, "", end - MICRO)
    with pytest.raises(services.Refused) as late:
        services.request_review(session, case, "no", end, cl)
    assert late.value.reason == "window"
    services.request_review(session, case, "no", end - MICRO, cl)
    assert case.unit.name == "余姚市" and case.reply_due_at == cl.review_answer_due(end - MICRO)

    later = end + timedelta(days=1)
    services.reply_to_case(session, case, user["yuyao-supervisor"], later, cl, REPLY)
    services.rate_reply(session, case, Rating.UNSATISFIED, "", later)
    services.request_review(session, case, "still no", later, cl)
    assert case.unit.name == "宁波市"
    services.reply_to_case(session, case, user["ningbo-supervisor"], later, cl, REPLY)
    assert case.replies[-1].final and case.replies[-1].review_until is None
    with pytest.raises(services.Refused) as final:
        services.request_review(session, case, "again", later, cl)
    assert final.value.reason == "final"


def test_an_extension_is_granted_once_and_only_up_to_thirty_days(ctx, make_case, session):
    cl, user = ctx
    case = make_case("accepted", now=NOW)  # by 阳明街道
    with pytest.raises(services.Refused):
        services.extend_case(session, case, user["yangming-lead"], NOW, cl, 31, "太久")
    due = case.reply_due_at
    services.extend_case(session, case, user["yangming-lead"], NOW, cl, 30, "现场勘测")
    assert case.reply_due_at == due + timedelta(days=30)
    with pytest.raises(services.Refused) as again:
        services.extend_case(session, case, user["yangming-lead"], NOW, cl, 1, "再延")
    assert again.value.reason == "once"


def test_a_report_cannot_be_forwarded_to_an_ordinary_unit(ctx, make_case, session):
    cl, user = ctx
    case = make_case(is_report=True, now=NOW)  # marked by 阳明街道: now with the dispatch centre
    with pytest.raises(services.Refused) as refused:
        services.forward_case(session, case, user["dispatch"], NOW, cl, _unit(session, "330281-YM"), "转")
    assert refused.value.reason == "report"


def test_urging_waits_until_three_days_before_the_deadline(ctx, make_case, session):
    cl, user = ctx
    case = make_case(now=NOW)  # filed at 阳明街道
    with pytest.raises(services.Refused):
        services.urge_case(session, case, user["yuyao-supervisor"], NOW, "快办")
    services.urge_case(session, case, user["yuyao-supervisor"], case.due_at - timedelta(days=3), "快办")
    assert case.urge_count == 1
