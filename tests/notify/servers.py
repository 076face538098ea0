"""Real servers on loopback for the units' channels: a DingTalk custom robot and a WeCom group
robot (threading HTTPS servers that check the signature and the body as each service
documents them), and an SMTP server (aiosmtpd). Each records what it accepted.

The robots speak TLS with a certificate for `localhost` from a test CA (trustme), reached as
an operator's private deployment is: YIMA_ROBOT_HOSTS=localhost, YIMA_ROBOT_PRIVATE_OK=1 and
YIMA_ROBOT_CA_FILE (the `robot_settings` fixture). The mailbox is reached with
YIMA_NOTIFY_PRIVATE_OK=1, as a LAN relay would be.

DingTalk (open.dingtalk.com, "custom robot security settings"): the webhook is called with
`timestamp` (ms, within an hour of the robot's clock) and `sign`, the URL-encoded base64 of
HMAC-SHA256 keyed with the secret over "{timestamp}\\n{secret}"; a wrong one answers
{"errcode": 310000}. The body is {"msgtype": "markdown", "markdown": {"title", "text"}}.
WeCom (developer.work.weixin.qq.com, "group robot"): `key` in the query, the body
{"msgtype": "markdown", "markdown": {"content"}} of at most 4,096 bytes.
"""
import atexit
import base64
import hashlib
import hmac
import json
import shutil
import socket
import ssl
import tempfile
import threading
import time
import urllib.parse
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

DINGTALK_TOKEN = "d1ngt0ken" * 7
DINGTALK_SECRET = "SEC" + "5ecret" * 10
WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
HOUR_MS = 3600 * 1000
ROBOT_HOST = "localhost"  # the name the robots' certificate is for; it resolves to loopback
_CA = trustme.CA()
_CA_DIR = tempfile.mkdtemp(prefix="yima-robot-ca-")
atexit.register(shutil.rmtree, _CA_DIR, True)
CA_FILE = f"{_CA_DIR}/ca.pem"
_CA.cert_pem.write_to_path(CA_FILE)


def tls_server_context(name: str = ROBOT_HOST, ca: trustme.CA = _CA) -> ssl.SSLContext:
    """A server context with a certificate for `name` signed by `ca` (the test CA by default)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(context)
    return context


class Robot:
    """One robot webhook over TLS: `mode` "ok", "error" (HTTP 500 with a body), "garbled" (no
    HTTP answer), "hang" (no answer until released), "redirect" (302 to `location`), "huge"
    (a 200 whose body never ends) or "drip" (a status line a byte at a time); `delay` seconds
    before each answer. `accepted` holds (headers, body) of each message taken, `connections`
    counts every connection made, `server_names` every TLS server name (SNI) asked for."""

    INTERNAL = "internal detail: redis_version:7.2.4 role:master"  # what a body must never leak

    def __init__(self, kind: str, secret: str = "", context: ssl.SSLContext | None = None):
        self.kind, self.secret = kind, secret
        self.mode, self.delay, self.location = "ok", 0.0, ""
        self.accepted: list[tuple[dict, dict]] = []
        self.refused: list[str] = []
        self.connections, self.server_names = 0, []
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads, self.server.block_on_close = True, False
        context = context or tls_server_context()
        context.sni_callback = self._sni
        # The handshake happens in each handler's thread, not in the accepting one.
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True,
                                                 do_handshake_on_connect=False)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _sni(self, sslobj, name, context):
        with self.lock:
            self.server_names.append(name)

    @property
    def url(self) -> str:
        """The webhook as the service hands it out, its token in the query."""
        return self.url_at(ROBOT_HOST)

    def url_at(self, host: str) -> str:
        """The webhook with another spelling of this robot's host."""
        if self.kind == "dingtalk":
            return f"https://{host}:{self.port}/robot/send?access_token={DINGTALK_TOKEN}"
        return f"https://{host}:{self.port}/cgi-bin/webhook/send?key={WECOM_KEY}"

    def keys(self) -> list[str]:
        """The X-Yima-Message-Id of every message accepted, in order."""
        return [headers.get("X-Yima-Message-Id", "") for headers, _ in self.accepted]

    def texts(self) -> list[str]:
        """The markdown of every message accepted."""
        return [body["markdown"]["text" if self.kind == "dingtalk" else "content"] for _, body in self.accepted]

    def answer(self, path: str, headers: dict, raw: bytes) -> dict:
        """What the service answers to one POST (HTTP 200), recording the ones it takes."""
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
        if not headers.get("Content-Type", "").startswith("application/json"):
            return self._refuse(40035, "content type")
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            return self._refuse(40035, "not json")
        if self.kind == "dingtalk":
            problem = self._dingtalk(query, body)
        else:
            problem = self._wecom(query, body)
        if problem:
            return self._refuse(*problem)
        with self.lock:
            self.accepted.append((headers, body))
        return {"errcode": 0, "errmsg": "ok"}

    def _dingtalk(self, query: dict, body: dict):
        if query.get("access_token") != [DINGTALK_TOKEN]:
            return 300001, "token is not exist"
        if self.secret:
            timestamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
            if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > HOUR_MS:
                return 310000, "timestamp out of range"
            digest = hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(sign, base64.b64encode(digest).decode()):
                return 310000, "sign not match"
        markdown = body.get("markdown")
        if (set(body) != {"msgtype", "markdown"} or body["msgtype"] != "markdown" or not isinstance(markdown, dict)
                or set(markdown) != {"title", "text"} or not all(isinstance(v, str) and v for v in markdown.values())):
            return 40035, "invalid markdown body"
        return None

    def _wecom(self, query: dict, body: dict):
        if query.get("key") != [WECOM_KEY]:
            return 93000, "invalid webhook url"
        markdown = body.get("markdown")
        if (set(body) != {"msgtype", "markdown"} or body["msgtype"] != "markdown" or not isinstance(markdown, dict)
                or set(markdown) != {"content"} or not isinstance(markdown["content"], str)):
            return 40008, "invalid message type"
        if len(markdown["content"].encode("utf-8")) > 4096:
            return 40058, "content exceed max length"
        return None

    def _refuse(self, code: int, why: str) -> dict:
        with self.lock:
            self.refused.append(why)
        return {"errcode": code, "errmsg": why}

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _handler(robot: Robot):
    class Handler(BaseHTTPRequestHandler):
        def setup(self):
            with robot.lock:
                robot.connections += 1
            try:
                self.request.do_handshake()
            except (OSError, ssl.SSLError):
                pass  # a client that refused our certificate: reading below finds nothing
            super().setup()

        def handle(self):
            try:
                super().handle()
            except (OSError, ssl.SSLError):
                pass

        def do_POST(self):  # noqa: N802 - http.server's name
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if robot.mode == "hang":
                robot.release.wait(10)
                return  # the sender gave up long ago: close without an answer
            if robot.delay:
                time.sleep(robot.delay)
            if robot.mode == "error":
                self._send(500, robot.INTERNAL.encode())
                return
            if robot.mode == "redirect":
                self.send_response(302)
                self.send_header("Location", robot.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if robot.mode == "huge":  # an answer without end, until the sender hangs up
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                chunk = b'{"errcode": 0, "pad": "' + b"x" * 65536
                while not robot.release.is_set():
                    self.wfile.write(chunk)
                return
            if robot.mode == "drip":  # a byte at a time, each well inside a read's timeout
                for byte in b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 1000:
                    if robot.release.is_set():
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.05)
                return
            if robot.mode == "garbled":  # not HTTP at all (a misconfigured proxy, another service)
                self.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\n")
                return
            answer = robot.answer(self.path, dict(self.headers.items()), raw)
            if answer.get("errcode"):
                answer["errmsg"] += f" ({robot.INTERNAL})"
            self._send(200, json.dumps(answer).encode())

        def _send(self, status: int, body: bytes):
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass

        def log_message(self, *args):  # keep the test output clean
            pass

    return Handler


class Mailbox:
    """An SMTP server (aiosmtpd) on loopback; `messages` are the parsed e-mails it took, with
    the envelope's `mail_from` and `rcpt_tos`."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages, self.envelopes = [], []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                policy=policy.default))
        return "250 Message accepted for delivery"

    def close(self) -> None:
        self.controller.stop()


def free_port() -> int:
    """A loopback port nothing listens on (just released by the kernel)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def robot_settings(notify_config):
    """The app reaching the loopback robots as an operator's private deployment: the host
    named, private addresses allowed for it, the test CA trusted."""
    notify_config(ROBOT_HOSTS=(ROBOT_HOST,), ROBOT_PRIVATE_OK=True, ROBOT_CA_FILE=CA_FILE)


@pytest.fixture
def dingtalk_robot(robot_settings):
    """A signed DingTalk robot (secret DINGTALK_SECRET)."""
    robot = Robot("dingtalk", DINGTALK_SECRET)
    yield robot
    robot.close()


@pytest.fixture
def wecom_robot(robot_settings):
    """A WeCom group robot."""
    robot = Robot("wecom")
    yield robot
    robot.close()


@pytest.fixture
def mailbox(app, notify_config):
    """An SMTP server, and the app sending to it from yima@yuyao.example.gov.cn (a relay on
    loopback: allowed by YIMA_NOTIFY_PRIVATE_OK, as a LAN relay is)."""
    box = Mailbox()
    notify_config(SMTP_URL=box.url, MAIL_FROM="yima@yuyao.example.gov.cn", NOTIFY_PRIVATE_OK=True)
    yield box
    box.close()


@pytest.fixture
def notify_config(app):
    """Set app.config keys for one test (NOTIFY_TIMEOUT, NOTIFY_MAX_ATTEMPTS...), restored after."""
    saved = {}

    def set_(**values):
        for name, value in values.items():
            saved.setdefault(name, app.config[name])
            app.config[name] = value

    yield set_
    app.config.update(saved)
