"""The OpenAPI 3 description of /open311/v2/, served at /open311/v2/openapi.json."""
from flask import jsonify

FMT = {"name": "fmt", "in": "path", "required": True, "schema": {"type": "string", "enum": ["json", "xml"]}}
LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["zh_Hans_CN", "en"]}}
TEXT = {"type": "string"}
DATE = {"type": "string", "format": "date-time"}
ERRORS = {"description": "The spec's error list", "content": {
    "application/json": {"schema": {"type": "array", "items": {"type": "object", "properties": {
        "code": {"type": "integer"}, "description": TEXT}, "required": ["code", "description"]}}},
    "text/xml": {"schema": TEXT}}}


def _query(name: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def _ok(description: str, schema: dict, status: str = "200") -> dict:
    return {status: {"description": description, "content": {"application/json": {"schema": schema},
                                                              "text/xml": {"schema": TEXT}}}}


def _list(properties: dict) -> dict:
    return {"type": "array", "items": {"type": "object", "properties": properties}}


# A partner's own key on a GET: the cases it filed then carry the unit's answers' text.
KEY = {"name": "api_key", "in": "query", "required": False, "schema": {"type": "string"}}


def _get(summary: str, answer: dict, parameters=(), missing: bool = False) -> dict:
    responses = {**answer, "400": ERRORS}
    if missing:
        responses["404"] = ERRORS
    if KEY in parameters:
        responses["403"] = ERRORS
    return {"get": {"summary": summary, "parameters": [FMT, LANG, *parameters], "responses": responses}}


REQUEST = {name: {"type": "string", "nullable": True} for name in (
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "media_url")}
REQUEST.update(lat={"type": "number", "nullable": True}, long={"type": "number", "nullable": True})
WINDOW = [_query("start_date", DATE), _query("end_date", DATE), _query("page", {"type": "integer", "minimum": 1}),
          _query("page_size", {"type": "integer", "minimum": 1, "maximum": 1000})]
POST_FIELDS = {
    "api_key": TEXT, "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "long": {"type": "number", "minimum": -180, "maximum": 180},
    "address_string": TEXT, "address_id": TEXT, "description": {"type": "string", "maxLength": 4000},
    "first_name": TEXT, "last_name": TEXT, "phone": TEXT, "email": TEXT, "device_id": TEXT, "media_url": TEXT,
    "attribute[kind]": {"type": "string", "enum": ["suggestion", "complaint", "consultation", "praise"]},
}


def document(base_url: str, service_codes: list[str]) -> dict:
    """The OpenAPI document as data; `service_codes` are the active matters' codes."""
    code = {"type": "string", "enum": service_codes} if service_codes else TEXT
    fields = {**POST_FIELDS, "service_code": code}
    paths = {
        "/discovery.{fmt}": _get("Discovery", _ok("Where the endpoint is", {"type": "object"})),
        "/services.{fmt}": _get("Services: one per matter", _ok("The services", _list({
            "service_code": TEXT, "service_name": TEXT, "description": TEXT, "metadata": {"type": "boolean"},
            "type": TEXT, "keywords": TEXT, "group": TEXT}))),
        "/services/{service_code}.{fmt}": _get(
            "A service's attributes", _ok("The definition", {"type": "object"}),
            [{"name": "service_code", "in": "path", "required": True, "schema": code}], missing=True),
        "/requests.{fmt}": {
            **_get("Service requests", _ok("The requests", _list(REQUEST)), [
                _query("service_request_id", TEXT), _query("service_code", TEXT),
                _query("status", {"type": "string", "enum": ["open", "closed", "open,closed"]}), *WINDOW, KEY]),
            "post": {"summary": "File a service request", "parameters": [FMT],
                     "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {
                         "schema": {"type": "object", "properties": fields,
                                    "required": ["api_key", "service_code", "description"]}}}},
                     "responses": {**_ok("Filed", _list({"service_request_id": TEXT, "token": TEXT}), "201"),
                                   "400": ERRORS, "403": ERRORS, "429": ERRORS}}},
        "/requests/{service_request_id}.{fmt}": _get(
            "One service request", _ok("The request", _list(REQUEST)),
            [{"name": "service_request_id", "in": "path", "required": True, "schema": TEXT}, KEY], missing=True),
        "/tokens/{token}.{fmt}": _get(
            "The request a token stands for", _ok("The request's id", _list({"service_request_id": TEXT,
                                                                              "token": TEXT})),
            [{"name": "token", "in": "path", "required": True, "schema": TEXT}], missing=True),
        "/servicerequestupdates.{fmt}": _get("FixMyStreet's updates: each public step", _ok("The updates", _list({
            "update_id": TEXT, "service_request_id": TEXT, "status": TEXT, "updated_datetime": TEXT,
            "description": TEXT})), [*WINDOW, KEY]),
    }
    return {"openapi": "3.0.3", "info": {"title": "Yima Open311 GeoReport v2", "version": "v2"},
            "servers": [{"url": f"{base_url}/open311/v2"}], "paths": paths}


def openapi(base_url: str, service_codes: list[str]):
    """The document as a JSON response."""
    return jsonify(document(base_url, service_codes))
