"""A partner follows its case by token and id while the unit works it; what the public never sees."""
import re

import pytest
import requests
import sqlalchemy as sa

from app.domain.open311 import STATUS_TABLE, statuses
from app.domain.workflow import Action, CaseState, Rating, Role
from app.models import Suggestion, User
from app.services import accept_case, rate_reply, reply_to_case
from app.config import clocks
from app.core.db import utcnow
from tests.conftest import PLAIN_REPLY, _actor


def test_every_state_has_its_plain_row_and_the_extended_statuses_are_fixmystreets():
    assert {state for state, qualifier, _s, _x in STATUS_TABLE if qualifier is None} == set(CaseState)
    assert {x for *_rest, x in STATUS_TABLE} == {
        "OPEN", "IN_PROGRESS", "ACTION_SCHEDULED", "CLOSED", "FIXED", "DUPLICATE", "NOT_COUNCILS_RESPONSIBILITY",
        "NO_FURTHER_ACTION", "INTERNAL_REFERRAL", "REOPEN"}
    assert statuses(CaseState.ACCEPTED) == ("open", "IN_PROGRESS")


def test_a_script_files_follows_by_token_and_id_and_sees_the_units_steps(app, staff, server, post_request, session):
    filed = post_request(first_name="三", last_name="张", phone="13812345678", email="zhang@example.cn").json()[0]
    code, token = filed["service_request_id"], filed["token"]
    assert requests.get(f"{server}/tokens/{token}.json", timeout=10).json() == [
        {"service_request_id": code, "token": token}]
    case = session.scalars(sa.select(Suggestion).where(Suggestion.receipt_code == code)).one()
    now, cl = utcnow(), clocks(app.config)
    handler = _actor(session, case, Action.ACCEPT, now, cl)
    accept_case(session, case, handler, now, cl)
    session.commit()
    one = requests.get(f"{server}/requests/{code}.json", timeout=10).json()[0]
    assert one["status"] == "open" and one["status_notes"] == "已受理"  # the step in words
    assert one["expected_datetime"].endswith("+08:00") and one["expected_datetime"] >= one["requested_datetime"]
    reply_to_case(session, case, handler, now, cl, PLAIN_REPLY)
    rate_reply(session, case, Rating.SATISFIED, "张三很满意 13812345678", now, cl)
    session.commit()
    one = requests.get(f"{server}/requests/{code}.xml", timeout=10).text
    assert "<status>closed</status>" in one and "<expected_datetime/>" in one
    updates = requests.get(f"{server}/servicerequestupdates.json", timeout=10).json()
    mine = [u for u in updates if u["service_request_id"] == code]
    assert [u["status"] for u in mine][:3] == ["OPEN", "IN_PROGRESS", "FIXED"] and mine[-1]["status"] == "CLOSED"
    everything = " ".join(requests.get(f"{server}/{path}", timeout=10).text for path in (
        f"requests/{code}.json", "requests.xml", "servicerequestupdates.xml", f"tokens/{token}.json"))
    for private in ("张三", "13812345678", "zhang@example.cn", handler.label, handler.username, "纳入明年计划",
                    case.text):
        assert private not in everything  # no name, phone, e-mail, staff, reply text or citizen's words


def test_reports_are_not_listed_at_all(server, make_case):
    report = make_case(is_report=True)
    plain = make_case()
    assert requests.get(f"{server}/requests/{report.receipt_code}.json", timeout=10).status_code == 404
    listed = requests.get(f"{server}/requests.json", timeout=10).json()
    assert [r["service_request_id"] for r in listed] == [plain.receipt_code]
    updates = requests.get(f"{server}/servicerequestupdates.json", timeout=10).json()
    assert {u["service_request_id"] for u in updates} == {plain.receipt_code}


@pytest.mark.parametrize("path", ["services.json", "requests.xml?lang=en", "discovery.json?lang=en",
                                  "nothing.json?lang=en"])
def test_no_answer_sets_a_cookie(client, path):
    response = client.get(f"/open311/v2/{path}")
    assert "Set-Cookie" not in response.headers
    # application/json defines no charset parameter (RFC 8259): strict clients reject one
    assert re.fullmatch(r"application/json|text/xml; charset=utf-8", response.headers["Content-Type"])


def test_english_on_request_and_chinese_by_default(client):
    assert client.get("/open311/v2/services.json").json[0]["service_name"] == "餐饮油烟扰民"
    assert client.get("/open311/v2/services.json?lang=en").json[0]["service_name"] == "Restaurant fumes"


@pytest.mark.parametrize("header,name", [
    ("en", "Restaurant fumes"), ("en-US,en;q=0.9", "Restaurant fumes"), ("fr, en;q=0.5", "Restaurant fumes"),
    ("zh-CN,zh;q=0.9,en;q=0.8", "餐饮油烟扰民"), ("en;q=0.3, zh;q=0.8", "餐饮油烟扰民"), ("fr", "餐饮油烟扰民"),
    ("*", "餐饮油烟扰民"), ("", "餐饮油烟扰民")])
def test_an_api_client_asks_for_its_language_with_accept_language(client, header, name):
    response = client.get("/open311/v2/services.json", headers={"Accept-Language": header})
    assert response.json[0]["service_name"] == name
    assert "Accept-Language" in response.headers["Vary"]  # a cache keeps one copy per language
    assert response.headers["Content-Language"] == ("en" if name == "Restaurant fumes" else "zh-CN")
    errors = client.get("/open311/v2/services/nosuch.xml", headers={"Accept-Language": header})
    assert ("No such service." in errors.text) == (name == "Restaurant fumes")


def test_the_query_still_wins_over_the_header(client):
    found = client.get("/open311/v2/services.json?lang=zh_Hans_CN", headers={"Accept-Language": "en"})
    assert found.json[0]["service_name"] == "餐饮油烟扰民"


def test_discovery_names_the_county_and_its_address_when_no_contact_is_configured(app, client):
    base = app.config["PUBLIC_BASE_URL"]
    assert client.get("/open311/v2/discovery.json").json["contact"] == f"余姚市 {base}"
    english = client.get("/open311/v2/discovery.xml", headers={"Accept-Language": "en"}).text
    assert f"<contact>Yuyao City {base}</contact>" in english
    app.config["OPEN311_CONTACT"] = "12345 centre, open311@yuyao.example.cn"
    assert client.get("/open311/v2/discovery.json").json["contact"] == "12345 centre, open311@yuyao.example.cn"


@pytest.mark.parametrize("status,options,plain,extended", [
    ("submitted", {}, "open", "OPEN"),
    ("submitted", {"forward_to": "330281-JT"}, "open", "INTERNAL_REFERRAL"),
    ("accepted", {}, "open", "IN_PROGRESS"),
    ("extended", {}, "open", "ACTION_SCHEDULED"),
    ("replied", {}, "closed", "FIXED"),
    ("review", {}, "open", "REOPEN"),
    ("closed", {}, "closed", "CLOSED"),
    ("rejected", {}, "closed", "NOT_COUNCILS_RESPONSIBILITY"),
    ("merged", {}, "closed", "DUPLICATE"),
])
def test_each_state_reads_as_its_row_of_the_table(client, make_case, status, options, plain, extended):
    case = make_case(status, **options)
    one = client.get(f"/open311/v2/requests/{case.receipt_code}.json").json[0]
    assert one["status"] == plain
    assert (one["expected_datetime"] is not None) == (plain == "open")
    updates = client.get("/open311/v2/servicerequestupdates.json").json
    assert [u["status"] for u in updates if u["service_request_id"] == case.receipt_code][-1] == extended


def test_once_published_a_case_shows_its_words_and_media_but_never_a_name_or_phone(app, staff, client,
                                                                                   post_request, session):
    from app.services import publications

    filed = post_request(media_url="https://img.example.cn/1.jpg", first_name="三", last_name="张",
                         phone="13812345678").json()[0]
    code = filed["service_request_id"]
    case = session.scalars(sa.select(Suggestion).where(Suggestion.receipt_code == code)).one()
    assert client.get(f"/open311/v2/requests/{code}.json").json[0]["description"] is None  # not yet published
    case.publish_consent = True  # as the citizen told the partner's operator, and staff noted
    now, cl = utcnow(), clocks(app.config)
    handler = _actor(session, case, Action.ACCEPT, now, cl)
    accept_case(session, case, handler, now, cl)
    reply_to_case(session, case, handler, now, cl, PLAIN_REPLY)
    found = publications.propose(session, case, handler, now, cl)
    lead = session.scalars(sa.select(User).where(User.unit_id == case.unit_id, User.role == Role.LEAD)).first()
    lead = lead or _lead_of(session, case, now)
    publications.approve(session, found, lead, now, found.question, found.answer)
    session.commit()
    one = client.get(f"/open311/v2/requests/{code}.json").json[0]
    assert one["description"] == found.question == "新建路＊号门口的路面塌陷，有积水。"  # redacted, as approved
    assert one["media_url"] == "https://img.example.cn/1.jpg"
    assert one["lat"] == 30.0451 and "张三" not in str(one) and "13812345678" not in str(one)


def _lead_of(session, case, now):
    """A lead for the unit holding the case (the demo has one at Yangming only)."""
    lead = User(username="open311-lead", display_name="某单位 负责人", unit_id=case.unit_id, role=Role.LEAD,
                password_hash="x", created_at=now)
    session.add(lead)
    session.flush()
    return lead