"""Units' group robots: a DingTalk custom robot (浙政钉 works the same way) and a WeCom
(企业微信) group robot, each sent a markdown message to its webhook URL.

DingTalk's signed robots take `timestamp` (milliseconds) and `sign`: the base64 of the
HMAC-SHA256 of "{timestamp}\\n{secret}" keyed with the secret, URL-encoded, added to the URL.
Both answer HTTP 200 with {"errcode": 0} when they took the message.

Each send checks the channel's address again by the rules the admins' page applied
(app/domain/egress.py): a channel saved before them, or a setting changed since, reaches
nothing it may not.
"""
import base64
import hashlib
import hmac
import time
import urllib.parse

from app.models import OutboxMessage, UnitChannel
from app.domain.egress import is_operator_host, robot_url_problem
from app.notify.delivery import REFUSED, Reach, Undelivered, answer_json, post_json


def dingtalk_url(webhook: str, secret: str, now_ms: int | None = None) -> str:
    """The webhook URL with DingTalk's signature when the robot has a secret."""
    if not secret:
        return webhook
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if urllib.parse.urlsplit(webhook).query else "?"
    return f"{webhook}{joiner}timestamp={timestamp}&sign={sign}"


def robot_reach(target: str, kind: str, config) -> Reach:
    """How far a `kind` robot's webhook may reach (Undelivered if its address breaks the
    rules): public addresses over https, with the operator's CA if any; loopback and private
    ones only for a host the operator named, and only with YIMA_ROBOT_PRIVATE_OK."""
    if robot_url_problem(target, kind, config["ROBOT_HOSTS"]):
        raise Undelivered(REFUSED)
    private = bool(config["ROBOT_PRIVATE_OK"]) and is_operator_host(target, config["ROBOT_HOSTS"])
    return Reach(private_ok=private, cafile=config["ROBOT_CA_FILE"])


def send_dingtalk(message: OutboxMessage, channel: UnitChannel, config) -> None:
    """Deliver to a DingTalk robot."""
    reach = robot_reach(channel.target, "dingtalk", config)
    payload = {"msgtype": "markdown", "markdown": {"title": message.subject, "text": message.body}}
    _, body = post_json(dingtalk_url(channel.target, channel.secret), payload, config["NOTIFY_TIMEOUT"],
                        {"X-Yima-Message-Id": message.key}, reach)
    _accepted(body)


def send_wecom(message: OutboxMessage, channel: UnitChannel, config) -> None:
    """Deliver to a WeCom group robot (its markdown takes at most 4,096 bytes)."""
    reach = robot_reach(channel.target, "wecom", config)
    content = message.body.encode("utf-8")[:4096].decode("utf-8", "ignore")
    _, body = post_json(channel.target, {"msgtype": "markdown", "markdown": {"content": content}},
                        config["NOTIFY_TIMEOUT"], {"X-Yima-Message-Id": message.key}, reach)
    _accepted(body)


def _accepted(body: bytes) -> None:
    """errcode 0, else a failure naming the code alone: the errmsg is the remote's own text."""
    code = answer_json(body).get("errcode", 0)
    if code != 0:
        shown = code if isinstance(code, int) and not isinstance(code, bool) else "?"
        raise Undelivered(f"robot refused the message (errcode {shown})")
