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
from tests.conftest import PLAIN_REPLY
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
    assert "已填入经办人申请延期的理由" in text_of_html(page)
    # The lead sends the box as it stands (a browser sends the textarea's text): the citizen reads it.
    assert act(lead, receipt.suggestion.id, "extend", days="20", message=_extend_box(page)).status_code == 303
    assert HANDLERS_REASON in text_of(app.test_client().get(f"/t/{receipt.token}"))


def test_a_lead_deciding_alone_gets_an_empty_box(app, make_receipt):
    receipt = make_receipt("accepted")
    page = signed_in(app, "yangming-lead").get(f"/staff/cases/{receipt.suggestion.id}").get_data(as_text=True)
    assert _extend_box(page) == "" and "已填入经办人" not in page


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
