"""A suggestion refused for now (the limit, a database outage) comes back as the form with the
citizen's words, a fresh CSRF token and its own key, and says honestly how long to wait."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app import services
from app.core.errors import minutes
from app.models import Category, Suggestion
from tests.conftest import hidden_fields
from tests.web.helpers import VALID, kept_text, text_of, token_of

LIMITED = ("本网络或本浏览器近期提交的建议较多，这条建议尚未受理。您填写的内容已保留在下方：请在{n}分钟后再次点击“提交”。")
DOWN = "服务暂时不可用，内容尚未保存。您填写的内容已保留在下方：请在30秒后再次点击“提交”，只会受理一次。"


@pytest.fixture
def limits(app):
    """Set the submission limits for one test; the defaults come back after it."""
    saved = {k: app.config.get(k) for k in ("SUBMIT_RATE_LIMIT", "SUBMIT_FORM_RATE_LIMIT")}

    def set_limits(**values):
        app.config.update(values)

    yield set_limits
    app.config.update(saved)


def _cases(session):
    session.rollback()
    return session.scalars(sa.select(Suggestion).order_by(Suggestion.id)).all()


def _form(client, path="/p/YMQ2K8", **values):
    return {**hidden_fields(client.get(path).get_data(as_text=True)), **VALID, **values}


def _assert_given_back(response, sent):
    page = response.get_data(as_text=True)
    back = hidden_fields(page)
    assert back["submission_key"] == sent["submission_key"]  # a resend files once
    assert back["csrf_token"]
    assert kept_text(page) == sent["text"]
    assert f'value="{sent["location"]}"' in page and f'value="{sent["name"]}"' in page
    assert 'value="13812345678"' in page  # the phone, as the form's filter cleaned it
    assert '<input checked id="kind-1" name="kind" required type="radio" value="complaint">' in page
    return back


def test_a_busy_hall_is_not_locked_out_but_one_browser_is_stopped(app, limits, session):
    limits(SUBMIT_RATE_LIMIT="120 per hour", SUBMIT_FORM_RATE_LIMIT="2 per hour")
    one = app.test_client()
    assert one.post("/p/YMQ2K8", data=_form(one, text="第一条：路灯坏了三天，晚上很黑。")).status_code == 303
    # Mistakes are not counted: a form sent back with errors costs nothing.
    assert one.post("/p/YMQ2K8", data=_form(one, text="短")).status_code == 200
    assert one.post("/p/YMQ2K8", data=_form(one, text="第二条：井盖松动，踩上去会响。")).status_code == 303
    third = _form(one, text="第三条：垃圾桶满了两天没人清运。")
    refused = one.post("/p/YMQ2K8", data=third)
    assert refused.status_code == 429
    seconds = int(refused.headers["Retry-After"])
    assert 3500 < seconds <= 3601  # the hour's window (to the second, rounded up), not "a few minutes"
    assert LIMITED.format(n=minutes(seconds)) in text_of(refused)
    _assert_given_back(refused, third)
    # The next citizen in the hall (same address, their own phone) files at once.
    neighbour = app.test_client()
    assert neighbour.post("/submit", data=_form(neighbour, "/submit")).status_code == 303
    assert len(_cases(session)) == 3


def test_the_address_ceiling_holds_whatever_the_cookie_and_the_words_come_back(app, limits, session):
    limits(SUBMIT_RATE_LIMIT="2 per hour", SUBMIT_FORM_RATE_LIMIT="10 per hour")
    for _ in range(2):
        fresh = app.test_client()  # a script dropping its cookie every time
        assert fresh.post("/p/YMQ2K8", data=_form(fresh)).status_code == 303
    last = app.test_client()
    sent = _form(last)
    refused = last.post("/p/YMQ2K8", data=sent)
    assert refused.status_code == 429
    back = _assert_given_back(refused, sent)
    assert len(_cases(session)) == 2
    # Once the window allows it (here: a higher limit), the page they got back files once.
    limits(SUBMIT_RATE_LIMIT="100 per hour")
    again = {**sent, **back}
    first, retry = last.post("/p/YMQ2K8", data=again), last.post("/p/YMQ2K8", data=again)
    assert first.status_code == 303 and token_of(first) == token_of(retry)
    assert len(_cases(session)) == 3


def test_a_database_outage_gives_the_form_back_and_the_resend_files_once(client, app, session, monkeypatch):
    category = session.scalars(sa.select(Category).where(Category.active).order_by(Category.id)).first()
    client.get("/submit")
    sent = _form(client, "/submit", category=str(category.id))

    def gone(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(services, "submit_suggestion", gone)  # the database gone as the case is written
    down = client.post("/submit", data=sent)
    assert down.status_code == 503 and down.headers["Retry-After"] == "30"
    assert down.headers["Cache-Control"] == "no-store"
    assert DOWN in text_of(down)
    back = _assert_given_back(down, sent)
    assert f'<option selected value="{category.id}">' in down.get_data(as_text=True)
    assert _cases(session) == []
    monkeypatch.undo()
    resent = {**sent, **back}
    first, retry = client.post("/submit", data=resent), client.post("/submit", data=resent)
    assert first.status_code == 303 and token_of(first) == token_of(retry)
    [case] = _cases(session)
    assert case.text == VALID["text"] and case.category_id == category.id


def test_other_pages_keep_their_own_refusal(app, limits):
    limits(SUBMIT_RATE_LIMIT="120 per hour")
    app.config["TRACK_RATE_LIMIT"] = "1 per hour"
    try:
        guesser = app.test_client()
        form = hidden_fields(guesser.get("/track").get_data(as_text=True))
        data = {**form, "code": "7ZR-47X-K3D", "pin": "123456"}
        assert guesser.post("/track", data=data).status_code == 404
        refused = guesser.post("/track", data=data)
    finally:
        app.config["TRACK_RATE_LIMIT"] = "10 per minute;60 per hour"
    assert refused.status_code == 429 and "<textarea" not in refused.get_data(as_text=True)
    assert f"请等待{minutes(int(refused.headers['Retry-After']))}分钟后再试。" in text_of(refused)


def test_an_ipv6_client_rotating_its_addresses_is_one_client_for_the_ceiling(app, limits, session):
    limits(SUBMIT_RATE_LIMIT="2 per hour", SUBMIT_FORM_RATE_LIMIT="10 per hour")
    sent = []
    for host in ("a1", "b2", "c3"):  # one phone's /64, a fresh privacy address and no cookie each time
        fresh = app.test_client()
        fresh.environ_base["REMOTE_ADDR"] = f"2001:db8:77:1::{host}"
        sent.append(fresh.post("/p/YMQ2K8", data=_form(fresh)).status_code)
    assert sent == [303, 303, 429]
    other = app.test_client()  # another household's /64 has its own budget
    other.environ_base["REMOTE_ADDR"] = "2001:db8:77:2::a1"
    assert other.post("/p/YMQ2K8", data=_form(other)).status_code == 303
    assert len(_cases(session)) == 3
