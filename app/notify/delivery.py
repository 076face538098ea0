"""What every sender shares: the failure a sender reports, where it may connect, and one HTTP
POST of JSON to the address that was checked.

A name is resolved once per send and every address it gives is checked
(app/domain/egress.py); the connection goes to one of those addresses, with the name as the
Host and the TLS server name, so a DNS answer that changes between the check and the
connection (rebinding) reaches nothing new. No redirect is followed, the whole exchange has
one time bound, and at most MAX_ANSWER bytes are read. A failure says what kind it was, never
what the remote sent: staff read it on /staff/outbox, and an answer from a service inside the
network would otherwise come back to whoever chose the address.
"""
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass

from app.domain.egress import address_refusal

MAX_ANSWER = 64 * 1024  # a robot's or gateway's answer is a line of JSON
REFUSED = "refused: address not allowed"


class Undelivered(Exception):
    """A delivery failed; the worker tries the message again later (app/notify/worker.py)."""


@dataclass(frozen=True)
class Reach:
    """How far one delivery may go: `private_ok` admits loopback and private addresses,
    `plain_http` an http:// URL, `cafile` a CA trusted besides the system's (a private
    deployment's own)."""

    private_ok: bool = False
    plain_http: bool = False
    cafile: str = ""


def resolve(host: str, port: int, private_ok: bool) -> list[tuple]:
    """Resolve `host` once; its (family, sockaddr) pairs if every one is allowed, else
    Undelivered. One refused address refuses them all: a name that also points inside is
    not a robot's."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError):  # gaierror is an OSError
        raise Undelivered("name not found") from None
    if not found or any(address_refusal(str(sockaddr[0]), private_ok) for *_, sockaddr in found):
        raise Undelivered(REFUSED)
    return [(family, sockaddr) for family, _, _, _, sockaddr in found]


def connect(addresses: list[tuple], deadline: float) -> socket.socket:
    """A TCP connection to the first of the checked addresses that answers before `deadline`."""
    failure: OSError = TimeoutError()
    for family, sockaddr in addresses:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(left)
        try:
            sock.connect(sockaddr)
            return sock
        except OSError as error:
            sock.close()
            failure = error
    raise failure


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to a checked address, the name in the Host header."""

    def __init__(self, host, port, addresses, deadline):
        super().__init__(host, port, timeout=max(deadline - time.monotonic(), 0.001))
        self._addresses, self._deadline = addresses, deadline

    def connect(self):
        self.sock = connect(self._addresses, self._deadline)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address; the certificate is verified for the name (SNI and Host)."""

    def __init__(self, host, port, addresses, deadline, context):
        super().__init__(host, port, timeout=max(deadline - time.monotonic(), 0.001), context=context)
        self._addresses, self._deadline = addresses, deadline

    def connect(self):
        self.sock = self._context.wrap_socket(connect(self._addresses, self._deadline), server_hostname=self.host)


def tls_context(cafile: str = "") -> ssl.SSLContext:
    """The system's CAs, and `cafile`'s too when given; names and certificates checked."""
    context = ssl.create_default_context()
    if cafile:
        context.load_verify_locations(cafile)
    return context


def post_json(url: str, payload: dict, timeout: float, headers: dict | None = None,
              reach: Reach = Reach()) -> tuple[int, bytes]:
    """POST `payload` as UTF-8 JSON; the status and body of a 2xx answer, else Undelivered."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return post_bytes(url, body, timeout, headers, reach)


def post_bytes(url: str, body: bytes, timeout: float, headers: dict | None = None,
               reach: Reach = Reach()) -> tuple[int, bytes]:
    """POST a JSON body exactly as given (a signature covers these bytes), within `timeout`
    seconds in all; the status and body of a 2xx answer, else Undelivered naming the kind."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Undelivered("not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Undelivered("not a valid URL")
    if parts.scheme == "http" and not reach.plain_http:
        raise Undelivered("refused: https only")
    deadline = time.monotonic() + timeout
    addresses = resolve(parts.hostname, port, reach.private_ok)
    if parts.scheme == "https":
        try:
            context = tls_context(reach.cafile)
        except (OSError, ssl.SSLError):
            raise Undelivered("TLS failed: the CA file cannot be read") from None
        conn = _PinnedHTTPS(parts.hostname, port, addresses, deadline, context)
    else:
        conn = _PinnedHTTP(parts.hostname, port, addresses, deadline)
    cut = _Watchdog(conn, deadline)
    try:
        conn.request("POST", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), body=body, headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "Yima-notify", **(headers or {})})
        response = conn.getresponse()
        if cut.fired:  # a cut can also look like an answer that simply ended
            raise Undelivered("timed out")
        if 300 <= response.status < 400:
            raise Undelivered("redirect refused")  # a redirect could point anywhere, inside too
        if not 200 <= response.status < 300:
            raise Undelivered(f"HTTP {response.status}")
        data = response.read(MAX_ANSWER + 1)
        if cut.fired:
            raise Undelivered("timed out")
        if len(data) > MAX_ANSWER:
            raise Undelivered("answer too large")
        return response.status, data
    except Undelivered:
        raise
    # Each failure is a delivery to try again, never a crash of the worker; the watchdog's cut
    # shows up as any of them, so it is asked first.
    except Exception as error:  # noqa: BLE001 - classified below, re-raised as Undelivered
        raise Undelivered(_kind(error, cut.fired)) from None
    finally:
        cut.cancel()
        conn.close()


def _kind(error: Exception, timed_out: bool) -> str:
    if timed_out or isinstance(error, TimeoutError):  # socket.timeout is TimeoutError
        return "timed out"
    if isinstance(error, ssl.SSLError):  # a certificate for another name, no TLS at all...
        return "TLS failed"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, http.client.HTTPException):  # not HTTP, cut short, headers too long
        return f"not an HTTP answer ({type(error).__name__})"
    if isinstance(error, OSError):
        return "connection failed"
    return f"failed ({type(error).__name__})"


class _Watchdog:
    """Closes a connection's socket at its deadline: a server that answers a byte at a time
    would otherwise hold the sender for a timeout per read."""

    def __init__(self, conn: http.client.HTTPConnection, deadline: float):
        self.conn, self.fired = conn, False
        self.timer = threading.Timer(max(deadline - time.monotonic(), 0), self._cut)
        self.timer.daemon = True
        self.timer.start()

    def _cut(self):
        self.fired = True
        sock = self.conn.sock
        if sock is not None:
            try:  # the plain socket's shutdown: an SSL socket's own would drop its state under the reader
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self):
        self.timer.cancel()


def answer_json(body: bytes) -> dict:
    """A JSON answer, or Undelivered if it is not one."""
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeError, ValueError):
        raise Undelivered("the answer was not JSON") from None
    if not isinstance(answer, dict):
        raise Undelivered("the answer was not a JSON object")
    return answer
