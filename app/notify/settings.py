"""Where the settings send messages (YIMA_SMTP_URL, YIMA_SMS_URL, Tencent's endpoint,
YIMA_ROBOT_HOSTS), checked when the app starts: one that points at something the operator
surely did not mean stops the start with a message saying which setting and why.

- Never: a link-local address (the cloud metadata service at 169.254.169.254), a metadata
  service, an unspecified, multicast or reserved address, a scheme the sender does not speak.
- Only with YIMA_NOTIFY_PRIVATE_OK=1: loopback and private addresses for SMTP, SMS and
  Tencent (a LAN relay, a local postfix, a gateway in the government network), and plain http
  for the SMS gateway and Tencent's API (a LAN gateway often has no certificate).
- Only with YIMA_ROBOT_PRIVATE_OK=1: a robot host the operator named that is loopback or private.

A host given by name is not looked up here (DNS may be down while the node starts): each
send resolves it and checks every address (app/notify/delivery.py).
"""
import re
import ssl
import urllib.parse

from app.core.serving import UnsafeConfiguration
from app.domain.egress import address_refusal, literal_address
from app.notify.delivery import Reach, tls_context

SMTP_SCHEMES = ("smtp", "smtp+starttls", "smtps")
HTTP_SCHEMES = ("http", "https")
_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


def settings_reach(config) -> Reach:
    """How far the settings' own servers (SMTP, the SMS gateway, Tencent) may be reached."""
    private = bool(config["NOTIFY_PRIVATE_OK"])
    return Reach(private_ok=private, plain_http=private)


def check_settings(config) -> None:
    """Raise UnsafeConfiguration for the first setting that points where it must not."""
    private = bool(config["NOTIFY_PRIVATE_OK"])
    if config["SMTP_URL"]:
        _check_url("YIMA_SMTP_URL", config["SMTP_URL"], SMTP_SCHEMES, private, "YIMA_NOTIFY_PRIVATE_OK")
    if config["SMS_URL"]:
        _check_url("YIMA_SMS_URL", config["SMS_URL"], HTTP_SCHEMES, private, "YIMA_NOTIFY_PRIVATE_OK")
    scheme = config["TENCENT_SCHEME"]
    _check_url("YIMA_TENCENT_ENDPOINT", f"{scheme}://{config['TENCENT_ENDPOINT']}", HTTP_SCHEMES, private,
               "YIMA_NOTIFY_PRIVATE_OK", setting_of_scheme="YIMA_TENCENT_SCHEME")
    for host in config["ROBOT_HOSTS"]:
        if not (_NAME.match(host) or literal_address(host)) or len(host) > 253:
            raise UnsafeConfiguration(f"YIMA_ROBOT_HOSTS: {host!r} is not a host name")
        _check_host("YIMA_ROBOT_HOSTS", host, bool(config["ROBOT_PRIVATE_OK"]), "YIMA_ROBOT_PRIVATE_OK")
    if config["ROBOT_CA_FILE"]:
        try:
            tls_context(config["ROBOT_CA_FILE"])
        except (OSError, ssl.SSLError):
            raise UnsafeConfiguration(f"YIMA_ROBOT_CA_FILE: {config['ROBOT_CA_FILE']} is not a readable "
                                      "PEM file of CA certificates") from None


def _check_url(setting: str, value: str, schemes: tuple, private: bool, switch: str,
               setting_of_scheme: str = "") -> None:
    try:
        url = urllib.parse.urlsplit(value)
        url.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise UnsafeConfiguration(f"{setting} is not a valid URL") from None
    if url.scheme not in schemes:
        raise UnsafeConfiguration(f"{setting_of_scheme or setting}: the scheme must be one of "
                                  f"{', '.join(schemes)}, not {url.scheme!r}")
    if not url.hostname:
        raise UnsafeConfiguration(f"{setting} names no host")
    if url.scheme == "http" and not private:
        raise UnsafeConfiguration(f"{setting_of_scheme or setting}: plain http sends citizens' numbers in "
                                  f"clear; use https, or set {switch}=1 for a gateway inside the network")
    _check_host(setting, url.hostname, private, switch)


def _check_host(setting: str, host: str, private: bool, switch: str) -> None:
    address = literal_address(host)
    if address is None or address_refusal(address, private) is None:
        return
    if address_refusal(address, True):
        raise UnsafeConfiguration(f"{setting}: {host} ({address}) is a link-local, metadata, multicast, "
                                  "unspecified or reserved address, never a mail or message server")
    raise UnsafeConfiguration(f"{setting}: {host} ({address}) is a loopback or private address; "
                              f"set {switch}=1 if a server there is meant")
