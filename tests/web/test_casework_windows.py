"""Service steps at their clocks' edges, with `now` passed in: windows open and shut on time."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import services
from app.config import clocks
from app.domain.workflow import Kind, Rating
from app.core.extensions import db
from app.models import OrgUnit, User
from tests.conftest import NOW

MICRO = timedelta(microseconds=1)


@pytest.fixture
def ctx(app, staff):
    """An app context with the configured clocks and a few accounts."""
    with app.app_context():
        user = {u.username: u for u in db.session.scalars(sa.select(User))}
        yield clocks(app.config), user


def _new_case(app, kind=Kind.COMPLAINT):
    receipt = services.submit_suggestion(
        db.session, services.Submission(submission_key=services.intake.codes.new_submission_key(),
                                        kind=kind, text="路灯坏了很久了", category_id=None, poster_code="YMQ2K8"),
        clocks(app.config), app.config["SECRET_KEY"], NOW)
    return receipt.suggestion


def _unit(code):
    return db.session.scalars(sa.select(OrgUnit).where(OrgUnit.code == code)).one()


def test_a_forward_may_be_returned_until_the_fifth_working_day_ends(app, ctx):
    cl, user = ctx
    case = _new_case(app)
    services.forward_case(db.session, case, user["yangming"], NOW, cl, _unit("330281-JT"), "道路")
    deadline = case.return_due_at  # NOW is Tuesday 1 Dec: Wed..Tue 8 Dec
    assert cl.calendar.local_date(deadline - MICRO).isoformat() == "2026-12-08"
    with pytest.raises(services.Refused) as late:
        services.return_case(db.session, case, user["jiaotong"], deadline, cl, "不属于本局")
    assert late.value.reason == "window"
    services.return_case(db.session, case, user["jiaotong"], deadline - MICRO, cl, "不属于本局")
    assert case.unit.kind == "dispatch" and case.return_due_at is None


def test_review_is_open_until_the_thirtieth_day_and_never_after_re_review(app, ctx):
    cl, user = ctx
    case = _new_case(app)
    decision = services.ReplyText(claim="c", facts="f", decision="d", basis="b")
    services.accept_case(db.session, case, user["yangming"], NOW, cl)
    services.reply_to_case(db.session, case, user["yangming"], NOW, cl, decision)
    end = case.window_ends_at
    services.rate_reply(db.session, case, Rating.UNSATISFIED, "", end - MICRO)
    with pytest.raises(services.Refused) as late:
        services.request_review(db.session, case, "no", end, cl)
    assert late.value.reason == "window"
    services.request_review(db.session, case, "no", end - MICRO, cl)
    assert case.unit.name == "余姚市" and case.reply_due_at == cl.review_answer_due(end - MICRO)

    later = end + timedelta(days=1)
    services.reply_to_case(db.session, case, user["yuyao-supervisor"], later, cl, decision)
    services.rate_reply(db.session, case, Rating.UNSATISFIED, "", later)
    services.request_review(db.session, case, "still no", later, cl)
    assert case.unit.name == "宁波市"
    services.reply_to_case(db.session, case, user["ningbo-supervisor"], later, cl, decision)
    assert case.replies[-1].final and case.replies[-1].review_until is None
    with pytest.raises(services.Refused) as final:
        services.request_review(db.session, case, "again", later, cl)
    assert final.value.reason == "final"
    db.session.rollback()


def test_an_extension_is_granted_once_and_only_up_to_thirty_days(app, ctx):
    cl, user = ctx
    case = _new_case(app)
    services.accept_case(db.session, case, user["yangming"], NOW, cl)
    with pytest.raises(services.Refused):
        services.extend_case(db.session, case, user["yangming-lead"], NOW, cl, 31, "太久")
    due = case.reply_due_at
    services.extend_case(db.session, case, user["yangming-lead"], NOW, cl, 30, "现场勘测")
    assert case.reply_due_at == due + timedelta(days=30)
    with pytest.raises(services.Refused) as again:
        services.extend_case(db.session, case, user["yangming-lead"], NOW, cl, 1, "再延")
    assert again.value.reason == "once"
    db.session.rollback()


def test_a_report_cannot_be_forwarded_to_an_ordinary_unit(app, ctx):
    cl, user = ctx
    case = _new_case(app)
    services.mark_report(db.session, case, user["yangming"], NOW, cl, "举报")
    with pytest.raises(services.Refused) as refused:
        services.forward_case(db.session, case, user["dispatch"], NOW, cl, _unit("330281-YM"), "转")
    assert refused.value.reason == "report"
    db.session.rollback()


def test_urging_waits_until_three_days_before_the_deadline(app, ctx):
    cl, user = ctx
    case = _new_case(app)
    with pytest.raises(services.Refused):
        services.urge_case(db.session, case, user["yuyao-supervisor"], NOW, "快办")
    services.urge_case(db.session, case, user["yuyao-supervisor"], case.due_at - timedelta(days=3), "快办")
    assert case.urge_count == 1
    db.session.rollback()
