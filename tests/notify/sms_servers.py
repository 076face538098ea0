"""Real SMS servers on loopback, for the providers of app/notify/sms.py to talk to.

- `Gateway`: the government gateway of the `http` provider. It recomputes the HMAC-SHA256 of
  the raw bytes it received with its own secret and compares it with `X-Yima-Signature`,
  checks the JSON body is exactly {"to", "text", "id"}, and answers 200 (kept in
  `received`), 401 (a wrong signature, kept in `refused`) or 400. It can be told to answer
  500, to hang or to answer garbage, and can be started late on a port reserved for it (down until then).
- `TencentSms`: Tencent Cloud's SendSms API (2021-01-11). It checks the TC3-HMAC-SHA256
  signature as Tencent documents it (tc3_signature: the canonical request, the credential
  scope, the Authorization header) with its SecretId/SecretKey, then the action and the
  body, and answers as the real API does: {"Response": {"SendStatusSet": [...], "RequestId"}},
  or {"Response": {"Error": {"Code", "Message"}, "RequestId"}} with HTTP 200.

The fixtures `gateway` and `tencent_sms` start one per test and stop it after.
"""
import hashlib
import hmac
import json
import re
import socket
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

MOBILE_E164 = re.compile(r"^\+861[3-9]\d{9}$")


def free_port() -> int:
    """A loopback port nobody listens on (yet): connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Server:
    """A threaded HTTP server on 127.0.0.1 whose handler calls `self.answer`."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.lock = threading.Lock()
        self._httpd = None

    def start(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, payload, content_type = owner.answer(self, body)
                if status is None:  # hung, or not speaking HTTP: `payload` as it is, then close
                    self.wfile.write(payload)
                    self.close_connection = True
                    return
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # the request lines hold nothing to see; keep the test output clean
                pass

        class Server(ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True

        self._httpd = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None


class Gateway(_Server):
    """The `http` provider's gateway; see the module's docstring."""

    def __init__(self, secret: str, port: int | None = None):
        super().__init__(port)
        self.secret = secret
        self.received: list[dict] = []  # accepted messages, in the order they came
        self.refused: list[bytes] = []  # bodies whose signature was wrong
        self.failing = False  # answer 500 to everything
        self.hang = 0.0  # seconds to wait before dropping the connection unanswered
        self.garbage = False  # answer a line that is not HTTP

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms"

    def answer(self, request, body: bytes):
        if self.hang:
            time.sleep(self.hang)
            return None, b"", ""
        if self.garbage:
            return None, b"SMS OK\r\n", ""
        if self.failing:
            return 500, {"error": "gateway failure"}, "application/json"
        expected = "sha256=" + hmac.new(self.secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("X-Yima-Signature", ""), expected):
            with self.lock:
                self.refused.append(body)
            return 401, {"error": "bad signature"}, "application/json"
        if not request.headers.get("Content-Type", "").startswith("application/json"):
            return 400, {"error": "not JSON"}, "application/json"
        try:
            message = json.loads(body.decode("utf-8"))
        except ValueError:
            return 400, {"error": "not JSON"}, "application/json"
        if (not isinstance(message, dict) or set(message) != {"to", "text", "id"}
                or not all(isinstance(value, str) and value for value in message.values())):
            return 400, {"error": "expected {to, text, id}"}, "application/json"
        with self.lock:
            self.received.append(message)
        return 200, {"ok": True}, "application/json"


def tc3_signature(secret_key: str, method: str, path: str, query: str, headers: dict, signed: list[str],
                  body: bytes, timestamp: str, service: str) -> str:
    """Tencent Cloud API 3.0's signature v3, step by step as its documentation gives it."""
    canonical_headers = "".join(f"{name}:{headers[name].strip().lower()}\n" for name in signed)
    canonical_request = "\n".join([method, path, query, canonical_headers, ";".join(signed),
                                   hashlib.sha256(body).hexdigest()])
    date = datetime.fromtimestamp(int(timestamp), timezone.utc).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", timestamp, scope,
                         hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()])

    def _hmac(key: bytes, text: str) -> bytes:
        return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()

    signing = _hmac(_hmac(_hmac(("TC3" + secret_key).encode("utf-8"), date), service), "tc3_request")
    return hmac.new(signing, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


AUTHORIZATION = re.compile(r"^TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>[a-z]+)"
                           r"/tc3_request, SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})$")


class TencentSms(_Server):
    """Tencent Cloud's SendSms; see the module's docstring. `templates` maps each approved
    template id to its number of parameters."""

    SECRET_ID, SECRET_KEY = "AKIDyimaTEST0000000000000000000000", "yimaTestSecretKey0000000000000000"
    APP_ID, SIGN, REGION = "1400000001", "余姚一码", "ap-guangzhou"

    def __init__(self, templates: dict[str, int]):
        super().__init__()
        self.templates = templates
        self.received: list[dict] = []  # the bodies of the SendSms it answered Ok, in order
        self.status_code = "Ok"  # what SendStatusSet says for each number; else an error code

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _error(self, code: str, message: str):
        return 200, {"Response": {"Error": {"Code": code, "Message": message},
                                  "RequestId": str(uuid.uuid4())}}, "application/json"

    def _signature_error(self, request, body: bytes) -> str | None:
        auth = AUTHORIZATION.match(request.headers.get("Authorization", ""))
        if auth is None:
            return "the Authorization header is not TC3-HMAC-SHA256"
        timestamp = request.headers.get("X-TC-Timestamp", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
            return "expired"
        if auth["id"] != self.SECRET_ID:
            return "unknown SecretId"
        date = datetime.fromtimestamp(int(timestamp), timezone.utc).strftime("%Y-%m-%d")
        signed = auth["signed"].split(";")
        if (auth["date"] != date or auth["service"] != "sms" or signed != sorted(signed)
                or not {"content-type", "host"} <= set(signed)):
            return "the credential scope or the signed headers are wrong"
        headers = {name: request.headers.get(name, "") for name in signed}
        path, _, query = request.path.partition("?")
        expected = tc3_signature(self.SECRET_KEY, request.command, path, query, headers, signed, body,
                                 timestamp, "sms")
        return None if hmac.compare_digest(expected, auth["signature"]) else "signature mismatch"

    def answer(self, request, body: bytes):
        failure = self._signature_error(request, body)
        if failure == "expired":
            return self._error("AuthFailure.SignatureExpire", "Signature expired.")
        if failure == "unknown SecretId":
            return self._error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        if failure:
            return self._error("AuthFailure.SignatureFailure", f"The provided credentials could not be validated: {failure}.")
        if request.headers.get("X-TC-Action") != "SendSms" or request.headers.get("X-TC-Version") != "2021-01-11":
            return self._error("InvalidAction", "The action or its version is not SendSms 2021-01-11.")
        if request.headers.get("X-TC-Region") != self.REGION:
            return self._error("InvalidParameterValue.RegionError", "The region is wrong.")
        params = json.loads(body.decode("utf-8"))
        numbers = params.get("PhoneNumberSet")
        if not isinstance(numbers, list) or not numbers or not all(MOBILE_E164.match(n) for n in numbers):
            return self._error("InvalidParameterValue.IncorrectPhoneNumber", "PhoneNumberSet must be +86 mobiles.")
        if params.get("SmsSdkAppId") != self.APP_ID:
            return self._error("FailedOperation.SmsSdkAppIdVerifyFail", "SmsSdkAppId verify failed.")
        if params.get("SignName") != self.SIGN:
            return self._error("FailedOperation.SignatureIncorrectOrUnapproved", "The signature is unapproved.")
        if params.get("TemplateId") not in self.templates:
            return self._error("FailedOperation.TemplateIncorrectOrUnapproved", "The template is unapproved.")
        values = params.get("TemplateParamSet")
        if (not isinstance(values, list) or len(values) != self.templates[params["TemplateId"]]
                or not all(isinstance(v, str) for v in values)):
            return self._error("FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
                               "TemplateParamSet does not match the approved template.")
        with self.lock:
            if self.status_code == "Ok":
                self.received.append(params)
        ok = self.status_code == "Ok"
        return 200, {"Response": {"SendStatusSet": [{
            "SerialNo": f"2433:{uuid.uuid4().int % 10 ** 12}" if ok else "", "PhoneNumber": number,
            "Fee": 1 if ok else 0, "SessionContext": params.get("SessionContext", ""),
            "Code": self.status_code, "Message": "send success" if ok else "the number reached its daily limit",
            "IsoCode": "CN"} for number in numbers], "RequestId": str(uuid.uuid4())}}, "application/json"


@pytest.fixture
def gateway():
    """A running gateway whose secret is "gateway-secret"."""
    server = Gateway("gateway-secret").start()
    yield server
    server.stop()


@pytest.fixture
def tencent_sms():
    """A running Tencent SendSms with approved templates: 1001 and 1003 (2 parameters), 1002 (4)."""
    server = TencentSms({"1001": 2, "1002": 4, "1003": 2}).start()
    yield server
    server.stop()
