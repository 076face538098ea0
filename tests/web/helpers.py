"""Shared steps of the citizen's journey through the test client."""
import re

TRACK_PATH = re.compile(r"^/t/([A-Za-z0-9_-]{32})$")

# The notice a citizen's form comes back with when its CSRF token is missing, forged or expired.
EXPIRED = '<p class="notice" role="alert">页面停留时间较长，您填写的内容已保留，请再次点击“提交”。</p>'
PHONE_ERROR = "请输入11位手机号码，或带区号的固定电话，如 13812345678 或 0574-62345678。"
NOT_FOUND = "未找到该页面。请核对链接或受理码和查询码，也可重新提交建议。"
LOGIN_FAILED = "登录失败，请核对用户名和密码；多次失败后，每次重试需要等待的时间会逐渐延长。"  # for any reason, the same words

VALID = {
    "kind": "complaint",
    "text": "新建路3号门口的路灯坏了三天，晚上很黑，老人出门不安全。",
    "category": "0",
    "location": "新建路3号",
    "name": "张三",
    "phone": "138 1234 5678",
    # Many tests file this same text more than once: each time the citizen chose to file it on its
    # own rather than join the first (附议, app/citizen/metoo.py; tests/web/test_metoo.py offers it).
    "metoo": "file",
}


def submit(client, fill_form, path="/p/YMQ2K8", **values):
    """Fill and send the form at `path`; return the redirect response."""
    data = fill_form(path, **{**VALID, **values})
    return client.post(path, data=data)


def token_of(response) -> str:
    """The tracking token a submission redirected to."""
    location = response.headers["Location"]
    match = TRACK_PATH.match(location)
    assert match, location
    return match.group(1)


def field_error(response, field: str) -> str:
    """The error message shown under one field of a form page."""
    match = re.search(rf'id="{field}-error">([^<]+)<', response.get_data(as_text=True))
    assert match, f"no error shown for {field}"
    return match.group(1)


def text_of(response) -> str:
    """The visible text of an HTML page, tags stripped, spaces squeezed."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def kept_text(html: str) -> str:
    """The text inside a rendered form's suggestion textarea (marked with errors or not)."""
    match = re.search(r'<textarea[^>]*\sid="text"[^>]*>\s*([^<]*)</textarea>', html)
    assert match, "no suggestion text area on the page"
    return match.group(1)
