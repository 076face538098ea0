"""The audit trail: sign-ins, failures, refused staff pages, phone reveals, exports."""
import sqlalchemy as sa

from app.models import AuditEvent
from tests.conftest import login
from tests.web.staff_helpers import CSRF_ANY, signed_in


def _audit(session, action):
    session.rollback()
    return session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                           .order_by(AuditEvent.id)).all()


def test_sign_ins_and_failures_are_audited(app, staff, session):
    login(app.test_client(), "yangming")
    login(app.test_client(), "yangming", "a wrong password")
    assert [e.username for e in _audit(session, "login")] == ["yangming"]
    assert [e.detail for e in _audit(session, "login_failed")] == ["wrong password"]


def test_another_units_case_is_a_404_and_an_audited_denial(app, staff, make_case, session):
    case_id = make_case().id  # YMQ2K8 routes to 阳明街道
    outsider = signed_in(app, "jiaotong")
    assert outsider.get(f"/staff/cases/{case_id}").status_code == 404
    [denial] = _audit(session, "access_denied")
    assert (denial.username, denial.target) == ("jiaotong", f"/staff/cases/{case_id}")
    assert denial.detail == "GET staff.cases.show 404"


def test_a_lower_roles_page_is_an_audited_denial(app, staff, session):
    handler = signed_in(app, "yangming")
    assert handler.get("/staff/stats").status_code == 404
    assert [e.target for e in _audit(session, "access_denied")] == ["/staff/stats"]


def test_a_refused_action_writes_nothing_but_the_audit_row(app, staff, make_case, session):
    from app.models import Suggestion

    case_id = make_case().id
    outsider = signed_in(app, "jiaotong")
    csrf = CSRF_ANY.search(outsider.get("/staff/").get_data(as_text=True)).group(1)
    response = outsider.post(f"/staff/cases/{case_id}/accept", data={"csrf_token": csrf, "version": "1"})
    assert response.status_code == 404
    assert [e.target for e in _audit(session, "access_denied")] == [f"/staff/cases/{case_id}/accept"]
    assert session.get(Suggestion, case_id).status.value == "submitted"


def test_phone_reveals_are_audited(app, staff, make_case, session):
    case_id = make_case().id
    lead = signed_in(app, "yangming-lead")
    html = lead.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    response = lead.post(f"/staff/cases/{case_id}/reveal_phone",
                         data={"csrf_token": CSRF_ANY.search(html).group(1)})
    assert '<span class="phone">13812345678</span>' in response.get_data(as_text=True)
    [reveal] = _audit(session, "reveal_phone")
    assert (reveal.username, reveal.target) == ("yangming-lead", f"case:{case_id}")


def test_exports_are_audited(app, staff, session):
    lead = signed_in(app, "yangming-lead")
    assert lead.get("/staff/export.csv").status_code == 200
    assert [e.username for e in _audit(session, "export_cases")] == ["yangming-lead"]
