"""Every staff route, tried by an anonymous visitor and by another unit's handler."""
import re

import pytest
import sqlalchemy as sa

from app.domain.workflow import STAFF_ACTIONS
from app.models import CaseEvent, Suggestion
from tests.web.helpers import text_of
from tests.web.staff_helpers import CSRF_ANY, signed_in

CASE_PAGES = ["/staff/cases/{id}", "/staff/cases/{id}/slip", "/staff/cases/{id}/slip.pdf"]
CASE_POSTS = [f"/staff/cases/{{id}}/{a.value}" for a in STAFF_ACTIONS] + ["/staff/cases/{id}/reveal_phone"]


def _snapshot(session, case_id):
    session.rollback()
    case = session.get(Suggestion, case_id)
    events = session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(CaseEvent.suggestion_id == case_id))
    return case.version, case.status, case.unit_id, events


def test_anonymous_visitors_are_sent_to_sign_in_everywhere(app, staff, make_case, session):
    case_id = make_case().id
    before = _snapshot(session, case_id)
    anonymous = app.test_client()
    for path in ["/staff/", "/staff/cases/new", *CASE_PAGES]:
        response = anonymous.get(path.format(id=case_id))
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"], path
    for path in CASE_POSTS + ["/staff/cases/new", "/staff/logout"]:
        response = anonymous.post(path.format(id=case_id), data={"message": "x", "version": "1"})
        assert response.status_code == 400, path  # refused for its missing CSRF token, before anything
        assert "13812345678" not in response.get_data(as_text=True)
    assert _snapshot(session, case_id) == before


def test_another_units_handler_cannot_see_or_touch_a_case(app, staff, make_case, session):
    case_id = make_case().id  # at 阳明街道
    before = _snapshot(session, case_id)
    outsider = signed_in(app, "jiaotong")
    inbox = outsider.get("/staff/").get_data(as_text=True)
    assert f"/staff/cases/{case_id}" not in inbox
    for path in CASE_PAGES:
        assert outsider.get(path.format(id=case_id)).status_code == 404, path
    csrf = CSRF_ANY.search(inbox).group(1)
    for path in CASE_POSTS:
        response = outsider.post(path.format(id=case_id), data={
            "csrf_token": csrf, "version": str(before[0]), "message": "越权", "unit": "1", "days": "5",
            "body": "x", "claim": "x", "facts": "x", "decision": "x", "basis": "x"})
        assert response.status_code == 404, path
    assert _snapshot(session, case_id) == before


def test_an_unknown_case_id_reads_like_another_units(app, staff):
    handler = signed_in(app, "yangming")
    assert handler.get("/staff/cases/999999").status_code == 404
    assert handler.get("/staff/cases/abc").status_code == 404


@pytest.mark.parametrize("username,sees", [
    ("yangming", True), ("yangming-lead", True), ("dispatch", True), ("yuyao-supervisor", True),
    ("ningbo-supervisor", True), ("jiaotong", False), ("admin", True),
])
def test_who_sees_a_town_case(app, staff, make_case, username, sees):
    case_id = make_case().id
    client = signed_in(app, username)
    assert (client.get(f"/staff/cases/{case_id}").status_code == 200) is sees
    assert (f"/staff/cases/{case_id}\"" in client.get("/staff/").get_data(as_text=True)) is sees


def test_a_lower_role_cannot_take_a_leads_action(app, staff, make_case, session):
    case_id = make_case("accepted").id
    handler = signed_in(app, "yangming")
    csrf = CSRF_ANY.search(handler.get("/staff/").get_data(as_text=True)).group(1)
    before = _snapshot(session, case_id)
    response = handler.post(f"/staff/cases/{case_id}/extend",
                            data={"csrf_token": csrf, "version": str(before[0]), "days": "30", "message": "x"})
    assert response.status_code == 400 and "您的角色无权进行此操作。" in text_of(response)
    assert _snapshot(session, case_id) == before


def test_injected_fields_do_not_change_status_or_unit(app, staff, make_case, session):
    case_id = make_case().id
    handler = signed_in(app, "yangming")
    html = handler.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    csrf = CSRF_ANY.search(html).group(1)
    handler.post(f"/staff/cases/{case_id}/note", data={
        "csrf_token": csrf, "version": version, "message": "内部", "status": "closed", "unit_id": "1"})
    session.rollback()
    case = session.get(Suggestion, case_id)
    assert case.status.value == "submitted" and case.unit.name == "阳明街道"
