"""A county that configures its clocks sees its own numbers on every page and in every step; the
database guards only the shape (an extension of 45 days is stored when 45 are allowed)."""
import re

import pytest

from app.config import clocks
from app.domain.deadlines import last_day as last_day_of
from app.models import Suggestion
from tests.web.helpers import text_of
from tests.web.staff_helpers import act, file_case, signed_in


@pytest.fixture
def long_clocks(app):
    saved = {k: app.config[k] for k in ("MAX_EXTENSION_DAYS", "DUE_SOON_DAYS", "ACCEPT_DAYS")}
    app.config.update(MAX_EXTENSION_DAYS=45, DUE_SOON_DAYS=20, ACCEPT_DAYS=15)
    app.extensions["yima_pages"].clear()
    yield
    app.config.update(saved)
    app.extensions["yima_pages"].clear()


def test_the_configured_extension_and_due_soon_days_reach_form_page_step_and_database(app, staff, long_clocks, session):
    token, case_id = file_case(app)
    handler, lead = signed_in(app, "yangming"), signed_in(app, "yangming-lead")
    inbox = text_of(handler.get("/staff/"))
    assert "20 天内到期" in inbox  # the filter names YIMA_DUE_SOON_DAYS
    assert act(handler, case_id, "accept").status_code == 303
    page = handler.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert "延期天数（1 至 45 天）" in text_of_html(page) and 'max="45"' in page
    too_long = act(handler, case_id, "request_extension", days="46", message="勘测")
    assert too_long.status_code == 400 and "延期天数为 1 至 45 天" in text_of(too_long)
    assert act(handler, case_id, "request_extension", days="45", message="需要专家勘测").status_code == 303
    assert act(lead, case_id, "extend").status_code == 303  # approves the request as asked
    session.rollback()
    case = session.get(Suggestion, case_id)
    assert case.extension_days == 45
    tracking = text_of(app.test_client().get(f"/t/{token}"))
    last_day = last_day_of(case.reply_due_at, clocks(app.config).calendar).isoformat()
    assert f"答复期限 {last_day} （已延期）" in tracking, tracking
    assert "已延期 需要专家勘测" in tracking  # the timeline tells the citizen why
    supervision = text_of(signed_in(app, "yuyao-supervisor").get("/staff/supervision"))
    assert "20 天内到期" in supervision


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
