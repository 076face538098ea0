"""Pages kept rendered per worker (app/citizen/pages.py): each visitor still gets their own
CSRF token, submission key and PIN, and a change to the case shows at once."""
import re

import sqlalchemy as sa

from app.models import Category, Poster
from tests.conftest import hidden_fields
from tests.web.helpers import EXPIRED, VALID, submit, text_of, token_of
from tests.web.staff_helpers import citizen_post

PIN = re.compile(r'<dd class="code">(\d{6})</dd>')


def test_a_kept_form_gives_every_visitor_their_own_token_and_key(app):
    first, second = app.test_client(), app.test_client()
    pages = [first.get("/p/YMQ2K8").get_data(as_text=True) for _ in range(2)]
    pages.append(second.get("/p/YMQ2K8").get_data(as_text=True))
    fields = [hidden_fields(page) for page in pages]
    assert len({f["submission_key"] for f in fields}) == 3  # a fresh key on every opening
    assert fields[0]["csrf_token"] and fields[2]["csrf_token"] != fields[0]["csrf_token"]
    # The same page around them: the markers left nothing behind.
    assert all("yimaslot" not in page for page in pages)
    assert re.sub(r'value="[^"]*"', "", pages[0]) == re.sub(r'value="[^"]*"', "", pages[2])


def test_a_form_from_the_kept_page_files_a_case_and_a_second_visitor_cannot_reuse_its_token(app):
    citizen, other = app.test_client(), app.test_client()
    citizen.get("/p/YMQ2K8")  # the page is kept now
    fields = hidden_fields(citizen.get("/p/YMQ2K8").get_data(as_text=True))
    assert citizen.post("/p/YMQ2K8", data={**fields, **VALID}).status_code == 303
    other.get("/p/YMQ2K8")
    stolen = other.post("/p/YMQ2K8", data={**fields, **VALID, "submission_key": "A" * 22})
    page = text_of(stolen)
    assert stolen.status_code == 200 and EXPIRED in stolen.get_data(as_text=True) and VALID["text"] in page  # text kept


def test_the_kept_form_follows_the_language_and_the_poster(client):
    chinese = text_of(client.get("/p/YMQ2K8"))
    english = text_of(client.get("/p/YMQ2K8?lang=en"))
    other_poster = text_of(client.get("/p/FSH7N3"))
    assert "提交" in chinese and "Submit" in english and "提交" not in english
    assert other_poster != english and "Submit" in other_poster  # still English, another place


def test_a_new_category_shows_on_the_form_once_the_kept_page_expires(app, client, session):
    client.get("/p/YMQ2K8")
    unit_id = session.scalars(sa.text("SELECT unit_id FROM categories LIMIT 1")).one()
    session.add(Category(code="kept", name="测试分类", name_en="Kept test", unit_id=unit_id, sort_order=1))
    session.commit()
    assert "测试分类" not in text_of(client.get("/p/YMQ2K8"))  # kept for PAGE_CACHE_SECONDS
    app.extensions["yima_pages"].clear()  # what the seconds passing does
    assert "测试分类" in text_of(client.get("/p/YMQ2K8"))


def test_a_flashed_message_is_never_kept_for_the_next_visitor(app, client, session):
    session.execute(sa.update(Poster).where(Poster.code == "YMQ2K8").values(active=False))
    session.commit()
    with client.session_transaction() as cookie:
        cookie["_flashes"] = [("success", "只给这一位看的消息")]
    assert "只给这一位看的消息" in text_of(client.get("/p/YMQ2K8"))
    assert "只给这一位看的消息" not in text_of(app.test_client().get("/p/YMQ2K8"))


def test_the_pin_on_a_kept_tracking_page_is_shown_to_the_filer_alone(app, client, fill_form):
    token = token_of(submit(client, fill_form))
    own = client.get(f"/t/{token}").get_data(as_text=True)
    pin = PIN.search(own).group(1)
    again = client.get(f"/t/{token}").get_data(as_text=True)  # from the kept page now
    assert PIN.search(again).group(1) == pin
    stranger = app.test_client().get(f"/t/{token}").get_data(as_text=True)
    assert PIN.search(stranger) is None and pin not in stranger
    assert "yimaslot" not in own + again + stranger


def test_a_follow_up_shows_on_the_tracking_page_at_once(app, make_receipt):
    token = make_receipt().token
    watcher = app.test_client()
    assert "路灯杆上有编号" not in text_of(watcher.get(f"/t/{token}"))  # kept from here on
    assert citizen_post(app, token, "follow-up", text="补充：路灯杆上有编号 YM-0231").status_code == 303
    assert "路灯杆上有编号 YM-0231" in text_of(watcher.get(f"/t/{token}"))


def test_forms_on_a_kept_tracking_page_carry_the_visitors_own_csrf_token(app, client, fill_form):
    token = token_of(submit(client, fill_form))
    client.get(f"/t/{token}")
    visitor = app.test_client()
    html = visitor.get(f"/t/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    sent = visitor.post(f"/t/{token}/follow-up", data={"csrf_token": csrf, "text": "再补充一句：晚上十点后最暗"})
    assert sent.status_code == 303
    assert "晚上十点后最暗" in text_of(visitor.get(f"/t/{token}"))
