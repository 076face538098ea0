"""Posters through the staff view and the print shop's CLI: every printed QR is decoded."""
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp

from app.core.db import utcnow
from app.domain.workflow import Role
from app.models import AuditEvent, OrgUnit, Poster, PosterScan, Suggestion, User
from tests.conftest import NOW, hidden_fields
from tests.qr.decode import decode_png, decode_svg
from tests.web.helpers import VALID, field_error, text_of
from tests.web.staff_helpers import signed_in

BASE = "https://yima.example.gov.cn"
PERIOD_IN_THE_PAST = {"date_from": "2020-01-01", "date_to": "2020-01-31"}
NO_FONT = ('<p class="flash notice" role="alert">服务器上未找到中文字体：码牌将不含中文文字（二维码、短网址和码牌编码仍会打印）。'
           '请安装 fonts-wqy-microhei 或设置 YIMA_CJK_FONT。</p>')

pytestmark = pytest.mark.usefixtures("staff")


def url(code: str) -> str:
    """What a poster's QR must hold: the configured public base URL, never the request's host."""
    return f"{BASE}/p/{code}"


def decoded_pages(pdf: bytes) -> list[list[str]]:
    """Rasterise every page at 150 dpi, as a print preview would, and decode its QR codes."""
    doc = pdfium.PdfDocument(pdf)
    try:
        images = [page.render(scale=150 / 72).to_pil().convert("L") for page in doc]
    finally:
        doc.close()
    return [sorted(r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode))
            for image in images]


def unit_id(session, code: str) -> int:
    return session.scalar(sa.select(OrgUnit.id).where(OrgUnit.code == code))


def poster_id(session, code: str) -> int:
    session.rollback()  # a fresh look at what the app wrote
    return session.scalar(sa.select(Poster.id).where(Poster.code == code))


def create(client, unit: int, place: str = "阳明街道 新建社区 文化礼堂门口", **extra):
    """Post the new-poster form as staff would; return the response."""
    html = client.get("/staff/posters/new").get_data(as_text=True)
    data = {**hidden_fields(html), "place_label": place, "unit": str(unit), "category": "0", "note": "",
            **extra}
    return client.post("/staff/posters/new", data=data)


def row(page_html: str, code: str) -> dict:
    """The figures a poster's row of the list shows."""
    match = re.search(rf'<tr id="poster-{code}".*?</tr>', page_html, re.S)
    assert match, f"{code} is not listed"
    cells = dict(re.findall(r'<td class="num (\w+)">([^<]*)</td>', match.group(0)))
    return {**cells, "html": match.group(0)}


def print_form(client, path: str = "/staff/posters", prefix: str = "") -> dict:
    """The CSRF token of one of the list's print forms."""
    html = client.get(path).get_data(as_text=True)
    token = re.search(rf'name="{prefix}csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    return {f"{prefix}csrf_token": token}


def audits(session, action: str) -> list[AuditEvent]:
    session.rollback()
    query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)  # [-1]: the last
    return list(session.scalars(query))


def test_a_lead_creates_a_poster_whose_downloads_scan_to_the_public_url(app, session):
    lead = signed_in(app, "yangming-lead")
    response = create(lead, unit_id(session, "330281-YM"))
    assert response.status_code == 303
    session.rollback()
    poster = session.scalars(sa.select(Poster).where(Poster.place_label == "阳明街道 新建社区 文化礼堂门口")).one()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{6}", poster.code)
    listing = lead.get("/staff/posters")
    assert poster.code in text_of(listing) and row(listing.get_data(as_text=True), poster.code)["scans"] == "0"

    # The test client's host is "localhost": the printed URL comes from PUBLIC_BASE_URL instead.
    pdf = lead.get(f"/staff/posters/{poster.id}/download/a4.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert f'filename=yima-poster-{poster.code}-a4.pdf' in pdf.headers["Content-Disposition"]
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    assert decoded_pages(pdf.data) == [[url(poster.code)]]

    a5 = lead.get(f"/staff/posters/{poster.id}/download/a5.pdf")
    assert decoded_pages(a5.data) == [[url(poster.code)]]
    svg = lead.get(f"/staff/posters/{poster.id}/download/svg")
    assert svg.mimetype == "image/svg+xml" and decode_svg(svg.get_data(as_text=True)) == [url(poster.code)]
    png = lead.get(f"/staff/posters/{poster.id}/download/png")
    assert png.mimetype == "image/png" and decode_png(png.data) == [url(poster.code)]
    assert lead.get(f"/staff/posters/{poster.id}/download/gif").status_code == 404

    assert [a.target for a in audits(session, "poster_create")] == [f"poster:{poster.code}"]
    assert len(audits(session, "poster_export")) == 4


def test_editing_keeps_the_code_and_is_audited(app, session):
    lead = signed_in(app, "yangming-lead")
    pid = poster_id(session, "YMQ2K8")
    html = lead.get(f"/staff/posters/{pid}/edit").get_data(as_text=True)
    assert "阳明街道便民服务中心 一楼大厅" in html
    data = {**hidden_fields(html), "place_label": "阳明街道便民服务中心 二楼", "unit": str(unit_id(session, "330281-YM")),
            "category": "0", "note": "moved upstairs"}
    assert lead.post(f"/staff/posters/{pid}/edit", data=data).status_code == 303
    session.rollback()
    poster = session.get(Poster, pid)
    assert (poster.code, poster.place_label, poster.note) == ("YMQ2K8", "阳明街道便民服务中心 二楼", "moved upstairs")
    assert [a.detail for a in audits(session, "poster_update")] == ["place_label,note"]


def test_the_form_refuses_a_missing_or_long_place_and_a_post_without_csrf(app, session):
    lead = signed_in(app, "yangming-lead")
    ym = unit_id(session, "330281-YM")
    assert create(lead, ym, place="").status_code == 400
    too_long = create(lead, ym, place="长" * 121)
    assert too_long.status_code == 400 and field_error(too_long, "place_label") == "字段长度不能超过 120 个字符。"
    forged = lead.post("/staff/posters/new", data={"place_label": "伪造", "unit": str(ym), "category": "0"})
    assert forged.status_code == 400
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Poster)) == 5  # the seeded ones only


def test_batch_and_sticker_downloads_decode_every_qr(app, session):
    admin = signed_in(app, "admin")
    codes = ["FSH7N3", "JT4P9X", "YMQ2K8"]
    ids = [str(poster_id(session, c)) for c in codes]
    batch = admin.post("/staff/posters/print", data={**print_form(admin), "posters": ids, "kind": "poster",
                                                     "size": "a4"})
    assert batch.status_code == 200 and batch.mimetype == "application/pdf"
    assert re.fullmatch(r"attachment; filename=yima-posters-a4-\d{8}-\d{4}\.pdf", batch.headers["Content-Disposition"])
    # One poster per page, in unit then code order, each page only its own code.
    assert sorted(page[0] for page in decoded_pages(batch.data)) == [url(c) for c in codes]
    assert all(len(page) == 1 for page in decoded_pages(batch.data))

    stickers = admin.post("/staff/posters/print", data={**print_form(admin), "posters": ids, "kind": "stickers",
                                                        "size": "a4"})
    (sheet,) = decoded_pages(stickers.data)
    assert sheet == sorted(url(c) for c in codes)
    assert audits(session, "poster_export")[-1].detail.startswith("stickers/")


def test_a_units_whole_subtree_prints_its_active_posters_only(app, make_poster, session):
    community = make_poster("新建社区居委会", unit="330281-YM-XH").code  # below 阳明街道
    make_poster("凤山街道 另一处", unit="330281-FS")
    make_poster("阳明街道 旧址", active=False)
    admin = signed_in(app, "admin")
    data = {**print_form(admin, prefix="u-"), "u-unit": str(unit_id(session, "330281-YM")), "u-kind": "poster",
            "u-size": "a5"}
    pdf = admin.post("/staff/posters/print-unit", data=data)
    assert pdf.status_code == 200
    assert sorted(p[0] for p in decoded_pages(pdf.data)) == sorted([url("YMQ2K8"), url(community)])
    assert re.fullmatch(r"attachment; filename=yima-posters-a5-\d{8}-\d{4}\.pdf", pdf.headers["Content-Disposition"])


def test_a_deactivated_posters_code_still_takes_suggestions_and_counts_one_scan(app, session):
    lead = signed_in(app, "yangming-lead")
    pid = poster_id(session, "YMQ2K8")
    confirm = lead.get(f"/staff/posters/{pid}/deactivate").get_data(as_text=True)
    assert lead.post(f"/staff/posters/{pid}/deactivate", data=hidden_fields(confirm)).status_code == 303
    session.rollback()
    poster = session.get(Poster, pid)
    assert not poster.active and poster.deactivated_at is not None and poster.code == "YMQ2K8"
    assert [a.target for a in audits(session, "poster_deactivate")] == ["poster:YMQ2K8"]
    listing = lead.get("/staff/posters").get_data(as_text=True)
    assert row(listing, "YMQ2K8")["scans"] == "0" and "download/a4.pdf" not in row(listing, "YMQ2K8")["html"]
    assert lead.get(f"/staff/posters/{pid}/download/a4.pdf").status_code == 404

    citizen = app.test_client()
    page = citizen.get("/p/YMQ2K8")
    assert page.status_code == 200 and "已停用" in text_of(page) and "信访局" in text_of(page)
    assert '<textarea' in page.get_data(as_text=True)  # a usable form, not a dead end
    listing = lead.get("/staff/posters").get_data(as_text=True)
    assert row(listing, "YMQ2K8")["scans"] == "1"  # exactly one scan for one opening
    sent = citizen.post("/p/YMQ2K8", data={**hidden_fields(page.get_data(as_text=True)), **VALID})
    assert sent.status_code == 303 and "/t/" in sent.headers["Location"]
    session.rollback()
    case = session.scalars(sa.select(Suggestion)).one()
    assert case.unit.kind == "dispatch" and case.poster_id == pid
    listing = lead.get("/staff/posters").get_data(as_text=True)
    assert (row(listing, "YMQ2K8")["scans"], row(listing, "YMQ2K8")["submissions"]) == ("1", "1")


def test_the_list_counts_scans_and_submissions_for_the_chosen_period(app, session):
    citizen = app.test_client()
    for visitor in ("198.51.100.1", "198.51.100.2"):  # two other visitors: a visitor counts once a day
        app.test_client().get("/p/YMQ2K8", environ_overrides={"REMOTE_ADDR": visitor})
    form = citizen.get("/p/YMQ2K8").get_data(as_text=True)
    citizen.post("/p/YMQ2K8", data={**hidden_fields(form), **VALID})
    citizen.get("/p/FSH7N3")
    # A scan 40 days ago falls outside the default period of the last 30 days.
    session.add(PosterScan(poster_id=poster_id(session, "FSH7N3"), scanned_at=utcnow() - timedelta(days=40)))
    session.commit()

    admin = signed_in(app, "admin")
    listing = admin.get("/staff/posters").get_data(as_text=True)
    ym, fs, jt = (row(listing, c) for c in ("YMQ2K8", "FSH7N3", "JT4P9X"))
    assert (ym["scans"], ym["submissions"], ym["conversion"]) == ("3", "1", "33%")
    assert (fs["scans"], fs["submissions"], fs["conversion"]) == ("1", "0", "0%")
    assert (jt["scans"], jt["submissions"], jt["conversion"]) == ("0", "0", "—")

    today = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date()  # periods are local days
    wider = admin.get("/staff/posters", query_string={"date_from": (today - timedelta(days=60)).isoformat(),
                                                      "date_to": today.isoformat()}).get_data(as_text=True)
    assert row(wider, "FSH7N3")["scans"] == "2"
    past = admin.get("/staff/posters", query_string=PERIOD_IN_THE_PAST).get_data(as_text=True)
    assert (row(past, "YMQ2K8")["scans"], row(past, "YMQ2K8")["submissions"]) == ("0", "0")
    assert 'value="2020-01-01"' in past


def test_the_list_costs_the_same_queries_for_five_posters_or_thirty(app, session):
    admin = signed_in(app, "admin")
    from app.core.extensions import db

    def statements() -> int:
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            assert admin.get("/staff/posters").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    few = statements()
    session.rollback()
    ym = unit_id(session, "330281-YM")
    session.add_all(Poster(code=f"ZZ{i:03d}", place_label=f"p{i}", unit_id=ym, created_at=NOW) for i in range(25))
    session.commit()
    citizen = app.test_client()
    citizen.get("/p/ZZ001")
    assert statements() == few


def test_other_roles_and_other_units_get_404_everywhere(app, session):
    pid = poster_id(session, "YMQ2K8")
    handler = signed_in(app, "yangming")
    pages = ["/staff/posters", "/staff/posters/new", f"/staff/posters/{pid}/edit",
             f"/staff/posters/{pid}/deactivate", f"/staff/posters/{pid}/download/a4.pdf"]
    posts = ["/staff/posters/new", f"/staff/posters/{pid}/edit", f"/staff/posters/{pid}/deactivate",
             "/staff/posters/print", "/staff/posters/print-unit"]
    token = hidden_fields(handler.get("/staff/cases/new").get_data(as_text=True))["csrf_token"]
    for path in pages:
        assert handler.get(path).status_code == 404, path
    for path in posts:
        assert handler.post(path, data={"csrf_token": token, "posters": [str(pid)]}).status_code == 404, path
    assert "/staff/posters" not in handler.get("/staff/").get_data(as_text=True)

    session.rollback()  # a read snapshot older than the app's writes could not write
    fengshan = session.scalars(sa.select(OrgUnit).where(OrgUnit.code == "330281-FS")).one()
    session.add(User(username="fengshan-lead", display_name="凤山 负责人", password_hash=session.scalar(
        sa.select(User.password_hash).where(User.username == "yangming")), role=Role.LEAD, unit=fengshan,
        created_at=NOW))
    session.commit()
    other = signed_in(app, "fengshan-lead")
    listing = other.get("/staff/posters").get_data(as_text=True)
    assert "FSH7N3" in listing and "YMQ2K8" not in listing
    for path in pages[2:]:
        assert other.get(path).status_code == 404, path
    stolen = other.post("/staff/posters/print", data={**print_form(other), "posters": [str(pid)], "kind": "poster",
                                                      "size": "a4"})
    assert stolen.status_code == 303  # nothing of theirs was chosen: back to the list, no PDF
    assert create(other, unit_id(session, "330281-YM")).status_code == 400
    session.rollback()
    assert session.get(Poster, pid).active


def test_the_list_warns_staff_when_no_chinese_font_is_found(app, session, monkeypatch):
    import qr.print_fonts

    admin = signed_in(app, "admin")
    assert NO_FONT not in admin.get("/staff/posters").get_data(as_text=True)
    monkeypatch.setitem(app.config, "YIMA_CJK_FONT", None)  # read from the environment at start
    monkeypatch.delenv("YIMA_CJK_FONT", raising=False)
    monkeypatch.setattr(qr.print_fonts, "SYSTEM_FONT_PATHS", ())
    assert NO_FONT in admin.get("/staff/posters").get_data(as_text=True)
    pdf = admin.get(f"/staff/posters/{poster_id(session, 'JT4P9X')}/download/a4.pdf")
    assert decoded_pages(pdf.data) == [[url("JT4P9X")]]  # still prints and scans


def test_the_cli_exports_a_units_subtree_and_chosen_codes(app, session, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "county.pdf"
    result = runner.invoke(args=["posters", "export", "--unit", "330281", "--kind", "poster", "--size", "a4",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    session.rollback()
    active = sorted(session.scalars(sa.select(Poster.code).where(Poster.active)))
    assert len(active) == 5
    assert sorted(p[0] for p in decoded_pages(out.read_bytes())) == [url(c) for c in active]

    labels = tmp_path / "labels.pdf"
    result = runner.invoke(args=["posters", "export", "--code", "JT4P9X", "--code", "mz8c3t",
                                 "--kind", "stickers", "-o", str(labels)])
    assert result.exit_code == 0, result.output
    assert decoded_pages(labels.read_bytes()) == [sorted([url("JT4P9X"), url("MZ8C3T")])]
    assert audits(session, "poster_export")[-1].username == "cli"

    bad = runner.invoke(args=["posters", "export", "--code", "NOPE22", "-o", str(tmp_path / "x.pdf")])
    assert bad.exit_code != 0 and "NOPE22" in bad.output
