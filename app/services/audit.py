"""The one audit writer: who did what outside a case's own timeline (sign-ins, refused pages,
phone reveals, exports, poster changes, backups). It adds the row and never commits: the
request (or command) that did the thing commits once, so the row and the deed stand or fall
together."""
from datetime import datetime
from typing import Optional

from sqlalchemy.orm import Session

from app.models import AuditEvent, User


def record_audit(session: Session, now: datetime, action: str, *, actor: Optional[User] = None,
                 user_id: Optional[int] = None, username: str = "", target: str = "", address: str = "",
                 detail: str = "") -> AuditEvent:
    """Add one audit row. `username` names an actor without an account (a failed sign-in, the
    CLI); `user_id` with `username` stands for an actor whose object was rolled back."""
    row = AuditEvent(at=now, user_id=actor.id if actor is not None else user_id,
                     username=_fit(username or (actor.username if actor is not None else ""), 64),
                     action=_fit(action, 40), target=_fit(target, 120), address=_fit(address or "", 64),
                     detail=_fit(detail, 500))
    session.add(row)
    return row


def _fit(text: str, size: int) -> str:
    """`text` cut to its column, a NUL shown as U+FFFD: PostgreSQL's text holds no NUL byte, and a
    refused page's path (/staff/export.%00) is typed by whoever asked for it."""
    return text.replace("\x00", "\ufffd")[:size]
