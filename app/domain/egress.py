"""Where the node may connect when it tells people: the rules for a robot's webhook address and
for an address a name resolves to, shared by the admins' page, the command line, the start
checks and every sender.

An admin types a robot's address, so it is the way an outsider who holds an admin's account
(or tricks one) would make the node talk to its own network: Redis on loopback, a metadata
service, a LAN box. A robot address is therefore https, to the host its service documents or
to a host the operator names (YIMA_ROBOT_HOSTS); every address a name resolves to must be a
public one, unless an explicit setting admits private ones for the hosts the operator named.
"""
import ipaddress
import socket
import urllib.parse
from typing import Optional

# The hosts each service's documentation gives its robot webhooks (DingTalk's custom robot,
# WeCom's group robot); each listens on 443 only.
DOCUMENTED_ROBOT_HOSTS = {"dingtalk": "oapi.dingtalk.com", "wecom": "qyapi.weixin.qq.com"}
URL_MAX = 500  # the column
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
# Cloud metadata services outside the link-local block, refused even in private mode: Alibaba
# Cloud's (in the shared 100.64/10 space; the 政务云 of many counties) and AWS's IPv6 one.
METADATA = (ipaddress.ip_network("100.100.100.200/32"), ipaddress.ip_network("fd00:ec2::254/128"))
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # a NAT64 gateway turns these into the IPv4 in the low bits


def robot_url_problem(text: str, kind: str, operator_hosts: tuple[str, ...] = ()) -> Optional[str]:
    """Why `text` cannot be a `kind` robot's webhook: "url" (not an https URL a request line
    can carry), "host" (not the service's documented host nor one the operator named); None
    if it can. The documented hosts take the default port only."""
    if not text or len(text) > URL_MAX or not text.isascii() or any(ch.isspace() or not ch.isprintable()
                                                                     for ch in text):
        return "url"
    try:
        url = urllib.parse.urlsplit(text)
        port = url.port
    except ValueError:
        return "url"
    if url.scheme != "https" or not url.hostname or "\\" in url.netloc:
        return "url"
    if "@" in url.netloc or url.fragment:
        return "host"  # user@host hides the host from a reader; a robot takes neither
    if url.hostname in operator_hosts:
        return None
    if url.hostname == DOCUMENTED_ROBOT_HOSTS.get(kind) and port in (None, 443):
        return None
    return "host"


def is_operator_host(url: str, operator_hosts: tuple[str, ...]) -> bool:
    """Whether a (checked) robot URL's host is one the operator named."""
    return urllib.parse.urlsplit(url).hostname in operator_hosts


def address_refusal(address: str, private_ok: bool = False) -> Optional[str]:
    """Why the node may not connect to this IP address, or None. Never: link-local (cloud
    metadata at 169.254.169.254), multicast, unspecified, reserved, a metadata service. Only
    with `private_ok`: loopback and other non-public addresses (RFC 1918, ULA, shared 100.64/10).
    An IPv4 address written in IPv6 (mapped, 6to4, Teredo, NAT64) is judged as that IPv4 address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an address"
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if ip in NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            return address_refusal(str(inner), private_ok)
    if ip.is_loopback:  # before is_reserved, which IPv6's ::1 also is
        return None if private_ok else "address not allowed"
    if (ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved
            or any(ip in net for net in METADATA) or str(ip) == "255.255.255.255"):
        return "address not allowed"
    if not ip.is_global and not private_ok:
        return "address not allowed"
    return None


def literal_address(host: str) -> Optional[str]:
    """The IP address a host names without asking DNS: an IP in any spelling the C library
    accepts (2130706433, 0x7f.1, 017700000001, [::1]) or a loopback name; else None."""
    host = host.strip("[]").rstrip(".").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return "127.0.0.1"
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        pass
    try:  # inet_aton takes the old short, decimal, octal and hex forms, as a URL fetcher would
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None
