"""Similar open cases: a new text finds the open case it repeats at the same poster or matter,
never a closed or old one, never a report for a citizen, and a staff member only in their scope."""
import re
from datetime import timedelta

import sqlalchemy as sa

from app.core.db import utcnow
from app.models import CaseSignature, User
from app.services.similar import similar_open_cases, similar_to_case
from tests.web.staff_helpers import signed_in

LIGHT = "阳明街道便民服务中心门口的路灯坏了一个星期，晚上很黑，老人出门不安全。"
LIGHT_AGAIN = "便民服务中心大门外那几盏路灯好多天不亮了，天一黑看不清路，请修一下。"
PARKING = "便民服务中心门口人行道上停满了电动车，轮椅推不过去。"
ROAD = "四明西路公交站前面路面有好几个大坑，电动车骑过去差点摔倒。"
ROAD_AGAIN = "四明西路市政府公交站旁边的路坑坑洼洼，好几个坑，骑车很危险，请修补。"


def _user(session, username):
    return session.scalars(sa.select(User).where(User.username == username)).one()


def test_a_text_finds_the_open_case_it_repeats_at_the_same_poster(make_case, session):
    light = make_case(poster="YMQ2K8", text=LIGHT, location="")
    make_case(poster="YMQ2K8", text=PARKING, location="")
    found = similar_open_cases(session, LIGHT_AGAIN, utcnow(), poster_id=light.poster_id)
    assert [m.case_id for m in found] == [light.id] and found[0].same_poster


def test_closed_rejected_and_old_cases_are_not_offered(make_case, session):
    now = utcnow()
    for status in ("closed", "rejected"):
        make_case(status, poster="YMQ2K8", text=LIGHT, location="")
    old = make_case(poster="YMQ2K8", text=LIGHT, location="", now=now - timedelta(days=31))
    assert similar_open_cases(session, LIGHT_AGAIN, now, poster_id=old.poster_id) == []
    recent = make_case("accepted", poster="YMQ2K8", text=LIGHT, location="", now=now - timedelta(days=29))
    assert [m.case_id for m in similar_open_cases(session, LIGHT_AGAIN, now, poster_id=old.poster_id)] == [recent.id]


def test_a_citizen_is_never_offered_a_report(make_case, session):
    report = make_case(poster="YMQ2K8", text=LIGHT, location="", is_report=True)
    assert similar_open_cases(session, LIGHT_AGAIN, utcnow(), poster_id=report.poster_id) == []
    dispatcher = _user(session, "dispatch")
    assert [m.case_id for m in similar_open_cases(session, LIGHT_AGAIN, utcnow(), poster_id=report.poster_id,
                                                  actor=dispatcher)] == [report.id]


def test_the_same_matter_at_another_unit_is_shown_only_to_who_may_see_it(make_case, session):
    # The same road, the same matter (道路破损): one case at the transport bureau's poster, one
    # filed at the Yangming service centre's poster (held by Yangming) about the same road.
    at_transport = make_case(poster="JT4P9X", category="daolu", text=ROAD, location="")
    at_yangming = make_case(poster="YMQ2K8", category="daolu", text=ROAD_AGAIN, location="四明西路")
    assert at_transport.category_id == at_yangming.category_id and at_transport.unit_id != at_yangming.unit_id
    now = utcnow()
    assert similar_to_case(session, at_transport, _user(session, "jiaotong"), now) == []
    assert similar_to_case(session, at_yangming, _user(session, "yangming"), now) == []
    seen = similar_to_case(session, at_yangming, _user(session, "dispatch"), now)
    assert [case.id for case, _ in seen] == [at_transport.id]


def test_the_staff_case_page_links_similar_cases_in_scope_only(app, make_case, session):
    at_transport = make_case(poster="JT4P9X", category="daolu", text=ROAD, location="")
    at_yangming = make_case(poster="YMQ2K8", category="daolu", text=ROAD_AGAIN, location="四明西路")
    link = f'href="/staff/cases/{at_transport.id}"'
    dispatch_page = signed_in(app, "dispatch").get(f"/staff/cases/{at_yangming.id}").get_data(as_text=True)
    assert "相似的未办结案件" in dispatch_page and link in dispatch_page and ROAD[:12] in dispatch_page
    handler = signed_in(app, "yangming")
    own_page = handler.get(f"/staff/cases/{at_yangming.id}").get_data(as_text=True)
    assert "相似的未办结案件" not in own_page and link not in own_page and ROAD[:12] not in own_page
    assert handler.get(f"/staff/cases/{at_transport.id}").status_code == 404


def test_a_case_filed_before_signatures_were_kept_is_read_from_its_text(make_case, session):
    light = make_case(poster="YMQ2K8", text=LIGHT, location="")
    assert session.get(CaseSignature, light.id) is not None
    signed = similar_open_cases(session, LIGHT_AGAIN, utcnow(), poster_id=light.poster_id)
    session.execute(sa.delete(CaseSignature))
    session.commit()
    assert similar_open_cases(session, LIGHT_AGAIN, utcnow(), poster_id=light.poster_id) == signed != []


def test_a_lead_merges_a_repeat_into_the_similar_case_in_one_click(app, make_case, session):
    first = make_case(poster="YMQ2K8", text=LIGHT, location="")
    again = make_case(poster="YMQ2K8", text=LIGHT_AGAIN, location="")
    handler_page = signed_in(app, "yangming").get(f"/staff/cases/{again.id}").get_data(as_text=True)
    assert "相似的未办结案件" in handler_page and "并入" not in handler_page  # a handler may not merge
    lead = signed_in(app, "yangming-lead")
    page = lead.get(f"/staff/cases/{again.id}").get_data(as_text=True)
    button = f'name="master_code" value="{first.receipt_code}"'
    assert button in page
    fields = dict(re.findall(r'name="(csrf_token|version)" value="([^"]*)"', page.split(button)[0].rsplit("<form", 1)[1]))
    answer = lead.post(f"/staff/cases/{again.id}/merge", data={**fields, "master_code": first.receipt_code})
    assert answer.status_code in (302, 303)
    session.rollback()
    assert session.get(type(again), again.id).merged_into_id == first.id
