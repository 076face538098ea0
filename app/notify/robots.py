"""Units' group robots: a DingTalk custom robot (浙政钉 works the same way) and a WeCom
(企业微信) group robot, each sent a markdown message to its webhook URL.

DingTalk's signed robots take `timestamp` (milliseconds) and `sign`: the base64 of the
HMAC-SHA256 of "{timestamp}\\n{secret}" keyed with the secret, URL-encoded, added to the URL.
Both answer HTTP 200 with {"errcode": 0} when they took the message.
"""
import base64
import hashlib
import hmac
import time
import urllib.parse

from app.models import OutboxMessage, UnitChannel
from app.notify.delivery import Undelivered, answer_json, post_json


def dingtalk_url(webhook: str, secret: str, now_ms: int | None = None) -> str:
    """The webhook URL with DingTalk's signature when the robot has a secret."""
    if not secret:
        return webhook
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if urllib.parse.urlsplit(webhook).query else "?"
    return f"{webhook}{joiner}timestamp={timestamp}&sign={sign}"


def send_dingtalk(message: OutboxMessage, channel: UnitChannel, timeout: float) -> None:
    """Deliver to a DingTalk robot."""
    payload = {"msgtype": "markdown", "markdown": {"title": message.subject, "text": message.body}}
    _, body = post_json(dingtalk_url(channel.target, channel.secret), payload, timeout,
                        {"X-Yima-Message-Id": message.key})
    _accepted(body)


def send_wecom(message: OutboxMessage, channel: UnitChannel, timeout: float) -> None:
    """Deliver to a WeCom group robot (its markdown takes at most 4,096 bytes)."""
    content = message.body.encode("utf-8")[:4096].decode("utf-8", "ignore")
    _, body = post_json(channel.target, {"msgtype": "markdown", "markdown": {"content": content}}, timeout,
                        {"X-Yima-Message-Id": message.key})
    _accepted(body)


def _accepted(body: bytes) -> None:
    answer = answer_json(body)
    if answer.get("errcode", 0) != 0:
        raise Undelivered(f"robot refused: {answer.get('errcode')} {str(answer.get('errmsg', ''))[:200]}")
