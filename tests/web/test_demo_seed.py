"""The demo has a past: `flask demo seed` plays a few dozen cases through the service steps,
and a newcomer finds a full inbox, supervision list and dashboard, and a case to rate."""
import dataclasses
import re
from collections import Counter
from datetime import timedelta
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa

from app.config import clocks
from app.core.db import utcnow
from app.core.extensions import db
from app.demo.cases import find_case, seed_demo_cases
from app.demo.scenarios import SCENARIOS
from app.domain.workflow import Action, CaseState, Channel, Kind, Rating, Stage
from app.models import CaseEvent, OrgUnit, Reply, Suggestion
from app.services.duties import due_soon, overdue
from tests.conftest import NOW
from tests.web.helpers import text_of
from tests.web.staff_helpers import CSRF_ANY, signed_in


def _seed(app, now, cl=None):
    """Seed the demo cases at `now` and commit; return how many were added."""
    with app.app_context():
        seeded = seed_demo_cases(db.session, now, cl or clocks(app.config), app.config["SECRET_KEY"])
        db.session.commit()
    assert cl is not None or not seeded.refused  # the scenarios fit the default clocks
    return seeded.added


@pytest.fixture
def seeded_now(app, staff):
    """The demo cases seeded at the clock's present: the staff pages read the real clock, so a
    case due soon on the seeding day is due soon on the page too."""
    now = utcnow()
    _seed(app, now)
    return now


def _case(session, name) -> Suggestion:
    case = find_case(session, name)
    assert case is not None, name
    return case


def _totals(session) -> tuple[int, int, int]:
    return tuple(session.scalar(sa.select(sa.func.count()).select_from(t)) for t in (Suggestion, CaseEvent, Reply))


def test_every_state_a_newcomer_should_meet_is_seeded(app, staff, session):
    assert _seed(app, NOW) == len(SCENARIOS)
    cases = session.scalars(sa.select(Suggestion)).all()
    assert 30 <= len(cases) <= 45
    assert set(Counter(c.status for c in cases)) == set(CaseState)
    cl = clocks(app.config)
    late = set(session.scalars(sa.select(Suggestion.id).where(overdue(NOW))))
    soon = set(session.scalars(sa.select(Suggestion.id).where(due_soon(NOW, cl))))
    # Overdue and due soon, both to accept and to answer.
    for name, state, listed in [("ym-accept-overdue", CaseState.SUBMITTED, late),
                                ("ym-reply-overdue", CaseState.ACCEPTED, late),
                                ("jt-reply-overdue", CaseState.ACCEPTED, late),
                                ("ym-accept-due-soon", CaseState.SUBMITTED, soon),
                                ("ym-reply-due-soon", CaseState.ACCEPTED, soon)]:
        case = _case(session, name)
        assert case.status is state and case.id in listed, name
    assert _case(session, "ym-accept-overdue").urge_count == 1
    replied = _case(session, "ym-replied")
    assert replied.status is CaseState.REPLIED and replied.rating is None and replied.window_ends_at > NOW
    assert replied.replies[-1].decision and replied.replies[-1].basis  # a complaint's structured decision
    assert _case(session, "ym-unsatisfied").rating is Rating.UNSATISFIED
    ratings = {c.rating for c in cases if c.status is CaseState.CLOSED}
    assert {Rating.SATISFIED, Rating.BASICALLY, None} <= ratings  # None: the window ran out
    county, city = (session.scalars(sa.select(OrgUnit).where(OrgUnit.code == code)).one() for code in ("330281", "3302"))
    review, re_review = _case(session, "ym-review"), _case(session, "ym-re-review")
    assert (review.status, review.stage, review.unit_id) == (CaseState.REVIEW, Stage.REVIEW, county.id)
    assert (re_review.status, re_review.stage, re_review.unit_id) == (CaseState.RE_REVIEW, Stage.RE_REVIEW, city.id)
    rejected = _case(session, "ym-rejected")
    assert rejected.status is CaseState.REJECTED and "仲裁" in rejected.events[-1].message
    forwarded = _case(session, "ym-forwarded")
    assert forwarded.status is CaseState.SUBMITTED and forwarded.unit.name == "教育局"
    assert forwarded.return_due_at > NOW  # the receiving unit may still send it back
    asked, extended = _case(session, "ym-extension-asked"), _case(session, "ym-extended")
    assert asked.extension_request_days == 20 and asked.extension_days == 0
    assert extended.extension_days == 30 and extended.extension_request_days is None
    assert extended.reply_due_at - extended.accepted_at > timedelta(days=85)
    merged = _case(session, "ym-merged")
    assert merged.status is CaseState.MERGED and merged.merged_into_id == _case(session, "ym-merge-master").id
    report = _case(session, "ym-report")
    assert report.is_report and report.unit.kind == "dispatch" and report.status is CaseState.ACCEPTED


def test_the_cases_are_spread_like_real_ones(app, staff, session):
    _seed(app, NOW)
    cases = session.scalars(sa.select(Suggestion)).all()
    assert {c.kind for c in cases} == set(Kind) and {c.channel for c in cases} == set(Channel)
    handled = {(c.handled_by or c.unit).name for c in cases}
    assert {"阳明街道", "交通运输局", "凤山街道", "余姚市信访局（12345热线）"} <= handled
    assert any(c.poster and c.poster.code == "YMQ2K8" for c in cases)
    oldest = min(c.created_at for c in cases)
    assert NOW - timedelta(days=70) < oldest < NOW - timedelta(days=50)  # about two months back
    events = session.scalars(sa.select(CaseEvent)).all()
    assert max(e.at for e in events) < NOW
    phones = [c.citizen_phone for c in cases if c.citizen_phone]
    assert phones and all(re.fullmatch(r"1[358]\d{9}", p) for p in phones)
    assert any(c.citizen_name is None and c.citizen_phone is None for c in cases)  # anonymous ones too
    # Every step was a service step taken by a demo account, the citizen or the timers.
    staff_steps = [e for e in events if e.action not in (Action.SUBMIT, Action.RATE, Action.REQUEST_REVIEW,
                                                         Action.FOLLOW_UP, Action.CLOSE)]
    assert staff_steps and all(e.actor is not None for e in staff_steps)


def test_seeding_twice_adds_no_case_and_no_event(app, staff, session):
    assert _seed(app, NOW) == len(SCENARIOS)
    first = _totals(session)
    assert _seed(app, NOW + timedelta(days=3)) == 0
    session.rollback()
    assert _totals(session) == first


def test_a_scenario_other_clocks_refuse_is_left_out_whole(app, staff, session):
    longer_window = dataclasses.replace(clocks(app.config), review_request_days=60)
    with app.app_context():
        seeded = seed_demo_cases(db.session, NOW, longer_window, app.config["SECRET_KEY"])
        db.session.commit()
    # Its rating window is not over when the scenario closes it: its case is taken back whole.
    assert seeded.refused == ("ym-praise-closed (window)",) and seeded.added == len(SCENARIOS) - 1
    assert find_case(session, "ym-praise-closed") is None
    assert _totals(session)[0] == len(SCENARIOS) - 1


def test_the_seed_command_adds_the_cases_once(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert f"{len(SCENARIOS)} demo cases added" in result.output
    first = _totals(session)
    assert first[0] == len(SCENARIOS)
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0 and "0 demo cases added" in again.output
    session.rollback()
    assert _totals(session) == first


def test_the_lead_of_yangming_finds_an_inbox_with_overdue_and_due_soon_cases(app, seeded_now, session):
    page = signed_in(app, "yangming-lead").get("/staff/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'class="badge overdue"' in html and 'class="badge soon"' in html
    shown = set(re.findall(r'<span class="code">([^<]+)</span>', html))
    for name in ("ym-accept-overdue", "ym-reply-overdue", "ym-accept-due-soon", "ym-extension-asked"):
        code = _case(session, name).receipt_code
        assert f"{code[:3]}-{code[3:6]}-{code[6:]}" in shown, name
    report = _case(session, "ym-report").receipt_code
    assert f"{report[:3]}-{report[3:6]}-{report[6:]}" not in shown  # the dispatch centre's alone
    assert len(shown) >= 8


def test_supervision_lists_the_overdue_cases_of_the_county(app, seeded_now, session):
    page = signed_in(app, "yuyao-supervisor").get("/staff/supervision")
    text, html = text_of(page), page.get_data(as_text=True)
    assert page.status_code == 200 and html.count('class="badge overdue"') >= 4
    for name in ("ym-accept-overdue", "jt-reply-overdue", "fs-accept-overdue"):
        code = _case(session, name).receipt_code
        assert f"{code[:3]}-{code[3:6]}-{code[6:]}" in text, name
    assert "阳明街道" in text and "交通运输局" in text and "凤山街道" in text


def _cards(page) -> dict[str, str]:
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>", page.get_data(as_text=True)))


def test_the_dashboard_shows_the_volume_and_a_satisfaction_rate(app, seeded_now, session):
    today = seeded_now.astimezone(clocks(app.config).calendar.zone).date()
    period = f"period=custom&from={today - timedelta(days=70)}&to={today}&lang=en"
    cards = _cards(signed_in(app, "yuyao-supervisor").get(f"/staff/stats?{period}"))
    cases = session.scalars(sa.select(Suggestion)).all()
    rated = [c.rating for c in cases if c.rating is not None]
    good = sum(r is not Rating.UNSATISFIED for r in rated)
    assert 0 < good < len(rated)
    assert cards["Cases filed"] == str(len(cases))
    assert cards["Satisfaction"] == f"{100 * good / len(rated):.1f}%"
    assert cards["Reviews"] != "0" and cards["Re-reviews"] == "1"
    lead = _cards(signed_in(app, "yangming-lead").get(f"/staff/stats?{period}"))
    assert int(lead["Cases filed"]) > 10 and lead["Satisfaction"].endswith("%")


def test_the_printed_tracking_link_opens_a_reply_to_rate(app, seeded_now, session):
    result = app.test_cli_runner().invoke(args=["demo", "urls"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "waiting for the citizen's rating" in line)
    url = re.search(r"https?://\S+/t/[A-Za-z0-9_-]{32}", line).group(0)
    assert url.startswith(app.config["PUBLIC_BASE_URL"])
    citizen = app.test_client()
    page = citizen.get(urlparse(url).path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="rating"' in html and f'action="{urlparse(url).path}/rate"' in html
    assert "舜水南路" in text_of(page) and "13957812364" not in html
    # The receipt code and PIN printed beside it open the same case at /track.
    code, pin = re.search(r"receipt (\S+), PIN (\d{6})", line).groups()
    assert code.replace("-", "") == _case(session, "ym-replied").receipt_code
    csrf = CSRF_ANY.search(citizen.get("/track").get_data(as_text=True)).group(1)
    found = citizen.post("/track", data={"csrf_token": csrf, "code": code, "pin": pin})
    assert found.status_code == 303


def test_every_demo_case_opens_for_staff_and_for_its_citizen(app, seeded_now, session):
    from app.demo.cases import submission_key
    from app.domain import codes

    city = signed_in(app, "ningbo-supervisor")  # the city's supervisor sees every unit and reports
    citizen = app.test_client()
    for scenario in SCENARIOS:
        case = _case(session, scenario.name)
        assert city.get(f"/staff/cases/{case.id}").status_code == 200, scenario.name
        token = codes.tracking_token(app.config["SECRET_KEY"], submission_key(scenario.name))
        assert citizen.get(f"/t/{token}").status_code == 200, scenario.name


def test_stored_months_count_the_backdated_demo_cases(app, staff, session):
    """`sweep` stores past months' figures; cases seeded afterwards, all in the past, must
    still count (their events are older than the last refresh, so nothing marks them dirty)."""
    from app.stats.monthly import cube_for, plan, refresh
    from app.stats.figures import Figures, rollup

    zone = clocks(app.config).calendar.zone
    with app.app_context():
        refresh(db.session, NOW, zone)  # the store exists, and is up to date, before the demo cases
        db.session.commit()
    _seed(app, NOW)
    today = NOW.astimezone(zone).date()
    first, last = (today - timedelta(days=75)).replace(day=1), today
    with app.app_context():
        stored, _live = plan(db.session, first, last, NOW, zone)
        assert stored  # whole past months are read from the store
        volume = rollup(cube_for(db.session, None, first, last, NOW, zone), None).get(None, Figures()).volume
    assert volume == len(SCENARIOS)
