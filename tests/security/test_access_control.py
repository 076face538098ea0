"""Access control, as an attacker with a real staff account and a real case id.

tests/web covers anonymous visitors, another unit's handler on the case page and actions, and
one lead-only action; here: every (role, action) the transition table refuses, tried with a
complete form; skipped workflow steps; injected fields; borrowed CSRF tokens and forged
session cookies; exports and unit pages outside one's scope.
"""
import pytest
import sqlalchemy as sa

from app.domain.workflow import STAFF_ACTIONS, CaseState, Role, allowed
from app.models import CaseEvent, OrgUnit, Reply, Suggestion, User
from tests.conftest import hidden_fields
from tests.web.helpers import VALID, text_of
from tests.web.staff_helpers import CSRF_ANY, act, citizen_post, signed_in

NOT_NOW = "该事项当前状态下无法进行此操作。"
RATE_FIRST = "请先将答复评价为“不满意”。"
CITIZEN_NOT_NOW = "您的事项当前阶段无法进行此操作。"
SAME_TREE = ["yangming", "yangming-lead", "dispatch", "yuyao-supervisor", "ningbo-supervisor", "admin"]


def snapshot(session, case_id):
    """Everything an action could change."""
    session.rollback()
    case = session.get(Suggestion, case_id)
    count = lambda model: session.scalar(  # noqa: E731
        sa.select(sa.func.count()).select_from(model).where(model.suggestion_id == case_id))
    return (case.version, case.status, case.unit_id, case.assignee_id, case.due_at, case.is_report,
            case.merged_into_id, case.extension_days, count(CaseEvent), count(Reply))


def full_form(session, html, case_id):
    """A form that fills every field any action needs, so only the rules can refuse it."""
    session.rollback()
    other = session.scalars(sa.select(OrgUnit.id).where(OrgUnit.code == "330281-JT")).one()
    master = session.scalars(sa.select(Suggestion).where(Suggestion.id != case_id)).first()
    assignee = session.scalars(sa.select(User.id).where(User.username == "yangming")).one()
    return {"csrf_token": CSRF_ANY.search(html).group(1),
            "version": str(session.get(Suggestion, case_id).version),
            "message": "越权尝试", "unit": str(other), "assignee": str(assignee), "days": "10",
            "master_code": master.receipt_code if master else "", "body": "答复", "claim": "诉求",
            "facts": "事实", "decision": "决定", "basis": "依据"}


@pytest.mark.parametrize("state", ["submitted", "accepted"])
def test_every_action_the_table_refuses_a_role_changes_nothing(app, staff, make_case, session, state):
    make_case()  # a second case, so a merge has a master to name
    case_id = make_case(state).id
    tried = 0
    for username in SAME_TREE:
        client = signed_in(app, username)
        role = Role(session.scalars(sa.select(User.role).where(User.username == username)).one())
        for action in STAFF_ACTIONS:
            if allowed(CaseState(state), action, role.value):
                continue
            before = snapshot(session, case_id)
            html = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
            response = client.post(f"/staff/cases/{case_id}/{action.value}", data=full_form(session, html, case_id))
            assert 400 <= response.status_code < 500, (username, action, response.status_code)
            assert snapshot(session, case_id) == before, (username, action)
            tried += 1
    assert tried >= 20


def test_workflow_steps_cannot_be_skipped(app, staff, make_receipt, session):
    receipt = make_receipt(kind="suggestion")
    token, case_id = receipt.token, receipt.suggestion.id
    handler, lead = signed_in(app, "yangming"), signed_in(app, "yangming-lead")
    before = snapshot(session, case_id)
    # Staff: reply, extend, assign-free steps before the case was accepted.
    for refused in (act(handler, case_id, "reply", body="已处理"), act(lead, case_id, "extend", days="30", message="复杂")):
        assert refused.status_code == 409 and NOT_NOW in text_of(refused)
    # The citizen: rate or ask for review before any reply (not at this stage); review before rating.
    premature_rating = citizen_post(app, token, "rate", rating="satisfied")
    assert premature_rating.status_code == 409 and CITIZEN_NOT_NOW in text_of(premature_rating)
    premature = citizen_post(app, token, "review", reason="不满意")
    assert premature.status_code == 409 and CITIZEN_NOT_NOW in text_of(premature)
    assert snapshot(session, case_id) == before
    assert act(handler, case_id, "accept").status_code == 303
    assert act(handler, case_id, "reply", body="已修复路灯").status_code == 303
    early = citizen_post(app, token, "review", reason="没修好")
    assert early.status_code == 409 and RATE_FIRST in text_of(early)
    assert citizen_post(app, token, "rate", rating="satisfied").status_code == 303
    closed = snapshot(session, case_id)
    assert closed[1] is CaseState.CLOSED
    # A closed case: no further staff step, no second rating, no review. (The forward names a
    # real unit: a made-up id is refused as a bad target before the state is even looked at.)
    traffic = session.scalars(sa.select(OrgUnit.id).where(OrgUnit.code == "330281-JT")).one()
    for action in ("accept", "reply", "forward", "reject"):
        refused = act(handler, case_id, action, message="再来", body="再答", unit=str(traffic))
        assert refused.status_code == 409 and NOT_NOW in text_of(refused), action
    rated = citizen_post(app, token, "rate", rating="unsatisfied")
    assert rated.status_code == 409 and "该答复已评价。" in text_of(rated)
    reviewed = citizen_post(app, token, "review", reason="再查")
    assert reviewed.status_code == 409 and CITIZEN_NOT_NOW in text_of(reviewed)
    assert snapshot(session, case_id) == closed


def test_injected_fields_in_the_citizen_form_are_ignored(app, client, session):
    page = client.get("/p/YMQ2K8").get_data(as_text=True)
    session.rollback()
    other = session.scalars(sa.select(OrgUnit.id).where(OrgUnit.code == "330281-JT")).one()
    response = client.post("/p/YMQ2K8", data={
        **hidden_fields(page), **VALID, "status": "closed", "unit_id": str(other), "unit": str(other),
        "channel": "counter", "is_report": "1", "poster_id": "1", "citizen_phone": "13900000000",
        "receipt_code": "AAAAAAAAA", "version": "99", "rating": "satisfied", "id": "1"})
    assert response.status_code == 303
    session.rollback()
    case = session.scalars(sa.select(Suggestion)).one()
    assert case.status is CaseState.SUBMITTED and case.unit.code == "330281-YM"
    assert case.channel.value == "poster" and not case.is_report and case.version == 1
    assert case.citizen_phone == "13812345678" and case.receipt_code != "AAAAAAAAA" and case.rating is None


def test_a_counter_case_goes_to_the_filers_own_unit_whatever_the_form_says(app, staff, session):
    handler = signed_in(app, "yangming")
    page = handler.get("/staff/cases/new").get_data(as_text=True)
    session.rollback()
    other = session.scalars(sa.select(OrgUnit.id).where(OrgUnit.code == "330281-JT")).one()
    response = handler.post("/staff/cases/new", data={
        **hidden_fields(page), **VALID, "channel": "hotline", "unit_id": str(other), "unit": str(other),
        "status": "closed"})
    assert response.status_code == 303
    session.rollback()
    case = session.scalars(sa.select(Suggestion)).one()
    assert case.unit.code == "330281-YM" and case.status is CaseState.SUBMITTED


def test_a_csrf_token_from_another_session_or_none_is_refused(app, staff, make_case, session):
    case_id = make_case().id
    victim, attacker = signed_in(app, "yangming"), signed_in(app, "jiaotong")
    borrowed = CSRF_ANY.search(attacker.get("/staff/").get_data(as_text=True)).group(1)
    version = str(snapshot(session, case_id)[0])
    before = snapshot(session, case_id)
    for data in ({"version": version}, {"version": version, "csrf_token": borrowed},
                 {"version": version, "csrf_token": "forged.token"}):
        response = victim.post(f"/staff/cases/{case_id}/accept", data=data)
        assert response.status_code == 400
    assert snapshot(session, case_id) == before
    # Signing out, too, needs the token: a cross-site form cannot sign a colleague out.
    assert victim.post("/staff/logout", data={}).status_code == 400
    assert victim.get("/staff/").status_code == 200


def test_a_forged_or_edited_session_cookie_opens_nothing(app, staff, make_case, session):
    case_id = make_case().id
    citizen = app.test_client()
    citizen.get("/track")
    for forged in ('{"tracked_case": %d}' % case_id, "eyJ0cmFja2VkX2Nhc2UiOjF9.invalid.sig"):
        citizen.set_cookie("session", forged)
        assert citizen.get("/track/case").status_code == 302  # back to the lookup form
        html = citizen.get("/track").get_data(as_text=True)
        data = {"csrf_token": CSRF_ANY.search(html).group(1), "rating": "satisfied"}
        assert citizen.post("/track/case/rate", data=data).status_code == 404
    staff_cookie = app.test_client()
    staff_cookie.set_cookie("session", '{"_user_id": "1.0", "_fresh": true}')
    assert staff_cookie.get("/staff/").status_code == 302


def test_exports_and_unit_pages_stay_inside_the_users_scope(app, staff, make_case, session):
    make_case(text="阳明街道的秘密案件内容，外单位不应看到。")
    outsider = signed_in(app, "jiaotong")
    session.rollback()
    yangming = session.scalars(sa.select(OrgUnit.id).where(OrgUnit.code == "330281-YM")).one()
    for query in ("", f"?unit_id={yangming}", f"?unit={yangming}", "?status=all", "?q=秘密"):
        for fmt in ("csv", "xlsx"):
            body = outsider.get(f"/staff/export.{fmt}{query}").get_data()
            assert "秘密".encode() not in body and "阳明".encode() not in body, (query, fmt)
    assert outsider.get(f"/staff/units/{yangming}").status_code == 404
    assert outsider.get(f"/staff/stats?unit={yangming}").status_code == 404
    assert outsider.get(f"/staff/stats/export.csv?unit={yangming}").status_code == 404
    handler = signed_in(app, "yangming")
    for path in ("/staff/supervision", "/staff/posters", f"/staff/units/{yangming}"):
        assert handler.get(path).status_code == 404, path


def test_the_slip_with_the_pin_is_only_for_the_session_that_filed(app, staff, session):
    filer, colleague = signed_in(app, "yangming"), signed_in(app, "yangming-lead")
    page = filer.get("/staff/cases/new").get_data(as_text=True)
    response = filer.post("/staff/cases/new", data={**hidden_fields(page), **VALID, "channel": "hotline"})
    slip = response.headers["Location"]
    assert filer.get(slip).status_code == 200
    assert colleague.get(slip).status_code == 404
    assert app.test_client().get(slip).status_code == 302
    pdf = filer.get(slip + ".pdf")  # the slip as an 80 mm PDF: the same PIN, the same rule
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "no-store"
    assert colleague.get(slip + ".pdf").status_code == 404
    assert app.test_client().get(slip + ".pdf").status_code == 302
