"""A report or accusation (检举控告, Art. 30) appears nowhere for a role that may not open it: not
in lists, searches, counts, a unit's page, the figures, the charts or any export."""
import csv
import io
import re
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from app import services
from app.config import clocks
from app.core.db import utcnow
from app.core.extensions import db
from app.domain import codes
from app.domain.workflow import Kind, Rating
from app.models import OrgUnit, User
from tests.web.helpers import text_of
from tests.web.staff_helpers import signed_in

SECRET = "举报某街道干部收受红包"
DECISION = services.ReplyText(claim="c", facts="f", decision="d", basis="b")


def _file(app, text, poster):
    data = services.Submission(submission_key=codes.new_submission_key(), kind=Kind.COMPLAINT, text=text,
                               category_id=None, poster_code=poster)
    return services.submit_suggestion(db.session, data, clocks(app.config), app.config["SECRET_KEY"],
                                      utcnow() - timedelta(hours=3)).suggestion


def _build(app):
    """At the dispatch centre: one ordinary case, and one report answered and rated."""
    with app.app_context():
        cl, now = clocks(app.config), utcnow() - timedelta(hours=2)
        user = {u.username: u for u in db.session.scalars(sa.select(User))}
        _file(app, "建议在公交站增设候车亭座椅", None)
        report = _file(app, SECRET, "YMQ2K8")
        services.mark_report(db.session, report, user["yangming"], now, cl, "举报")
        services.accept_case(db.session, report, user["dispatch"], now, cl)
        services.reply_to_case(db.session, report, user["dispatch"], now, cl, DECISION)
        services.rate_reply(db.session, report, Rating.UNSATISFIED, "", now, cl)
        db.session.commit()
        return db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.kind == "dispatch"))


def _text(response, path):
    if path.split("?")[0].endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
        return " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    return response.get_data(as_text=True)


def _centre_figures(client, centre):
    """The dispatch centre's row of the dashboard's unit table, by heading."""
    rows = list(csv.reader(io.StringIO(client.get(f"/staff/stats/export.csv?table=unit&unit={centre}")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], {r[0]: r for r in rows[1:]}
    return dict(zip(header, body["余姚市信访局（12345热线）"]))


def test_a_report_is_invisible_to_an_admin_and_a_lead_everywhere(app, staff):
    centre = _build(app)
    admin = signed_in(app, "admin")
    pages = ["/staff/", "/staff/?status=all", f"/staff/?status=all&q={SECRET[:4]}", "/staff/export.csv?status=all",
             "/staff/export.xlsx?status=all", f"/staff/units/{centre}", f"/staff/stats?unit={centre}",
             f"/staff/stats/export.csv?table=unit&unit={centre}"]
    for path in pages:
        response = admin.get(path)
        assert response.status_code == 200, path
        assert SECRET not in _text(response, path), path
    inbox = text_of(admin.get("/staff/?status=all"))
    assert "建议在公交站增设候车亭座椅"[:10] in inbox
    figures = _centre_figures(admin, centre)
    assert figures["收件量"] == "1" and figures["满意率"] == ""  # the report is neither filed nor rated here
    lead = signed_in(app, "yangming-lead")
    assert SECRET not in lead.get("/staff/?status=all").get_data(as_text=True)
    posters = lead.get("/staff/posters").get_data(as_text=True)  # the report was filed from YMQ2K8
    row = re.search(r"YMQ2K8.*?</tr>", posters, re.S).group(0)
    assert re.search(r'class="num submissions">(\d+)<', row).group(1) == "0"


def test_a_supervisor_sees_and_counts_the_report(app, staff):
    centre = _build(app)
    supervisor = signed_in(app, "yuyao-supervisor")
    assert SECRET[:10] in text_of(supervisor.get("/staff/?status=all"))
    figures = _centre_figures(supervisor, centre)
    assert figures["收件量"] == "2" and figures["满意率"] == "0.0"
