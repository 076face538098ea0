"""The `tencent` SMS provider: Tencent Cloud SMS (SendSms, API 2021-01-11) through its
official SDK (tencentcloud-sdk-python-sms), which signs each request (TC3-HMAC-SHA256).

A Tencent SMS is an approved template filled with an ordered list of parameters, so the
county approves one template per topic (its text is the Chinese message of app/notify/texts.py
with {1}, {2} ... where TEMPLATE_PARAMS puts the values) and names them in
YIMA_TENCENT_SMS_TEMPLATES ("receipt=123,accepted=456"; "receipt.en=789" for those who filed
in English, else they get the Chinese template; a review's topic, "review_replied" say, takes
its plain topic's template, "replied", until the county approves its own). The outbox key
rides in SessionContext, which Tencent hands back in its status reports, so a repeat can be
told from a new message.
"""
import json
import re
import urllib.parse
from functools import lru_cache

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from app.domain import phones
from app.domain.tellings import BASE_TOPIC
from app.models import OutboxMessage
from app.notify.delivery import Undelivered, resolve
from app.notify.settings import settings_reach

# Each citizen topic's template parameters, in order: the values its message names, in the
# order the Chinese message names them (OutboxMessage.params holds code, link, unit, reason, date).
TEMPLATE_PARAMS: dict[str, tuple[str, ...]] = {
    "receipt": ("code", "link"),
    "accepted": ("code", "unit", "date", "link"),
    "rejected": ("code", "reason", "link"),
    "forwarded": ("code", "unit", "link"),
    "returned": ("code", "link"),
    "extended": ("code", "date", "reason", "link"),
    "replied": ("code", "date", "link"),
    "merged": ("code", "link"),
    "review_requested": ("code", "unit", "date", "link"),
    "re_review_requested": ("code", "unit", "date", "link"),
    "review_replied": ("code", "date", "link"),
    "re_review_replied": ("code", "date", "link"),
    "closed": ("code", "link"),
}

CODE = re.compile(r"[A-Za-z0-9_.]{1,80}")  # Tencent's error codes (FailedOperation.SignatureIncorrect)
REQUIRED = ("TENCENT_SECRET_ID", "TENCENT_SECRET_KEY", "TENCENT_SMS_APP_ID", "TENCENT_SMS_SIGN")


def templates(setting: str) -> dict[str, str]:
    """YIMA_TENCENT_SMS_TEMPLATES ("receipt=123,accepted=456") as topic -> template id."""
    found = {}
    for pair in filter(None, (part.strip() for part in setting.split(","))):
        topic, _, template_id = (half.strip() for half in pair.partition("="))
        if not topic or not template_id.isdigit():
            raise Undelivered(f"YIMA_TENCENT_SMS_TEMPLATES: {pair!r} is not topic=templateId")
        found[topic] = template_id
    return found


def template_of(message: OutboxMessage, setting: str) -> str:
    """The template id for a message: its topic's in its language, else its topic's; then the
    same for its plain topic (a review's answer sent on the "replied" template)."""
    known = templates(setting)
    language = (message.language or "").split("_")[0]
    topics = [message.topic] + ([BASE_TOPIC[message.topic]] if message.topic in BASE_TOPIC else [])
    template_id = next((known[name] for topic in topics for name in (f"{topic}.{language}", topic)
                        if name in known), None)
    if template_id is None:
        raise Undelivered(f"no Tencent SMS template for topic {message.topic!r}: add it to YIMA_TENCENT_SMS_TEMPLATES")
    return template_id


def _values(message: OutboxMessage) -> dict:
    try:
        values = json.loads(message.params or "{}")
    except ValueError:
        raise Undelivered("the message's params are not JSON") from None
    return values if isinstance(values, dict) else {}


@lru_cache(maxsize=4)
def _client(secret_id: str, secret_key: str, region: str, endpoint: str, scheme: str,
            timeout: float) -> sms_client.SmsClient:
    """One client per settings, kept: it keeps its connections to the API open."""
    http = HttpProfile(protocol=scheme, endpoint=endpoint, reqTimeout=timeout)
    return sms_client.SmsClient(credential.Credential(secret_id, secret_key), region, ClientProfile(httpProfile=http))


def send_tencent(message: OutboxMessage, config) -> None:
    """Send one SMS by Tencent Cloud; Undelivered with Tencent's code if it did not go."""
    missing = [f"YIMA_{name}" for name in REQUIRED if not config[name]]
    if missing:
        raise Undelivered(", ".join(missing) + " must be set for YIMA_SMS_PROVIDER=tencent")
    if message.topic not in TEMPLATE_PARAMS:
        raise Undelivered(f"topic {message.topic!r} is not a citizen's SMS")
    if not phones.is_mobile(message.phone):
        raise Undelivered("not a mobile number")
    _check_endpoint(config)
    request = models.SendSmsRequest()
    request.PhoneNumberSet = ["+86" + message.phone]
    request.SmsSdkAppId = config["TENCENT_SMS_APP_ID"]
    request.SignName = config["TENCENT_SMS_SIGN"]
    request.TemplateId = template_of(message, config["TENCENT_SMS_TEMPLATES"])
    values = _values(message)
    request.TemplateParamSet = [str(values.get(name) or "") for name in TEMPLATE_PARAMS[message.topic]]
    request.SessionContext = message.key
    try:  # a key with a stray space, refused, timed out, or an Error answer (a bad signature...)
        client = _client(config["TENCENT_SECRET_ID"], config["TENCENT_SECRET_KEY"], config["TENCENT_REGION"],
                         config["TENCENT_ENDPOINT"], config["TENCENT_SCHEME"], float(config["NOTIFY_TIMEOUT"]))
        answer = client.SendSms(request)
    except TencentCloudSDKException as error:
        raise Undelivered(f"Tencent SMS {_code(error.get_code())}") from None
    status = (answer.SendStatusSet or [None])[0]
    if status is None:
        raise Undelivered("Tencent SMS answered without a send status")
    if status.Code != "Ok":
        raise Undelivered(f"Tencent SMS {_code(status.Code)}")


def _code(code) -> str:
    """Tencent's error code, which says the kind; its message is the remote's own words."""
    return code if isinstance(code, str) and CODE.fullmatch(code) else "error"


def _check_endpoint(config) -> None:
    """The endpoint's name resolves to allowed addresses only (the SDK connects by itself,
    so this checks, it cannot pin: the setting is the operator's, not an admin's)."""
    try:
        url = urllib.parse.urlsplit(f"//{config['TENCENT_ENDPOINT']}")
        port = url.port or (80 if config["TENCENT_SCHEME"] == "http" else 443)
    except ValueError:
        raise Undelivered("YIMA_TENCENT_ENDPOINT is not host[:port]") from None
    reach = settings_reach(config)
    if config["TENCENT_SCHEME"] != "https" and not reach.plain_http:
        raise Undelivered("refused: https only")
    resolve(url.hostname or "", port, reach.private_ok)
