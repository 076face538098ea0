"""Citizens' SMS, through the provider YIMA_SMS_PROVIDER names:

- `log` (the default): nothing leaves the machine; the message is kept in the outbox and
  shown on the admin outbox page, so a demo or a county without a gateway loses nothing.
- `http`: a government SMS gateway. A JSON POST {"to", "text", "id"} to YIMA_SMS_URL with
  `X-Yima-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed with YIMA_SMS_SECRET>`;
  any 2xx is accepted. `id` is the outbox key: the gateway may drop a repeat by it. Over
  https to a public address, unless YIMA_NOTIFY_PRIVATE_OK admits a gateway inside the network
  (app/notify/settings.py).
- `tencent`: Tencent Cloud SMS through its official SDK, one approved template per topic
  (app/notify/tencent.py).
"""
import hashlib
import hmac
import json
import logging

from app.domain import phones
from app.models import OutboxMessage
from app.notify.delivery import Undelivered, post_bytes
from app.notify.settings import settings_reach
from app.notify.tencent import send_tencent

log = logging.getLogger("yima.notify")


def signature(body: bytes, secret: str) -> str:
    """The X-Yima-Signature header's value for a body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def send_log(message: OutboxMessage, config) -> None:
    """Keep it: the admin outbox page shows it; the log line names no number."""
    log.info("sms kept (provider log)", extra={"outbox_id": message.id, "to": phones.masked(message.phone)})


def send_http(message: OutboxMessage, config) -> None:
    """POST it to the gateway, signed."""
    if not config["SMS_URL"] or not config["SMS_SECRET"]:
        raise Undelivered("YIMA_SMS_URL and YIMA_SMS_SECRET must both be set")
    body = json.dumps({"to": message.phone, "text": message.body, "id": message.key},
                      ensure_ascii=False).encode("utf-8")
    post_bytes(config["SMS_URL"], body, config["NOTIFY_TIMEOUT"],
               {"X-Yima-Signature": signature(body, config["SMS_SECRET"])}, settings_reach(config))


PROVIDERS = {"log": send_log, "http": send_http, "tencent": send_tencent}


def send_sms(message: OutboxMessage, config) -> None:
    """Deliver one SMS by the configured provider."""
    provider = PROVIDERS.get(config["SMS_PROVIDER"])
    if provider is None:
        raise Undelivered(f"unknown YIMA_SMS_PROVIDER {config['SMS_PROVIDER']!r}")
    if not message.phone:
        raise Undelivered("no phone: the case's personal data was purged")
    provider(message, config)
