"""Two people acting on one case: one succeeds, the other is told and sees the new state."""
import re
import threading

import sqlalchemy as sa

from app.models import CaseEvent, Suggestion
from tests.web.helpers import text_of
from tests.web.staff_helpers import CSRF_ANY, signed_in


def _page_form(client, case_id):
    html = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    return {"csrf_token": CSRF_ANY.search(html).group(1),
            "version": re.search(r'name="version" value="(\d+)"', html).group(1)}


def _events(session, case_id, action):
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
        CaseEvent.suggestion_id == case_id, CaseEvent.action == action))


def test_a_stale_page_is_refused_with_the_new_state_and_the_text_kept(app, staff, make_case, session):
    case_id = make_case(poster=None).id  # at the dispatch centre
    first, second = signed_in(app, "dispatch"), signed_in(app, "dispatch")
    seen_by_first, seen_by_second = _page_form(first, case_id), _page_form(second, case_id)
    assert first.post(f"/staff/cases/{case_id}/accept", data=seen_by_first).status_code == 303
    late = second.post(f"/staff/cases/{case_id}/reject", data={**seen_by_second, "message": "我的不予受理理由"})
    assert late.status_code == 409
    page = text_of(late)
    assert "办理中" in page and "我的不予受理理由" in late.get_data(as_text=True)
    session.rollback()
    assert session.get(Suggestion, case_id).status.value == "accepted"
    assert _events(session, case_id, "reject") == 0


def test_two_staff_forwarding_at_the_same_moment_forward_once(app, staff, make_case, session):
    case_id = make_case(poster=None).id
    clients = [signed_in(app, "dispatch") for _ in range(2)]
    forms = [_page_form(c, case_id) for c in clients]
    units = [_unit(session, 0), _unit(session, 1)]
    results = [None, None]
    start = threading.Barrier(2)

    def forward(i):
        start.wait()
        results[i] = clients[i].post(f"/staff/cases/{case_id}/forward",
                                     data={**forms[i], "unit": str(units[i]), "message": f"转办{i}"})

    threads = [threading.Thread(target=forward, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [303, 409]
    assert _events(session, case_id, "forward") == 1
    winner = 0 if results[0].status_code == 303 else 1
    case = session.get(Suggestion, case_id)
    assert case.unit_id == units[winner] and case.version == int(forms[0]["version"]) + 1


def _unit(session, i):
    codes = ["330281-YM", "330281-JT"]
    from app.models import OrgUnit

    return session.scalar(sa.select(OrgUnit.id).where(OrgUnit.code == codes[i]))
