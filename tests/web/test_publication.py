"""Publishing an answer: only with the citizen's consent, never a report; redacted, approved by the
lead of the unit that answered and no one else; withdrawn in one click, from the board and Open311;
each step audited."""
import re

import sqlalchemy as sa

from app.core.db import utcnow
from app.models import AuditEvent, OrgUnit, Suggestion, User
from app.models_publication import Publication
from tests.conftest import hidden_fields
from tests.web.helpers import text_of
from tests.web.staff_helpers import CSRF_ANY, act, signed_in

QUESTION = "我是张三，电话13812345678，新建路45弄6号302室楼下的路灯坏了一个星期，晚上很黑。"
ANSWER = "经阳明街道王芳现场查看，路灯线路老化，已于11月3日更换，现已恢复照明。"


def _reply(app, case_id, username="yangming", propose=True, body=ANSWER):
    fields = {"body": body, **({"propose": "y"} if propose else {})}
    return act(signed_in(app, username), case_id, "reply", **fields)


def _publication(session, case_id):
    session.commit()  # a fresh snapshot: the app wrote since
    return session.scalars(sa.select(Publication).where(Publication.case_id == case_id)).one_or_none()


def _post(client, pub_id, step, **fields):
    html = client.get(f"/staff/publications/{pub_id}").get_data(as_text=True)
    return client.post(f"/staff/publications/{pub_id}/{step}",
                       data={"csrf_token": CSRF_ANY.search(html).group(1), **fields})


def _published(app, make_case, session, **options):
    case = make_case("accepted", kind="suggestion", publish=True, text=QUESTION, **options)
    assert _reply(app, case.id).status_code == 303
    pub = _publication(session, case.id)
    lead = signed_in(app, "yangming-lead")
    assert _post(lead, pub.id, "approve", question=pub.question, answer=pub.answer).status_code == 303
    return case, _publication(session, case.id), lead


def test_without_consent_the_reply_cannot_be_proposed(app, make_case, session):
    case = make_case("accepted", kind="suggestion", text=QUESTION)
    page = signed_in(app, "yangming").get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert 'name="propose"' not in page  # not offered
    answer = _reply(app, case.id)
    assert answer.status_code == 400 and "未同意公开" in text_of(answer)
    assert _publication(session, case.id) is None
    assert _reply(app, case.id, propose=False).status_code == 303  # the reply itself goes out


def test_a_report_is_never_proposed_whatever_the_consent(app, make_case, session):
    case = make_case("accepted", kind="suggestion", publish=True, is_report=True, text=QUESTION, poster=None)
    answer = _reply(app, case.id, username="dispatch")
    assert answer.status_code == 400 and _publication(session, case.id) is None


def test_the_proposal_is_redacted_and_the_lead_sees_both_texts(app, make_case, session):
    case = make_case("accepted", kind="suggestion", publish=True, text=QUESTION)
    assert _reply(app, case.id).status_code == 303
    pub = _publication(session, case.id)
    assert pub.status == "proposed"
    for private in ("张三", "13812345678", "王芳", "302"):
        assert private not in pub.question + pub.answer
    assert "新建路" in pub.question and "11月3日" in pub.answer  # the street and the date stay readable
    page = text_of(signed_in(app, "yangming-lead").get(f"/staff/publications/{pub.id}"))
    assert QUESTION in page and pub.question in page and "批准并公开" in page


def test_a_handler_and_another_units_lead_cannot_approve(app, make_case, session, password_hash):
    case = make_case("accepted", kind="suggestion", publish=True, text=QUESTION)
    _reply(app, case.id)
    pub = _publication(session, case.id)
    transport = session.scalars(sa.select(OrgUnit).where(OrgUnit.code == "330281-JT")).one()
    session.add(User(username="jiaotong-lead", display_name="交通运输局 孙丽", unit=transport, role="lead",
                     password_hash=password_hash, created_at=pub.proposed_at))
    session.commit()
    for who in ("yangming", "jiaotong-lead"):
        client = signed_in(app, who)
        html = client.get("/staff/").get_data(as_text=True)
        refused = client.post(f"/staff/publications/{pub.id}/approve",
                              data={"csrf_token": CSRF_ANY.search(html).group(1), "question": "x", "answer": "y"})
        assert refused.status_code in (403, 404), who
    assert _publication(session, case.id).status == "proposed"
    assert "/answers/" not in app.test_client().get("/answers").get_data(as_text=True)


def test_the_lead_edits_approves_and_the_board_shows_only_the_redacted_texts(app, make_case, session):
    case, pub, _lead = _published(app, make_case, session)
    assert pub.status == "published" and pub.approved_by_id is not None
    board = app.test_client().get("/answers")
    one = app.test_client().get(f"/answers/{pub.id}")
    assert board.status_code == one.status_code == 200
    for page in (board.get_data(as_text=True), one.get_data(as_text=True)):
        assert "张三" not in page and "13812345678" not in page and "王芳" not in page
        assert case.receipt_code not in page and "/t/" not in page
        assert not re.search(r"\d{1,2}:\d{2}", text_of_html(page))  # no time of day anywhere
    assert pub.answer in text_of(one)
    audited = session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("publication_%"))).all()
    assert set(audited) == {"publication_proposed", "publication_approved"}


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_phone_typed_back_in_while_editing_is_masked_all_the_same(app, make_case, session):
    case = make_case("accepted", kind="suggestion", publish=True, text=QUESTION)
    _reply(app, case.id)
    pub = _publication(session, case.id)
    _post(signed_in(app, "yangming-lead"), pub.id, "approve", question="请致电 139 8765 4321", answer=pub.answer)
    assert "4321" not in _publication(session, case.id).question


def test_withdrawing_hides_it_from_the_board_and_open311_and_is_audited(app, make_case, session):
    case, pub, lead = _published(app, make_case, session)
    citizen = app.test_client()
    assert citizen.get(f"/answers/{pub.id}").status_code == 200  # kept by this worker
    request = citizen.get(f"/open311/v2/requests/{case.receipt_code}.json").json[0]
    assert request["description"] == pub.question and "张三" not in str(request)
    assert _post(lead, pub.id, "unpublish").status_code == 303
    assert citizen.get(f"/answers/{pub.id}").status_code == 404
    assert f"/answers/{pub.id}" not in citizen.get("/answers").get_data(as_text=True)
    assert citizen.get(f"/open311/v2/requests/{case.receipt_code}.json").json[0]["description"] is None
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "publication_unpublished")) == 1


def test_a_lead_may_decline_and_nothing_is_published(app, make_case, session):
    case = make_case("accepted", kind="suggestion", publish=True, text=QUESTION)
    _reply(app, case.id)
    pub = _publication(session, case.id)
    assert _post(signed_in(app, "yangming-lead"), pub.id, "decline").status_code == 303
    assert _publication(session, case.id).status == "declined"
    assert app.test_client().get(f"/answers/{pub.id}").status_code == 404


def test_the_rating_given_later_shows_on_the_answer(app, make_receipt, session):
    from tests.web.staff_helpers import citizen_post

    receipt = make_receipt("accepted", kind="suggestion", publish=True, text=QUESTION)
    _reply(app, receipt.suggestion.id)
    pub = _publication(session, receipt.suggestion.id)
    _post(signed_in(app, "yangming-lead"), pub.id, "approve", question=pub.question, answer=pub.answer)
    assert citizen_post(app, receipt.token, "rate", rating="satisfied").status_code in (302, 303)
    assert "满意" in text_of(app.test_client().get(f"/answers/{pub.id}"))


def test_counter_staff_record_the_consent(app, staff, session):
    client = signed_in(app, "yangming")
    html = client.get("/staff/cases/new").get_data(as_text=True)
    assert 'name="publish"' in html and 'name="publish" type="checkbox" value="y" checked' not in html
    data = {**hidden_fields(html), "kind": "suggestion", "text": QUESTION, "category": "0", "channel": "counter",
            "name": "张三", "phone": "13812345678", "publish": "y"}
    assert client.post("/staff/cases/new", data=data).status_code == 303
    from app.models import Suggestion

    assert session.scalars(sa.select(Suggestion.publish_consent).order_by(Suggestion.id.desc())).first() is True


def test_an_administrator_may_withdraw_but_not_approve(app, make_case, session):
    case = make_case("accepted", kind="suggestion", publish=True, text=QUESTION)
    _reply(app, case.id)
    pub = _publication(session, case.id)
    admin = signed_in(app, "admin")
    assert _post(admin, pub.id, "approve", question=pub.question, answer=pub.answer).status_code == 403
    _post(signed_in(app, "yangming-lead"), pub.id, "approve", question=pub.question, answer=pub.answer)
    assert _post(admin, pub.id, "unpublish").status_code == 303
    assert _publication(session, case.id).status == "unpublished"


def test_a_published_case_that_is_a_report_never_shows(app, make_case, session):
    # No step marks a replied case a report; the board still reads is_report, not only the row.
    case, pub, _lead = _published(app, make_case, session)
    session.execute(sa.update(Suggestion).where(Suggestion.id == case.id).values(is_report=True))
    session.commit()
    assert app.test_client().get(f"/answers/{pub.id}").status_code == 404
    assert app.test_client().get(f"/open311/v2/requests/{case.receipt_code}.json").status_code == 404


def test_an_emptied_text_is_refused_with_the_reason_and_nothing_is_published(app, make_case, session):
    case = make_case("accepted", kind="suggestion", publish=True, text=QUESTION)
    _reply(app, case.id)
    pub = _publication(session, case.id)
    refused = _post(signed_in(app, "yangming-lead"), pub.id, "approve", question="  ", answer=pub.answer)
    assert refused.status_code == 409 and "不能为空" in text_of(refused)
    assert _publication(session, case.id).status == "proposed"


def test_every_staff_member_of_the_unit_and_the_approving_lead_are_masked(app, make_case, session, password_hash):
    unit = session.scalars(sa.select(OrgUnit).where(OrgUnit.code == "330281-YM")).one()
    session.add(User(username="ouyang", display_name="阳明街道 欧阳 娜娜", unit=unit, role="handler",
                     password_hash=password_hash, created_at=utcnow()))
    session.commit()
    case = make_case("accepted", kind="suggestion", publish=True, text=QUESTION)
    body = "经阳明街道欧阳娜娜现场查看，路灯已修复。负责人李 强、王·芳签发，欧阳经理回访。"
    assert _reply(app, case.id, body=body).status_code == 303
    pub = _publication(session, case.id)
    for private in ("欧阳", "娜娜", "李 强", "王·芳"):  # a colleague not on the case, the lead, spaced out
        assert private not in pub.answer, private
    assert "路灯已修复" in pub.answer and "阳明街道" in pub.answer
    html = signed_in(app, "yangming-lead").get(f"/staff/publications/{pub.id}").get_data(as_text=True)
    assert '<mark class="masked" title="姓名">' in html and '<mark class="masked" title="电话号码">' in html


def test_approving_what_is_still_flagged_needs_the_lead_to_say_they_read_it(app, make_case, session):
    case = make_case("accepted", kind="suggestion", publish=True, text="订单号 2013812345678 的退款没到，我是刘德华。")
    assert _reply(app, case.id).status_code == 303
    pub = _publication(session, case.id)
    lead = signed_in(app, "yangming-lead")
    page = lead.get(f"/staff/publications/{pub.id}").get_data(as_text=True)
    assert "公开前请核对" in page and 'name="flags_seen"' in page and '<mark class="flag"' in page
    blind = _post(lead, pub.id, "approve", question=pub.question, answer=pub.answer)
    assert blind.status_code == 409 and "仍可能指认个人" in text_of(blind)
    assert "2013812345678" in text_of(blind)  # listed where the lead decides
    assert _publication(session, case.id).status == "proposed"
    seen = _post(lead, pub.id, "approve", question=pub.question, answer=pub.answer, flags_seen="y")
    assert seen.status_code == 303 and _publication(session, case.id).status == "published"
    detail = session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.action == "publication_approved")).one()
    assert "flags_seen:2" in detail


def test_editing_the_flagged_parts_out_needs_no_box(app, make_case, session):
    case = make_case("accepted", kind="suggestion", publish=True, text="订单号 2013812345678 的退款没到。")
    _reply(app, case.id)
    pub = _publication(session, case.id)
    edited = _post(signed_in(app, "yangming-lead"), pub.id, "approve", question="订单的退款没到。", answer=pub.answer)
    assert edited.status_code == 303 and _publication(session, case.id).status == "published"
    page = signed_in(app, "yangming-lead").get(f"/staff/publications/{pub.id}").get_data(as_text=True)
    assert 'name="flags_seen"' not in page
