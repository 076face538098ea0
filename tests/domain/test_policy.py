"""The one policy, without an app: the holding unit, report cases, windows and the phone."""
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Optional

import pytest

from app.domain.deadlines import Clocks
from app.domain.policy import CITIZEN_PARTY, Area, may_open, may_see_phone, refusal
from app.domain.workflow import Action, CaseState, Rating, Role, Stage

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
CLOCKS = Clocks()
TOWN, OTHER, CENTRE, COUNTY = 10, 11, 2, 1


@dataclass(frozen=True)
class Staff:
    role: Role
    unit_id: int


@dataclass(frozen=True)
class Case:
    status: CaseState = CaseState.ACCEPTED
    unit_id: int = TOWN
    is_report: bool = False
    stage: Stage = Stage.FIRST
    due_at: Optional[datetime] = NOW + timedelta(days=59)
    reply_due_at: Optional[datetime] = NOW + timedelta(days=59)
    return_due_at: Optional[datetime] = None
    extension_days: int = 0
    extension_request_days: Optional[int] = None
    window_ends_at: Optional[datetime] = None
    rated_at: Optional[datetime] = None
    rating: Optional[Rating] = None
    citizen_phone: Optional[str] = "13812345678"
    merged_cases: tuple = ()


HANDLER, LEAD = Staff(Role.HANDLER, TOWN), Staff(Role.LEAD, TOWN)
OTHER_LEAD, DISPATCHER = Staff(Role.LEAD, OTHER), Staff(Role.DISPATCHER, CENTRE)
SUPERVISOR, ADMIN = Staff(Role.SUPERVISOR, COUNTY), Staff(Role.ADMIN, COUNTY)


def test_a_supervisor_above_the_unit_may_not_answer_for_it():
    case = Case()
    assert refusal(SUPERVISOR, case, Action.REPLY, NOW, CLOCKS) == "unit"
    assert refusal(SUPERVISOR, case, Action.ASSIGN, NOW, CLOCKS) == "unit"
    assert refusal(HANDLER, case, Action.REPLY, NOW, CLOCKS) is None
    review = replace(case, status=CaseState.REVIEW, stage=Stage.REVIEW, unit_id=COUNTY)
    assert refusal(SUPERVISOR, review, Action.REPLY, NOW, CLOCKS) is None  # the review is theirs


def test_the_dispatch_centre_acts_on_any_unit_and_other_units_on_none():
    case = Case(status=CaseState.SUBMITTED)
    assert refusal(DISPATCHER, case, Action.ACCEPT, NOW, CLOCKS) is None
    assert refusal(OTHER_LEAD, case, Action.ACCEPT, NOW, CLOCKS) == "unit"


def test_a_report_is_only_for_the_dispatch_centre_and_supervisors_and_goes_nowhere():
    report = Case(status=CaseState.SUBMITTED, unit_id=CENTRE, is_report=True)
    assert refusal(Staff(Role.HANDLER, CENTRE), report, Action.ACCEPT, NOW, CLOCKS) == "report"
    assert refusal(Staff(Role.LEAD, CENTRE), report, Action.NOTE, NOW, CLOCKS) == "report"
    assert refusal(DISPATCHER, report, Action.ACCEPT, NOW, CLOCKS) is None
    assert refusal(DISPATCHER, report, Action.FORWARD, NOW, CLOCKS) == "report_target"
    assert refusal(DISPATCHER, report, Action.MERGE, NOW, CLOCKS) == "report_target"
    assert refusal(SUPERVISOR, report, Action.NOTE, NOW, CLOCKS) is None


def test_send_back_only_a_forwarded_case_within_its_window():
    fresh = Case(status=CaseState.SUBMITTED)
    assert refusal(HANDLER, fresh, Action.RETURN, NOW, CLOCKS) == "not_forwarded"
    forwarded = replace(fresh, return_due_at=NOW + timedelta(days=1))
    assert refusal(HANDLER, forwarded, Action.RETURN, NOW, CLOCKS) is None
    assert refusal(HANDLER, forwarded, Action.RETURN, NOW + timedelta(days=1), CLOCKS) == "window"


def test_an_extension_is_asked_once_decided_by_the_lead_and_granted_once():
    case = Case()
    assert refusal(HANDLER, case, Action.REQUEST_EXTENSION, NOW, CLOCKS) is None
    assert refusal(HANDLER, case, Action.EXTEND, NOW, CLOCKS) == "role"
    assert refusal(LEAD, case, Action.REFUSE_EXTENSION, NOW, CLOCKS) == "no_request"
    asked = replace(case, extension_request_days=10)
    assert refusal(HANDLER, asked, Action.REQUEST_EXTENSION, NOW, CLOCKS) == "pending"
    assert refusal(LEAD, asked, Action.EXTEND, NOW, CLOCKS) is None
    assert refusal(OTHER_LEAD, asked, Action.EXTEND, NOW, CLOCKS) == "unit"
    granted = replace(case, extension_days=10)
    assert refusal(LEAD, granted, Action.EXTEND, NOW, CLOCKS) == "once"
    assert refusal(HANDLER, granted, Action.REQUEST_EXTENSION, NOW, CLOCKS) == "once"
    review = replace(case, status=CaseState.REVIEW, stage=Stage.REVIEW)
    assert refusal(LEAD, review, Action.EXTEND, NOW, CLOCKS) == "state"
    assert refusal(LEAD, case, Action.EXTEND, NOW, replace(CLOCKS, max_extension_days=0)) == "no_extensions"


def test_urging_follows_the_configured_due_soon_days():
    last_day = NOW.astimezone(CLOCKS.calendar.zone).date() + timedelta(days=5)
    case = Case(due_at=CLOCKS.calendar.end_of(last_day))
    assert refusal(SUPERVISOR, case, Action.URGE, NOW, CLOCKS) == "not_due"  # five days left
    assert refusal(SUPERVISOR, case, Action.URGE, NOW, replace(CLOCKS, due_soon_days=5)) is None


def test_the_phone_is_for_the_people_of_the_unit_holding_the_case():
    case = Case()
    assert may_see_phone(HANDLER, case) and may_see_phone(LEAD, case)
    assert not may_see_phone(OTHER_LEAD, case) and not may_see_phone(SUPERVISOR, case)
    assert not may_see_phone(ADMIN, case) and not may_see_phone(DISPATCHER, case)
    assert may_see_phone(DISPATCHER, replace(case, unit_id=CENTRE))
    assert refusal(HANDLER, replace(case, citizen_phone=None), Action.REVEAL_PHONE, NOW, CLOCKS) == "no_phone"
    assert refusal(ADMIN, case, Action.REVEAL_PHONE, NOW, CLOCKS) == "role"


def test_the_citizen_rates_once_within_the_window_then_may_ask_for_review():
    replied = Case(status=CaseState.REPLIED, window_ends_at=NOW + timedelta(days=1))
    assert refusal(CITIZEN_PARTY, replied, Action.RATE, NOW, CLOCKS) is None
    assert refusal(CITIZEN_PARTY, replied, Action.REQUEST_REVIEW, NOW, CLOCKS) == "rate_first"
    rated = replace(replied, rated_at=NOW, rating=Rating.UNSATISFIED)
    assert refusal(CITIZEN_PARTY, rated, Action.RATE, NOW, CLOCKS) == "rated"
    assert refusal(CITIZEN_PARTY, rated, Action.REQUEST_REVIEW, NOW, CLOCKS) is None
    assert refusal(CITIZEN_PARTY, rated, Action.REQUEST_REVIEW, NOW + timedelta(days=1), CLOCKS) == "window"
    final = replace(rated, stage=Stage.RE_REVIEW)
    assert refusal(CITIZEN_PARTY, final, Action.REQUEST_REVIEW, NOW, CLOCKS) == "final"
    assert refusal(HANDLER, replied, Action.RATE, NOW, CLOCKS) == "role"


@pytest.mark.parametrize("area,roles", [
    (Area.FILE_FOR_CITIZEN, {Role.HANDLER, Role.LEAD, Role.DISPATCHER}),
    (Area.DASHBOARD, {Role.LEAD, Role.SUPERVISOR, Role.ADMIN}),
    (Area.SUPERVISION, {Role.SUPERVISOR}),
    (Area.POSTERS, {Role.LEAD, Role.ADMIN}),
    (Area.OUTBOX, {Role.ADMIN}),
])
def test_each_area_opens_for_its_roles_only(area, roles):
    assert {r for r in Role if may_open(Staff(r, TOWN), area)} == roles


def test_a_clock_set_to_nonsense_is_refused():
    with pytest.raises(ValueError):
        Clocks(accept_days=0)
    with pytest.raises(ValueError):
        Clocks(due_soon_days=-1)


def test_a_case_others_are_merged_into_is_neither_merged_nor_marked_a_report():
    master = Case(status=CaseState.ACCEPTED, merged_cases=(object(),))
    assert refusal(LEAD, master, Action.MERGE, NOW, CLOCKS) == "has_merged"
    assert refusal(HANDLER, master, Action.MARK_REPORT, NOW, CLOCKS) == "has_merged"
    assert refusal(HANDLER, Case(), Action.MARK_REPORT, NOW, CLOCKS) is None


def test_the_dispatch_centre_triages_any_unit_but_answers_only_for_itself():
    re_review = Case(status=CaseState.RE_REVIEW, stage=Stage.RE_REVIEW, unit_id=COUNTY)
    for action in (Action.REPLY, Action.ASSIGN):
        assert refusal(DISPATCHER, re_review, action, NOW, CLOCKS) == "unit"
    assert refusal(DISPATCHER, Case(status=CaseState.SUBMITTED), Action.FORWARD, NOW, CLOCKS) is None
    at_centre = Case(status=CaseState.ACCEPTED, unit_id=CENTRE)
    assert refusal(DISPATCHER, at_centre, Action.REPLY, NOW, CLOCKS) is None
