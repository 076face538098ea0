"""What a newcomer tripped over walking the pages (issue 24): a lead's approval box that replaced
the handler's reason, a "print" hint in WeChat, a published decision without its labels, a
"stop SMS" on a finished case, similar open cases on a merged one, a review's answer on the
timeline named as a plain answer."""
import io
import re

import sqlalchemy as sa
from PIL import Image

from app import services
from app.config import clocks
from app.core.db import utcnow
from app.domain.policy import refusal
from app.domain.workflow import Action, CaseState, Rating
from app.models import Subscription, Suggestion, User
from app.models_publication import Publication
from tests.conftest import PLAIN_REPLY, hidden_fields
from tests.web.helpers import text_of
from tests.web.staff_helpers import CSRF_ANY, act, signed_in

WECHAT = ("Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Mobile Safari/537.36 MicroMessenger/8.0.47")
ANDROID = "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36"
STOP_FORM = re.compile(r'<form method="post" action="(/[^"]*/stop)"')
HANDLERS_REASON = "涉及公共部位违建，需住建、执法部门联合认定，现场测绘结果预计下月中旬出具。"


def _answer(app, session, case):
    """Whoever may answer `case` now (its unit, or the reviewing one) answers it."""
    now, cl = utcnow(), clocks(app.config)
    who = next(u for u in session.scalars(sa.select(User).order_by(User.id))
               if refusal(u, case, Action.REPLY, now, cl) is None)
    reply = services.reply_to_case(session, case, who, now, cl, PLAIN_REPLY)
    session.commit()
    return reply


def _extend_box(html: str) -> str:
    form = re.search(r'<form method="post" action="/staff/cases/\d+/extend".*?</form>', html, re.S).group(0)
    return re.search(r'<textarea[^>]*name="message"[^>]*>(.*?)</textarea>', form, re.S).group(1).strip()


def test_the_leads_approval_box_starts_with_the_handlers_reason_which_reaches_the_citizen(app, make_receipt, session):
    receipt = make_receipt("accepted")
    handler, lead = signed_in(app, "yangming"), signed_in(app, "yangming-lead")
    assert act(handler, receipt.suggestion.id, "request_extension", days="20",
               message=HANDLERS_REASON).status_code == 303
    page = lead.get(f"/staff/cases/{receipt.suggestion.id}").get_data(as_text=True)
    assert _extend_box(page) == HANDLERS_REASON
    assert "已填入承办人申请延期的理由" in text_of_html(page)
    # The lead sends the box as it stands (a browser sends the textarea's text): the citizen reads it.
    assert act(lead, receipt.suggestion.id, "extend", days="20", message=_extend_box(page)).status_code == 303
    assert HANDLERS_REASON in text_of(app.test_client().get(f"/t/{receipt.token}"))


def test_a_lead_deciding_alone_gets_an_empty_box(app, make_receipt):
    receipt = make_receipt("accepted")
    page = signed_in(app, "yangming-lead").get(f"/staff/cases/{receipt.suggestion.id}").get_data(as_text=True)
    assert _extend_box(page) == "" and "已填入承办人" not in page


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_in_wechat_the_tracking_page_offers_the_answer_as_an_image_not_print(app, make_receipt):
    receipt = make_receipt("replied")
    wechat = app.test_client()
    page = wechat.get(f"/t/{receipt.token}", headers={"User-Agent": WECHAT}).get_data(as_text=True)
    words = text_of_html(page)
    assert "在浏览器打开" in words and "长按图片保存" in words
    assert "请使用浏览器的“打印”" not in words and "使用浏览器的“打印”" not in words
    image_url = re.search(r'href="(/t/[^"]+/answers/\d+\.png)"', page).group(1)
    image = wechat.get(image_url, headers={"User-Agent": WECHAT})
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert "no-store" in image.headers["Cache-Control"]
    picture = Image.open(io.BytesIO(image.data))
    assert picture.width == 640 and picture.height > 400  # the decision's four parts, each under its label
    # The same page in another browser keeps its print advice, and is not WeChat's kept page.
    other = app.test_client().get(f"/t/{receipt.token}", headers={"User-Agent": ANDROID}).get_data(as_text=True)
    assert "在浏览器打开" not in other and "“打印”" in other and image_url in other


def test_an_answer_image_is_only_of_an_answer_this_citizen_is_shown(app, make_receipt, session):
    mine, other = make_receipt("replied"), make_receipt("replied")
    client = app.test_client()
    assert client.get(f"/t/{mine.token}/answers/{other.suggestion.replies[0].id}.png").status_code == 404
    assert client.get(f"/t/{mine.token}/answers/{mine.suggestion.replies[0].id}.png").status_code == 200
    assert client.get(f"/t/{'x' * 32}/answers/{mine.suggestion.replies[0].id}.png").status_code == 404
    assert client.get("/track/case/answers/1.png").status_code == 404  # nothing looked up in this browser
    form = hidden_fields(client.get("/track").get_data(as_text=True))
    assert client.post("/track", data={**form, "code": mine.code, "pin": mine.pin}).status_code == 303
    looked_up = client.get("/track/case").get_data(as_text=True)
    assert f'href="/track/case/answers/{mine.suggestion.replies[0].id}.png"' in looked_up
    assert client.get(f"/track/case/answers/{mine.suggestion.replies[0].id}.png").status_code == 200
    assert client.get(f"/track/case/answers/{other.suggestion.replies[0].id}.png").status_code == 404
    master = make_receipt("accepted", kind="suggestion").suggestion
    merged = make_receipt("merged", master=master)
    reply = _answer(app, session, master)
    assert client.get(f"/t/{merged.token}/answers/{reply.id}.png").status_code == 200  # the master's answer


def test_a_published_decision_keeps_its_parts_labels(app, make_receipt, session):
    case = make_receipt("accepted", kind="complaint", publish=True).suggestion
    handler = signed_in(app, "yangming")
    assert act(handler, case.id, "reply", claim="要求修复路灯", facts="经查线路老化属实",
               decision="已更换线路恢复照明", basis="《城市照明管理规定》", propose="y").status_code == 303
    session.commit()
    pub = session.scalars(sa.select(Publication).where(Publication.case_id == case.id)).one()
    assert pub.answer == "信访事项：要求修复路灯\n查明事实：经查线路老化属实\n处理意见：已更换线路恢复照明\n依据：《城市照明管理规定》"
    lead = signed_in(app, "yangming-lead")
    html = lead.get(f"/staff/publications/{pub.id}").get_data(as_text=True)
    assert lead.post(f"/staff/publications/{pub.id}/approve", data={
        "csrf_token": CSRF_ANY.search(html).group(1), "question": pub.question, "answer": pub.answer}).status_code == 303
    board = app.test_client().get(f"/answers/{pub.id}").get_data(as_text=True)
    for label in ("信访事项：", "查明事实：", "处理意见：", "依据："):
        assert label in board


def test_a_finished_case_offers_no_stop_and_a_stop_posted_anyway_changes_nothing(app, make_receipt, session):
    receipt = make_receipt("replied", told=True)
    client = app.test_client()
    page = client.get(f"/t/{receipt.token}").get_data(as_text=True)
    stop_url = STOP_FORM.search(page).group(1)  # the page opened while an SMS could still come
    csrf = CSRF_ANY.search(page).group(1)
    case = session.get(Suggestion, receipt.suggestion.id)
    services.rate_reply(session, case, Rating.SATISFIED, "", utcnow(), clocks(app.config))  # closes it
    session.commit()
    assert case.status is CaseState.CLOSED
    after = client.get(f"/t/{receipt.token}").get_data(as_text=True)
    assert not STOP_FORM.search(after) and "停止接收" not in after
    posted = client.post(stop_url, data={"csrf_token": csrf})
    assert posted.status_code == 303
    assert "该件办理已结束，不会再有短信发来。" in text_of(client.get(posted.headers["Location"]))
    session.rollback()
    assert session.get(Subscription, case.id).stopped_at is None
    rejected = make_receipt("rejected", told=True)
    assert not STOP_FORM.search(client.get(f"/t/{rejected.token}").get_data(as_text=True))


def test_a_merged_case_keeps_its_stop_while_its_master_is_open(app, make_receipt):
    merged = make_receipt("merged", told=True)
    assert STOP_FORM.search(app.test_client().get(f"/t/{merged.token}").get_data(as_text=True))


def test_a_merged_case_lists_no_similar_open_cases(app, make_receipt, session):
    text = "阳明街道便民服务中心门口的路灯坏了一个星期，晚上很黑，老人出门不安全。"
    master = make_receipt("accepted", text=text, location="").suggestion
    make_receipt(text="便民服务中心大门外那几盏路灯好多天不亮了，天一黑看不清路，请修一下。", location="")
    merged = make_receipt("merged", master=master, text=text, location="").suggestion
    dispatch = signed_in(app, "dispatch")
    assert "相似的未办结案件" in dispatch.get(f"/staff/cases/{master.id}").get_data(as_text=True)
    page = dispatch.get(f"/staff/cases/{merged.id}").get_data(as_text=True)
    assert "相似的未办结案件" not in page and "Merge this case into" not in page


def test_a_review_answer_reads_as_the_reviews_on_the_timeline_and_in_the_status(app, make_receipt, session):
    receipt = make_receipt("review", kind="suggestion")
    case = session.get(Suggestion, receipt.suggestion.id)
    _answer(app, session, case)
    page = app.test_client().get(f"/t/{receipt.token}").get_data(as_text=True)
    timeline = text_of_html(re.search(r'<section class="timeline">.*?</section>', page, re.S).group(0))
    assert "已作出复查意见" in timeline and timeline.count("已答复") == 1  # the first answer's, only
    status = text_of_html(re.search(r'<section class="status">.*?</h2>', page, re.S).group(0))
    assert status.split() == ["状态：", "已作出复查意见"]
