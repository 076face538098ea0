"""The elder-friendly mode's switch (app/core/display.py): a cookie, set without JavaScript,
back to the same page on this site only, and never leaking into another visitor's kept page."""
import re

import pytest
import sqlalchemy as sa

from app.models import Suggestion

ELDER = '<html lang="zh-CN" class="elder">'
PLAIN = '<html lang="zh-CN">'


def switch(client, show: str, next_: str | None, **headers):
    data = {"show": show} if next_ is None else {"show": show, "next": next_}
    return client.post("/display", data=data, headers=headers)


def html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_the_switch_turns_the_mode_on_and_off_and_goes_back_to_the_same_page(client):
    assert PLAIN in html(client, "/p/YMQ2K8") and "大字模式" in html(client, "/")
    on = switch(client, "elder", "/track?code=K7M&from=poster")
    assert on.status_code == 303 and on.headers["Location"] == "/track?code=K7M&from=poster"
    cookie = on.headers["Set-Cookie"]
    assert cookie.startswith("yima_elder=1;") and "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert int(cookie.split("Max-Age=")[1].split(";")[0]) >= 365 * 24 * 3600  # remembered for a year and more
    for path in ("/", "/p/YMQ2K8", "/submit", "/track", "/no-such-page"):
        response = client.get(path)
        assert ELDER in response.get_data(as_text=True), path
    assert "标准模式" in html(client, "/")  # the switch now offers the way back
    off = switch(client, "plain", "/")
    assert off.headers["Set-Cookie"].startswith("yima_elder=0;")
    assert PLAIN in html(client, "/p/YMQ2K8")


def test_the_mode_needs_no_session(app):
    client = app.test_client()
    response = switch(client, "elder", "/p/YMQ2K8")
    assert [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")] == []


@pytest.mark.parametrize("next_", [
    "//evil.example/x", "https://evil.example/", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
    "evil.example", "", None, "/x\r\nSet-Cookie: a=b", "/x y", "/" + "a" * 3000, "http:/evil.example",
])
def test_the_switch_goes_back_only_to_a_path_on_this_site(client, next_):
    response = switch(client, "elder", next_)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert response.headers["Set-Cookie"].startswith("yima_elder=1;")  # the mode still switches


def test_nonsense_and_other_sites_do_not_switch_and_are_never_a_500(client):
    for show in ("", "bogus", "elder" * 100):
        response = switch(client, show, "/track")
        assert response.status_code == 303 and "Set-Cookie" not in response.headers
    assert client.post("/display").status_code == 303  # no fields at all
    assert client.get("/display").status_code == 405
    for other_site in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        refused = switch(client, "elder", "/", **other_site)
        assert refused.status_code == 400 and "Set-Cookie" not in refused.headers
    assert PLAIN in html(client, "/p/YMQ2K8")


@pytest.mark.parametrize("first_elder", [True, False])
def test_a_kept_page_never_carries_one_visitors_mode_to_another(app, make_receipt, first_elder):
    receipt = make_receipt("replied")
    elder, plain = app.test_client(), app.test_client()
    switch(elder, "elder", "/")
    order = [(elder, ELDER), (plain, PLAIN)] if first_elder else [(plain, PLAIN), (elder, ELDER)]
    for path in ("/p/YMQ2K8", "/submit", f"/t/{receipt.token}"):
        for _ in range(2):  # the second round is answered from the kept pages
            for client, mark in order:
                assert mark in html(client, path), (path, mark)
    english = html(elder, "/p/YMQ2K8?lang=en")
    assert '<html lang="en" class="elder">' in english
    assert '<html lang="en">' in html(plain, "/p/YMQ2K8?lang=en")


def test_a_kept_page_carries_no_other_visitors_query(app):
    first, second = app.test_client(), app.test_client()
    assert 'value="/?from=first-visitor"' in html(first, "/?from=first-visitor")  # the start page is not kept
    html(first, "/p/YMQ2K8?from=first-visitor")
    assert "first-visitor" not in html(second, "/p/YMQ2K8")


def test_the_form_comes_back_in_the_other_mode_with_its_text_and_nothing_filed(client, fill_form, session):
    data = fill_form("/p/YMQ2K8", kind="suggestion", text="路灯坏了，想换大字看看", phone="13812345678")
    response = client.post("/p/YMQ2K8", data={**data, "show": "elder"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and ELDER in page
    assert response.headers["Set-Cookie"].startswith("yima_elder=1;")
    assert "路灯坏了，想换大字看看" in page and 'value="13812345678"' in page
    assert re.search(r'<input checked[^>]*value="suggestion"', page)
    assert "请检查" not in page and 'class="error"' not in page
    assert session.scalar(sa.select(sa.func.count()).select_from(Suggestion)) == 0
    assert ELDER in html(client, "/")  # and remembered


def test_a_switch_without_the_forms_own_token_is_refused_as_a_sending_would_be(client, fill_form, session):
    """Only a form with its own valid token is shown again as a switch; any other is a sending,
    refused the usual way (asked to press Submit again), and nothing is filed."""
    data = fill_form("/p/YMQ2K8", text="别人替我填的字")
    response = client.post("/p/YMQ2K8", data={**data, "csrf_token": "forged", "show": "lang"})
    page = response.get_data(as_text=True)
    assert "请再次点击“提交”" in page and "Set-Cookie" not in response.headers
    assert session.scalar(sa.select(sa.func.count()).select_from(Suggestion)) == 0


def test_staff_pages_keep_their_own_look_whatever_the_cookie(client):
    switch(client, "elder", "/")
    login = html(client, "/staff/login")
    assert '<html lang="zh-CN">' in login and "大字模式" not in login and "标准模式" not in login
    missing = client.get("/staff/no-such-page").get_data(as_text=True)
    assert 'class="elder"' not in missing and "/display" not in missing
