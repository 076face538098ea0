"""Over https behind a proxy, a POST without a Referer (some in-app browsers strip it) passes
on its Origin and its token; a POST from another site is refused (app/core/guards.py)."""
import pytest

from tests.conftest import PASSWORD, hidden_fields
from tests.ops.test_serving import _app, _dispose
from tests.web.helpers import text_of

SITE = "https://yima.example.gov.cn"  # the tests' PUBLIC_BASE_URL
HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "yima.example.gov.cn"}
EXPIRED = "页面已过期"


@pytest.fixture
def proxied(app):
    """The app behind one trusted proxy that speaks https to the browser."""
    other = _app(app, PROXIES=1)
    yield other
    _dispose(other)


def _post(client, path, form_path, headers, **fields):
    form = hidden_fields(client.get(form_path, headers=HTTPS).get_data(as_text=True))
    return client.post(path, data={**form, **fields}, headers={**HTTPS, **headers})


def test_a_lookup_without_referer_passes_on_its_origin(proxied, make_receipt):
    receipt = make_receipt()
    answer = _post(proxied.test_client(), "/track", "/track", {"Origin": SITE}, code=receipt.code, pin=receipt.pin)
    assert answer.status_code == 303 and answer.headers["Location"] == "/track/case"


def test_a_follow_up_without_referer_passes_on_its_origin(proxied, make_receipt):
    receipt = make_receipt()
    answer = _post(proxied.test_client(), f"/t/{receipt.token}/follow-up", "/track", {"Origin": SITE},
                   text="补充：路灯杆上有编号 YM-0231")
    assert answer.status_code == 303


def test_a_staff_sign_in_without_referer_passes_on_its_origin_or_fetch_metadata(proxied, staff):
    for headers in ({"Origin": SITE}, {"Sec-Fetch-Site": "same-origin"}, {}, {"Origin": "null"}):
        answer = _post(proxied.test_client(), "/staff/login", "/staff/login", headers,
                       username="yangming", password=PASSWORD)
        assert answer.status_code == 302 and answer.headers["Location"] == "/staff/", headers


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "http://yima.example.gov.cn"},  # the same host without https is another origin
    {"Origin": "https://yima.example.gov.cn.evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # a sibling site of the county's domain
    {"Origin": "https://evil.example", "Referer": SITE + "/staff/login"},
])
def test_a_post_from_another_site_is_refused_even_with_a_valid_token(proxied, staff, session, headers):
    answer = _post(proxied.test_client(), "/staff/login", "/staff/login", headers,
                   username="yangming", password=PASSWORD)
    assert answer.status_code == 400 and EXPIRED in text_of(answer)
    assert "Location" not in answer.headers


def test_the_token_is_still_required_with_the_right_origin(proxied, staff):
    answer = proxied.test_client().post("/staff/login", data={"username": "yangming", "password": PASSWORD},
                                        headers={**HTTPS, "Origin": SITE})
    assert answer.status_code == 400 and EXPIRED in text_of(answer)
