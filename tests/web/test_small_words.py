"""Small things a newcomer hit on the staff pages: the last day reads "today", an extension's
note uses Chinese parentheses, a merged master's code is grouped, and a signed-in user who
opens the sign-in page goes on to the inbox."""
from datetime import timedelta

from app.core.db import utcnow
from tests.web.staff_helpers import signed_in


def test_the_last_day_reads_due_today_not_zero_days_left(app, make_case):
    case = make_case(now=utcnow() - timedelta(days=15))
    html = signed_in(app, "yangming").get("/staff/").get_data(as_text=True)
    assert "今天到期" in html and "剩余 0 天" not in html
    assert f"/staff/cases/{case.id}" in html


def test_an_extension_note_uses_full_width_parentheses(app, make_case):
    case = make_case("extended", unit="330281-YM", poster=None)
    html = signed_in(app, "yangming").get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "（已延期 10 天）" in html and "(已延期" not in html


def test_a_merged_cases_master_is_named_by_its_grouped_code(app, make_receipt):
    master = make_receipt("accepted", poster=None, unit="330281-YM")
    merged = make_receipt("merged", poster=None, unit="330281-YM", master=master.suggestion)
    html = signed_in(app, "yangming").get(f"/staff/cases/{merged.suggestion.id}").get_data(as_text=True)
    assert master.code in html and master.suggestion.receipt_code not in html


def test_a_signed_in_user_opening_the_sign_in_page_goes_on(app, staff):
    client = signed_in(app, "yangming")
    response = client.get("/staff/login")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    onward = client.get("/staff/login?next=/staff/posters")
    assert onward.headers["Location"].endswith("/staff/posters")
    assert app.test_client().get("/staff/login").status_code == 200  # signed out: the form


def test_the_favicon_is_the_icon_not_a_404(client):
    from io import BytesIO

    from PIL import Image

    with client.get("/favicon.ico") as response:
        assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
        assert "max-age=604800" in response.headers["Cache-Control"]
        icon = Image.open(BytesIO(response.data))
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


def test_the_language_switch_keeps_the_pages_filters(app, staff):
    client = signed_in(app, "yangming")
    html = client.get("/staff/?status=accepted&q=%E8%B7%AF%E7%81%AF").get_data(as_text=True)
    assert 'href="?status=accepted&amp;q=%E8%B7%AF%E7%81%AF&amp;lang=en"' in html
    english = client.get("/staff/?status=accepted&q=%E8%B7%AF%E7%81%AF&lang=en").get_data(as_text=True)
    assert 'href="?status=accepted&amp;q=%E8%B7%AF%E7%81%AF&amp;lang=zh_Hans_CN"' in english


def test_the_citizen_sees_their_own_rating_after_rating(app, make_receipt):
    receipt = make_receipt("closed")
    html = app.test_client().get(f"/t/{receipt.token}").get_data(as_text=True)
    assert "您的评价：满意" in html
