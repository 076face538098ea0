"""Real clients against a real server: the `georeport` client from PyPI (JSON and XML, with
two or more items, since a single item is the known trap of XML parsers) and schemathesis,
which generates requests from /open311/v2/openapi.json and finds no 500."""
import pytest
import requests
import schemathesis
from georeport import GeoReport
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

FORMATS = ["json", "xml"]


def _as_list(found):
    """xmltodict gives a dict for one item and a list for two: the trap these tests avoid."""
    return found if isinstance(found, list) else [found]


@pytest.mark.parametrize("fmt", FORMATS)
def test_georeport_reads_services_definitions_requests_and_one_request(server, post_request, fmt):
    client = GeoReport(server, output_format=fmt)
    services = client.get_service_list()
    assert len(services) >= 2 and {"daolu", "qita"} <= {s["service_code"] for s in services}
    assert all(s["metadata"] in (True, "true") and s["type"] == "realtime" for s in services)
    definition = client.get_service_definition("daolu")
    attribute = _as_list(definition["attributes"]["attribute"] if fmt == "xml" else definition["attributes"])[0]
    values = _as_list(attribute["values"]["value"] if fmt == "xml" else attribute["values"])
    assert attribute["code"] == "kind" and {v["key"] for v in values} == {"suggestion", "complaint", "consultation",
                                                                          "praise"}
    first = post_request(fmt="json").json()[0]["service_request_id"]
    second = post_request(fmt="json", service_code="laji", description="小区门口垃圾三天没人清运。").json()[0][
        "service_request_id"]
    found = client.get_service_requests()
    assert [r["service_request_id"] for r in found] == [second, first]  # newest first, two items even in XML
    assert {r["service_code"] for r in found} == {"daolu", "laji"}
    one = client.get_service_request(first)
    assert one["service_request_id"] == first and one["status"] == "open"
    assert one["agency_responsible"] == "交通运输局"
    filtered = _as_list(client.get_service_requests(service_request_id=f"{first},{second}", status="closed"))
    assert len(filtered) == 2  # a list of ids overrides every other filter


@pytest.mark.parametrize("fmt", FORMATS)
def test_georeport_sees_the_specs_errors_as_http_errors(server, fmt):
    client = GeoReport(server, output_format=fmt)
    for call, status in ((lambda: client.get_service_definition("nosuch"), 404),
                         (lambda: client.get_service_request("ABCDEFGHJ"), 404),
                         (lambda: client.get_service_requests(start_date="2026-01-01T00:00:00Z",
                                                              end_date="2026-12-01T00:00:00Z"), 400)):
        with pytest.raises(requests.HTTPError) as raised:
            call()
        assert raised.value.response.status_code == status
        body = raised.value.response.text
        assert (f"<errors><error><code>{status}</code>" in body) if fmt == "xml" else (
            raised.value.response.json()[0]["code"] == status)


EXAMPLES = 25  # per operation: bounded so CI stays fast


def test_schemathesis_finds_no_server_error_nor_a_cookie(server, api_key):
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    tried = []
    for found in schema.get_all_operations():
        operation = found.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case):
            if case.method == "POST" and isinstance(case.body, dict) and case.body.get("api_key"):
                case.body["api_key"] = api_key  # most generated filings carry the real key: they reach the checks
            response = case.call_and_validate(checks=[not_a_server_error])
            assert response.status_code < 500
            assert "Set-Cookie" not in response.headers
            tried.append((operation.label, response.status_code))

        check()
    labels = {label for label, _status in tried}
    assert len(labels) == 8, labels
    assert {status for _label, status in tried} >= {200, 400, 403, 404}
    counts: dict = {}
    for label, status in tried:
        counts.setdefault(label, {}).setdefault(status, 0)
        counts[label][status] += 1
    print(f"schemathesis: {len(tried)} requests over {len(labels)} operations:", counts)
