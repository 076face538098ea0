"""Values past the bounds of app/core/bounds.py, on the routes that answered them with a 500 or a
cut stream: each now gets a 404 or a 400 that says why, in the page's language, before any
audit row is written or any byte streamed. tests/security/test_generated_input.py sends every
route such values; here each answer is read word for word."""
import csv
import io

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, CaseEvent, OrgUnit, Poster
from tests.web.helpers import NOT_FOUND, text_of
from tests.web.staff_helpers import act, signed_in

HUGE = [str(2**31), str(2**63), "99999999999999999999"]
TOO_LARGE = "无法处理该请求 请求中的数字过大。"
DATES = "无法处理该请求 请选择 2000-01-01 至 2099-12-31 之间的日期。"
EDITED = "无法处理该请求 该链接已被手动改动，请返回列表第一页。"
PERIOD = "无法处理该请求 统计期间最长为 1830 天。"
CUSTOM = "period=custom&from={}&to={}"


def refused(response, words: str, status: int = 400) -> bool:
    """Whether the answer has this status and says these words (a stream is read whole and closed)."""
    text = text_of(response)
    response.close()
    return response.status_code == status and words in text


def audits(session) -> int:
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("number", HUGE)
def test_an_id_the_database_cannot_hold_is_a_404(app, staff, session, number):
    lead = signed_in(app, "yangming-lead")
    for path in (f"/staff/cases/{number}", f"/staff/cases/{number}/slip", f"/staff/units/{number}",
                 f"/staff/posters/{number}/edit", f"/staff/posters/{number}/download/svg"):
        assert refused(lead.get(path), NOT_FOUND, 404), path
    assert refused(lead.post(f"/staff/cases/{number}/accept"), NOT_FOUND, 404)


@pytest.mark.parametrize("query", [f"{name}={number}" for name in ("poster", "category", "after_id")
                                   for number in HUGE])
def test_a_huge_number_in_the_inbox_query_is_refused(app, staff, session, query):
    lead = signed_in(app, "yangming-lead")
    assert refused(lead.get(f"/staff/?{query}"), TOO_LARGE)
    if not query.startswith("after_id"):  # an export is every page: it reads no cursor
        before = audits(session)
        assert refused(lead.get(f"/staff/export.csv?{query}"), TOO_LARGE)
        assert audits(session) == before  # refused before its audit row


@pytest.mark.parametrize("query", ["date_from=9999-12-31", "date_to=0001-01-01", "date_from=1999-12-31"])
def test_inbox_dates_out_of_range_are_refused_in_the_pages_language(app, staff, session, query):
    lead = signed_in(app, "yangming-lead")
    assert refused(lead.get(f"/staff/?{query}"), DATES)
    before = audits(session)
    assert refused(lead.get(f"/staff/export.xlsx?{query}"), DATES)
    assert audits(session) == before
    english = lead.get(f"/staff/?lang=en&{query}")
    assert refused(english, "This request cannot be answered Choose a date from 2000-01-01 to 2099-12-31.")
    assert refused(lead.get("/staff/?date_from=2000-01-01&date_to=2099-12-31"), "", 200)  # the bounds hold


@pytest.mark.parametrize("due,words", [("2026-01-01T00:00", EDITED), ("0001-01-01T00:00%2B14:00", DATES),
                                       ("9999-12-31T23:59:59-12:00", DATES)],
                         ids=["naive", "year-1", "year-9999"])
def test_a_hand_edited_next_page_link_is_refused(app, staff, due, words):
    lead = signed_in(app, "yangming-lead")
    assert refused(lead.get(f"/staff/?after_id=1&after_due={due}"), words)
    assert refused(lead.get("/staff/?after_id=1&after_due=2026-01-01T00:00%2B08:00"), "", 200)


def test_an_export_past_the_row_cap_is_refused_and_one_at_it_is_whole(app, staff, make_case, session,
                                                                       monkeypatch):
    make_case(), make_case()
    lead = signed_in(app, "yangming-lead")
    monkeypatch.setitem(app.config, "EXPORT_MAX_ROWS", 1)
    before = audits(session)
    response = lead.get("/staff/export.csv")
    assert refused(response, "无法处理该请求 本次导出将包含 2 件，单次导出最多 1 件。请缩小筛选范围，例如缩短提交日期区间。")
    assert audits(session) == before
    monkeypatch.setitem(app.config, "EXPORT_MAX_ROWS", 2)
    rows = list(csv.reader(io.StringIO(lead.get("/staff/export.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 3 and len(rows[-1]) == len(rows[0])
    assert audits(session) == before + 1


@pytest.mark.parametrize("path", ["/staff/stats", "/staff/stats/export.csv"])
def test_a_statistics_period_is_bounded(app, staff, session, path):
    supervisor = signed_in(app, "yuyao-supervisor")
    before = audits(session)
    assert refused(supervisor.get(f"{path}?{CUSTOM.format('0001-01-01', '9999-12-31')}"), DATES)
    assert refused(supervisor.get(f"{path}?{CUSTOM.format('2000-01-01', '2099-12-31')}&grain=month"), PERIOD)
    assert refused(supervisor.get(f"{path}?{CUSTOM.format('2021-01-01', '2026-01-05')}"), PERIOD)  # 1831 days
    assert audits(session) == before
    assert supervisor.get(f"{path}?{CUSTOM.format('2021-01-01', '2026-01-04')}").status_code == 200


def test_days_one_by_one_cover_at_most_a_year(app, staff):
    supervisor = signed_in(app, "yuyao-supervisor")
    days = "无法处理该请求 按日显示最多 366 天，请改为按周或按月。"
    assert refused(supervisor.get(f"/staff/stats?{CUSTOM.format('2025-01-01', '2026-01-02')}&grain=day"), days)
    assert supervisor.get(f"/staff/stats?{CUSTOM.format('2025-01-01', '2026-01-01')}&grain=day").status_code == 200
    assert supervisor.get(f"/staff/stats?{CUSTOM.format('2025-01-01', '2026-01-02')}&grain=week").status_code == 200


def test_a_units_page_and_the_posters_refuse_days_out_of_range(app, staff, session):
    unit = session.scalars(sa.select(OrgUnit.id).where(OrgUnit.code == "330281-YM")).one()
    supervisor, admin = signed_in(app, "yuyao-supervisor"), signed_in(app, "admin")
    assert refused(supervisor.get(f"/staff/units/{unit}?{CUSTOM.format('2026-01-01', '9999-12-31')}"), DATES)
    assert refused(admin.get("/staff/posters?date_from=0001-01-01"), DATES)
    assert refused(admin.get("/staff/posters?date_from=2000-01-01&date_to=2099-12-31"), PERIOD)


@pytest.mark.parametrize("action,field", [("forward", "unit"), ("assign", "assignee")])
def test_a_huge_unit_or_assignee_in_a_case_action_is_refused_and_changes_nothing(app, staff, make_case,
                                                                                 session, action, field):
    case = make_case("accepted" if action == "assign" else "submitted", unit="330281-YM")
    lead = signed_in(app, "yangming-lead")
    assert refused(act(lead, case.id, action, **{field: str(2**63), "message": "转交"}), TOO_LARGE)
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)
                          .where(CaseEvent.suggestion_id == case.id, CaseEvent.action == action)) == 0


def test_a_huge_poster_in_a_print_selection_is_refused(app, staff, session):
    from tests.conftest import csrf_of

    admin = signed_in(app, "admin")
    poster = session.scalars(sa.select(Poster.id).where(Poster.code == "YMQ2K8")).one()
    data = {"csrf_token": csrf_of(admin, "/staff/posters"), "kind": "poster", "size": "a4"}
    assert refused(admin.post("/staff/posters/print", data={**data, "posters": [str(poster), str(2**63)]}), TOO_LARGE)
    assert admin.post("/staff/posters/print", data={**data, "posters": [str(poster)]}).mimetype == "application/pdf"


def test_a_made_up_token_draws_no_qr(client):
    assert refused(client.get("/t/" + "x" * 5000 + "/qr.png"), NOT_FOUND, 404)
    assert refused(client.get("/t/" + "x" * 5000 + "/receipt.png"), NOT_FOUND, 404)


def test_a_print_file_holds_a_bounded_number_of_posters(app, staff, make_poster, session, monkeypatch):
    from app.core import bounds
    from tests.conftest import csrf_of

    ids = [str(make_poster(f"村口{i}").id) for i in range(2)]
    admin = signed_in(app, "admin")
    data = {"csrf_token": csrf_of(admin, "/staff/posters"), "posters": ids, "kind": "stickers", "size": "a4"}
    monkeypatch.setattr(bounds, "MAX_PRINT_POSTERS", 1)
    before = audits(session)
    response = admin.post("/staff/posters/print", data=data)
    assert refused(response, "无法处理该请求 此次选择包含 2 张码牌，单个打印文件最多 1 张。请减少码牌或选择较小的单位。")
    assert audits(session) == before
    monkeypatch.setattr(bounds, "MAX_PRINT_POSTERS", 2)
    assert admin.post("/staff/posters/print", data=data).mimetype == "application/pdf"
    assert audits(session) == before + 1


def test_a_refused_path_with_a_nul_byte_is_audited_not_crashed(app, staff, session):
    admin = signed_in(app, "admin")
    assert refused(admin.get("/staff/export.%00"), NOT_FOUND, 404)
    session.rollback()
    denied = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "access_denied")).one()
    assert denied.target == "/staff/export.\ufffd"
