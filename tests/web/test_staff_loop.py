"""The whole loop through the test client: submit, forward, accept, reply, review, re-review, close."""
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.domain.workflow import CaseState, Stage
from app.models import AuditEvent, CaseEvent, OrgUnit, Suggestion
from tests.conftest import REPLY
from tests.web.helpers import text_of
from tests.web.staff_helpers import act, citizen_post, file_case, signed_in

ZONE = ZoneInfo("Asia/Shanghai")


def text_of_html(html):
    """The visible text of an HTML string, tags stripped, spaces squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


DECISION = {part: getattr(REPLY, part) for part in ("claim", "facts", "decision", "basis")}  # the reply form's fields


def _unit_id(session, code):
    return session.scalar(sa.select(OrgUnit.id).where(OrgUnit.code == code))


def _case(session, case_id) -> Suggestion:
    session.rollback()
    return session.get(Suggestion, case_id)


def test_the_whole_loop_closes_after_a_final_re_review(app, staff, session):
    token, case_id = file_case(app, path="/submit", category="0")  # no poster, no category: dispatch
    dispatcher = signed_in(app, "dispatch")
    assert _case(session, case_id).unit.kind == "dispatch"

    # The dispatch centre forwards it to 阳明街道, which accepts and replies with a decision.
    assert act(dispatcher, case_id, "forward", unit=_unit_id(session, "330281-YM"),
               message="属地事项，转阳明街道办理").status_code == 303
    handler = signed_in(app, "yangming")
    assert act(handler, case_id, "accept").status_code == 303
    assert act(handler, case_id, "note", message="已联系供电所").status_code == 303
    assert act(handler, case_id, "reply", **DECISION).status_code == 303
    case = _case(session, case_id)
    assert case.status is CaseState.REPLIED and case.stage is Stage.FIRST

    # The citizen is not satisfied and asks for review: it goes to the parent unit, 余姚市.
    assert citizen_post(app, token, "rate", rating="unsatisfied", comment="没有修好").status_code == 303
    assert citizen_post(app, token, "review", reason="路灯仍然不亮").status_code == 303
    case = _case(session, case_id)
    assert case.status is CaseState.REVIEW and case.unit.name == "余姚市"
    assert handler.get(f"/staff/cases/{case_id}").status_code == 404  # no longer the handler's

    supervisor = signed_in(app, "yuyao-supervisor")
    assert act(supervisor, case_id, "reply", **DECISION).status_code == 303
    assert citizen_post(app, token, "rate", rating="unsatisfied").status_code == 303
    assert citizen_post(app, token, "review", reason="仍未解决").status_code == 303
    case = _case(session, case_id)
    assert case.status is CaseState.RE_REVIEW and case.unit.name == "宁波市"

    city = signed_in(app, "ningbo-supervisor")
    assert act(city, case_id, "reply", **DECISION).status_code == 303
    tracking_page = app.test_client().get(f"/t/{token}")
    tracking = text_of(tracking_page)
    assert "本复核意见为最终意见：同一事项以同一事实和理由提出的，不再受理。" in tracking
    page = tracking_page.get_data(as_text=True)
    assert f"/t/{token}/review" not in page and "申请复查。" not in tracking  # nothing after re-review
    assert citizen_post(app, token, "rate", rating="unsatisfied").status_code == 303
    case = _case(session, case_id)
    assert case.status is CaseState.CLOSED and case.closed_at is not None

    # A second rating of the same answer is refused.
    again = citizen_post(app, token, "rate", rating="satisfied")
    assert again.status_code == 409 and "该答复已评价。" in text_of(again)

    # The citizen's timeline shows exactly the public events, none of the internal note.
    events = session.scalars(sa.select(CaseEvent).where(CaseEvent.suggestion_id == case_id)
                             .order_by(CaseEvent.id)).all()
    public = [e.action.value for e in events if e.public]
    assert public == ["submit", "forward", "accept", "reply", "rate", "request_review", "reply",
                      "rate", "request_review", "reply", "rate", "close"]
    assert "已联系供电所" not in tracking
    timeline = tracking_page.get_data(as_text=True)  # one entry per answer, each named as what it is
    assert [timeline.count(f"<strong>{label}</strong>") for label in ("已答复", "已作出复查意见", "已作出复核意见")] == [1, 1, 1]


def test_a_satisfied_rating_closes_the_case(app, staff, make_receipt, session):
    receipt = make_receipt("replied")
    token, case_id = receipt.token, receipt.suggestion.id
    page = text_of(app.test_client().get(f"/t/{token}"))
    assert DECISION["decision"] in page and "查明事实" in page
    assert citizen_post(app, token, "rate", rating="satisfied").status_code == 303
    assert _case(session, case_id).status is CaseState.CLOSED


def test_a_complaint_reply_without_its_decision_parts_is_refused_and_text_kept(app, staff, make_case, session):
    case_id = make_case("accepted").id
    handler = signed_in(app, "yangming")
    response = act(handler, case_id, "reply", claim="诉求", facts="", decision="已处理", basis="")
    assert response.status_code == 400
    assert "已处理" in response.get_data(as_text=True)
    assert _case(session, case_id).status is CaseState.ACCEPTED


def test_a_suggestion_gets_a_plain_reply(app, staff, make_receipt):
    receipt = make_receipt("accepted", kind="suggestion")
    token, case_id = receipt.token, receipt.suggestion.id
    handler = signed_in(app, "yangming")
    assert act(handler, case_id, "reply", body="感谢您的建议，已纳入明年计划。").status_code == 303
    assert "已纳入明年计划" in text_of(app.test_client().get(f"/t/{token}"))


def test_reject_shows_the_reason_to_the_citizen(app, staff, make_receipt, session):
    receipt = make_receipt()
    token, case_id = receipt.token, receipt.suggestion.id
    handler = signed_in(app, "yangming")
    assert act(handler, case_id, "reject", message="属于诉讼程序，请向法院起诉").status_code == 303
    assert "请向法院起诉" in text_of(app.test_client().get(f"/t/{token}"))
    assert _case(session, case_id).status is CaseState.REJECTED


def test_a_forwarded_case_can_be_sent_back_to_the_dispatch_centre(app, staff, make_case, session):
    case_id = make_case(poster=None, forward_to="330281-JT").id  # by the dispatch centre
    traffic = signed_in(app, "jiaotong")
    assert act(traffic, case_id, "return", message="不属于本局职责").status_code == 303
    assert _case(session, case_id).unit.kind == "dispatch"


def test_merged_citizens_see_the_masters_status_deadline_and_reply_but_not_its_code(app, staff, session):
    master_token, master_id = file_case(app)
    dup_token, dup_id = file_case(app)
    lead = signed_in(app, "yangming-lead")
    master = _case(session, master_id)
    master_code = master.receipt_code
    grouped = f"{master_code[:3]}-{master_code[3:6]}-{master_code[6:]}"
    assert act(lead, dup_id, "merge", master_code=master_code).status_code == 303
    act(lead, master_id, "accept")
    due = _case(session, master_id).reply_due_at
    waiting = text_of(app.test_client().get(f"/t/{dup_token}"))
    assert "状态： 办理中" in waiting and "合并办理" in waiting  # the master's state, and why
    last_day = (due.astimezone(ZONE) - timedelta(microseconds=1)).date().isoformat()
    assert f"答复期限 {last_day}" in waiting
    act(lead, master_id, "reply", **DECISION)
    page = app.test_client().get(f"/t/{dup_token}").get_data(as_text=True)
    assert DECISION["decision"] in page and "状态： 已答复" in text_of_html(page)
    assert master_code not in page and grouped not in page  # another citizen's key to their case


def test_a_lead_extends_once_and_the_citizen_sees_why(app, staff, make_receipt, session):
    receipt = make_receipt("accepted")
    token, case_id = receipt.token, receipt.suggestion.id
    lead = signed_in(app, "yangming-lead")
    before = _case(session, case_id).reply_due_at
    assert act(lead, case_id, "extend", days="30", message="需现场勘测").status_code == 303
    assert (_case(session, case_id).reply_due_at - before).days == 30
    assert "需现场勘测" in text_of(app.test_client().get(f"/t/{token}"))
    again = act(lead, case_id, "extend", days="5", message="再延")
    assert again.status_code == 409 and "该事项已延期过一次。" in text_of(again)
    handler = signed_in(app, "yangming")
    assert "extend" not in re.findall(r"/cases/\d+/(\w+)", handler.get(f"/staff/cases/{case_id}").get_data(as_text=True))


def test_the_unit_holding_a_case_reveals_its_phone_one_audited_click_at_a_time(app, staff, session):
    _, case_id = file_case(app)
    for username in ("yangming", "yangming-lead"):  # the handler who calls back, and the lead
        person = signed_in(app, username)
        page = person.get(f"/staff/cases/{case_id}").get_data(as_text=True)
        assert "138****5678" in page and "13812345678" not in page  # masked until asked
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert f"/staff/cases/{case_id}/reveal_phone" in page
        revealed = person.post(f"/staff/cases/{case_id}/reveal_phone", data={"csrf_token": csrf})
        assert revealed.status_code == 200 and "13812345678" in revealed.get_data(as_text=True)
    session.rollback()
    audited = session.scalars(sa.select(AuditEvent.username).where(
        AuditEvent.action == "reveal_phone", AuditEvent.target == f"case:{case_id}")).all()
    assert sorted(audited) == ["yangming", "yangming-lead"]
    actions = [e.action.value for e in session.scalars(sa.select(CaseEvent).where(CaseEvent.suggestion_id == case_id))]
    assert actions.count("reveal_phone") == 2


def test_who_oversees_but_does_not_hold_the_case_sees_it_masked(app, staff, session):
    _, case_id = file_case(app)
    why = {"yuyao-supervisor": "只有案件所在单位的工作人员可以查看电话号码", "admin": "您的角色无权进行此操作"}
    for username in why:  # they see the case, but do not call back
        person = signed_in(app, username)
        page = person.get(f"/staff/cases/{case_id}").get_data(as_text=True)
        assert "138****5678" in page and f"/staff/cases/{case_id}/reveal_phone" not in page
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        refused = person.post(f"/staff/cases/{case_id}/reveal_phone", data={"csrf_token": csrf})
        assert refused.status_code == 403 and "13812345678" not in refused.get_data(as_text=True)
        assert why[username] in text_of(refused)
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "reveal_phone")) == 0


def test_a_marked_report_leaves_the_unit_for_the_dispatch_centre(app, staff, make_case, session):
    case_id = make_case().id
    handler = signed_in(app, "yangming")
    assert act(handler, case_id, "mark_report", message="举报本街道干部").status_code == 303
    assert handler.get(f"/staff/cases/{case_id}").status_code == 404
    assert signed_in(app, "yangming-lead").get(f"/staff/cases/{case_id}").status_code == 404
    assert signed_in(app, "dispatch").get(f"/staff/cases/{case_id}").status_code == 200
    case = _case(session, case_id)
    assert case.is_report and case.unit.kind == "dispatch"


def test_staff_file_a_counter_case_and_print_the_slip(app, staff, session):
    from tests.conftest import hidden_fields
    from tests.qr.decode import decode_svg
    from tests.web.helpers import VALID

    handler = signed_in(app, "yangming")
    form = hidden_fields(handler.get("/staff/cases/new").get_data(as_text=True))
    response = handler.post("/staff/cases/new", data={**form, **VALID, "channel": "counter"})
    assert response.status_code == 303
    slip = handler.get(response.headers["Location"])
    html = slip.get_data(as_text=True)
    pin = re.search(r'<dd class="code">(\d{6})</dd>', html).group(1)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    url = decode_svg(svg, scale=3)[0]
    assert url.startswith("https://yima.example.gov.cn/t/")
    case = session.scalars(sa.select(Suggestion)).one()
    assert case.channel.value == "counter" and len(pin) == 6
    assert app.test_client().get(url.replace("https://yima.example.gov.cn", "")).status_code == 200


def test_a_citizen_reading_english_is_told_the_reviewing_units_english_name(app, staff):
    token, case_id = file_case(app)
    handler = signed_in(app, "yangming")
    act(handler, case_id, "accept")
    act(handler, case_id, "reply", **DECISION)
    citizen = app.test_client()
    html = citizen.get("/track?lang=en").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html).group(1)
    citizen.post(f"/t/{token}/rate", data={"csrf_token": csrf, "rating": "unsatisfied"})
    page = citizen.post(f"/t/{token}/review", data={"csrf_token": csrf, "reason": "Still dark"},
                        follow_redirects=True)
    text = text_of(page)
    assert "Your request for review has been sent to Yuyao City." in text
    assert "余姚市" not in text.split("Your request")[1][:40]


def test_a_merged_citizen_reads_the_masters_answer_but_is_offered_no_rating_or_review(app, staff, make_case,
                                                                                     make_receipt):
    master = make_case("accepted")
    duplicate = make_receipt("merged", master=master)
    act(signed_in(app, "yangming-lead"), master.id, "reply", **DECISION)
    page = app.test_client().get(f"/t/{duplicate.token}").get_data(as_text=True)
    assert DECISION["decision"] in page
    assert f"/t/{duplicate.token}/rate" not in page and f"/t/{duplicate.token}/review" not in page
    assert "申请复查" not in text_of_html(page)  # no footer promising a review it would refuse


def test_a_lead_sees_the_extensions_waiting_for_a_decision(app, staff, make_case):
    asked = make_case("extension_requested")
    make_case("accepted")
    lead = signed_in(app, "yangming-lead")
    inbox = text_of(lead.get("/staff/"))
    assert "延期待审批 1" in inbox
    waiting = lead.get("/staff/?extension_requested=y").get_data(as_text=True)
    assert re.findall(r'href="/staff/cases/(\d+)"', waiting) == [str(asked.id)]


def test_the_dispatch_centre_is_not_offered_the_citys_re_review_answer(app, staff, make_case):
    case = make_case("re_review")
    page = signed_in(app, "dispatch").get(f"/staff/cases/{case.id}").get_data(as_text=True)
    offered = set(re.findall(r'action="/staff/cases/\d+/(\w+)"', page))
    assert "reply" not in offered and "assign" not in offered
    assert "reply" in set(re.findall(r'action="/staff/cases/\d+/(\w+)"', signed_in(app, "ningbo-supervisor").get(
        f"/staff/cases/{case.id}").get_data(as_text=True)))
