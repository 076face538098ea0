"""Bad input from an attacker and from a clumsy phone: every field, every page it shows on.

tests/web covers a missing text, a 2,001-character text, a bad category and a missing CSRF
token; here: oversize bodies, thousands of fields, NUL bytes, lone surrogates, 100k
characters, emoji, right-to-left overrides, markup in every text field, formulas in exports.
"""
import csv
import io
import re

import pytest
import sqlalchemy as sa

from app.models import CaseEvent, OrgUnit, Poster, Suggestion
from tests.conftest import hidden_fields
from tests.qr.decode import pdf_lines
from tests.web.helpers import LOGIN_FAILED, VALID, field_error, text_of
from tests.web.staff_helpers import CSRF_ANY, act, citizen_post, file_case, signed_in

XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
RLO = "\u202e"
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+SUM(1+1)*cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


def cases(session):
    session.rollback()
    return list(session.scalars(sa.select(Suggestion)))


@pytest.mark.parametrize("path", ["/p/YMQ2K8", "/submit", "/track", "/staff/login"])
def test_an_oversize_body_is_refused_with_413_and_stores_nothing(client, fill_form, session, path):
    data = {**fill_form(path), **VALID, "text": "长" * 120_000}  # 360 kB of UTF-8, more encoded
    response = client.post(path, data=data)
    assert response.status_code == 413 and "内容过长 您提交的内容过大。" in text_of(response)
    assert cases(session) == []


@pytest.mark.parametrize("path", ["/p/YMQ2K8", "/track", "/staff/login"])
def test_thousands_of_form_fields_are_refused(client, fill_form, session, path):
    data = {**fill_form(path), **VALID, **{f"f{i}": "x" for i in range(5000)}}
    assert client.post(path, data=data).status_code == 413
    assert cases(session) == []


def test_nul_bytes_rlo_and_lone_surrogates_are_cleaned_and_emoji_kept(client, fill_form, session):
    data = fill_form("/p/YMQ2K8", **VALID)
    data.update(text="路灯\x00坏了 🙏🏻👨‍👩‍👧 " + RLO + "txt.exe", location="新建路\x00" + RLO + "3号", name="张\x00三")
    body = "&".join(f"{k}={v}" for k, v in {
        k: __import__("urllib.parse").parse.quote(v) for k, v in data.items()}.items())
    body += "&text=ignored"  # a second value for one field: the first one counts
    body = body.replace("location=", "location=%ED%A0%80", 1)  # a lone surrogate, UTF-8 encoded
    response = client.post("/p/YMQ2K8", data=body.encode(), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 303
    case = cases(session)[0]
    for value in (case.text, case.location, case.citizen_name):
        assert "\x00" not in value and RLO not in value
        assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)
    assert "🙏🏻" in case.text and "👨‍👩‍👧" in case.text  # emoji and the joiner of a family survive
    assert case.citizen_name == "张三"


def test_nul_bytes_in_staff_and_lookup_fields_are_answered_not_crashed(app, staff, make_case, session):
    case_id = make_case().id
    handler = signed_in(app, "yangming")
    assert handler.get("/staff/?q=%00路灯").status_code == 200
    assert handler.get("/staff/export.csv?q=a%00b").status_code == 200
    merge = act(handler, case_id, "merge", master_code="ABC\x00DEF")
    assert merge.status_code == 400 and "主件须为另一件未办结的事项。" in text_of(merge)
    assert act(handler, case_id, "note", message="内部\x00备注" + RLO).status_code == 303
    session.rollback()
    note = session.scalars(sa.select(CaseEvent).where(CaseEvent.action == "note")).one()
    assert note.message == "内部备注"
    visitor = app.test_client()
    page = visitor.get("/staff/login").get_data(as_text=True)
    response = visitor.post("/staff/login", data={**hidden_fields(page), "username": "yang\x00ming",
                                                  "password": "x\x00y"})
    assert response.status_code == 200 and LOGIN_FAILED in text_of(response)
    page = visitor.get("/track").get_data(as_text=True)
    response = visitor.post("/track", data={**hidden_fields(page), "code": "7ZR\x0047X", "pin": "12\x0034"})
    assert response.status_code == 200 and "受理码有误，请对照回执核对。" in text_of(response)  # no code has a NUL


@pytest.mark.parametrize("field", ["location", "name"])
def test_100k_characters_in_a_short_field_come_back_as_a_form_error(client, fill_form, session, field):
    data = fill_form("/p/YMQ2K8", **{**VALID, field: "a" * 100_000})
    response = client.post("/p/YMQ2K8", data=data)
    assert response.status_code == 200
    assert field_error(response, field) == {"location": "最多 200 个字。", "name": "最多 50 个字。"}[field]
    assert VALID["text"] in response.get_data(as_text=True)  # the long text is kept
    assert cases(session) == []


def test_100k_characters_in_citizen_and_staff_messages_are_refused(app, staff, make_receipt, session):
    receipt = make_receipt()
    assert citizen_post(app, receipt.token, "follow-up", text="b" * 100_000).status_code == 400
    handler = signed_in(app, "yangming")
    response = act(handler, receipt.suggestion.id, "note", message="c" * 100_000)
    assert response.status_code == 400
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)
                          .where(CaseEvent.action.in_(["note", "follow_up"]))) == 0


def _escaped_everywhere(html: str):
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_markup_in_every_text_field_is_shown_as_text_everywhere(app, staff, session):
    token, case_id = file_case(app, kind="suggestion", text="路灯坏了" + XSS, location="新建路" + XSS,
                               name="张<script>alert(3)</script>")
    citizen = app.test_client()
    _escaped_everywhere(citizen.get(f"/t/{token}").get_data(as_text=True))
    lead = signed_in(app, "yangming-lead")
    _escaped_everywhere(lead.get("/staff/").get_data(as_text=True))
    _escaped_everywhere(lead.get("/staff/?q=路灯").get_data(as_text=True))
    _escaped_everywhere(lead.get(f"/staff/cases/{case_id}").get_data(as_text=True))
    html = lead.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    revealed = lead.post(f"/staff/cases/{case_id}/reveal_phone", data={"csrf_token": CSRF_ANY.search(html).group(1)})
    _escaped_everywhere(revealed.get_data(as_text=True))
    # Staff text the citizen sees, and citizen text staff see.
    assert act(lead, case_id, "note", message="备注" + XSS).status_code == 303
    assert act(lead, case_id, "accept").status_code == 303
    assert act(lead, case_id, "extend", days="5", message="延期" + XSS).status_code == 303
    assert act(lead, case_id, "reply", body="答复" + XSS).status_code == 303
    assert citizen_post(app, token, "rate", rating="unsatisfied", comment="评价" + XSS).status_code == 303
    assert citizen_post(app, token, "follow-up", text="补充" + XSS).status_code == 303  # a replied case takes one
    for html in (citizen.get(f"/t/{token}").get_data(as_text=True),
                 lead.get(f"/staff/cases/{case_id}").get_data(as_text=True)):
        _escaped_everywhere(html)
    assert "备注" not in citizen.get(f"/t/{token}").get_data(as_text=True)  # internal notes stay inside


def test_markup_in_a_poster_place_prints_as_text(app, staff, session):
    lead = signed_in(app, "yangming-lead")
    page = lead.get("/staff/posters/new").get_data(as_text=True)
    session.rollback()
    unit = session.scalars(sa.select(OrgUnit.id).where(OrgUnit.code == "330281-YM")).one()
    place = "村口<b>" + XSS[:20]
    response = lead.post("/staff/posters/new", data={**hidden_fields(page), "place_label": place,
                                                      "unit": str(unit), "category": "0", "note": XSS})
    assert response.status_code == 303
    session.rollback()
    poster = session.scalars(sa.select(Poster).where(Poster.place_label == place)).one()
    listing = lead.get("/staff/posters").get_data(as_text=True)
    assert "<b>" not in listing and "&lt;b&gt;" in listing
    svg = lead.get(f"/staff/posters/{poster.id}/download/svg").get_data(as_text=True)
    assert "<script" not in svg and "<b>" not in svg
    pdf = lead.get(f"/staff/posters/{poster.id}/download/a4.pdf")
    assert place in pdf_lines(pdf.data)  # printed literally on a line of its own, nothing run


DEFUSED = [("'" + f + " 这是一条足够长的建议", "'" + f, "'" + f[:40]) for f in FORMULAS]


def defused(rows) -> list[tuple]:
    """The text, place and name cells of an export's rows (the first row names the columns)."""
    columns = [rows[0].index(name) for name in ("群众反映内容", "地点", "群众姓名")]
    return [tuple(row[i] for i in columns) for row in rows[1:]]


def test_formulas_in_citizen_text_are_defused_in_both_exports(app, staff, session):
    for formula in FORMULAS:
        file_case(app, text=formula + " 这是一条足够长的建议", location=formula, name=formula[:40])
    lead = signed_in(app, "yangming-lead")
    rows = list(csv.reader(io.StringIO(lead.get("/staff/export.csv").get_data(as_text=True).lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@") and not re.fullmatch(r"-?\d+", c)]
    # Each one shown as typed, behind the apostrophe that keeps a spreadsheet from running it.
    assert sorted(defused(rows)) == sorted(DEFUSED)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(lead.get("/staff/export.xlsx").data))
    values = [cell for row in book.active.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in values)
    assert sorted(defused(list(book.active.iter_rows(values_only=True)))) == sorted(DEFUSED)
    assert not [c.value for c in values if isinstance(c.value, str) and c.value[:1] in ("=", "+", "@")]


@pytest.mark.parametrize("query", [
    "channel=zzz", "channel=%00", "status=%00", "category=abc", "poster=-1", "date_from=9999-99-99",
    "date_to=0000-00-00", "after_id=1e99&after_due=garbage", "after_id=1&after_due=%00", "q=" + "x" * 5000,
    "overdue=y&due_soon=y&status=closed", "period=%00&from=2026-13-45&unit=abc",
])
def test_garbage_in_list_filters_is_answered_not_crashed(app, staff, query):
    # Each page by someone who may open it: a lead has no supervision page, a supervisor no posters.
    lead, supervisor = signed_in(app, "yangming-lead"), signed_in(app, "yuyao-supervisor")
    for who, path in ((lead, "/staff/"), (lead, "/staff/export.csv"), (lead, "/staff/stats"),
                      (supervisor, "/staff/supervision"), (lead, "/staff/posters")):
        response = who.get(f"{path}?{query}")
        assert response.status_code == 200, (path, query, response.status_code)
