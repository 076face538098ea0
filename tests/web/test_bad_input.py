"""Bad input gets a clear message in the page's language and loses nothing the citizen wrote."""
import re
import threading

import pytest
import sqlalchemy as sa

from app.models import Suggestion
from tests.conftest import hidden_fields
from tests.web.helpers import EXPIRED, NOT_FOUND, PHONE_ERROR, VALID, field_error, text_of, token_of

LONG_TEXT = "路灯" * 1001  # 2002 characters, two over the limit


def _count(session) -> int:
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(Suggestion))


def test_missing_text_and_bad_phone_come_back_with_every_field_as_typed(client, fill_form, session):
    data = fill_form("/p/YMQ2K8", **{**VALID, "text": "", "phone": "12345", "location": "新建路 <3号>"})
    page = client.post("/p/YMQ2K8", data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert field_error(page, "text") == "请填写您要反映的内容。"
    assert field_error(page, "phone") == PHONE_ERROR
    assert 'value="12345"' in html and 'value="新建路 &lt;3号&gt;"' in html and 'value="张三"' in html
    assert re.findall(r'<input checked id="kind-\d" name="kind" required type="radio" value="(\w+)">', html) == ["complaint"]
    assert _count(session) == 0


def test_too_long_text_is_kept_and_explained_in_english(client, fill_form, session):
    client.get("/?lang=en")
    data = fill_form("/submit", **{**VALID, "text": LONG_TEXT})
    page = client.post("/submit", data=data)
    html = page.get_data(as_text=True)
    assert "between 5 and 2000 characters" in re.search(r'id="text-error">([^<]+)', html).group(1)
    assert LONG_TEXT in html
    assert _count(session) == 0


def test_a_nonexistent_category_is_refused_not_crashed(client, fill_form, session):
    page = client.post("/submit", data=fill_form("/submit", **{**VALID, "category": "999999"}))
    assert page.status_code == 200 and field_error(page, "category") == "不是有效的选择。"
    page = client.post("/submit", data=fill_form("/submit", **{**VALID, "category": "abc", "kind": "bribe"}))
    assert page.status_code == 200 and field_error(page, "category") == "选择无效：无法转化类型。"
    assert '<p class="error">不是有效的选择。</p>' in page.get_data(as_text=True)  # under the kinds
    assert _count(session) == 0


def test_double_click_creates_one_case_and_both_lead_to_the_same_receipt(client, fill_form, session):
    data = fill_form("/p/YMQ2K8", **VALID)
    first = client.post("/p/YMQ2K8", data=data)
    second = client.post("/p/YMQ2K8", data=data)
    assert token_of(first) == token_of(second)
    assert _count(session) == 1
    receipt = text_of(client.get(first.headers["Location"]))
    assert re.search(r"查询码 \d{6}", receipt)


def test_the_same_form_sent_twice_at_once_creates_one_case(app, client, fill_form, session):
    data = fill_form("/p/YMQ2K8", **VALID)
    cookie = client.get_cookie("session")
    results = []

    def send():
        other = app.test_client()
        other.set_cookie("session", cookie.value)
        results.append(other.post("/p/YMQ2K8", data=data))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {r.status_code for r in results} == {303}
    assert len({token_of(r) for r in results}) == 1
    assert _count(session) == 1


def test_an_expired_csrf_token_keeps_the_text_and_asks_for_one_more_press(client, fill_form, session):
    data = fill_form("/p/YMQ2K8", **VALID)
    data["csrf_token"] = data["csrf_token"][:-4] + "AAAA"  # as an expired or forged token looks
    page = client.post("/p/YMQ2K8", data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert EXPIRED in html
    assert re.search(r'<textarea id="text"[^>]*>\s*([^<]*)</textarea>', html).group(1) == VALID["text"]  # kept
    assert _count(session) == 0
    # The page came back with a fresh token: pressing Submit again files the case.
    again = client.post("/p/YMQ2K8", data={**data, **hidden_fields(html)})
    assert again.status_code == 303
    assert _count(session) == 1


def test_a_form_without_csrf_token_files_nothing(client, fill_form, session):
    data = fill_form("/submit", **VALID)
    del data["csrf_token"]
    page = client.post("/submit", data=data)
    assert page.status_code == 200 and EXPIRED in page.get_data(as_text=True)
    track = client.post("/track", data={"code": "ABC", "pin": "123456"})
    assert track.status_code == 400
    assert _count(session) == 0


@pytest.mark.parametrize("path", [
    "/p/NOSUCH", "/p/..%2F..", "/p/" + "A" * 200, "/p/%00", "/t/short", "/t/" + "A" * 32,
    "/t/" + "A" * 32 + "/qr.png", "/t/" + "A" * 32 + "/qr.svg", "/t/%3Cscript%3E",
])
def test_unknown_and_malformed_codes_get_the_same_friendly_404(client, path):
    page = client.get(path)
    assert page.status_code == 404
    assert NOT_FOUND in text_of(page)
    assert "Traceback" not in text_of(page)


def test_a_wrong_pin_and_an_unknown_code_read_the_same(client, make_receipt):
    receipt = make_receipt()
    code = receipt.suggestion.receipt_code
    stranger = client.application.test_client()

    def look(code, pin):
        data = hidden_fields(stranger.get("/track").get_data(as_text=True))
        return stranger.post("/track", data={**data, "code": code, "pin": pin})

    wrong_pin, unknown = look(code, "000000"), look("ABCDEFGH3", "000000")
    assert wrong_pin.status_code == unknown.status_code == 404
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(wrong_pin) == strip(unknown)
    assert look(code, receipt.pin).status_code == 303
    assert look(code, "138 1234 5678").status_code == 303  # the whole phone number also opens it
    # Not its last four digits: staff see them in every masked number (138****5678).
    assert look(code, "5678").status_code == 404


def test_track_lookups_are_rate_limited(client):
    statuses = []
    for _ in range(12):
        data = hidden_fields(client.get("/track").get_data(as_text=True))
        statuses.append(client.post("/track", data={**data, "code": "ABCDEFGH3", "pin": "000000"}).status_code)
    assert "X-RateLimit-Remaining" not in client.post("/track", data=data).headers
    assert statuses[:10] == [404] * 10
    assert statuses[-1] == 429
    refused = client.post("/track", data={**data, "code": "ABCDEFGH3", "pin": "000000"})
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600  # the window of "60 per hour" at most
