"""The language switch on a form page sends the form back to itself: the same form comes back
in the other language with every typed value, no error shown, nothing filed, no limit spent."""
import re

import sqlalchemy as sa

from app.models import Suggestion
from tests.conftest import hidden_fields


def _english(response) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="en"' in page
    assert 'class="error"' not in page and 'role="alert"' not in page
    return page


def test_the_suggestion_form_keeps_its_text_in_the_other_language(app, client, fill_form, session):
    saved = app.config["SUBMIT_RATE_LIMIT"]
    app.config["SUBMIT_RATE_LIMIT"] = "2 per hour"
    try:
        data = fill_form("/submit", kind="complaint", category="0", text="楼下烧烤油烟很大", location="新建路3号",
                         name="张三", phone="13812345678", notify="y")
        for _ in range(3):  # more switches than the limit allows sendings: a switch sends nothing
            page = _english(client.post("/submit?lang=en", data={**data, "show": "lang"}))
        assert "楼下烧烤油烟很大" in page and 'value="新建路3号"' in page and 'value="张三"' in page
        assert re.search(r'<input checked[^>]*value="complaint"', page)
        assert re.search(r'<input checked[^>]*name="notify"', page)
        assert hidden_fields(page)["submission_key"] == data["submission_key"]  # Submit still files once
        assert "Submit" in page and "提交" not in page.split("<main")[1]
        assert session.scalar(sa.select(sa.func.count()).select_from(Suggestion)) == 0
        # And the form then files in one press, within the limit.
        sent = client.post("/submit?lang=en", data=hidden_fields(page) | {k: v for k, v in data.items() if k not in ("csrf_token", "submission_key")})
        assert sent.status_code == 303, sent.get_data(as_text=True)[-3000:]
    finally:
        app.config["SUBMIT_RATE_LIMIT"] = saved


def test_the_lookup_keeps_the_typed_code_and_looks_nothing_up(client):
    csrf = hidden_fields(client.get("/track").get_data(as_text=True))["csrf_token"]
    page = _english(client.post("/track?lang=en", data={"csrf_token": csrf, "code": "K7M-4XP-9QC", "pin": "123456",
                                                       "show": "lang"}))
    assert 'value="K7M-4XP-9QC"' in page and 'value="123456"' in page and "No case matches" not in page


def test_the_tracking_page_keeps_the_rating_comment_and_the_follow_up_text(client, make_receipt, session):
    receipt = make_receipt("replied")
    csrf = hidden_fields(client.get(f"/t/{receipt.token}").get_data(as_text=True))["csrf_token"]
    form = {"csrf_token": csrf, "rating": "unsatisfied", "comment": "路灯还是不亮", "text": "补充：昨晚又坏了",
            "show": "lang"}
    page = _english(client.post(f"/t/{receipt.token}/rate?lang=en", data=form))
    assert "路灯还是不亮</textarea>" in page and "补充：昨晚又坏了</textarea>" in page
    assert re.search(r'<input checked[^>]*value="unsatisfied"', page)
    assert "<details open>" in page  # the follow-up box stays open on its text
    session.commit()  # a fresh read: SQLite keeps a transaction's snapshot
    assert session.get(Suggestion, receipt.suggestion.id).rating is None  # nothing was rated
    # Back in Chinese from the page it came to, still kept; then the rating is sent as typed.
    page = client.post(f"/t/{receipt.token}/follow-up?lang=zh_Hans_CN", data=form).get_data(as_text=True)
    assert '<html lang="zh-CN"' in page and "路灯还是不亮</textarea>" in page and "补充：昨晚又坏了</textarea>" in page
    sent = client.post(f"/t/{receipt.token}/rate", data={k: v for k, v in form.items() if k != "show"})
    assert sent.status_code == 303
    session.commit()  # a fresh read: SQLite keeps a transaction's snapshot
    case = session.get(Suggestion, receipt.suggestion.id)
    assert (case.rating.value, case.rating_comment) == ("unsatisfied", "路灯还是不亮"), (case.rating, case.rating_comment)
