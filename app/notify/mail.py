"""E-mail to a unit's address over SMTP (YIMA_SMTP_URL: smtp://host:port, smtp+starttls://,
or smtps://, with user:password@ when the server asks for them), from YIMA_MAIL_FROM."""
import smtplib
import ssl
import urllib.parse
from email.message import EmailMessage
from email.utils import formatdate

from app.models import OutboxMessage, UnitChannel
from app.notify.delivery import Undelivered


def build(message: OutboxMessage, to: str, sender: str) -> EmailMessage:
    """The e-mail: plain text (the markdown reads as text), its Message-ID the outbox key."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, message.subject
    mail["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2] or "yima"
    mail["Message-ID"] = f"<{message.key.replace(':', '.')}@{domain}>"  # the receiver's idempotency key
    mail.set_content(message.body)
    return mail


def send_mail(message: OutboxMessage, channel: UnitChannel, smtp_url: str, sender: str, timeout: float) -> None:
    """Deliver one e-mail; Undelivered if no server is set or it refuses."""
    if not smtp_url:
        raise Undelivered("YIMA_SMTP_URL is not set")
    try:
        url = urllib.parse.urlsplit(smtp_url)
        port = url.port or (465 if url.scheme == "smtps" else 25)
    except ValueError:
        raise Undelivered("YIMA_SMTP_URL is not a valid URL") from None
    try:
        if url.scheme == "smtps":
            client = smtplib.SMTP_SSL(url.hostname, port, timeout=timeout, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(url.hostname, port, timeout=timeout)
        with client:
            if url.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if url.username:
                client.login(urllib.parse.unquote(url.username), urllib.parse.unquote(url.password or ""))
            client.send_message(build(message, channel.target, sender))
    except (smtplib.SMTPException, OSError, ValueError) as error:  # ValueError: a header it cannot write
        raise Undelivered(f"SMTP {url.hostname}:{port}: {str(error)[:200]}") from None
