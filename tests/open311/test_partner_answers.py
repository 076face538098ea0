"""The partner that filed a case reads the unit's answer (to tell its citizen); nobody else does."""
import pytest
import sqlalchemy as sa

from app.config import clocks
from app.core.db import utcnow
from app.domain.workflow import Action
from app.models import Suggestion
from app.services import accept_case, open311 as partners, reply_to_case
from app.services.casework import ReplyText
from tests.conftest import NOW, _actor

ANSWER = "新建路3号的塌陷已于周二修复，积水已排净。"
GOOD = {"service_code": "daolu", "lat": "30.0451", "long": "121.1547", "description": "新建路3号门口的路面塌陷，有积水。"}


@pytest.fixture
def keys(session):
    """Two partners' live keys: the one that files, and another."""
    _row, filer = partners.new_api_key(session, "district app", NOW)
    _row, other = partners.new_api_key(session, "research script", NOW)
    session.commit()
    return filer, other


@pytest.fixture
def answered(app, staff, client, session, keys):
    """A case the first key filed, accepted and answered by its unit: its receipt code."""
    code = client.post("/open311/v2/requests.json", data={**GOOD, "api_key": keys[0]}).json[0]["service_request_id"]
    case = session.scalars(sa.select(Suggestion).where(Suggestion.receipt_code == code)).one()
    now, cl = utcnow(), clocks(app.config)
    handler = _actor(session, case, Action.ACCEPT, now, cl)
    accept_case(session, case, handler, now, cl)
    reply_to_case(session, case, handler, now, cl, ReplyText(body=ANSWER))
    session.commit()
    return code


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_filing_key_reads_the_answer_in_its_request_and_its_updates(client, keys, answered, fmt):
    filer = keys[0]
    one = client.get(f"/open311/v2/requests/{answered}.{fmt}?api_key={filer}")
    listed = client.get(f"/open311/v2/requests.{fmt}?api_key={filer}")
    updates = client.get(f"/open311/v2/servicerequestupdates.{fmt}?api_key={filer}")
    for response in (one, listed, updates):
        assert response.status_code == 200 and ANSWER in response.text
        assert "no-store" in response.headers["Cache-Control"]  # no shared cache keeps a partner's answer
    if fmt == "json":
        assert one.json[0]["status_notes"] == ANSWER
        mine = [u for u in updates.json if u["service_request_id"] == answered]
        assert [u["description"] for u in mine] == ["已接收", "已受理", ANSWER]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_another_key_and_the_public_read_the_step_in_words_only(client, keys, answered, fmt):
    for query in ("", f"?api_key={keys[1]}"):
        for path in (f"requests/{answered}", "requests", "servicerequestupdates"):
            response = client.get(f"/open311/v2/{path}.{fmt}{query}")
            assert response.status_code == 200 and ANSWER not in response.text
            assert "已答复" in response.text
    assert client.get(f"/open311/v2/requests/{answered}.json").json[0]["status_notes"] == "已答复"


def test_a_wrong_or_revoked_key_on_a_read_is_refused_not_ignored(client, session, keys, answered):
    partners.revoke_api_key(session, "district app", NOW)
    session.commit()
    for key in (keys[0], "o311_wrong"):
        response = client.get(f"/open311/v2/requests/{answered}.json?api_key={key}")
        assert response.status_code == 403 and "api_key" in response.json[0]["description"]
        assert ANSWER not in response.text


def test_a_case_merged_into_another_gets_the_masters_answer_as_its_citizen_does(app, staff, client, session, keys,
                                                                                  make_case):
    from app.services import merge_case

    code = client.post("/open311/v2/requests.json", data={**GOOD, "api_key": keys[0]}).json[0]["service_request_id"]
    duplicate = session.scalars(sa.select(Suggestion).where(Suggestion.receipt_code == code)).one()
    master = make_case("accepted", kind="suggestion")
    now, cl = utcnow(), clocks(app.config)
    merge_case(session, duplicate, _actor(session, duplicate, Action.MERGE, now, cl), now, cl, master)
    reply_to_case(session, master, _actor(session, master, Action.REPLY, now, cl), now, cl, ReplyText(body=ANSWER))
    session.commit()
    mine = client.get(f"/open311/v2/requests/{code}.json?api_key={keys[0]}").json[0]
    assert mine["status"] == "closed" and mine["status_notes"] == ANSWER
    assert ANSWER not in client.get(f"/open311/v2/requests/{code}.json?api_key={keys[1]}").text


def test_a_complaints_decision_reaches_its_partner_with_each_part_named(app, staff, client, session, keys):
    code = client.post("/open311/v2/requests.json", data={**GOOD, "api_key": keys[0], "attribute[kind]": "complaint"}
                       ).json[0]["service_request_id"]
    case = session.scalars(sa.select(Suggestion).where(Suggestion.receipt_code == code)).one()
    now, cl = utcnow(), clocks(app.config)
    handler = _actor(session, case, Action.ACCEPT, now, cl)
    accept_case(session, case, handler, now, cl)
    reply_to_case(session, case, handler, now, cl, ReplyText(claim="修复塌陷路面", facts="塌陷属实", decision="已于周二修复",
                                                             basis="《公路法》第四十三条"))
    session.commit()
    chinese = client.get(f"/open311/v2/requests/{code}.json?api_key={keys[0]}").json[0]["status_notes"]
    assert chinese == "信访事项：修复塌陷路面\n查明事实：塌陷属实\n处理意见：已于周二修复\n依据：《公路法》第四十三条"
    english = client.get(f"/open311/v2/servicerequestupdates.json?api_key={keys[0]}",
                         headers={"Accept-Language": "en"}).json[-1]["description"]
    assert english.splitlines() == ["The claim: 修复塌陷路面", "Facts found: 塌陷属实", "Decision: 已于周二修复",
                                    "Basis: 《公路法》第四十三条"]
