"""E-mail to a unit's address over SMTP (YIMA_SMTP_URL: smtp://host:port, smtp+starttls://,
or smtps://, with user:password@ when the server asks for them), from YIMA_MAIL_FROM.

The server's name is resolved once per e-mail and each address checked as a robot's are
(app/notify/delivery.py): a LAN relay or a local one needs YIMA_NOTIFY_PRIVATE_OK.
"""
import smtplib
import ssl
import urllib.parse
from email.message import EmailMessage
from email.utils import formatdate

from app.models import OutboxMessage, UnitChannel
from app.notify.delivery import Undelivered, resolve
from app.notify.settings import SMTP_SCHEMES, settings_reach


def build(message: OutboxMessage, to: str, sender: str) -> EmailMessage:
    """The e-mail: plain text (the markdown reads as text), its Message-ID the outbox key."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, message.subject
    mail["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2] or "yima"
    mail["Message-ID"] = f"<{message.key.replace(':', '.')}@{domain}>"  # the receiver's idempotency key
    mail.set_content(message.body)
    return mail


class _Pinned:
    """smtplib connecting to the checked addresses in turn; the name stays its host, which its
    TLS (smtps, STARTTLS) verifies the certificate against."""

    def __init__(self, host: str, port: int, addresses: list[tuple], timeout: float, **tls):
        self._addresses = addresses
        super().__init__(host, port, timeout=timeout, **tls)

    def _get_socket(self, host, port, timeout):
        failure: OSError = ConnectionRefusedError()
        for _, sockaddr in self._addresses:
            try:
                return super()._get_socket(sockaddr[0], port, timeout)
            except OSError as error:
                failure = error
        raise failure


class _PinnedSMTP(_Pinned, smtplib.SMTP):
    pass


class _PinnedSMTPS(_Pinned, smtplib.SMTP_SSL):
    pass


def send_mail(message: OutboxMessage, channel: UnitChannel, config) -> None:
    """Deliver one e-mail; Undelivered if no server is set, it is not allowed, or it refuses."""
    if not config["SMTP_URL"]:
        raise Undelivered("YIMA_SMTP_URL is not set")
    try:
        url = urllib.parse.urlsplit(config["SMTP_URL"])
        port = url.port or (465 if url.scheme == "smtps" else 25)
    except ValueError:
        raise Undelivered("YIMA_SMTP_URL is not a valid URL") from None
    if url.scheme not in SMTP_SCHEMES or not url.hostname:
        raise Undelivered("YIMA_SMTP_URL is not a valid URL")
    addresses = resolve(url.hostname, port, settings_reach(config).private_ok)
    timeout = config["NOTIFY_TIMEOUT"]
    try:
        if url.scheme == "smtps":
            client = _PinnedSMTPS(url.hostname, port, addresses, timeout, context=ssl.create_default_context())
        else:
            client = _PinnedSMTP(url.hostname, port, addresses, timeout)
        with client:
            if url.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if url.username:
                client.login(urllib.parse.unquote(url.username), urllib.parse.unquote(url.password or ""))
            client.send_message(build(message, channel.target, config["MAIL_FROM"]))
    except (smtplib.SMTPException, OSError, ValueError) as error:  # ValueError: a header it cannot write
        raise Undelivered(_kind(error)) from None


def _kind(error: Exception) -> str:
    """What went wrong, by kind and SMTP code: never the server's own words."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "SMTP refused the recipient"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"SMTP login refused (code {error.smtp_code})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"SMTP refused (code {error.smtp_code})"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "SMTP server disconnected"
    if isinstance(error, smtplib.SMTPException):
        return f"SMTP failed ({type(error).__name__})"
    if isinstance(error, ssl.SSLError):
        return "SMTP TLS failed"
    if isinstance(error, TimeoutError):
        return "SMTP timed out"
    if isinstance(error, ConnectionRefusedError):
        return "SMTP connection refused"
    if isinstance(error, OSError):
        return "SMTP connection failed"
    return "SMTP: the message cannot be written"
