"""The receipt image at /t/<token>/receipt.png: the tracking URL in its QR, the PIN only for the
browser that filed the case, never kept by a cache, and in the page's language."""
import html
import re

from tests.conftest import hidden_fields
from tests.qr.decode import decode_png
from tests.web.helpers import VALID, submit, token_of

BASE = "https://yima.example.gov.cn"


def _image_src(page: str) -> str:
    return html.unescape(re.search(r'<figure class="receipt-image">\s*<img src="([^"]+)"', page).group(1))


def test_the_page_shows_the_image_from_under_its_own_token(client, fill_form):
    token = token_of(submit(client, fill_form))
    page = client.get(f"/t/{token}").get_data(as_text=True)
    assert _image_src(page) == f"/t/{token}/receipt.png"
    assert "长按图片保存到相册。" in page
    assert 'width="320" height="' in page  # half its pixels: sharp on a phone's 2x screen


def test_the_image_scans_to_the_tracking_url_and_is_never_stored(client, fill_form):
    token = token_of(submit(client, fill_form))
    response = client.get(f"/t/{token}/receipt.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert decode_png(response.data) == [f"{BASE}/t/{token}"]


def test_only_the_browser_that_filed_gets_the_image_with_the_pin(app, client, fill_form):
    token = token_of(submit(client, fill_form))
    filer = client.get(f"/t/{token}/receipt.png").data
    stranger = app.test_client().get(f"/t/{token}/receipt.png").data
    # The page shows the PIN to the filer only; so does the image: the two differ, both scan.
    assert "查询码" in client.get(f"/t/{token}").get_data(as_text=True)
    assert re.search(r'<dd class="code">\d{6}</dd>', client.get(f"/t/{token}").get_data(as_text=True))
    assert not re.search(r'<dd class="code">\d{6}</dd>', app.test_client().get(f"/t/{token}").get_data(as_text=True))
    assert filer != stranger
    assert decode_png(filer) == decode_png(stranger) == [f"{BASE}/t/{token}"]
    assert client.get(f"/t/{token}/receipt.png").data == filer  # the same card on every opening


def test_a_pin_remembered_for_one_case_opens_no_other_cases_pin(app, client, fill_form):
    other = app.test_client()
    form = hidden_fields(other.get("/p/YMQ2K8").get_data(as_text=True))
    theirs = token_of(other.post("/p/YMQ2K8", data={**form, **VALID, "text": "公园的长椅坏了，请修理。"}))
    mine = token_of(submit(client, fill_form))
    # I filed my case, not theirs: their image comes to me as to anyone, without a PIN.
    assert client.get(f"/t/{theirs}/receipt.png").data == app.test_client().get(f"/t/{theirs}/receipt.png").data
    assert other.get(f"/t/{theirs}/receipt.png").data != client.get(f"/t/{theirs}/receipt.png").data
    assert decode_png(client.get(f"/t/{mine}/receipt.png").data) == [f"{BASE}/t/{mine}"]


def test_a_wrong_or_made_up_token_gets_no_image(client, fill_form):
    token = token_of(submit(client, fill_form))
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/t/{wrong}/receipt.png").status_code == 404
    assert client.get("/t/" + "x" * 5000 + "/receipt.png").status_code == 404
    assert client.get("/static/receipt.png").status_code == 404


def test_the_image_is_in_the_language_of_the_page(app, client, fill_form):
    token = token_of(submit(client, fill_form))
    chinese = client.get(f"/t/{token}/receipt.png").data
    page = client.get(f"/t/{token}?lang=en").get_data(as_text=True)
    assert "Press and hold the image to save it to your photos." in page
    english = client.get(_image_src(page)).data
    assert english != chinese
    assert decode_png(english) == [f"{BASE}/t/{token}"]
    client.get(f"/t/{token}?lang=zh_Hans_CN")
    assert client.get(f"/t/{token}/receipt.png").data == chinese
