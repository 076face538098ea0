"""Real servers on loopback for the units' channels: a DingTalk custom robot and a WeCom group
robot (threading HTTP servers that check the signature and the body as each service
documents them), and an SMTP server (aiosmtpd). Each records what it accepted.

DingTalk (open.dingtalk.com, "custom robot security settings"): the webhook is called with
`timestamp` (ms, within an hour of the robot's clock) and `sign`, the URL-encoded base64 of
HMAC-SHA256 keyed with the secret over "{timestamp}\\n{secret}"; a wrong one answers
{"errcode": 310000}. The body is {"msgtype": "markdown", "markdown": {"title", "text"}}.
WeCom (developer.work.weixin.qq.com, "group robot"): `key` in the query, the body
{"msgtype": "markdown", "markdown": {"content"}} of at most 4,096 bytes.
"""
import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

DINGTALK_TOKEN = "d1ngt0ken" * 7
DINGTALK_SECRET = "SEC" + "5ecret" * 10
WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
HOUR_MS = 3600 * 1000


class Robot:
    """One robot webhook: `mode` "ok", "error" (HTTP 500), "garbled" (no HTTP answer) or "hang"
    (no answer until released); `delay` seconds before each answer. `accepted` holds (headers, body) of each message taken."""

    def __init__(self, kind: str, secret: str = ""):
        self.kind, self.secret = kind, secret
        self.mode, self.delay = "ok", 0.0
        self.accepted: list[tuple[dict, dict]] = []
        self.refused: list[str] = []
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads, self.server.block_on_close = True, False
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The webhook as the service hands it out, its token in the query."""
        if self.kind == "dingtalk":
            return f"http://127.0.0.1:{self.port}/robot/send?access_token={DINGTALK_TOKEN}"
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key={WECOM_KEY}"

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
        def do_POST(self):  # noqa: N802 - http.server's name
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if robot.mode == "hang":
                robot.release.wait(10)
                return  # the sender gave up long ago: close without an answer
            if robot.delay:
                time.sleep(robot.delay)
            if robot.mode == "error":
                self._send(500, b"internal error")
                return
            if robot.mode == "garbled":  # not HTTP at all (a misconfigured proxy, another service)
                self.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\n")
                return
            answer = robot.answer(self.path, dict(self.headers.items()), raw)
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
def dingtalk_robot():
    """A signed DingTalk robot (secret DINGTALK_SECRET)."""
    robot = Robot("dingtalk", DINGTALK_SECRET)
    yield robot
    robot.close()


@pytest.fixture
def wecom_robot():
    """A WeCom group robot."""
    robot = Robot("wecom")
    yield robot
    robot.close()


@pytest.fixture
def mailbox(app):
    """An SMTP server, and the app sending to it from yima@yuyao.example.gov.cn."""
    box = Mailbox()
    saved = app.config["SMTP_URL"], app.config["MAIL_FROM"]
    app.config["SMTP_URL"], app.config["MAIL_FROM"] = box.url, "yima@yuyao.example.gov.cn"
    yield box
    app.config["SMTP_URL"], app.config["MAIL_FROM"] = saved
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
