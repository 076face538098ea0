"""The citizen's loop: poster → form → receipt → QR → tracking page."""
import html
import re

import sqlalchemy as sa

from app.domain import codes
from app.domain.workflow import CaseState, Channel
from app.models import CaseEvent, Poster, PosterScan, Suggestion
from tests.qr.decode import decode_png, decode_svg
from tests.web.helpers import submit, text_of, token_of


def test_poster_page_names_its_unit_and_place_in_chinese(client):
    page = client.get("/p/YMQ2K8")
    text = text_of(page)
    assert page.status_code == 200
    assert "阳明街道" in text and "阳明街道便民服务中心 一楼大厅" in text
    assert re.findall(r'<label class="pill"><input[^>]*name="kind"[^>]*> <span>([^<]+)</span>', page.get_data(as_text=True)) \
        == ["建议", "投诉", "咨询", "表扬"]
    assert '<button type="submit" class="button">提交</button>' in page.get_data(as_text=True)
    assert '<html lang="zh-CN">' in page.get_data(as_text=True)


def test_poster_preselects_its_category(client):
    page = client.get("/p/FSH7N3").get_data(as_text=True)
    selected = re.search(r'<option selected value="(\d+)">([^<]+)</option>', page)
    assert selected and selected.group(2) == "餐饮油烟扰民"


def test_whole_loop_from_poster_to_tracking_page(client, fill_form, session):
    response = submit(client, fill_form)
    assert response.status_code == 303
    token = token_of(response)

    receipt = client.get(f"/t/{token}")
    text = text_of(receipt)
    case = session.scalars(sa.select(Suggestion)).one()
    code = f"{case.receipt_code[:3]}-{case.receipt_code[3:6]}-{case.receipt_code[6:]}"
    assert code in text
    pin = re.search(r"查询码 (\d{6})", text).group(1)
    assert "提交成功。请保存或截图本回执，以便查询办理进度。" in text

    url = f"https://yima.example.gov.cn/t/{token}"
    assert decode_png(client.get(f"/t/{token}/qr.png").data) == [url]
    assert decode_svg(client.get(f"/t/{token}/qr.svg").get_data(as_text=True)) == [url]
    # The receipt image in the page itself holds the same URL (tests/web/test_receipt_image.py).
    img = re.search(r'<figure class="receipt-image">\s*<img src="([^"]+)"', receipt.get_data(as_text=True))
    assert decode_png(client.get(html.unescape(img.group(1))).data) == [url]

    # The scanned URL opens the tracking page: status, unit, deadline, timeline; no name or phone.
    again = text_of(client.get(url.replace("https://yima.example.gov.cn", "")))
    assert "待受理" in again and "阳明街道" in again
    assert "张三" not in again and "13812345678" not in again and "5678" not in again

    # Looking up by code and PIN from another browser opens the same case.
    stranger = client.application.test_client()
    form = stranger.get("/track").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    found = stranger.post("/track", data={"csrf_token": csrf, "code": code.lower(), "pin": pin})
    assert found.status_code == 303, text_of(found)
    assert code in text_of(stranger.get(found.headers["Location"]))


def test_case_is_stored_whole_and_routed_to_the_poster_unit(client, fill_form, session):
    token_of(submit(client, fill_form))
    case = session.scalars(sa.select(Suggestion)).one()
    assert case.unit.name == "阳明街道"
    assert case.channel is Channel.POSTER and case.status is CaseState.SUBMITTED
    assert case.citizen_phone == "13812345678" and case.citizen_name == "张三"
    assert case.received_at.tzinfo is not None
    assert (case.accept_due_at - case.received_at).days in (15, 16)
    events = session.scalars(sa.select(CaseEvent)).all()
    assert [(e.action.value, e.public) for e in events] == [("submit", True)]


def test_a_receipt_code_already_taken_is_drawn_again_and_the_receipt_shows_the_new_one(
        client, fill_form, session, monkeypatch):
    token_of(submit(client, fill_form))
    session.rollback()
    taken = session.scalars(sa.select(Suggestion.receipt_code)).one()
    fresh = next(c for c in iter(codes.new_receipt_code, None) if c != taken)
    draws = iter([taken, fresh])
    monkeypatch.setattr(codes, "new_receipt_code", lambda: next(draws))

    receipt = client.get(f"/t/{token_of(submit(client, fill_form, text='第二件事：公交站的遮雨棚漏水。'))}")
    assert codes.grouped(fresh) in text_of(receipt) and codes.grouped(taken) not in text_of(receipt)
    session.rollback()
    second = session.scalars(sa.select(Suggestion).where(Suggestion.receipt_code == fresh)).one()
    assert second.text.startswith("第二件事")
    assert [e.action.value for e in second.events] == ["submit"]  # one event, on the case kept
    assert session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) == 2


def test_accept_deadline_is_the_fifteenth_local_day(client, fill_form, session):
    token = token_of(submit(client, fill_form))
    case = session.scalars(sa.select(Suggestion)).one()
    from app.domain.deadlines import Calendar

    last_day = Calendar().local_date(case.accept_due_at) .__sub__(__import__("datetime").timedelta(days=1))
    received_day = Calendar().local_date(case.received_at)
    assert (last_day - received_day).days == 15
    assert last_day.isoformat() in text_of(client.get(f"/t/{token}"))


def test_anonymous_keeps_no_name_or_phone(client, fill_form, session):
    token_of(submit(client, fill_form, anonymous="y"))
    case = session.scalars(sa.select(Suggestion)).one()
    assert case.citizen_name is None and case.citizen_phone is None


def test_submit_without_poster_routes_by_category_else_dispatch(client, fill_form, session):
    school = session.scalars(sa.text("SELECT id FROM categories WHERE code = 'ruxue'")).one()
    token_of(submit(client, fill_form, path="/submit", category=str(school)))
    token_of(submit(client, fill_form, path="/submit", category="0"))
    session.rollback()  # end the read snapshot taken above
    units = [c.unit.name for c in session.scalars(sa.select(Suggestion).order_by(Suggestion.id))]
    assert units == ["教育局", "余姚市信访局（12345热线）"]
    channels = {c.channel for c in session.scalars(sa.select(Suggestion))}
    assert channels == {Channel.WEB}


def test_changing_the_posters_category_routes_to_that_categorys_unit(client, fill_form, session):
    roads = session.scalars(sa.text("SELECT id FROM categories WHERE code = 'daolu'")).one()
    token_of(submit(client, fill_form, path="/p/FSH7N3", category=str(roads)))
    session.rollback()
    assert session.scalars(sa.select(Suggestion)).one().unit.name == "交通运输局"


def test_each_visitors_opening_of_a_poster_counts_one_scan(client, session):
    client.get("/p/YMQ2K8", environ_overrides={"REMOTE_ADDR": "198.51.100.1"})
    client.get("/p/ymq2k8", environ_overrides={"REMOTE_ADDR": "198.51.100.2"})
    client.get("/p/YMQ2K8", environ_overrides={"REMOTE_ADDR": "198.51.100.2"})  # a reload: not again
    client.get("/submit")
    scans = session.scalars(sa.select(PosterScan)).all()
    assert len(scans) == 2


def test_deactivated_poster_still_takes_a_suggestion_for_the_dispatch_centre(client, fill_form, session):
    session.execute(sa.update(Poster).where(Poster.code == "YMQ2K8").values(active=False))
    session.commit()
    page = client.get("/p/YMQ2K8")
    assert page.status_code == 200
    assert "本二维码（阳明街道便民服务中心 一楼大厅）已停用。您仍可提交建议，信访局（12345）将接收并转交责任单位办理。" in text_of(page)
    token_of(submit(client, fill_form))
    case = session.scalars(sa.select(Suggestion)).one()
    assert case.unit.kind == "dispatch"


def test_home_offers_both_paths(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/submit"' in page and 'href="/track"' in page


def test_english_is_complete_on_the_switch(client, fill_form):
    page = text_of(client.get("/p/YMQ2K8?lang=en"))
    assert "File a suggestion" in page and "Yangming Subdistrict" in page
    assert not re.search(r"[\u4e00-\u9fff]", page.replace("阳明街道便民服务中心 一楼大厅", "").replace("中文", "")
                         .replace("余姚市", "")), page
    token = token_of(submit(client, fill_form))
    tracking = text_of(client.get(f"/t/{token}"))
    assert "Waiting to be accepted" in tracking and "Receipt code" in tracking


def test_times_show_in_shanghai(client, fill_form, session):
    token = token_of(submit(client, fill_form))
    case = session.scalars(sa.select(Suggestion)).one()
    from zoneinfo import ZoneInfo

    local = case.created_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert local in text_of(client.get(f"/t/{token}"))


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
