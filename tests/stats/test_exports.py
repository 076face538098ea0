"""The downloads as a county's staff open them in Excel: columns where the README says, rates as
percentages, dates as dates, the header row kept in view, and one charset in the Content-Type."""
import csv
import io
import re
from datetime import date, datetime

from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from app.models import Suggestion
from tests.web.staff_helpers import signed_in

# The README's column order: counties' own sheets read the name and the phone from M and N.
INBOX_COLUMNS = ["受理码", "提交时间", "类型", "事项", "渠道", "二维码海报", "当前承办单位", "状态", "办理期限",
                 "已超期", "群众反映内容", "地点", "群众姓名", "电话号码", "照片"]


def _sheet(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.get_data())).active


def _csv(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_inbox_export_keeps_name_and_phone_in_their_documented_columns(app, staff, make_case):
    make_case()
    lead = signed_in(app, "yangming-lead")
    rows = _csv(lead.get("/staff/export.csv?status=all"))
    assert rows[0] == INBOX_COLUMNS
    sheet = _sheet(lead.get("/staff/export.xlsx?status=all"))
    assert [c.value for c in sheet[1]] == INBOX_COLUMNS
    assert sheet["N2"].value == "138****5678" and sheet["O2"].value == 0  # phone in N, photos after it


def test_an_inbox_xlsx_has_real_local_dates_and_a_frozen_header(app, staff, make_case, session):
    created_at = session.get(Suggestion, make_case().id).created_at
    sheet = _sheet(signed_in(app, "yangming").get("/staff/export.xlsx?status=all"))
    assert sheet.freeze_panes == "A2"  # the header stays in view as one scrolls
    filed, due = sheet["B2"], sheet["I2"]
    assert isinstance(filed.value, datetime) and filed.number_format == "yyyy-mm-dd hh:mm"
    local = created_at.astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    assert abs((filed.value - local).total_seconds()) < 0.01  # Shanghai's clock, not UTC's
    assert isinstance(due.value, (date, datetime)) and due.number_format == "yyyy-mm-dd"
    assert due.value.date() >= local.date()


def test_an_inbox_csv_writes_the_same_dates_as_text(app, staff, make_case):
    make_case()
    response = signed_in(app, "yangming").get("/staff/export.csv?status=all")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset named once
    row = _csv(response)[1]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[1]) and re.fullmatch(r"\d{4}-\d\d-\d\d", row[8])


def test_the_figures_xlsx_shows_rates_as_percentages_that_still_sum(app, staff, make_case, client):
    make_case("closed")
    assert client.get("/p/YMQ2K8").status_code == 200  # a scan: the poster table has a conversion rate
    client = signed_in(app, "yuyao-supervisor")
    sheet = _sheet(client.get("/staff/stats/export.xlsx?table=unit"))
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "阳明街道")
    satisfaction = row[header.index("满意率")]
    assert satisfaction.value == 1.0 and satisfaction.number_format == "0.0%"  # shown as 100.0%
    assert row[1].value == 1 and row[1].number_format == "General"  # the volume stays a count
    assert sheet.freeze_panes == "A2"
    posters = _sheet(client.get("/staff/stats/export.xlsx?table=poster"))
    header = [c.value for c in posters[1]]
    row = next(r for r in posters.iter_rows(min_row=2) if "YMQ2K8" in str(r[0].value))
    assert header[-1] == "转化率" and isinstance(row[-1].value, (int, float)) and row[-1].number_format == "0.0%"
    assert client.get("/staff/stats/export.csv?table=unit").headers["Content-Type"] == "text/csv; charset=utf-8"
