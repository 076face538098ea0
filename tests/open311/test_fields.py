"""Every field of POST requests and every filter of GET requests, and each error code: a table."""
import pytest
import sqlalchemy as sa

from app.domain.workflow import Channel
from app.models import AuditEvent, Suggestion
from app.models_open311 import PartnerRequest
from app.services import open311 as partners
from tests.conftest import NOW

GOOD = {"service_code": "daolu", "lat": "30.0451", "long": "121.1547", "description": "路面塌陷，有积水。"}


@pytest.fixture
def key(session):
    _row, key = partners.new_api_key(session, "district app", NOW)
    session.commit()
    return key


def post(client, key, fmt="json", **changes):
    data = {**GOOD, "api_key": key, **changes}
    return client.post(f"/open311/v2/requests.{fmt}", data={k: v for k, v in data.items() if v is not None})


# (what changes, the status, a word of the error's description or None)
POSTS = [
    ({}, 201, None),
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "o311_wrong"}, 403, "api_key"),
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "nosuch"}, 400, "service_code"),
    ({"lat": None, "long": None}, 400, "address_string"),
    ({"long": None}, 400, "long"),
    ({"lat": "91"}, 400, "lat"),
    ({"long": "-180.5"}, 400, "long"),
    ({"lat": "nan"}, 400, "lat"),
    ({"lat": "north"}, 400, "lat"),
    ({"lat": None, "long": None, "address_string": "新建路3号"}, 201, None),
    ({"address_string": "路" * 201}, 400, "address_string"),
    ({"lat": None, "long": None, "address_id": "YMQ2K8"}, 201, None),
    ({"lat": None, "long": None, "address_id": "NOSUCH"}, 400, "address_id"),
    ({"lat": None, "long": None, "address_id": "../.."}, 400, "address_id"),
    ({"description": None}, 400, "description"),
    ({"description": "   "}, 400, "description"),
    ({"description": "路" * 4000}, 201, None),
    ({"description": "路" * 4001}, 400, "4000"),
    ({"description": "路灯<script>alert(1)</script>"}, 400, "HTML"),
    ({"description": "路灯 &amp; 井盖"}, 400, "HTML"),
    ({"description": "3 < 5 且 5 > 3"}, 201, None),
    ({"first_name": "三", "last_name": "张"}, 201, None),
    ({"first_name": "x" * 51}, 400, "first_name"),
    ({"phone": "138-1234-5678"}, 201, None),
    ({"phone": "12345"}, 400, "phone"),
    ({"email": "zhang@example.cn"}, 201, None),
    ({"email": "not an address"}, 400, "email"),
    ({"device_id": "d" * 100}, 201, None),
    ({"device_id": "d" * 101}, 400, "device_id"),
    ({"media_url": "https://img.example.cn/1.jpg"}, 201, None),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"attribute[kind]": "complaint"}, 201, None),
    ({"attribute[kind]": "rant"}, 400, "attribute[kind]"),
    ({"attribute[colour]": "red", "jurisdiction_id": "yuyao", "unknown": "x"}, 201, None),
]


@pytest.mark.parametrize("changes,status,word", POSTS, ids=[str(row[0])[:60] for row in POSTS])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_each_post_field_and_its_rule(client, key, changes, status, word, fmt):
    response = post(client, key, fmt, **changes)
    assert response.status_code == status, response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    body = response.get_data(as_text=True)
    if word is None:
        assert ("<service_request_id>" in body) if fmt == "xml" else response.json[0]["token"]
    elif fmt == "xml":
        assert body.startswith('<?xml') and f"<errors><error><code>{status}</code>" in body and word in body
    else:
        assert response.json[0]["code"] == status and word in response.json[0]["description"]


def test_a_filing_goes_through_intake_on_its_own_channel_audited_and_without_the_email(client, key, session):
    response = post(client, key, first_name="三", last_name="张", phone="13812345678", email="zhang@example.cn",
                    address_id="YMQ2K8", media_url="https://img.example.cn/1.jpg")
    code = response.json[0]["service_request_id"]
    case = session.scalars(sa.select(Suggestion).where(Suggestion.receipt_code == code)).one()
    assert case.channel is Channel.OPEN311 and case.poster.code == "YMQ2K8"  # routed as the poster's scan
    assert case.unit.code == "330281-YM" and case.citizen_name == "张三" and case.citizen_phone == "13812345678"
    assert case.events[0].action.value == "submit"  # intake's first event
    assert session.get(PartnerRequest, case.id).media_url == "https://img.example.cn/1.jpg"
    audit = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "open311_request")).one()
    assert audit.username == "open311:district app" and audit.target == code and audit.detail == "filed"
    stored = " ".join(str(v) for row in session.execute(sa.text("SELECT * FROM open311_requests")) for v in row)
    assert "zhang@example.cn" not in stored and "zhang@example.cn" not in case.text + case.location


def test_the_same_key_and_body_file_one_case_and_another_body_a_second(client, key, session):
    first, again = post(client, key).json[0], post(client, key).json[0]
    assert first == again
    other = post(client, key, description="另一处路面塌陷。").json[0]
    assert other["service_request_id"] != first["service_request_id"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Suggestion).where(
        Suggestion.channel == Channel.OPEN311)) == 2
    details = session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.action == "open311_request")).all()
    assert sorted(details) == ["filed", "filed", "retry"]  # every POST audited


# (query, status, a word of the error or None)
GETS = [
    ("", 200, None),
    ("?status=open", 200, None),
    ("?status=open,closed", 200, None),
    ("?status=pending", 400, "status"),
    ("?start_date=2026-11-01T00:00:00Z&end_date=2026-12-01T00:00:00Z", 200, None),
    ("?start_date=2026-11-01", 200, None),
    ("?start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z", 400, "90"),
    ("?start_date=2026-12-01T00:00:00Z&end_date=2026-11-01T00:00:00Z", 400, "end_date"),
    ("?start_date=yesterday", 400, "start_date"),
    ("?end_date=0001-01-01T00:00:00+14:00", 400, "end_date"),
    ("?page=2&page_size=1", 200, None),
    ("?page=0", 400, "page"),
    ("?page_size=1001", 400, "page_size"),
    ("?service_code=daolu,laji", 200, None),
    ("?service_request_id=NOSUCHCODE", 200, None),
    ("?whatever=1", 200, None),
]


@pytest.mark.parametrize("query,status,word", GETS)
def test_each_filter_of_get_requests(client, query, status, word):
    response = client.get(f"/open311/v2/requests.json{query}")
    assert response.status_code == status
    if word:
        assert response.json[0]["code"] == 400 and word in response.json[0]["description"]
    else:
        assert isinstance(response.json, list)


@pytest.mark.parametrize("path,status", [
    ("/open311/v2/services/nosuch.json", 404), ("/open311/v2/requests/ABCDEFGHJ.json", 404),
    ("/open311/v2/requests/%00.xml", 404), ("/open311/v2/tokens/" + "a" * 32 + ".json", 404),
    ("/open311/v2/tokens/short.xml", 404), ("/open311/v2/nothing.json", 404), ("/open311/v2/services.csv", 404),
    ("/open311/v2/discovery.xml", 200), ("/open311/v2/openapi.json", 200),
])
def test_unknown_resources_are_the_specs_404(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    if status == 404:
        body = response.get_data(as_text=True)
        assert "<errors><error><code>404</code>" in body if path.endswith(".xml") else response.json[0]["code"] == 404


def test_a_partners_posts_are_limited_per_key(app, client, key, session):
    _row, other = partners.new_api_key(session, "researcher", NOW)
    session.commit()
    app.config["OPEN311_RATE_LIMIT"] = "2 per hour"
    try:
        statuses = [post(client, key, description=f"第{i}处路面塌陷。").status_code for i in range(3)]
        assert statuses == [201, 201, 429]
        assert post(client, key).json[0]["code"] == 429
        assert post(client, other).status_code == 201  # another partner keeps its own budget
    finally:
        app.config["OPEN311_RATE_LIMIT"] = "300 per hour"
