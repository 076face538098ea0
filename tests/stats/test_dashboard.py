"""The dashboard, supervision, a unit's page and the exports, as leaders and staff use them."""
import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.core.db import utcnow
from app.models import AuditEvent, Suggestion
from tests.web.helpers import text_of
from tests.web.staff_helpers import CSRF_ANY, signed_in


@pytest.fixture
def cases_this_month(make_case):
    """Two cases this month at 阳明街道: one answered and rated satisfied, one still waiting."""
    make_case("closed")
    make_case(text="=HYPERLINK(\"http://evil.example\",\"点我\") 请处理门口垃圾")


def test_leaders_see_the_figures_of_their_subtree(app, staff, cases_this_month):
    page = signed_in(app, "yuyao-supervisor").get("/staff/stats")
    assert page.status_code == 200
    text = text_of(page)
    assert "满意率" in text and "100.0%" in text and "一次性化解率" in text
    html = page.get_data(as_text=True)
    assert html.count("<svg") >= 6 and "<script" not in html
    assert "阳明街道" in text and "按单位" in text


def test_the_dashboard_in_english(app, staff, cases_this_month):
    client = signed_in(app, "yangming-lead")
    text = text_of(client.get("/staff/stats?lang=en"))
    assert "Satisfaction" in text and "One-time resolution" in text and "Yangming Subdistrict" in text


def test_handlers_and_dispatchers_have_no_dashboard(app, staff):
    for username in ("yangming", "dispatch", "jiaotong"):
        assert signed_in(app, username).get("/staff/stats").status_code == 404


def test_a_lead_cannot_widen_the_scope_beyond_their_unit(app, staff, session):
    county = session.scalar(sa.text("SELECT id FROM org_units WHERE code = '330281'"))
    assert signed_in(app, "yangming-lead").get(f"/staff/stats?unit={county}").status_code == 404
    assert signed_in(app, "yuyao-supervisor").get(f"/staff/stats?unit={county}").status_code == 200


def test_csv_export_opens_in_excel_with_chinese_masked_phones_and_defused_formulas(app, staff, cases_this_month, session):
    response = signed_in(app, "yangming").get("/staff/export.csv?status=all")
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "受理码" and len(rows) == 3
    assert all(r[rows[0].index("电话号码")] == "138****5678" for r in rows[1:])
    texts = [r[10] for r in rows[1:]]
    assert any(t.startswith("'=HYPERLINK") for t in texts)
    assert not any(t.startswith("=") for r in rows for t in r)
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "export_cases")) == 1


def test_an_export_masks_phones_unless_asked_and_audits_each_one_shown(app, staff, session, cases_this_month):
    lead = signed_in(app, "yangming-lead")

    def phones(url):
        sheet = load_workbook(io.BytesIO(lead.get(url).get_data()), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "受理码"
        return [r[rows[0].index("电话号码")] for r in rows[1:]]

    assert phones("/staff/export.xlsx?status=all") == ["138****5678"] * 2
    assert phones("/staff/export.xlsx?status=all&phones=1") == ["13812345678"] * 2
    session.rollback()
    shown = session.scalars(sa.select(AuditEvent.target).where(AuditEvent.action == "export_phone")).all()
    cases = session.scalars(sa.select(Suggestion.id)).all()
    assert sorted(shown) == sorted(f"case:{i}" for i in cases)  # which cases, one row each
    assert signed_in(app, "admin").get("/staff/export.csv?status=all&phones=1").get_data(as_text=True).count(
        "13812345678") == 0  # an admin holds no case: never a phone in clear


def test_dashboard_tables_export_with_the_same_figures(app, staff, cases_this_month):
    client = signed_in(app, "yuyao-supervisor")
    rows = list(csv.reader(io.StringIO(client.get("/staff/stats/export.csv?table=unit").get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], {r[0]: r for r in rows[1:]}
    assert body["阳明街道"][header.index("满意率")] == "1.0"
    assert body["阳明街道"][1] == "2"  # the first figure column is the volume
    posters = client.get("/staff/stats/export.csv?table=poster").get_data(as_text=True)
    assert "YMQ2K8" in posters


def test_supervision_lists_overdue_cases_and_urges_them(app, staff, make_case, session):
    late = make_case().id
    session.rollback()
    session.execute(sa.update(Suggestion).where(Suggestion.id == late).values(due_at=utcnow() - timedelta(hours=2)))
    session.commit()
    supervisor = signed_in(app, "yuyao-supervisor")
    page = supervisor.get("/staff/supervision")
    html = page.get_data(as_text=True)
    assert f"/staff/cases/{late}" in html and "阳明街道" in text_of(page)
    version = session.get(Suggestion, late).version
    supervisor.post(f"/staff/cases/{late}/urge", data={"csrf_token": CSRF_ANY.search(html).group(1),
                                                        "version": str(version), "message": "请尽快办理"})
    assert 'class="badge soon"' in supervisor.get("/staff/supervision").get_data(as_text=True)  # "urged once"
    session.rollback()
    assert session.get(Suggestion, late).urge_count == 1
    unit_page = supervisor.get(f"/staff/units/{session.get(Suggestion, late).unit_id}")
    assert unit_page.status_code == 200 and f"/staff/cases/{late}" in unit_page.get_data(as_text=True)
    assert signed_in(app, "yangming").get("/staff/supervision").status_code == 404


def test_a_masked_export_masks_the_phone_the_citizen_typed_into_the_text(app, staff, make_case):
    make_case(text="请回电 138 1234 5678 或 幺三八.一二三四.五六七八，座机 0574-6234 5678", location="电话13912345678家门口")
    lead = signed_in(app, "yangming-lead")

    def rows(url):
        return list(csv.reader(io.StringIO(lead.get(url).get_data(as_text=True).lstrip("\ufeff"))))

    header, masked = rows("/staff/export.csv?status=all")
    assert masked[10] == "请回电 138****5678 或 138****5678，座机 0574****5678"
    assert masked[11] == "电话139****5678家门口" and masked[header.index("电话号码")] == "138****5678"
    _header, shown = rows("/staff/export.csv?status=all&phones=1")  # the lead may see this case's phone in full
    assert "138 1234 5678" in shown[10] and "13912345678" in shown[11]
