"""The public answers board: filters, Chinese search, pages, bad links, and a poster's landing page
with the latest answers of its place."""
import sqlalchemy as sa

from app.core.db import utcnow
from app.models import Suggestion, User
from app.services import publications
from app.config import clocks
from tests.web.helpers import VALID, text_of

LIGHT = "新建路的路灯坏了一个星期，晚上很黑。"
ROAD = "四明西路公交站前面路面有好几个大坑。"


def _publish(app, session, make_case, text, poster="YMQ2K8", category=None):
    """A consented case answered and published through the service steps."""
    case = make_case("replied", kind="suggestion", publish=True, text=text, poster=poster, category=category)
    lead = session.scalars(sa.select(User).where(User.unit_id == case.unit_id, User.role == "lead")).first()
    handler = lead or session.scalars(sa.select(User).where(User.unit_id == case.unit_id)).first()
    now = utcnow()
    pub = publications.propose(session, case, handler, now, clocks(app.config))
    if lead is None:  # a unit without a lead in the demo: publish as if approved
        pub.status, pub.approved_at = "published", now
    else:
        publications.approve(session, pub, lead, now, pub.question, pub.answer)
    session.commit()
    return pub


def test_the_board_finds_chinese_words_in_the_question_or_the_answer(app, make_case, session):
    _publish(app, session, make_case, LIGHT)
    _publish(app, session, make_case, ROAD)
    client = app.test_client()
    assert "路灯" in text_of(client.get("/answers?q=路灯")) and "大坑" not in text_of(client.get("/answers?q=路灯"))
    assert "大坑" in text_of(client.get("/answers?q=公交站"))
    assert "纳入明年计划" in text_of(client.get("/answers?q=明年计划"))  # the answer's words
    assert "没有符合" in text_of(client.get("/answers?q=不存在的词"))
    assert client.get("/answers?q=100%25_").status_code == 200  # LIKE's wildcards are only words


def test_filters_by_unit_matter_poster_and_month(app, make_case, session):
    light = _publish(app, session, make_case, LIGHT)
    road = _publish(app, session, make_case, ROAD, poster=None, category="daolu")
    client = app.test_client()
    by_poster = text_of(client.get(f"/answers?poster={light.poster_id}"))
    assert "路灯" in by_poster and "大坑" not in by_poster
    by_matter = text_of(client.get(f"/answers?matter={road.category_id}"))
    assert "大坑" in by_matter and "路灯" not in by_matter
    by_unit = text_of(client.get(f"/answers?unit={light.unit_id}"))
    assert "路灯" in by_unit
    month = light.month.strftime("%Y-%m")
    assert "路灯" in text_of(client.get(f"/answers?month={month}"))
    assert "路灯" not in text_of(client.get("/answers?month=2001-01"))


def test_pages_of_twenty(app, make_case, session):
    for n in range(21):
        _publish(app, session, make_case, f"第{n}号建议：新建路的路灯坏了，晚上很黑。")
    client = app.test_client()
    first, second = client.get("/answers").get_data(as_text=True), client.get("/answers?page=2").get_data(as_text=True)
    assert first.count('class="answer-card"') == 20 and second.count('class="answer-card"') == 1
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert client.get("/answers?page=99").status_code == 200


def test_bad_links_say_so_and_never_fail(app, make_case, session):
    _publish(app, session, make_case, LIGHT)
    client = app.test_client()
    for query in ("unit=abc", "matter=-1", "poster=1e9", "month=2026-13", "month=x", "page=0x", "page=99999999999",
                  "q=" + "路" * 300, "unit=%00", "month=2026-12-01"):
        answer = client.get(f"/answers?{query}")
        assert answer.status_code == 400, query
        assert "无法识别" in text_of(answer), query
    assert client.get("/answers/999999").status_code == 404
    assert client.get("/answers/abc").status_code == 404


def test_the_board_reads_in_english_too(app, make_case, session):
    _publish(app, session, make_case, LIGHT)
    page = text_of(app.test_client().get("/answers?lang=en"))
    assert "Published answers" in page and "Answered the same day" in page


def test_a_posters_landing_page_shows_its_latest_three_answers(app, make_case, session):
    for n in range(4):
        _publish(app, session, make_case, f"第{n}件：新建路的路灯坏了。")
    _publish(app, session, make_case, ROAD, poster="JT4P9X")
    app.extensions["yima_pages"].clear()
    page = app.test_client().get("/p/YMQ2K8").get_data(as_text=True)
    assert page.count("/answers/") == 3 and "大坑" not in page and "第0件" not in page
    form = app.test_client().get("/submit").get_data(as_text=True)
    assert "/answers/" not in form  # no poster, no place: no list


def test_the_consent_is_unticked_and_stored_when_ticked(client, fill_form, session):
    page = client.get("/p/YMQ2K8").get_data(as_text=True)
    assert "我的建议及答复可以在隐去姓名和电话后公开" in page and 'name="publish" type="checkbox" value="y" checked' not in page
    data = fill_form("/p/YMQ2K8", **VALID, publish="y")
    assert client.post("/p/YMQ2K8", data=data).status_code == 303
    assert session.scalars(sa.select(Suggestion.publish_consent).order_by(Suggestion.id.desc())).first() is True


def test_a_searched_board_page_is_kept_for_its_own_query_only(app, client, make_receipt, session):
    """A search or a page 2 is kept per worker like the board's first page, under its whole query:
    the language switch on it carries that query, so another search never gets its page."""
    first = client.get("/answers?q=路灯").get_data(as_text=True)
    kept = len(app.extensions["yima_pages"]._pages)
    assert client.get("/answers?q=路灯").get_data(as_text=True).count("q=") == first.count("q=")
    assert len(app.extensions["yima_pages"]._pages) == kept  # answered from the kept page
    other = client.get("/answers?q=垃圾").get_data(as_text=True)
    assert "q=%E5%9E%83%E5%9C%BE" in other or "垃圾" in other
    assert "路灯" not in other.split("<main", 1)[1].split("</form>", 1)[0]
    assert len(app.extensions["yima_pages"]._pages) == kept + 1
