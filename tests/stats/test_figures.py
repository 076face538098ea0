"""Each figure against a hand-built month of cases whose answers are known."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app import services
from app.config import clocks
from app.domain.workflow import Rating
from app.core.extensions import db
from app.models import OrgUnit, User
from app.services.access import subtree_ids
from app.stats.figures import figures_by, total, volume_by_day
from app.stats.periods import buckets, named_period

ZONE = ZoneInfo("Asia/Shanghai")
DECISION = services.ReplyText(claim="c", facts="f", decision="d", basis="b")


def at(day: int, hour: int = 10, month: int = 12, year: int = 2026) -> datetime:
    """A local Shanghai time, as an aware instant."""
    return datetime(year, month, day, hour, tzinfo=ZONE)


@pytest.fixture
def month(app, staff, make_case, session):
    """December 2026 at 阳明街道 (and one case at 交通运输局), built through the services."""
    cl = clocks(app.config)
    user = {u.username: u for u in session.scalars(sa.select(User))}
    handler, reviewer = user["yangming"], user["yuyao-supervisor"]

    a = make_case(now=at(2))  # accepted and answered on time, satisfied: closed the first time
    services.accept_case(session, a, handler, at(3), cl)
    services.reply_to_case(session, a, handler, at(10), cl, DECISION)
    services.rate_reply(session, a, Rating.SATISFIED, "", at(11), cl)

    b = make_case(now=at(2))  # accepted at the last minute, answered on the deadline day, reviewed
    services.accept_case(session, b, handler, b.accept_due_at - timedelta(minutes=1), cl)
    b.reply_due_at = b.due_at = datetime(2026, 12, 19, 0, 0, tzinfo=ZONE)  # due by the end of 18 Dec
    services.reply_to_case(session, b, handler, b.reply_due_at - timedelta(hours=1), cl, DECISION)
    services.rate_reply(session, b, Rating.UNSATISFIED, "", at(20), cl)
    services.request_review(session, b, "不满意", at(20), cl)
    services.reply_to_case(session, b, reviewer, at(28), cl, DECISION)
    services.rate_reply(session, b, Rating.BASICALLY, "", at(29), cl)

    c = make_case(now=at(28, month=11))  # filed in November, accepted late in December, still open
    services.accept_case(session, c, handler, c.accept_due_at + timedelta(days=1), cl)

    d = make_case(now=at(5))  # never accepted: overdue by the end of the month
    e = make_case(now=at(6))  # a duplicate merged into d: filed, not closed
    services.merge_case(session, e, user["yangming-lead"], at(7), cl, d)
    make_case(now=at(31, 23))  # filed in the last hour of the period
    make_case(now=at(1, 0, month=1, year=2027))  # filed just after it
    make_case(now=at(3), poster="JT4P9X")  # another unit's case
    session.commit()
    return {"now": at(31, 12), "ids": (a.id, b.id, c.id, d.id, e.id)}


def _scope(code):
    unit_id = db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.code == code))
    return subtree_ids(db.session, unit_id)


def test_every_figure_of_the_month(app, month):
    with app.app_context():
        period, first, last = named_period("month", date(2026, 12, 15), ZONE)
        assert (first, last) == (date(2026, 12, 1), date(2026, 12, 31))
        f = total(db.session, _scope("330281-YM"), period, month["now"])
        assert f.volume == 5  # a, b, d, e and the last-hour case; not November's, not January's
        assert (f.closed, f.closed_first_time, f.one_time_resolution_rate) == (2, 1, 0.5)
        assert (f.rated, f.satisfied, f.satisfaction_rate) == (2, 2, 1.0)
        assert (f.accepted, f.accepted_on_time) == (3, 2)
        assert f.on_time_acceptance_rate == pytest.approx(2 / 3)
        assert (f.replies, f.replies_on_time, f.first_replies) == (2, 2, 2)  # b's review reply: 余姚市
        assert (f.reviews, f.re_reviews) == (1, 0)
        assert f.overdue_now == 1  # d
        # a: one day; b: 1 min before the end of its 15th day; c: a day after its deadline.
        assert f.average_days_to_accept == pytest.approx((1 + (15 + 14 / 24 - 1 / 1440) + (16 + 14 / 24)) / 3, abs=0.01)
        # a: seven days; b: accepted 17 Dec 23:59, answered 18 Dec 23:00, on its deadline day.
        assert f.average_days_to_reply == pytest.approx((7 + (23 / 24 + 1 / 1440)) / 2, abs=0.001)


def test_the_county_scope_adds_the_review_unit_and_the_other_department(app, month):
    with app.app_context():
        period, _, _ = named_period("month", date(2026, 12, 15), ZONE)
        county = total(db.session, _scope("330281"), period, month["now"])
        assert county.volume == 6
        assert (county.replies, county.replies_on_time) == (3, 3)  # the review answer counts here
        by_unit = figures_by(db.session, _scope("330281"), period, month["now"], "unit")
        assert sum(f.volume for f in by_unit.values()) == 6
        names = {db.session.get(OrgUnit, k).name: f for k, f in by_unit.items()}
        assert names["阳明街道"].volume == 5 and names["交通运输局"].volume == 1
        assert names["余姚市"].replies == 1 and names["余姚市"].volume == 0  # it answered b's review


def test_volume_over_time_folds_local_days(app, month):
    with app.app_context():
        period, first, last = named_period("month", date(2026, 12, 15), ZONE)
        days = volume_by_day(db.session, _scope("330281"), period, ZONE)
        assert days[date(2026, 12, 2)] == 2 and days[date(2026, 12, 31)] == 1
        weeks = buckets(first, last, "week", days)
        assert weeks[0] == (date(2026, 11, 30), 5)  # Mon 30 Nov to Sun 6 Dec
        assert sum(n for _, n in weeks) == 6
        assert buckets(first, last, "month", days) == [(date(2026, 12, 1), 6)]
