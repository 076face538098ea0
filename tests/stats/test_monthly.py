"""Stored months give exactly what a live count gives, before and after later changes."""
from dataclasses import asdict
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app import services
from app.config import clocks
from app.domain.workflow import Rating
from app.core.extensions import db
from app.models import FigureMonth, OrgUnit, Suggestion, User
from app.stats.figures import figure_cube, rollup
from app.stats.monthly import cube_for, plan, refresh, volume_series
from app.stats.periods import local_period
from tests.stats.test_figures import ZONE, month  # noqa: F401 - the fixture

LATER = datetime(2027, 2, 10, 9, 0, tzinfo=ZONE)  # December is a past month by then
FIRST, LAST = date(2026, 12, 1), date(2026, 12, 31)


def _plain(key):
    return str(getattr(key, "value", key))


def _same(stored_cube, live_cube):
    for by in (None, "unit", "category", "poster", "channel", "kind"):
        stored, live = rollup(stored_cube, by), rollup(live_cube, by)
        assert {_plain(k) for k in stored} == {_plain(k) for k in live}, by
        by_name = {_plain(k): v for k, v in live.items()}
        for key, figures in stored.items():
            expected = asdict(by_name[_plain(key)])
            for name, value in asdict(figures).items():
                assert value == pytest.approx(expected[name]), (by, key, name)


def _live(now):
    return figure_cube(db.session, None, local_period(FIRST, date(2027, 1, 1), ZONE), now)


def test_stored_months_match_the_live_count_and_follow_later_changes(app, month):  # noqa: F811
    with app.app_context():
        assert refresh(db.session, LATER, ZONE) == 4  # every month from the oldest case's, November, to February
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FigureMonth)) > 0
        _same(cube_for(db.session, None, FIRST, LAST, LATER, ZONE), _live(LATER))

        # After the refresh, a case of December is reviewed: its rating is cleared.
        case = db.session.get(Suggestion, month["ids"][0])
        cl = clocks(app.config)
        case.window_ends_at = datetime(2027, 3, 1, tzinfo=ZONE)
        case.rating, case.rated_at, case.status, case.closed_at = Rating.UNSATISFIED, LATER, case.status.REPLIED, None
        services.request_review(db.session, case, "重新看看", LATER, cl)
        db.session.commit()
        _same(cube_for(db.session, None, FIRST, LAST, LATER, ZONE), _live(LATER))


def test_a_years_volume_chart_reads_the_stored_months(app, month):  # noqa: F811
    with app.app_context():
        refresh(db.session, LATER, ZONE)
        db.session.commit()
        series = dict(volume_series(db.session, None, date(2026, 1, 1), date(2026, 12, 31), "month", LATER, ZONE))
        assert series[date(2026, 12, 1)] == 6 and series[date(2026, 11, 1)] == 1
        assert series == dict(volume_series(db.session, None, date(2026, 1, 1), date(2026, 12, 31), "month",
                                            datetime(2026, 12, 31, 23, 59, tzinfo=ZONE), ZONE))  # all live


def test_stored_months_leave_reports_out_as_the_live_count_does(app, month, make_case):  # noqa: F811
    report = make_case(now=datetime(2026, 12, 9, 10, tzinfo=ZONE))  # a seventh December case
    with app.app_context():
        cl = clocks(app.config)
        dispatcher = db.session.scalars(sa.select(User).where(User.username == "dispatch")).one()
        case = db.session.get(Suggestion, report.id)
        services.mark_report(db.session, case, dispatcher, datetime(2026, 12, 10, 10, tzinfo=ZONE), cl, "举报")
        db.session.commit()
        refresh(db.session, LATER, ZONE)
        db.session.commit()
        live = figure_cube(db.session, None, local_period(FIRST, date(2027, 1, 1), ZONE), LATER, reports=False)
        stored = cube_for(db.session, None, FIRST, LAST, LATER, ZONE, reports=False)
        _same(stored, live)
        everything = cube_for(db.session, None, FIRST, LAST, LATER, ZONE)
        assert rollup(everything, None)[None].volume == rollup(stored, None)[None].volume + 1
        series = dict(volume_series(db.session, None, date(2026, 12, 1), date(2026, 12, 31), "month", LATER, ZONE,
                                    reports=False))
        assert series[date(2026, 12, 1)] == 6  # seven filed in December, one of them a report


def test_a_refresh_recounts_what_changed_and_only_that(app, month):  # noqa: F811
    with app.app_context():
        refresh(db.session, LATER, ZONE)
        db.session.commit()
        assert refresh(db.session, LATER, ZONE) == 0  # nothing changed since: nothing recounted
        db.session.commit()

        # A December case moves to another unit after the refresh: both units' cells change.
        cl = clocks(app.config)
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        case = db.session.get(Suggestion, month["ids"][3])
        transport = db.session.scalars(sa.select(OrgUnit).where(OrgUnit.code == "330281-JT")).one()
        services.forward_case(db.session, case, users["yangming"], LATER, cl, transport, "交通事项")
        db.session.commit()
        assert refresh(db.session, LATER, ZONE) == 2  # December, when it was filed, and February
        db.session.commit()
        assert plan(db.session, FIRST, LAST, LATER, ZONE) == ([FIRST], [])  # December is stored again
        _same(cube_for(db.session, None, FIRST, LAST, LATER, ZONE), _live(LATER))
        by_unit = rollup(cube_for(db.session, None, FIRST, LAST, LATER, ZONE), "unit")
        assert by_unit[transport.id].volume == 2  # its own case of December, and the one it was sent


def test_an_event_committed_after_the_refresh_that_counted_past_it_still_makes_its_month_dirty(app, month):  # noqa: F811
    """A slow request draws its event's id, a refresh runs and sees newer events, then the slow
    request commits: its id is below the newest the refresh saw, yet its month is recounted."""
    from app.domain.workflow import Action
    from app.models import CaseEvent

    def note(case, event_id=None):
        db.session.add(CaseEvent(id=event_id, suggestion_id=case.id, at=LATER, action=Action.NOTE,
                                 from_status=case.status, to_status=case.status, from_unit_id=case.unit_id,
                                 to_unit_id=case.unit_id, public=False))
        db.session.commit()

    with app.app_context():
        december = db.session.get(Suggestion, month["ids"][0])
        newest = db.session.scalar(sa.select(sa.func.max(CaseEvent.id)))
        note(december, newest + 10)  # a fast request, committed before the refresh
        refresh(db.session, LATER, ZONE)
        db.session.commit()
        assert plan(db.session, FIRST, LAST, LATER, ZONE) == ([FIRST], [])
        december.rating = None  # the slow request: its change and its event, id drawn earlier
        note(december, newest + 5)
        assert plan(db.session, FIRST, LAST, LATER, ZONE) == ([], [(FIRST, LAST)])  # counted live
        _same(cube_for(db.session, None, FIRST, LAST, LATER, ZONE), _live(LATER))
        assert refresh(db.session, LATER, ZONE) >= 1
        db.session.commit()
        assert plan(db.session, FIRST, LAST, LATER, ZONE) == ([FIRST], [])
        _same(cube_for(db.session, None, FIRST, LAST, LATER, ZONE), _live(LATER))
