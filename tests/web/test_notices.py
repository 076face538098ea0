"""The written notices the law requires, printed by staff for a citizen without a phone: the
受理告知书 (Art. 22) and each answer's written decision (Arts. 32, 35-36); each print audited."""
import re

import sqlalchemy as sa

from app.models import AuditEvent
from tests.web.helpers import text_of
from tests.web.staff_helpers import signed_in


def _printed(session):
    session.rollback()
    return session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.action == "print_notice")).all()


def test_an_accepted_case_prints_its_notice_with_the_answers_deadline(app, staff, make_case, session):
    case = make_case("accepted")
    handler = signed_in(app, "yangming")
    page = handler.get(f"/staff/cases/{case.id}")
    assert f"/staff/cases/{case.id}/notice" in page.get_data(as_text=True)
    notice = handler.get(f"/staff/cases/{case.id}/notice")
    text = text_of(notice)
    assert notice.status_code == 200 and "信访事项受理告知书" in text and "张三：" in text
    assert "阳明街道已于" in text and "自受理之日起 60 日内" in text
    due = re.search(r"（(\d{4}-\d{2}-\d{2}) 前）", text).group(1)
    assert due in text_of(page)  # the same last day the case page shows
    assert _printed(session) == ["receipt notice: accepted"]


def test_a_case_not_accepted_prints_the_reason_and_a_new_case_prints_nothing(app, staff, make_case, session):
    rejected, waiting = make_case("rejected"), make_case()
    handler = signed_in(app, "yangming")
    text = text_of(handler.get(f"/staff/cases/{rejected.id}/notice"))
    assert "信访事项不予受理告知书" in text and "不属于受理范围" in text
    assert handler.get(f"/staff/cases/{waiting.id}/notice").status_code == 404
    assert f"/staff/cases/{waiting.id}/notice" not in handler.get(f"/staff/cases/{waiting.id}").get_data(as_text=True)


def test_each_answer_prints_as_its_decision_with_the_right_next_step(app, staff, make_case, session):
    case = make_case("re_review")
    supervisor = signed_in(app, "ningbo-supervisor")
    first, review = case.replies[0].id, case.replies[1].id
    letter = text_of(supervisor.get(f"/staff/cases/{case.id}/replies/{first}/letter"))
    assert "信访处理意见书" in letter and "查明事实" in letter and "向余姚市申请复查" in letter
    review_letter = text_of(supervisor.get(f"/staff/cases/{case.id}/replies/{review}/letter"))
    assert "复查意见书" in review_letter and "向宁波市申请复核；复核意见为最终意见" in review_letter
    assert supervisor.get(f"/staff/cases/{case.id}/replies/999999/letter").status_code == 404


def test_another_units_staff_cannot_print_a_notice(app, staff, make_case, session):
    case = make_case("accepted")
    outsider = signed_in(app, "jiaotong")
    assert outsider.get(f"/staff/cases/{case.id}/notice").status_code == 404
    assert _printed(session) == []
